"""What each reminder says, and whether it still applies when its timer fires.

The flows declare when a reminder is due (a non-interrupting timer on the step that waits:
journeys/flows/); when it fires, one of these runs. Each checks that the step is still
waiting on that person (the timer is cancelled when the step finishes, but a state can move
on by another path), then hands the message to ``notifications.reminders``, which leaves out
anyone who has stopped that kind of reminder.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils.dateformat import format as format_date

from notifications.reminders import Kind, send_reminder
from notifications.services import Message
from project.dates import long_date

from ..models import WORKING_STATES, Feedback, Relationship, State


def remind_mentor_to_review(relationship: Relationship) -> bool:
    """The mentor has not answered a request yet."""
    if relationship.state != State.REQUESTED:
        return False
    mentee = relationship.mentee
    sent = send_reminder(
        relationship.mentor,
        Kind.REVIEW_REQUEST,
        Message(
            subject=f"{mentee.display_name} is waiting for your answer",
            paragraphs=[
                f"{mentee.display_name} asked you on {long_date(relationship.created_at)} to mentor them in "
                f"“{relationship.area.name}”, and is still waiting to hear from you.",
                "Please accept or decline the request, even if the answer is no: it lets them look for "
                "another mentor. You can message them first if you have questions.",
            ],
            link=reverse("next_step", args=[relationship.pk]),
            link_label="Review the request",
        ),
        "reminder_review_request",
    )
    return sent is not None


def remind_mentee_to_arrange(relationship: Relationship) -> bool:
    """Matched, but no first meeting yet."""
    if relationship.state != State.ARRANGING:
        return False
    mentor = relationship.mentor
    sent = send_reminder(
        relationship.mentee,
        Kind.FIRST_MEETING,
        Message(
            subject=f"Arrange your first meeting with {mentor.display_name}",
            paragraphs=[
                f"{mentor.display_name} accepted your request on {long_date(relationship.matched_at or relationship.created_at)}. "
                "The next step is yours: suggest a time for your first conversation, or record one you "
                "have already arranged another way.",
            ],
            link=reverse("next_step", args=[relationship.pk]),
            link_label="Arrange your first meeting",
        ),
        "reminder_first_meeting",
    )
    return sent is not None


def remind_to_give_feedback(relationship: Relationship, user) -> bool:
    """The relationship is waiting for this person's feedback."""
    if relationship.state != State.FEEDBACK or Feedback.objects.filter(relationship=relationship, author=user).exists():
        return False
    other = relationship.other(user)
    sent = send_reminder(
        user,
        Kind.FEEDBACK,
        Message(
            subject="Your feedback is still to come",
            paragraphs=[
                f"Your mentoring with {other.display_name} is waiting for your feedback before it can be "
                "marked as completed. It takes two minutes, and it helps the programme match people well.",
            ],
            link=reverse("next_step", args=[relationship.pk]),
            link_label="Give feedback",
        ),
        "reminder_feedback",
    )
    return sent is not None


def remind_to_complete_profile(user) -> bool:
    profile = getattr(user, "profile", None)
    if profile is not None and profile.is_complete:
        return False
    sent = send_reminder(
        user,
        Kind.PROFILE,
        Message(
            subject="Finish your profile to get started",
            paragraphs=[
                "Your profile is not complete yet. Once it is, mentees can find you (if you mentor) and "
                "you can look for a mentor (if you would like one).",
            ],
            link=reverse("profile"),
            link_label="Complete your profile",
        ),
        "reminder_profile",
    )
    return sent is not None


def nudge_to_find_mentor(user) -> bool:
    profile = getattr(user, "profile", None)
    if profile is None or not profile.is_mentee or Relationship.objects.filter(mentee=user).exists():
        return False
    sent = send_reminder(
        user,
        Kind.FIND_MENTOR,
        Message(
            subject="Mentors who could help you",
            paragraphs=[
                "Your profile is ready, but you have not asked anyone to mentor you yet. We have picked "
                "out mentors who match the areas of support in your profile.",
                "Have a look, ask a question if you are unsure, and send a Mentor Request when you find "
                "the right person.",
            ],
            link=reverse("find_mentor"),
            link_label="See suggested mentors",
        ),
        "reminder_find_mentor",
    )
    return sent is not None


