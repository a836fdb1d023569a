"""Mentors suggested to a mentee (``journeys.selectors.suggested_mentors``, Find Mentor's "Suggested for
you"): never one who declined them, let their request expire, had a request withdrawn from them, or
whose relationship with them was withdrawn from or closed; a search still finds each of them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from journeys import selectors
from journeys.services import relationships
from people.tests.factories import make_mentor, make_staff

from .helpers import send, walk_to
from .test_expiry import come_to_expiry

pytestmark = pytest.mark.django_db


def _names(results) -> set[str]:
    return {result.mentor.display_name for result in results}


@pytest.fixture
def passed_over(mentee, settings):
    """Mentors who each match the mentee's profile, and each ended a request or relationship with them."""
    settings.REQUESTS_PER_DAY = 20

    def mentor(first: str):
        return make_mentor(first_name=first, last_name="Mentor", email=f"{first.lower()}@example.com", capacity=3)

    dora, eve, wes, walt, cleo = (mentor(name) for name in ("Dora", "Eve", "Wes", "Walt", "Cleo"))
    relationships.decline_request(send(mentee, dora), dora, "No time now.")
    assert come_to_expiry(send(mentee, eve)) == 1
    relationships.withdraw_request(send(mentee, wes), mentee, "Changed my mind.")
    relationships.withdraw(walk_to(send(mentee, walt), mentee, walt, "arranging"), walt, "Moving abroad.")
    relationships.close_by_staff(send(mentee, cleo), make_staff(), "Cleo is on long leave.")
    return {"Dora Mentor", "Eve Mentor", "Wes Mentor", "Walt Mentor", "Cleo Mentor"}


def test_find_mentor_suggests_none_of_the_mentors_who_ended_a_request_or_relationship(client, mentee, passed_over):
    sam = make_mentor(first_name="Sam", last_name="Suggested", email="sam@example.com")
    suggested = _names(selectors.suggested_mentors(mentee, limit=10))
    assert sam.display_name in suggested and not suggested & passed_over

    client.force_login(mentee)
    found = client.get(reverse("find_mentor"))
    assert found.context["mode"] == "suggestions"
    listed = _names(found.context["page"].results)
    assert sam.display_name in listed and not listed & passed_over
    assert found.context["page"].total == 1  # the count leaves them out too

    # A search still finds every one of them.
    searched = client.get(reverse("find_mentor"), {"full": "end"})
    assert searched.context["mode"] == "search"
    assert passed_over <= _names(searched.context["page"].results)


def test_a_mentee_whose_only_request_is_withdrawn_is_suggested_other_mentors(client, mentee, mentor):
    sam = make_mentor(first_name="Sam", last_name="Suggested", email="sam@example.com")
    rel = send(mentee, mentor)
    client.force_login(mentee)
    assert 'id="suggested-head"' not in client.get(reverse("relationships")).content.decode()  # it waits

    relationships.withdraw_request(rel, mentee, "Not now.")
    page = client.get(reverse("relationships")).content.decode()
    section = page.split('id="suggested-head"')[1].split("</section>")[0]
    assert sam.display_name in section and mentor.display_name not in section
    assert reverse("relationship", args=[rel.pk]) in page  # the withdrawn request is still listed

    relationships.reinstate_request(rel, mentee)
    assert 'id="suggested-head"' not in client.get(reverse("relationships")).content.decode()


def test_asking_a_mentor_who_declined_before_says_so_with_the_date_and_may_go_ahead(client, mentee, mentor):
    """Not refused (no rule says a mentee may not ask again), but said before they ask, on the form and
    the preview: when the mentor declined and what they wrote."""
    client.force_login(mentee)
    url = reverse("request_new", args=[mentor.pk])
    assert 'id="declined-before"' not in client.get(url).content.decode()

    relationships.decline_request(send(mentee, mentor), mentor, "I am full until June.")
    today = timezone.localdate()
    said = (
        f"Alice Kember declined a request of yours on {today.day} {today:%B} {today.year}. "
        "They wrote: “I am full until June.”"
    )
    form_page = client.get(url).content.decode()
    assert said in form_page and "You can ask them again" in form_page
    area = mentee.profile.areas.first()
    preview = client.post(url, {"area": area.pk, "statement": "My plans have changed.", "preview": "1"})
    assert said in preview.content.decode()
    sent = client.post(url, {"area": area.pk, "statement": "My plans have changed.", "send": "1"})
    assert sent.status_code == 302  # asked again


def test_the_mentor_asked_again_is_reminded_they_declined_before(client, mentee, mentor):
    first = send(mentee, mentor)
    client.force_login(mentor)
    page = client.get(reverse("next_step", args=[first.pk]), follow=True).content.decode()
    assert "Mentoring request from John Smith" in page and 'id="declined-before"' not in page

    relationships.decline_request(first, mentor, "I am full until June.")
    again = send(mentee, mentor, statement="My plans have changed: I can wait until June.")
    page = client.get(reverse("next_step", args=[again.pk]), follow=True).content.decode()
    today = timezone.localdate()
    assert (
        f"You declined a request from John Smith on {today.day} {today:%B} {today.year}. They have asked you "
        "again: their statement may say what has changed. You wrote to them then: “I am full until June.”"
    ) in page
