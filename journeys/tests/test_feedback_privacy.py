"""Feedback is seen by its author and by programme staff only (the form promises it)."""

import re
from html import unescape

import pytest
from django.urls import reverse

from journeys.forms import FeedbackForm

from .helpers import send, walk_to

pytestmark = pytest.mark.django_db


def text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def _page(client, user, rel):
    client.force_login(user)
    return client.get(reverse("relationship", args=[rel.pk])).content.decode()


def test_each_participant_sees_only_their_own_feedback_and_staff_see_both(client, mentee, mentor, staff):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "completed")  # mentee says "Great", mentor "Good"
    mentee_page = _page(client, mentee, rel)
    assert "Great" in mentee_page and "5 out of 5" in mentee_page
    assert "Good" not in mentee_page and "4 out of 5" not in mentee_page
    mentor_page = _page(client, mentor, rel)
    assert "Good" in mentor_page and "4 out of 5" in mentor_page
    assert "Great" not in mentor_page and "5 out of 5" not in mentor_page
    staff_page = _page(client, staff, rel)
    assert "Great" in staff_page and "Good" in staff_page


def test_the_rating_starts_with_nothing_chosen_and_the_form_says_who_sees_it():
    html = str(FeedbackForm()["rating"])
    assert "---------" not in html
    assert "checked" not in html
    form = FeedbackForm(data={"comments": "x"})
    assert not form.is_valid()
    assert form.errors["rating"] == ["Choose a rating from 1 to 5."]
    with open("templates/journeys/steps/give_feedback.html") as fh:
        assert "Only you and the programme staff will see" in fh.read()


def test_staff_without_the_permission_see_feedback_on_the_relationship_page_without_its_authors(client, mentee, mentor):
    from people.tests.factories import make_staff

    rel = walk_to(send(mentee, mentor), mentee, mentor, "completed")  # John says "Great", Alice "Good"
    support = make_staff(role="support", email="support@example.com")
    page = text(_page(client, support, rel))
    # (each comment is in an element of its own, its direction its own: dir="auto")
    assert re.search(r"5 out of 5, “ ?Great", page) and re.search(r"4 out of 5, “ ?Good", page)
    assert "John Smith:" not in page and "Alice Kember:" not in page
    assert "shown only to staff with permission to see feedback authors" in page

    manager = make_staff(email="manager@example.com")  # project.see_feedback_authors
    page = text(_page(client, manager, rel))
    assert "John Smith: 5 out of 5" in page and "Alice Kember: 4 out of 5" in page

    # The participants see exactly their own, with their name, as before.
    page = text(_page(client, mentee, rel))
    assert "John Smith: 5 out of 5" in page and "Good" not in page
    assert "shown only to staff" not in page
    page = text(_page(client, mentor, rel))
    assert "Alice Kember: 4 out of 5" in page and "Great" not in page
