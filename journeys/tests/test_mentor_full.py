"""A mentor with no place left and a request still waiting for them: the review page and the email's
accept page say so before Accept is pressed, addressed to the mentor, with what they can do (raise
"Mentees at once" in their profile, or decline); pressing Accept anyway is refused with the same words."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from journeys import answer_links
from journeys.models import Relationship, State
from journeys.selectors import task_url
from journeys.services import relationships
from journeys.services.base import Refused
from people.tests.factories import make_mentee

from .helpers import open_task, send

pytestmark = pytest.mark.django_db

FULL = "You already mentor as many mentees as your profile has room for (Mentees at once: 1)"
WHAT_TO_DO = (
    "raise that number in your profile first; if you cannot, decline it so that John Smith can ask another mentor"
)


@pytest.fixture
def full_mentor_with_a_request(mentee, mentor):
    """Alice (room for one) accepted Bea; John's request still waits for her."""
    mentor.profile.capacity = 1
    mentor.profile.save()
    waiting = send(mentee, mentor)
    relationships.accept_request(send(make_mentee(first_name="Bea", email="bea@example.com"), mentor), mentor)
    return waiting


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_accepting_with_no_place_left_tells_the_mentor_what_to_do(full_mentor_with_a_request, mentor):
    with pytest.raises(Refused) as refused:
        relationships.accept_request(full_mentor_with_a_request, mentor)
    assert FULL in refused.value.message and WHAT_TO_DO in refused.value.message
    assert Relationship.objects.get(pk=full_mentor_with_a_request.pk).state == State.REQUESTED


def test_the_mentee_reinstating_is_told_the_mentor_is_full(mentee, mentor):
    mentor.profile.capacity = 1
    mentor.profile.save()
    rel = send(mentee, mentor)
    relationships.withdraw_request(rel, mentee)
    relationships.accept_request(send(make_mentee(email="bea@example.com"), mentor), mentor)
    with pytest.raises(Refused, match="The mentor already supports as many mentees as they have room for"):
        relationships.reinstate_request(rel, mentee)


def test_the_review_page_says_it_before_accept_is_pressed(client, full_mentor_with_a_request, mentor):
    url = task_url(open_task(full_mentor_with_a_request, mentor))
    client.force_login(mentor)
    page = client.get(url)
    body = page.content.decode()
    assert FULL in text(page) and WHAT_TO_DO in text(page)
    assert body.index('id="no-place"') < body.index('name="accept"')
    assert f'href="{reverse("profile")}"' in body[body.index('id="no-place"') :]
    # pressed anyway: refused with the same words, nothing changed
    refused = client.post(url, {"accept": "1", "message": ""})
    assert refused.status_code == 200 and FULL in text(refused)
    assert Relationship.objects.get(pk=full_mentor_with_a_request.pk).state == State.REQUESTED


def test_a_mentor_with_a_place_left_is_told_nothing_of_the_kind(client, mentee, mentor):
    rel = send(mentee, mentor)
    client.force_login(mentor)
    page = client.get(task_url(open_task(rel, mentor)))
    assert page.status_code == 200 and 'id="no-place"' not in page.content.decode()


def test_the_emails_accept_page_says_it_too_but_not_its_decline_page(client, full_mentor_with_a_request, mentor):
    rel, task = full_mentor_with_a_request, open_task(full_mentor_with_a_request, mentor)
    accept_page = client.get(answer_links.url_for(rel.pk, task.pk, "accept"))
    assert accept_page.status_code == 200
    assert FULL in text(accept_page) and WHAT_TO_DO in text(accept_page)
    assert 'id="no-place"' not in client.get(answer_links.url_for(rel.pk, task.pk, "decline")).content.decode()


def test_the_mentee_whose_request_waits_for_a_full_mentor_is_told_and_offered_another(
    client, full_mentor_with_a_request, mentee, mentor
):
    client.force_login(mentee)
    url = reverse("relationship", args=[full_mentor_with_a_request.pk])
    page = text(client.get(url))
    assert "Alice Kember has no place free at the moment" in page
    assert "so you may want to ask another mentor as well" in page
    assert f'href="{reverse("find_mentor")}"' in client.get(url).content.decode().split('id="mentor-full"', 1)[1]
    # the mentor makes room: the notice goes
    mentor.profile.capacity = 2
    mentor.profile.save()
    assert 'id="mentor-full"' not in client.get(url).content.decode()


def test_a_mentee_whose_mentor_has_room_is_told_nothing_of_the_kind(client, mentee, mentor):
    rel = send(mentee, mentor)
    client.force_login(mentee)
    assert 'id="mentor-full"' not in client.get(reverse("relationship", args=[rel.pk])).content.decode()
