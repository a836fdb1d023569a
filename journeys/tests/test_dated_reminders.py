"""The hourly sweep: meetings tomorrow, goals due soon or overdue, a first meeting with no goal.
Each reminder goes once, to the right person, and respects their choice to stop that kind."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from journeys.models import Goal, Meeting
from journeys.services import activity, relationships
from journeys.services.reminders import send_dated_reminders
from notifications.models import Notification, ReminderOptOut
from people.tests.factories import make_mentor

from .helpers import goal, meet, send, walk_to

pytestmark = pytest.mark.django_db(transaction=True)


def events(user) -> list[str]:
    return sorted(
        Notification.objects.filter(recipient=user, event__startswith="reminder_").values_list("event", flat=True)
    )


def at_local(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def test_both_are_reminded_of_tomorrows_meeting_once(mentee, mentor):
    rel = send(mentee, mentor)
    relationships.accept_request(rel, mentor)
    meeting = meet(rel, mentee, days=5)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=at_local(timezone.localdate() + dt.timedelta(days=1), 9))
    mail.outbox.clear()

    assert send_dated_reminders() == 2
    assert events(mentee) == events(mentor) == ["reminder_meeting_tomorrow"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([mentee.email, mentor.email])
    assert "09:00" in mail.outbox[0].body
    assert send_dated_reminders() == 0  # the next hour's sweep sends nothing again

    meeting.refresh_from_db()
    activity.update_meeting(meeting, mentee, starts_at=at_local(timezone.localdate() + dt.timedelta(days=1), 15))
    assert send_dated_reminders() == 2  # moved: a new time, a new reminder


def test_cancelled_and_distant_meetings_are_not_reminded(mentee, mentor):
    rel = send(mentee, mentor)
    relationships.accept_request(rel, mentor)
    far = meet(rel, mentee, days=5)
    cancelled = meet(rel, mentee, days=6, title="Second")
    Meeting.objects.filter(pk=cancelled.pk).update(starts_at=at_local(timezone.localdate() + dt.timedelta(days=1), 9))
    activity.cancel_meeting(Meeting.objects.get(pk=cancelled.pk), mentee)
    assert far.starts_at.date() > timezone.localdate() + dt.timedelta(days=1)
    assert send_dated_reminders() == 0


def test_goal_owner_is_told_when_due_soon_and_when_overdue(mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "progression")
    mine = goal(rel, mentee, label="Grow my network")
    Goal.objects.filter(pk=mine.pk).update(due_date=timezone.localdate() + dt.timedelta(days=2))
    done = goal(rel, mentee, label="Already achieved")
    Goal.objects.filter(pk=done.pk).update(
        due_date=timezone.localdate() + dt.timedelta(days=1), completed_at=timezone.now()
    )

    assert send_dated_reminders() == 1
    [note] = Notification.objects.filter(recipient=mentee, event="reminder_goal_due")
    assert "Grow my network" in note.subject
    assert f"agree a new date with {mentor.display_name}." in note.body_text  # named, not "your partner"
    assert not events(mentor)

    Goal.objects.filter(pk=mine.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
    assert send_dated_reminders() == 1
    assert events(mentee) == ["reminder_goal_due", "reminder_goal_overdue"]
    assert send_dated_reminders() == 0


def test_a_first_meeting_held_with_no_goal_prompts_the_mentee_once(mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")
    Meeting.objects.filter(relationship=rel).update(starts_at=timezone.now() - dt.timedelta(hours=2))
    assert send_dated_reminders() == 1
    assert events(mentee) == ["reminder_set_goal"]
    assert send_dated_reminders() == 0

    second = make_mentor(first_name="Second", email="second-mentor@example.com")
    other = walk_to(send(mentee, second), mentee, second, "first_conversation")
    goal(other, mentee)
    Meeting.objects.filter(relationship=other).update(starts_at=timezone.now() - dt.timedelta(hours=2))
    assert send_dated_reminders() == 0  # a goal exists: nothing to prompt


def test_stopped_kinds_are_respected_and_still_sent_only_once(mentee, mentor):
    ReminderOptOut.objects.create(user=mentor, kind="meetings")
    rel = send(mentee, mentor)
    relationships.accept_request(rel, mentor)
    meeting = meet(rel, mentee, days=5)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=at_local(timezone.localdate() + dt.timedelta(days=1), 9))
    assert send_dated_reminders() == 1
    assert events(mentee) == ["reminder_meeting_tomorrow"] and events(mentor) == []
    ReminderOptOut.objects.all().delete()
    assert send_dated_reminders() == 0  # that reminder's moment has passed for the mentor
