"""The same form sent twice (a double click, Back and send again) is one intention: one goal, one
progress entry, one worksheet comment and one email; the second sending shows the first result."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from journeys.models import Goal, GoalEntry, WorksheetComment
from journeys.services import activity
from journeys.services import worksheets as service
from people.tests.factories import PASSWORD

from .helpers import send, walk_to

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
