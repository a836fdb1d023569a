"""What each reminder says, and whether it still applies when its timer fires.

The flows declare when a reminder is due (a non-interrupting timer on the step that waits:
journeys/flows/); when it fires, one of these runs. Each checks that the step is still
waiting on that person (the timer is cancelled when the step finishes, but a state can move
on by another path), then names the reminder's event and its data to ``notifications.reminders``, which leaves out
anyone who has stopped that kind of reminder. The wording is in
templates/notifications/events/reminder_*/ (see notifications.events).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from notifications.reminders import Kind, send_reminder, send_reminder_once, stopped_q

from .. import answer_links, rules
from ..models import MATCHED_STATES, Feedback, Goal, Meeting, Relationship, State


def _to_remind(relationship: Relationship | int, recipient: str, kind: Kind, annotations: dict) -> Relationship:
    """The relationship a reminder is about. Given its id (a flow's timer), it is read once: with both
    people and the area (the message names them), whether ``recipient`` ("mentee" or "mentor") has
    stopped ``kind`` reminders, and the flow's ``annotations`` (``review_task_id``: the review step); with
    their profiles, for the footer's line saying what they take part as."""
    if isinstance(relationship, Relationship):
        return relationship
    rel = (
        Relationship.objects.select_related("mentee__profile", "mentor__profile", "area")
        .annotate(reminder_stopped=stopped_q(kind, f"{recipient}_id"), **annotations)
        .get(pk=relationship)
    )
    rel.stopped_reminders = {(getattr(rel, f"{recipient}_id"), str(kind)): rel.reminder_stopped}
    return rel


def _stopped(relationship: Relationship, user, kind: Kind) -> bool | None:
    """Whether ``user`` stopped ``kind``, as ``_to_remind`` read it (None: not read, ask)."""
    return getattr(relationship, "stopped_reminders", {}).get((user.pk, str(kind)))


def remind_mentor_to_review(relationship: Relationship | int, **annotations) -> bool:
    """The mentor has not answered a request yet."""
    relationship = _to_remind(relationship, "mentor", Kind.REVIEW_REQUEST, annotations)
    if relationship.state != State.REQUESTED:
        return False
    sent = send_reminder(
        relationship.mentor,
        Kind.REVIEW_REQUEST,
        "reminder_review_request",
        stopped=_stopped(relationship, relationship.mentor, Kind.REVIEW_REQUEST),
        relationship=relationship,
        answer=answer_links.urls(relationship, getattr(relationship, "review_task_id", None)),
    )
    return sent is not None


def remind_mentee_to_arrange(relationship: Relationship | int) -> bool:
    """Matched, but no first meeting yet."""
    relationship = _to_remind(relationship, "mentee", Kind.FIRST_MEETING, {})
    if relationship.state != State.ARRANGING:
        return False
    sent = send_reminder(
        relationship.mentee,
        Kind.FIRST_MEETING,
        "reminder_first_meeting",
        stopped=_stopped(relationship, relationship.mentee, Kind.FIRST_MEETING),
        relationship=relationship,
    )
    return sent is not None


def remind_to_give_feedback(relationship: Relationship | int, role: str) -> bool:
    """The relationship is waiting for the feedback of its ``role`` ("mentee" or "mentor")."""
    relationship = _to_remind(relationship, role, Kind.FEEDBACK, {})
    user = getattr(relationship, role)
    if relationship.state != State.FEEDBACK or Feedback.objects.filter(relationship=relationship, author=user).exists():
        return False
    sent = send_reminder(
        user,
        Kind.FEEDBACK,
        "reminder_feedback",
        stopped=_stopped(relationship, user, Kind.FEEDBACK),
        relationship=relationship,
        other=relationship.other(user),
    )
    return sent is not None


def remind_to_complete_profile(user) -> bool:
    profile = getattr(user, "profile", None)
    if profile is not None and profile.is_complete:
        return False
    # What completing it opens depends on what they signed up as (mentor, mentee, both, not said yet).
    as_mentor, as_mentee = bool(profile and profile.is_mentor), bool(profile and profile.is_mentee)
    return send_reminder(user, Kind.PROFILE, "reminder_profile", as_mentor=as_mentor, as_mentee=as_mentee) is not None


def nudge_to_find_mentor(user) -> bool:
    profile = getattr(user, "profile", None)
    if profile is None or not profile.is_mentee or Relationship.objects.filter(mentee=user).exists():
        return False
    return send_reminder(user, Kind.FIND_MENTOR, "reminder_find_mentor") is not None


# -- Dated reminders: swept every hour by Celery beat (journeys.tasks.send_dated_reminders) --
#
# These hang on dates inside a relationship (a meeting, a goal's due date) rather than on a
# step that waits, so a sweep finds them; each is sent once (a key per meeting time or due date).


def send_dated_reminders(now=None) -> int:
    """Meeting tomorrow (both), goal due soon / overdue (its owner), and a first meeting held
    with no goal set yet (the mentee). Returns how many were sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return _remind_meetings_tomorrow(today) + _remind_goals_due(today) + _remind_to_set_a_goal(now)


def _remind_meetings_tomorrow(today) -> int:
    """Both people, the day before a meeting (once per meeting time: a moved meeting is reminded again)."""
    meetings = Meeting.objects.filter(
        cancelled_at__isnull=True, starts_at__date=today + timedelta(days=1), relationship__state__in=MATCHED_STATES
    ).select_related("relationship__mentee", "relationship__mentor")
    sent = 0
    for meeting in meetings:
        rel = meeting.relationship
        for person in (rel.mentee, rel.mentor):
            key = f"meeting_tomorrow:{meeting.pk}:{meeting.sequence}:{person.pk}"
            note = send_reminder_once(
                key,
                person,
                Kind.MEETINGS,
                "reminder_meeting_tomorrow",
                relationship=rel,
                meeting=meeting,
                other=rel.other(person),
            )
            sent += note is not None
    return sent


def _remind_goals_due(today) -> int:
    """A goal's owner, GOAL_DUE_SOON_DAYS before it is due (0: never), and once it is overdue."""
    soon = rules.goal_due_soon_days()
    goals = Goal.objects.filter(rules.goal_reminded_q(), owner__isnull=False).select_related("owner", "relationship")
    sent = 0
    if soon > 0:
        for goal in goals.filter(due_date__gt=today, due_date__lte=today + timedelta(days=soon)):
            sent += _remind_goal(goal, "goal_due")
    for goal in goals.filter(due_date__lt=today):
        sent += _remind_goal(goal, "goal_overdue")
    return sent


def _remind_goal(goal: Goal, what: str) -> bool:
    """One goal reminder to its owner, once per goal and due date."""
    key = f"{what}:{goal.pk}:{goal.due_date.isoformat()}"
    note = send_reminder_once(
        key, goal.owner, Kind.GOALS, f"reminder_{what}", goal=goal, relationship=goal.relationship
    )
    return note is not None


def _remind_to_set_a_goal(now) -> int:
    """The mentee, once, when the first conversation has taken place and no goal is written yet."""
    no_goal = (
        Relationship.objects.filter(rules.held_q(now, prefix="meetings__"), state=State.FIRST_CONVERSATION)
        .exclude(goals__isnull=False)
        .select_related("mentee", "mentor")
        .distinct()
    )
    sent = 0
    for rel in no_goal:
        note = send_reminder_once(f"set_goal:{rel.pk}", rel.mentee, Kind.GOALS, "reminder_set_goal", relationship=rel)
        sent += note is not None
    return sent
