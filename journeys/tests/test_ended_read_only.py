"""An ended relationship (declined, withdrawn, closed, completed) stays readable but takes nothing new.

One rule (``journeys.rules.why_read_only``) says why; the services refuse with it and the
pages hide their forms and show it instead.
"""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from journeys import rules
from journeys.models import Goal, GoalEntry, Meeting, Message, State
from journeys.services import activity, relationships
from journeys.services.base import Refused
from notifications.models import Notification
from people.tests.factories import PASSWORD, make_staff

from .helpers import goal, meet, send, walk_to

pytestmark = pytest.mark.django_db

ENDED = ["declined", "withdrawn", "closed", "completed"]


def ended(state, mentee, mentor):
    rel = send(mentee, mentor)
    if state == "declined":
        relationships.decline_request(rel, mentor, "Not the right fit")
    elif state == "withdrawn":
        walk_to(rel, mentee, mentor, "progression")
        relationships.withdraw(rel, mentee, "Moving abroad")
    elif state == "closed":
        walk_to(rel, mentee, mentor, "arranging")
        relationships.close_by_staff(rel, make_staff(), "Duplicate account")
    elif state == "completed":
        walk_to(rel, mentee, mentor, "completed")
    rel.refresh_from_db()
    assert rel.state == state
    return rel


@pytest.mark.parametrize("state", ["withdrawn", "completed"])
def test_goals_of_an_ended_relationship_promise_no_entries_or_changes(state, client, mentee, mentor):
    """Its goals stay listed, but the page no longer says each of them can add milestones or change them."""
    rel = send(mentee, mentor)
    walk_to(rel, mentee, mentor, "first_conversation")
    meet(rel, mentee)
    goal(rel, mentee, "Grow my network")
    if state == "withdrawn":
        relationships.withdraw(rel, mentee, "Moving abroad")
    else:
        walk_to(rel, mentee, mentor, "completed")
    rel.refresh_from_db()
    for person in (mentee, mentor):
        assert client.login(email=person.email, password=PASSWORD)
        html = client.get(reverse("goals", args=[rel.pk])).content.decode()
        assert "Grow my network" in html and rules.why_read_only(rel) in html
        assert "can add milestones" not in html and "Add milestones, review or outcome" not in html
        assert "Only the person who set a goal can edit it" not in html


@pytest.mark.parametrize("state", ENDED)
def test_message_to_ended_relationship_is_refused_saved_nowhere_and_emailed_to_nobody(
    state, client, mentee, mentor, django_capture_on_commit_callbacks
):
    rel = ended(state, mentee, mentor)
    messages_before = Message.objects.count()
    notes_before = Notification.objects.filter(event="message_received").count()
    mail.outbox.clear()
    assert client.login(email=mentee.email, password=PASSWORD)
    url = reverse("messages", args=[rel.pk])
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(url, {"body": "Are you still there?"}, follow=True)
    assert resp.status_code == 200
    page = resp.content.decode()
    reason = rules.why_read_only(rel)
    assert reason and "nothing new can be added" in reason
    assert reason in page  # the refusal, in the page's messages and in place of the form
    assert Message.objects.count() == messages_before
    assert Notification.objects.filter(event="message_received").count() == notes_before
    assert not [m for m in mail.outbox if "Are you still there?" in m.body]
    # The conversation page reached directly refuses too.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("conversation", args=[rel.conversation_id]), {"body": "Hello again?"})
    assert Message.objects.count() == messages_before
    # And the service itself, whoever calls it.
    with pytest.raises(Refused, match="nothing new can be added"):
        activity.send_message(rel.conversation, mentor, "From the other side")
    assert Message.objects.count() == messages_before


