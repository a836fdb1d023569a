"""Ask Question and Mentor Request: who must NOT get in.

Both pages fetch the mentor through ``people.selectors.access_mentor``, so a person who is
not listed as a mentor to the viewer (not a mentor, deactivated, anonymised, an unfinished
profile, no such account) answers 404 by URL, exactly as their profile page does.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from journeys.models import Conversation, Relationship
from people.models import AreaOfSupport, Profile
from people.tests.factories import PASSWORD, make_mentee, make_mentor

pytestmark = pytest.mark.django_db

PAGES = ["request_new", "ask_question"]


def _not_a_mentor():
    return make_mentee()


def _deactivated():
    user = make_mentor()
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


def _anonymised():
    user = make_mentor()
    user.anonymised_at = timezone.now()
    user.save(update_fields=["anonymised_at"])
    return user


def _unfinished_profile():
    user = make_mentor()
    Profile.objects.filter(user=user).update(completed_at=None)
    return user


UNLISTED = {
    "not a mentor": _not_a_mentor,
    "deactivated": _deactivated,
    "anonymised": _anonymised,
    "unfinished profile": _unfinished_profile,
}


def _posts(page: str) -> dict:
    if page == "request_new":
        area = AreaOfSupport.objects.first()
        return {"area": area.pk, "statement": "I would like help with my networking skills.", "send": "1"}
    return {"body": "Do you mentor planners?"}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", list(UNLISTED))
def test_a_person_not_listed_as_a_mentor_is_not_found(client, mentee, page, who):
    target = UNLISTED[who]()
    client.login(email=mentee.email, password=PASSWORD)
    url = reverse(page, args=[target.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, _posts(page)).status_code == 404
    assert not Relationship.objects.filter(mentor=target).exists()
    assert not Conversation.objects.filter(mentor=target).exists()


@pytest.mark.parametrize("page", PAGES)
def test_no_such_account_is_not_found(client, mentee, page):
    client.login(email=mentee.email, password=PASSWORD)
    assert client.get(reverse(page, args=[987654])).status_code == 404


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    "change",
    [{}, {"accepting_requests": False}, {"away_until": dt.date(2099, 3, 1)}],
    ids=["open", "paused", "away"],
)
def test_a_listed_mentor_opens(client, mentee, page, change):
    mentor = make_mentor()
    Profile.objects.filter(user=mentor).update(**change)
    client.login(email=mentee.email, password=PASSWORD)
    assert client.get(reverse(page, args=[mentor.pk])).status_code == 200


def test_a_paused_mentor_is_listed_but_takes_no_request(client, mentee):
    """Paused (or away) mentors keep their profile and Ask Question; the request is refused in words."""
    mentor = make_mentor(accepting_requests=False)
    client.login(email=mentee.email, password=PASSWORD)
    resp = client.post(reverse("request_new", args=[mentor.pk]), _posts("request_new"))
    assert resp.status_code == 200
    assert "has paused new mentoring requests for now" in resp.content.decode()
    assert not Relationship.objects.filter(mentor=mentor).exists()


def test_anonymous_visitors_are_sent_to_log_in(client, mentor):
    for page in PAGES:
        resp = client.get(reverse(page, args=[mentor.pk]))
        assert resp.status_code == 302 and "login" in resp.url


def test_a_second_mentee_cannot_reach_a_deactivated_mentor_they_once_asked(client):
    mentee = make_mentee()
    mentor = make_mentor()
    client.login(email=mentee.email, password=PASSWORD)
    assert client.post(reverse("ask_question", args=[mentor.pk]), _posts("ask_question")).status_code == 302
    mentor.is_active = False
    mentor.save(update_fields=["is_active"])
    assert client.get(reverse("ask_question", args=[mentor.pk])).status_code == 404
    assert client.get(reverse("request_new", args=[mentor.pk])).status_code == 404


@pytest.mark.parametrize(
    "who, says",
    [
        ("paused", "Bea Best has paused new mentoring requests for now."),
        ("away", "Bea Best is away until 1 March 2099."),
        ("full", "Bea Best is supporting as many mentees as they can at the moment."),
        ("asked", "You already have an open request or relationship with Bea Best."),
    ],
)
def test_the_request_page_says_at_once_why_no_request_can_be_sent(client, mentee, who, says):
    """The service's own words, before anything is typed; no form to fill in for nothing."""
    from journeys.services import relationships
    from people.tests.search_helpers import fill_capacity

    mentor = make_mentor(first_name="Bea", last_name="Best", capacity=1)
    if who == "paused":
        Profile.objects.filter(user=mentor).update(accepting_requests=False)
    elif who == "away":
        Profile.objects.filter(user=mentor).update(away_until=dt.date(2099, 3, 1))
    elif who == "full":
        fill_capacity(mentor)
    else:
        relationships.send_request(mentee, mentor, AreaOfSupport.objects.first(), "I would like help, please.")
    client.login(email=mentee.email, password=PASSWORD)
    page = client.get(reverse("request_new", args=[mentor.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert says in html
    assert 'name="statement"' not in html and "Preview request" not in html
    assert reverse("mentor_profile", args=[mentor.pk]) in html


def test_a_mentor_who_takes_requests_gets_the_form(client, mentee):
    mentor = make_mentor(first_name="Bea", last_name="Best")
    client.login(email=mentee.email, password=PASSWORD)
    html = client.get(reverse("request_new", args=[mentor.pk])).content.decode()
    assert 'name="statement"' in html and "Preview request" in html
    assert "not taking" not in html and "paused" not in html
