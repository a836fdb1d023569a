from __future__ import annotations

import datetime as dt

from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from journeys.models import Relationship
from journeys.services import activity, relationships
from people.models import AreaOfSupport


def send(mentee, mentor, statement="I would like help building my professional network.", area=None):
    return relationships.send_request(mentee, mentor, area or AreaOfSupport.objects.first(), statement)


def open_task_names(rel) -> list[str]:
    return sorted(
        t.flow_task.name
        for t in Task.objects.filter(
            process__mentoringprocess__relationship=rel, status__in=[STATUS.NEW, STATUS.ASSIGNED]
        )
        if t.flow_task_type == "HUMAN"
    )


def open_task(rel, user):
    return Task.objects.filter(
        process__mentoringprocess__relationship=rel, owner=user, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    ).first()


def meet(rel, user, days=7, title="First conversation"):
    return activity.create_meeting(
        rel,
        user,
        title=title,
        starts_at=timezone.now() + dt.timedelta(days=days),
        duration_minutes=60,
        location="Video",
    )


def goal(rel, user, label="Grow my network"):
    return activity.create_goal(rel, user, label=label, details="Meet three new people", due_date=None)


def first_meeting_over(rel, hours=2):
    """As if the time of the first meeting had come and gone (it is held: journeys.rules.held_q)."""
    rel.meetings.filter(cancelled_at__isnull=True).update(starts_at=timezone.now() - dt.timedelta(hours=hours))


def quiet_for(rel, days: float):
    """As if nothing had happened between the two for ``days``: no update, and no meeting since
    (``journeys.rules.stalled_q``)."""
    moment = timezone.now() - dt.timedelta(days=days)
    Relationship.objects.filter(pk=rel.pk).update(last_activity_at=moment)
    rel.meetings.filter(starts_at__gt=moment).update(starts_at=moment)


def walk_to(rel, mentee, mentor, state: str):
    """Move a request along the journey, from where it is, until it reaches ``state``."""
    order = ["requested", "arranging", "first_conversation", "progression", "completion", "feedback", "completed"]
    steps = {
        "arranging": lambda: relationships.accept_request(rel, mentor),
        "first_conversation": lambda: meet(rel, mentee),
        "progression": lambda: (
            goal(rel, mentee),
            first_meeting_over(rel),
            relationships.complete_stage(rel, mentee, "first_conversation"),
        ),
        "completion": lambda: relationships.complete_stage(rel, mentee, "progression"),
        "feedback": lambda: relationships.complete_stage(rel, mentee, "completion"),
        "completed": lambda: (
            relationships.give_feedback(rel, mentee, 5, "Great"),
            relationships.give_feedback(rel, mentor, 4, "Good"),
        ),
    }
    rel.refresh_from_db()
    for name in order[order.index(rel.state) + 1 : order.index(state) + 1]:  # on from where it is
        steps[name]()
    rel.refresh_from_db()
    assert rel.state == state
    return rel
