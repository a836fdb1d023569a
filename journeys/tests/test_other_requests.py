"""Once a mentor accepts, the mentee sees their other open requests and withdraws each in one click;
the other mentors are thanked politely. The acceptance email offers the same."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from journeys.models import Relationship, State
from journeys.services import relationships
from notifications.models import Notification
from people.tests.factories import make_mentee, make_mentor

from .helpers import open_task_names, send

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def three_requests(mentee, mentor):
    second = make_mentor(first_name="Bea", last_name="Second", email="bea@example.com")
    third = make_mentor(first_name="Cal", last_name="Third", email="cal@example.com")
    accepted = send(mentee, mentor)
    others = [send(mentee, second), send(mentee, third)]
    return accepted, others


def test_the_acceptance_email_names_the_other_requests_and_links_the_page(three_requests, mentee, mentor):
    accepted, others = three_requests
    mail.outbox.clear()
    relationships.accept_request(accepted, mentor)
    [email] = [m for m in mail.outbox if m.to == [mentee.email]]
    url = reverse("other_requests", args=[accepted.pk])
    for other in others:
        assert other.mentor.display_name in email.body
    assert url in email.body and url in email.alternatives[0][0]
    assert "withdraw them in one click" in email.body


def test_no_prompt_when_there_is_nothing_else_waiting(mentee, mentor):
    rel = send(mentee, mentor)
    mail.outbox.clear()
    relationships.accept_request(rel, mentor)
    [email] = [m for m in mail.outbox if m.to == [mentee.email]]
    assert reverse("other_requests", args=[rel.pk]) not in email.body


def test_the_relationship_page_prompts_and_the_page_withdraws_one_at_a_time(client, three_requests, mentee, mentor):
    accepted, (second, third) = three_requests
    relationships.accept_request(accepted, mentor)
    client.force_login(mentee)
    page = client.get(reverse("relationship", args=[accepted.pk])).content.decode()
    assert "2 other requests waiting" in page and reverse("other_requests", args=[accepted.pk]) in page

    url = reverse("other_requests", args=[accepted.pk])
    listing = client.get(url).content.decode()
    assert second.mentor.display_name in listing and third.mentor.display_name in listing
    assert listing.count('name="request"') == 2 and "<script" not in listing.split("<main")[-1]

    mail.outbox.clear()
    done = client.post(url, {"request": second.pk}, follow=True)
    assert "has been withdrawn" in done.content.decode()
    assert Relationship.objects.get(pk=second.pk).state == State.REQUEST_WITHDRAWN
    assert Relationship.objects.get(pk=third.pk).state == State.REQUESTED
    assert open_task_names(Relationship.objects.get(pk=second.pk)) == ["reinstate_request"]
    # the other mentor is thanked, politely, by name of the mentee; the mentee is not emailed about it
    [thanks] = mail.outbox
    assert thanks.to == [second.mentor.email]
    assert mentee.display_name in thanks.subject and "Thank you for considering it" in thanks.body
    assert not Notification.objects.filter(recipient=mentee, event="request_withdrawn_confirmation").exists()

    again = client.post(url, {"request": second.pk}, follow=True)  # twice: nothing more happens
    assert "no longer waiting" in again.content.decode()
    assert Notification.objects.filter(event="request_withdrawn_matched").count() == 1


def test_only_the_mentee_sees_it_and_only_their_own_requests_can_be_withdrawn(client, three_requests, mentee, mentor):
    accepted, (second, _third) = three_requests
    relationships.accept_request(accepted, mentor)
    url = reverse("other_requests", args=[accepted.pk])
    client.force_login(mentor)
    assert client.get(url).status_code == 404
    assert client.post(url, {"request": second.pk}).status_code == 404
    stranger_request = send(make_mentee(email="zed@example.com"), second.mentor)
    client.force_login(mentee)
    for bad in (stranger_request.pk, accepted.pk, "x", ""):
        client.post(url, {"request": bad})
    assert Relationship.objects.get(pk=stranger_request.pk).state == State.REQUESTED
    assert Relationship.objects.get(pk=accepted.pk).state == State.ARRANGING


def test_before_a_match_the_page_sends_the_mentee_back(client, mentee, mentor):
    rel = send(mentee, mentor)
    client.force_login(mentee)
    response = client.get(reverse("other_requests", args=[rel.pk]))
    assert response.status_code == 302 and response.url == reverse("relationship", args=[rel.pk])
