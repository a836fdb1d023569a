"""The same form sent twice (a double click, Back and send again) is one intention: one goal, one
progress entry, one worksheet comment, one meeting and one email; the second sending shows the first result."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from journeys.models import Goal, GoalEntry, WorksheetComment
from journeys.services import activity
from journeys.services import worksheets as service
from people.tests.factories import PASSWORD

from .helpers import send, walk_to
from .test_entered_dates import boxes

pytestmark = pytest.mark.django_db


@pytest.fixture
def rel(mentee, mentor):
    return walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")


def test_a_goal_sent_twice_is_made_once(client, rel, mentee):
    client.login(email=mentee.email, password=PASSWORD)
    data = {"goal-label": "Speak at a meetup", "goal-details": "A short talk", "goal-no_due_date": "on"}
    for _ in range(2):
        resp = client.post(reverse("goals", args=[rel.pk]), data, follow=True)
        assert "Goal successfully saved." in resp.content.decode()
    assert Goal.objects.filter(relationship=rel, label="Speak at a meetup").count() == 1
    assert rel.history.filter(action="create_goal", note="Speak at a meetup").count() == 1
    # Another goal, or the same words with other details, is another goal.
    client.post(reverse("goals", args=[rel.pk]), {**data, "goal-details": "A longer talk"})
    assert Goal.objects.filter(relationship=rel, label="Speak at a meetup").count() == 2


def test_a_goal_entry_sent_twice_is_recorded_once(client, rel, mentee):
    goal = activity.create_goal(rel, mentee, label="Grow my network", due_date=None)
    client.login(email=mentee.email, password=PASSWORD)
    for kind in ("milestone", "review", "outcome"):
        data = {"entry-kind": kind, "entry-text": f"My {kind}"}
        for _ in range(2):
            resp = client.post(reverse("goal_action", args=[goal.pk, "entry"]), data)
            assert resp.status_code == 302
        assert GoalEntry.objects.filter(goal=goal, kind=kind).count() == 1
        assert rel.history.filter(action=f"add_{kind}").count() == 1


def test_a_worksheet_comment_sent_twice_is_one_comment_and_one_email(
    client, rel, mentee, mentor, django_capture_on_commit_callbacks
):
    service.save_worksheet(rel, mentee, kind="swot", answers={"strengths": "Planning"})
    client.login(email=mentor.email, password=PASSWORD)
    url = reverse("worksheet", args=[rel.pk, "swot"])
    mail.outbox.clear()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            resp = client.post(url, {"action": "comment", "comment-text": "Add your languages."}, follow=True)
        assert "Your comment is added." in resp.content.decode()
    assert WorksheetComment.objects.filter(worksheet__relationship=rel).count() == 1
    assert len([m for m in mail.outbox if m.to == [mentee.email] and "comment" in m.subject.lower()]) == 1
    assert rel.history.filter(action="comment_worksheet").count() == 1


def meeting_form(client, url) -> dict:
    """What the person's browser sends from the page as shown: its hidden fields and a meeting."""
    page = client.get(url).content.decode()
    (submission,) = re.findall(r'name="submission" value="([0-9a-f-]+)"', page)
    day = timezone.localdate() + dt.timedelta(days=7)
    return {
        **boxes("date", day),
        "start_time": "10:00",
        "duration": "60",
        "title": "Catch-up",
        "send_details": "on",
        "submission": submission,
    }


def test_a_meeting_form_sent_twice_is_one_meeting_and_one_invite(
    client, rel, mentee, mentor, django_capture_on_commit_callbacks
):
    client.login(email=mentee.email, password=PASSWORD)
    url = reverse("meeting_new", args=[rel.pk])
    data = meeting_form(client, url)
    mail.outbox.clear()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            resp = client.post(url, data, follow=True)
        assert "Meeting saved." in resp.content.decode()
    assert rel.meetings.filter(title="Catch-up").count() == 1
    assert rel.history.filter(action="create_meeting", note="Catch-up").count() == 1
    invites = [m for m in mail.outbox if m.to == [mentor.email] and "Catch-up" in m.body]
    assert len(invites) == 1, [m.subject for m in mail.outbox]
    # The same page sent again with another time (Back, a change, Save) is another meeting.
    client.post(url, {**data, "start_time": "11:00"})
    assert rel.meetings.filter(title="Catch-up").count() == 2
    # A new showing of the page is a new form: the same meeting typed again is made again.
    client.post(url, meeting_form(client, url))
    assert rel.meetings.filter(title="Catch-up").count() == 3


def test_a_meeting_cancelled_then_sent_again_from_its_form_is_made_again(client, rel, mentee):
    client.login(email=mentee.email, password=PASSWORD)
    url = reverse("meeting_new", args=[rel.pk])
    data = meeting_form(client, url)
    client.post(url, data)
    activity.cancel_meeting(rel.meetings.get(title="Catch-up"), mentee)
    client.post(url, data)
    assert rel.meetings.filter(title="Catch-up", cancelled_at=None).count() == 1
    assert rel.meetings.filter(title="Catch-up").count() == 2


def test_the_form_to_change_a_meeting_has_no_submission_id(client, rel, mentee):
    client.login(email=mentee.email, password=PASSWORD)
    url = reverse("meeting_new", args=[rel.pk])
    client.post(url, meeting_form(client, url))
    page = client.get(reverse("meeting_edit", args=[rel.meetings.get(title="Catch-up").pk])).content.decode()
    assert 'name="submission"' not in page
