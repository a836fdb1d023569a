"""Destructive actions ask first, on a page of their own that works without JavaScript: delete a
goal, cancel a meeting, withdraw a request (withdrawing from a relationship has its own page with
a reason; staff closing a relationship: staff/tests/test_cases.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from journeys.models import Goal, Meeting, State
from notifications.models import Notification
from people.tests.factories import PASSWORD

from .helpers import goal, send, walk_to

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def rel(mentee, mentor):
    return walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")


def form_action(page: str) -> str:
    import re

    return re.search(r'<form method="post" action="([^"]+)" class="stacked"', page).group(1)


def test_deleting_a_goal_asks_first(client, rel, mentee, mentor):
    g = goal(rel, mentee, "Grow my network")
    login(client, mentee)
    goals_page = client.get(reverse("goals", args=[rel.pk])).content.decode()
    confirm = reverse("goal_delete_confirm", args=[g.pk])
    assert f'href="{confirm}"' in goals_page
    assert f'action="{reverse("goal_action", args=[g.pk, "delete"])}"' not in goals_page  # no one-click delete
    page = client.get(confirm).content.decode()
    assert "Delete the goal “Grow my network”?" in page and "This cannot be undone." in page
    assert form_action(page) == reverse("goal_action", args=[g.pk, "delete"])
    assert Goal.objects.filter(pk=g.pk).exists()  # opening the page changes nothing
    client.post(form_action(page))
    assert not Goal.objects.filter(pk=g.pk).exists()


def test_only_the_goals_owner_is_asked(client, rel, mentee, mentor):
    g = goal(rel, mentee)
    login(client, mentor)
    resp = client.get(reverse("goal_delete_confirm", args=[g.pk]), follow=True)
    assert "Only the person who set this goal can change it" in resp.content.decode()
    assert Goal.objects.filter(pk=g.pk).exists()


def test_cancelling_a_meeting_asks_first_and_may_leave_the_other_untold(client, rel, mentee, mentor):
    meeting = rel.meetings.get()
    login(client, mentee)
    confirm = reverse("meeting_cancel_confirm", args=[meeting.pk])
    assert f'href="{confirm}"' in client.get(reverse("meetings", args=[rel.pk])).content.decode()
    page = client.get(confirm).content.decode()
    assert "Cancel the meeting “First conversation”?" in page
    assert "Tell Alice Kember (they are emailed a calendar cancellation)" in page
    assert Meeting.objects.get(pk=meeting.pk).cancelled_at is None
    client.post(form_action(page), {"send_details": ""})  # the box unticked: only the hidden empty value
    assert Meeting.objects.get(pk=meeting.pk).cancelled_at is not None
    assert not Notification.objects.filter(recipient=mentor, event="meeting_cancelled").exists()
    again = client.get(confirm, follow=True).content.decode()
    assert "This meeting is already cancelled." in again


def test_cancelling_with_the_box_ticked_tells_the_other(client, rel, mentee, mentor):
    meeting = rel.meetings.get()
    login(client, mentee)
    page = client.get(reverse("meeting_cancel_confirm", args=[meeting.pk])).content.decode()
    client.post(form_action(page), {"send_details": ["", "1"]})  # hidden, then the ticked box
    assert Notification.objects.filter(recipient=mentor, event="meeting_cancelled").exists()


def test_withdrawing_a_request_asks_first(client, mentee, mentor):
    rel = send(mentee, mentor)
    login(client, mentee)
    confirm = reverse("request_withdraw_confirm", args=[rel.pk])
    assert f'href="{confirm}"' in client.get(reverse("relationship", args=[rel.pk])).content.decode()
    page = client.get(confirm).content.decode()
    assert "Withdraw your request to Alice Kember?" in page and 'name="reason"' in page
    rel.refresh_from_db()
    assert rel.state == State.REQUESTED
    client.post(form_action(page), {"reason": "Found help closer to home"})
    rel.refresh_from_db()
    assert rel.state == State.REQUEST_WITHDRAWN
    assert "no longer waiting" in client.get(confirm, follow=True).content.decode()
    client.logout()
    login(client, mentor)
    assert client.get(confirm).status_code == 404  # the mentee's request, not the mentor's