@pytest.mark.parametrize("state", ENDED)
def test_ended_relationship_pages_stay_readable_but_show_no_form(state, client, mentee, mentor):
    rel = ended(state, mentee, mentor)
    reason = rules.why_read_only(rel)
    assert client.login(email=mentor.email, password=PASSWORD)
    thread = client.get(reverse("messages", args=[rel.pk]))
    assert thread.status_code == 200
    body = thread.content.decode()
    assert reason in body
    assert 'name="body"' not in body and "Send Message" not in body
    for name in ("meetings", "goals"):
        page = client.get(reverse(name, args=[rel.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        assert reason in html
        assert 'name="goal-label"' not in html and "Create meeting" not in html
    detail = client.get(reverse("relationship", args=[rel.pk])).content.decode()
    assert reason in detail
    # The new-meeting page does not offer its form either.
    resp = client.get(reverse("meeting_new", args=[rel.pk]), follow=True)
    assert 'name="title"' not in resp.content.decode()


def test_meetings_goals_and_notes_of_an_ended_relationship_are_refused(mentee, mentor):
    rel = send(mentee, mentor)
    walk_to(rel, mentee, mentor, "progression")
    meeting = Meeting.objects.filter(relationship=rel).first()
    the_goal = Goal.objects.filter(relationship=rel).first()
    relationships.withdraw(rel, mentor, "No longer available")
    rel.refresh_from_db()
    counts = (Meeting.objects.count(), Goal.objects.count(), GoalEntry.objects.count())
    attempts = [
        lambda: meet(rel, mentee, title="One more"),
        lambda: goal(rel, mentee, label="Another goal"),
        lambda: activity.add_goal_entry(the_goal, mentee, kind="milestone", text="Did it"),
        lambda: activity.update_goal(the_goal, mentee, label="Renamed", due_date=None),
        lambda: activity.complete_goal(the_goal, mentee),
        lambda: activity.delete_goal(the_goal, mentee),
        lambda: activity.update_meeting(meeting, mentee, title="Moved", starts_at=timezone.now() + dt.timedelta(1)),
        lambda: activity.cancel_meeting(meeting, mentee),
    ]
    for attempt in attempts:
        with pytest.raises(Refused, match="was withdrawn, so nothing new can be added"):
            attempt()
    assert (Meeting.objects.count(), Goal.objects.count(), GoalEntry.objects.count()) == counts
    meeting.refresh_from_db()
    the_goal.refresh_from_db()
    assert meeting.cancelled_at is None and meeting.title != "Moved"
    assert the_goal.label != "Renamed" and the_goal.completed_at is None


def test_open_relationship_and_question_thread_still_take_messages(mentee, mentor):
    question = activity.ask_question(mentee, mentor, "Could you tell me about your work?")
    assert rules.why_conversation_read_only(question.conversation) is None
    rel = send(mentee, mentor)
    assert rules.why_read_only(rel) is None
    activity.send_message(rel.conversation, mentor, "Happy to talk")
    # A new request after an ended one reopens the pair's conversation.
    relationships.decline_request(rel, mentor, "Full")
    assert rules.why_conversation_read_only(rel.conversation)
    again = send(mentee, mentor)
    assert again.state == State.REQUESTED
    assert rules.why_conversation_read_only(again.conversation) is None
    activity.send_message(again.conversation, mentee, "Trying again")


def test_has_ended_and_its_filter_agree_in_every_state(mentee, mentor):
    """``rules.has_ended`` and ``rules.ended_q`` say the same of every state, with and without an end date:
    a withdrawn request has ended only once it has one (one of the two left the programme)."""
    from journeys.models import Relationship

    rel = send(mentee, mentor)
    for state in State:
        for ended_at in (None, timezone.now()):
            Relationship.objects.filter(pk=rel.pk).update(state=state, ended_at=ended_at)
            row = Relationship.objects.get(pk=rel.pk)
            in_filter = Relationship.objects.filter(rules.ended_q(), pk=rel.pk).exists()
            assert rules.has_ended(row) == in_filter == row.is_ended, (state, ended_at)
            if state == State.REQUEST_WITHDRAWN:
                assert row.is_ended == (ended_at is not None)
