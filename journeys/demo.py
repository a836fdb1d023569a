"""Demo journeys for `manage.py seed_demo`: something for Next step to show straight away.

Made through the real services, so the flows, history and notifications are
exactly what a person's own clicks would have produced. Safe to run again: a
pair that already has a relationship is left alone.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from people.models import AreaOfSupport

from . import rules
from .flows import timers
from .models import Relationship
from .services import activity, meetings, relationships, worksheets

User = get_user_model()

# (mentee, mentor, how far along, area, statement)
DEMO_JOURNEYS = [
    (
        "john.smith@example.com",
        "alice.kember@example.com",
        "first_conversation",
        "Networking and networking skills",
        "I would like to build a strong personal brand and learn how to make the most of networking events "
        "in logistics.",
    ),
    (
        "hannah.wright@example.com",
        "rhys.evans@example.com",
        "requested",
        "Career progression",
        "I am two years into my first management role and would like help planning my next step.",
    ),
]


def ensure_demo_journeys() -> list[str]:
    made = []
    for mentee_email, mentor_email, stage, area_name, statement in DEMO_JOURNEYS:
        mentee = User.objects.filter(email=mentee_email).first()
        mentor = User.objects.filter(email=mentor_email).first()
        area = AreaOfSupport.objects.filter(name=area_name).first()
        if not (mentee and mentor and area) or Relationship.objects.filter(mentee=mentee, mentor=mentor).exists():
            continue
        rel = relationships.send_request(mentee, mentor, area, statement)
        if stage == "requested":
            # Sent eleven days ago and still unanswered: the mentor's reminders (3 and 7 days) are past, and
            # the escalation (10 days) has opened a case in the staff inbox; it expires 21 days after it was sent
            # (the default days).
            sent = timezone.now() - dt.timedelta(days=11)
            Relationship.objects.filter(pk=rel.pk).update(created_at=sent, last_activity_at=sent)
            rel.history.update(at=sent)
            _waiting_since(rel, sent)
        else:
            relationships.accept_request(rel, mentor, "Happy to help: let's find a time to talk.")
            # Sent eleven days ago and accepted the day after: the call already held (below) falls after it.
            matched = timezone.now() - dt.timedelta(days=10)
            Relationship.objects.filter(pk=rel.pk).update(created_at=matched - dt.timedelta(days=1), matched_at=matched)
            rel.history.filter(action="send_request").update(at=matched - dt.timedelta(days=1))
            rel.history.filter(action="accept").update(at=matched)
            rel.refresh_from_db()
            # Their first meeting, a short call three days ago, is held; the next one is planned.
            _demo_worksheet_and_record(rel, mentee, mentor)
            # They arranged that call the day after the match, well before the mentee's reminder to arrange
            # one (FIRST_MEETING_REMIND_DAYS) was due: the history and the flow's steps and timers say so.
            arranged = matched + dt.timedelta(days=1)
            rel.history.filter(action__in=["create_meeting", "first_meeting_arranged"]).update(at=arranged)
            _steps_dated(rel, "review_request", started=matched - dt.timedelta(days=1), finished=matched)
            _steps_dated(rel, "arrange_first_meeting", started=matched, finished=arranged)
            _steps_dated(rel, "first_conversation", started=arranged)
            activity.create_meeting(
                rel,
                mentee,
                title="Planning my goals",
                starts_at=timezone.now().replace(hour=10, minute=0, second=0, microsecond=0) + dt.timedelta(days=7),
                duration_minutes=60,
                location="Video call",
                video=True,
            )
            activity.create_goal(
                rel,
                mentee,
                label="Attend a networking event",
                details="Go to a regional event and speak to at least one person I don't know.",
                due_date=timezone.localdate() + dt.timedelta(days=60),
            )
        made.append(f"{mentee.display_name} → {mentor.display_name} ({stage.replace('_', ' ')})")
    return made


def _waiting_since(rel: Relationship, since) -> None:
    """The relationship's waiting step started at ``since``, not when the demo was seeded: its timers move
    back with it (each as far as its step's start: a reminder 3 days after ``since``, not after the seeding;
    the request's expiry REQUEST_EXPIRE_DAYS after it), and those due by now are settled as a platform
    running all along would have settled them (``_settle_past_timers``)."""
    shift = since - timezone.now()
    waiting = Task.objects.filter(process__mentoringprocess__relationship=rel)
    open_steps = waiting.exclude(flow_task_type="TIMER").filter(status__in=rules.OPEN_TASK_STATUSES)
    scheduled = waiting.filter(flow_task_type="TIMER", status=STATUS.SCHEDULED)
    expiry = rel.expires_at  # its timer is anchored to it: moved with it below
    scheduled.exclude(scheduled=expiry).update(scheduled=F("scheduled") + shift, created=F("created") + shift)
    scheduled.filter(scheduled=expiry).update(created=F("created") + shift)
    open_steps.update(created=F("created") + shift)
    _expires_as_if_sent(rel, since)
    rel.refresh_from_db()
    _settle_past_timers(rel)


def _steps_dated(rel: Relationship, step: str, *, started, finished=None) -> None:
    """The relationship's ``step`` (its task and timers) started at ``started``, its timers as far after it as
    they were armed for, and, done, finished at ``finished``, as its back-dated history says (the services
    ran at the seeding). Rows only: the timers were cancelled with their step (a finished one) or are moved
    as they are (an open step's, none of which is due by then here)."""
    for task in Task.objects.filter(process__mentoringprocess__relationship=rel):
        if task.flow_task is None or not task.flow_task.name.startswith(step):
            continue
        dates = {"created": started}
        if task.scheduled is not None:
            dates["scheduled"] = task.scheduled + (started - task.created)
        if task.finished is not None and finished is not None:
            dates["finished"] = finished
        Task.objects.filter(pk=task.pk).update(**dates)


def _settle_past_timers(rel: Relationship) -> None:
    """The relationship's timers already due, oldest first, as a platform running all along would have left
    them: an escalation fires (the staff inbox opens its case, and staff are told, as they would have been);
    a reminder whose day is past is done, unsent, as the dispatcher leaves a reminder a later timer overtook
    (``StepTimer.overtaken``), so starting ``make run`` does not send the mentor, in one go, reminders about
    days gone by."""
    for task in timers.due_timers().filter(process__mentoringprocess__relationship=rel):
        if task.flow_task._next.name.startswith("remind"):
            Task.objects.filter(pk=task.pk).update(status=STATUS.DONE, started=task.scheduled, finished=task.scheduled)
        else:
            timers.fire(task)


def _expires_as_if_sent(rel: Relationship, sent) -> None:
    """The request expires REQUEST_EXPIRE_DAYS after ``sent`` (what the mentor's reminders say), and the
    review step's expiry timer (anchored to that moment when the step started) with it."""
    if rel.expires_at is None:
        return  # requests never expire
    expires = rules.request_expires_at(sent)
    Task.objects.filter(
        process__mentoringprocess__relationship=rel,
        flow_task_type="TIMER",
        status=STATUS.SCHEDULED,
        scheduled=rel.expires_at,
    ).update(scheduled=expires)
    Relationship.objects.filter(pk=rel.pk).update(expires_at=expires)


def _demo_worksheet_and_record(rel: Relationship, mentee, mentor) -> None:
    """Their first meeting, a short call already held (so the CPD evidence pack and the mentor's hours have
    something to show), and a SWOT the mentee filled in with the mentor's comment."""
    call = activity.create_meeting(
        rel,
        mentor,
        title="Introductory call",
        starts_at=timezone.now().replace(hour=12, minute=0, second=0, microsecond=0) - dt.timedelta(days=3),
        duration_minutes=30,
        location="Phone",
        send_details=False,
    )
    # Recorded as held (what the CPD pack and the hours count), with notes from both (private to them).
    meetings.record_meeting_outcome(call, mentee, held=True)
    meetings.add_meeting_note(call, mentee, text="Agreed to meet properly next week. Before then: fill in the SWOT.")
    meetings.add_meeting_note(call, mentor, text="Send John the list of regional logistics events.")
    worksheets.save_worksheet(
        rel,
        mentee,
        kind="swot",
        answers={
            "strengths": "Organised; good with numbers; people come to me to plan routes.",
            "weaknesses": "I find it hard to start conversations with people I don't know.",
            "opportunities": "The regional logistics forum meets every month near me.",
            "threats": "Shift work leaves little time for events.",
        },
    )
    worksheets.comment_on_worksheet(
        rel, mentor, kind="swot", text="Your planning is a real strength: let's use it to prepare for the forum."
    )