# -- Dated reminders: swept every hour by Celery beat (journeys.tasks.send_dated_reminders) --
#
# These hang on dates inside a relationship (a meeting, a goal's due date) rather than on a
# step that waits, so a sweep finds them; each is sent once (a key per meeting time or due date).


def send_dated_reminders(now=None) -> int:
    """Meeting tomorrow (both), goal due soon / overdue (its owner), and a first meeting held
    with no goal set yet (the mentee). Returns how many were sent."""
    from django.conf import settings
    from django.utils import timezone

    from notifications.reminders import send_reminder_once

    from ..models import MATCHED_STATES, Goal, Meeting

    now = now or timezone.now()
    today = timezone.localdate(now)
    tomorrow = today + timedelta(days=1)
    soon = int(settings.REMINDERS.get("GOAL_DUE_SOON_DAYS", 3) or 0)
    sent = 0

    meetings = Meeting.objects.filter(
        cancelled_at__isnull=True, starts_at__date=tomorrow, relationship__state__in=MATCHED_STATES
    ).select_related("relationship__mentee", "relationship__mentor")
    for meeting in meetings:
        rel = meeting.relationship
        at = timezone.localtime(meeting.starts_at)
        for person in (rel.mentee, rel.mentor):
            other = rel.other(person)
            where = "by video chat" if meeting.video else (f"at {meeting.location}" if meeting.location else "")
            message = Message(
                subject=f"Tomorrow: {meeting.title} with {other.display_name}",
                paragraphs=[
                    f"A reminder that you meet {other.display_name} tomorrow, {long_date(at)}, at "
                    f"{format_date(at, 'H:i')} (UK time){' ' + where if where else ''}.",
                ],
                link=reverse("meetings", args=[rel.pk]),
                link_label="See the meeting",
            )
            key = f"meeting_tomorrow:{meeting.pk}:{meeting.sequence}:{person.pk}"
            sent += send_reminder_once(key, person, Kind.MEETINGS, message, "reminder_meeting_tomorrow") is not None

    goals = Goal.objects.filter(
        completed_at__isnull=True, due_date__isnull=False, owner__isnull=False, relationship__state__in=WORKING_STATES
    ).select_related("owner", "relationship")
    if soon > 0:
        for goal in goals.filter(due_date__gt=today, due_date__lte=today + timedelta(days=soon)):
            sent += _remind_goal(
                goal,
                "goal_due",
                subject=f"Your goal “{goal.label}” is due on {long_date(goal.due_date)}",
                text=f"Your goal “{goal.label}” is due on {long_date(goal.due_date)}. Record your progress, mark "
                "it achieved, or agree a new date with your mentoring partner.",
            )
    for goal in goals.filter(due_date__lt=today):
        sent += _remind_goal(
            goal,
            "goal_overdue",
            subject=f"Your goal “{goal.label}” is overdue",
            text=f"Your goal “{goal.label}” was due on {long_date(goal.due_date)}. If it is done, mark it achieved; "
            "if not, talk it over with your mentoring partner and set a new date.",
        )

    no_goal = (
        Relationship.objects.filter(
            state=State.FIRST_CONVERSATION, meetings__cancelled_at__isnull=True, meetings__starts_at__lt=now
        )
        .exclude(goals__isnull=False)
        .select_related("mentee", "mentor")
        .distinct()
    )
    for rel in no_goal:
        message = Message(
            subject="You have met: now set your first SMART goal",
            paragraphs=[
                f"Your first conversation with {rel.mentor.display_name} has taken place. The next step is to "
                "write down at least one SMART goal together, then mark the stage as completed.",
            ],
            link=reverse("goals", args=[rel.pk]),
            link_label="Set a goal",
        )
        sent += (
            send_reminder_once(f"set_goal:{rel.pk}", rel.mentee, Kind.GOALS, message, "reminder_set_goal") is not None
        )
    return sent


def _remind_goal(goal, what: str, *, subject: str, text: str) -> bool:
    """One goal reminder to its owner, once per goal and due date."""
    from notifications.reminders import send_reminder_once

    message = Message(
        subject=subject, paragraphs=[text], link=reverse("goals", args=[goal.relationship_id]), link_label="Open Goals"
    )
    key = f"{what}:{goal.pk}:{goal.due_date.isoformat()}"
    return send_reminder_once(key, goal.owner, Kind.GOALS, message, f"reminder_{what}") is not None
