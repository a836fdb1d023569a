"""Destructive actions ask first, on a page of their own that works without JavaScript: delete a
goal, cancel a meeting, withdraw a request (withdrawing from a relationship has its own page with
a reason; staff closing a relationship: staff/tests/test_cases.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from journeys.models import Goal, Meeting, State
from notifications.models import Notification
from people.tests.factories import PASSWORD, make_mentee

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


def test_a_request_withdrawal_reason_too_long_is_shown_again_on_the_confirmation_page(client, mentee, mentor):
    rel = send(mentee, mentor)
    login(client, mentee)
    action = form_action(client.get(reverse("request_withdraw_confirm", args=[rel.pk])).content.decode())
    reason = "I found help closer to home. " + "r" * 2000
    resp = client.post(action, {"reason": reason})
    page = resp.content.decode()
    assert resp.status_code == 400
    assert "Withdraw your request to Alice Kember?" in page
    assert 'id="id_reason_error"' in page and "at most 2000 characters" in page  # on the field
    assert "Reason: Ensure" not in page
    assert reason in page and form_action(page) == action
    rel.refresh_from_db()
    assert rel.state == State.REQUESTED
    client.post(action, {"reason": reason[:2000]})
    rel.refresh_from_db()
    assert rel.state == State.REQUEST_WITHDRAWN


def test_every_other_reason_too_long_is_shown_again_on_its_page_with_the_text_kept(client, mentee, mentor, staff):
    """Withdrawing from a relationship, declining (the review step and the email's link), raising a concern,
    staff closing a relationship: the page again, the error on the field, nothing typed lost."""
    from journeys import answer_links

    from .helpers import open_task

    matched = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    waiting = send(make_mentee(first_name="Rey"), mentor)
    long = "Because " + "w" * 5000

    def check(resp, field_id):
        page = resp.content.decode()
        assert resp.status_code in (200, 400), resp.status_code
        assert f'id="{field_id}_error"' in page and "at most" in page
        assert long in page

    login(client, mentee)
    check(client.post(reverse("withdraw", args=[matched.pk]), {"reason": long}), "id_reason")
    check(client.post(reverse("raise_concern", args=[matched.pk]), {"message": long}), "id_message")
    login(client, mentor)
    task = open_task(waiting, mentor)
    step = task.flow_task.reverse("execute", args=[task.process_id, task.pk])
    check(client.post(step, {"message": long, "decline": "1"}), "id_message")
    client.logout()
    decline = answer_links.urls(waiting)["decline"].split("://", 1)[1].split("/", 1)[1]
    check(client.post("/" + decline, {"message": long}), "id_message")
    for rel in (matched, waiting):
        rel.refresh_from_db()
    assert (matched.state, waiting.state) == (State.ARRANGING, State.REQUESTED)
