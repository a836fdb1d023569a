"""The mentor profile page: who they are, whether they take requests, how quickly they answer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from journeys.models import Conversation, Relationship, StateChange
from people.models import DefaultRegion, Profile
from people.selectors import Responsiveness
from people.tests.factories import make_mentee
from people.tests.search_helpers import CAREER, NETWORKING, area, fill_capacity, mentor_with

pytestmark = pytest.mark.django_db


def profile_url(user) -> str:
    return reverse("mentor_profile", args=[user.pk])


@pytest.fixture
def alice():
    return mentor_with(
        "Alice",
        last_name="Kember",
        areas=(NETWORKING, CAREER),
        role_name="Operations",
        community_name="Logistics",
        region=DefaultRegion.NORTH_WEST,
        biography="Twelve years coordinating transport.",
        experience="Built a networking group for women in transport.",
        job_title="Transport Co-ordinator",
        organisation="Mango Logistics",
        capacity=3,
    )


def test_the_profile_shows_who_the_mentor_is_but_not_their_contact_details(client, mentee, alice):
    Profile.objects.filter(user=alice).update(phone="07700 900123")
    client.force_login(mentee)

    response = client.get(profile_url(alice))

    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Alice Kember",
        '<div class="avatar" aria-hidden="true">AK</div>',
        "Transport Co-ordinator · Mango Logistics",
        "Operations",
        "Logistics",
        "North West England",
        "Networking and networking skills",
        "Career progression",
        "Twelve years coordinating transport.",
        "Built a networking group for women in transport.",
        "Open to requests",
        "3 of 3",
    ):
        assert text in html, text
    assert alice.email not in html
    assert "07700 900123" not in html
    assert response.context["nav"] == "find"


def test_a_mentee_can_send_a_mentor_request_or_ask_a_question(client, mentee, alice):
    client.force_login(mentee)
    html = client.get(profile_url(alice)).content.decode()
    assert f'href="{reverse("request_new", args=[alice.pk])}">Mentor Request</a>' in html
    assert f'href="{reverse("ask_question", args=[alice.pk])}">Ask Question</a>' in html


def test_an_existing_request_replaces_mentor_request(client, mentee, alice):
    rel = Relationship.objects.create(
        mentee=mentee,
        mentor=alice,
        conversation=Conversation.objects.create(mentee=mentee, mentor=alice),
        area=area(NETWORKING),
        statement="Please",
    )
    client.force_login(mentee)

    html = client.get(profile_url(alice)).content.decode()

    assert f'href="{reverse("relationship", args=[rel.pk])}">Request awaiting the mentor</a>' in html
    assert ">Mentor Request</a>" not in html
    assert ">Ask Question</a>" in html


@pytest.mark.parametrize(
    "change, shown",
    [
        ({"accepting_requests": False}, "Not taking new requests for now."),
        ({"away_until": dt.date(2099, 3, 1)}, "Away until 1 March 2099."),
        ({"accepting_requests": False, "away_until": dt.date(2099, 3, 1)}, "back on 1 March 2099"),
    ],
)
def test_paused_or_away_mentors_say_so_and_take_no_request(client, mentee, alice, change, shown):
    Profile.objects.filter(user=alice).update(**change)
    client.force_login(mentee)
    html = client.get(profile_url(alice)).content.decode()
    assert shown in html
    assert ">Mentor Request</a>" not in html
    assert "is not taking new mentoring requests right now" in html


def test_a_full_mentor_shows_no_places_left(client, mentee, alice):
    fill_capacity(alice)
    client.force_login(mentee)
    html = client.get(profile_url(alice)).content.decode()
    assert "Supporting as many mentees as they can at the moment." in html
    assert "0 of 3" in html
    assert ">Mentor Request</a>" not in html


def _answered(mentor, delays_in_hours: list[float]) -> None:
    start = timezone.now() - dt.timedelta(days=60)
    for number, hours in enumerate(delays_in_hours):
        mentee = make_mentee()
        asked_at = start + dt.timedelta(days=number)
        rel = Relationship.objects.create(
            mentee=mentee,
            mentor=mentor,
            conversation=Conversation.objects.create(mentee=mentee, mentor=mentor),
            area=area(NETWORKING),
            statement="Please",
            state="declined",
            created_at=asked_at,
        )
        StateChange.objects.create(
            relationship=rel,
            actor=mentor,
            action="decline" if number % 2 else "accept",
            from_state="requested",
            to_state="declined",
            at=asked_at + dt.timedelta(hours=hours),
        )


def test_responsiveness_appears_once_three_requests_are_answered(client, mentee, alice):
    client.force_login(mentee)
    _answered(alice, [30, 50])
    assert "Answers requests" not in client.get(profile_url(alice)).content.decode()

    _answered(alice, [40])
    html = client.get(profile_url(alice)).content.decode()
    assert "Usually within 2 days" in html  # the median of 30, 40 and 50 hours
    assert "last 3 answered requests" in html


@pytest.mark.parametrize(
    "hours, words",
    [
        (0.5, "within an hour"),
        (5, "within 5 hours"),
        (26, "within a day"),
        (24 * 4, "within 4 days"),
        (24 * 21, "within 3 weeks"),
    ],
)
def test_responsiveness_in_words(hours, words):
    assert Responsiveness(typical=dt.timedelta(hours=hours), answered=3).in_words == words


def test_mentors_see_their_own_profile_as_mentees_do(client, alice):
    client.force_login(alice)
    html = client.get(profile_url(alice)).content.decode()
    assert "This is how mentees see your mentor profile." in html
    assert ">Mentor Request</a>" not in html and ">Ask Question</a>" not in html


def test_people_who_are_not_listed_mentors_are_not_found(client, mentee, alice):
    client.force_login(mentee)
    other_mentee = make_mentee()
    assert client.get(profile_url(other_mentee)).status_code == 404
    assert client.get(reverse("mentor_profile", args=[987654])).status_code == 404

    get_user_model().objects.filter(pk=alice.pk).update(is_active=False)
    assert client.get(profile_url(alice)).status_code == 404
    get_user_model().objects.filter(pk=alice.pk).update(is_active=True, anonymised_at=timezone.now())
    assert client.get(profile_url(alice)).status_code == 404


def test_the_profile_needs_a_login(client, alice):
    response = client.get(profile_url(alice))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_back_link_returns_to_the_last_search(client, mentee, alice):
    client.force_login(mentee)
    client.get(reverse("find_mentor"), {"q": "transport"})
    response = client.get(profile_url(alice))
    assert response.context["back_url"] == reverse("find_mentor") + "?q=transport&full=end"
