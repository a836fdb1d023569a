"""The staff inbox listens to the journey and to Need Help?: each event opens a case.

Connected once, in ``StaffConfig.ready``; staff imports journeys and support, never the reverse.
"""

from __future__ import annotations

from django.db import transaction

from journeys import events as journey
from notifications.tasks import queue_soon
from support import events as support

from . import services, tasks
from .models import CaseKind


def _request_unanswered(sender, relationship, **kwargs):
    services.escalate_unanswered_request(relationship)


def _first_meeting_overdue(sender, relationship, **kwargs):
    services.escalate_no_first_meeting(relationship)


def _feedback_overdue(sender, relationship, **kwargs):
    services.escalate_no_feedback(relationship)


def _relationship_moved_on(sender, relationship, at=None, **kwargs):
    # Once the journey's step has committed, in a task: the step itself spends no query on cases
    # (its query budget), and the hourly sweep settles what a lost task would have. Nor does it lock
    # a case: the journey's locks (its process rows, then the relationship) come first, and staff
    # acting on a case lock the case first, then the relationship (``services.close_relationship``);
    # a case locked inside the journey's step would take the two the other way round (a deadlock).
    # ``at``: the moment of the activity (a stalled case says the pair were active again that day,
    # though they may have done more by the time the task runs).
    # Queued as the outbox queues emails (``queue_soon``): with the broker down or unreachable the step
    # waits at most about NOTIFICATION_BROKER_TIMEOUT, and the sweep settles the case later.
    pk, seen = relationship.pk, at.isoformat() if at else None
    transaction.on_commit(lambda: queue_soon(tasks.settle_cases, pk, seen), robust=True)


# A request expired: the case about it is settled as when the pair settle it (``REQUEST_SETTLED``).
_request_expired = _relationship_moved_on


def _concern_raised(sender, concern, **kwargs):
    services.open_concern_case(concern)


def _concern_answered(sender, concern, reply, **kwargs):
    services.raiser_answered(concern, reply)


def _support_request_received(sender, support_request, **kwargs):
    services.open_case(
        CaseKind.SUPPORT_REQUEST,
        support_request=support_request,
        summary=f"{support_request.name}: {support_request.subject}",
        tell_staff=False,  # Need Help?'s own email tells them, with the message itself
    )


def _support_reply_received(sender, support_request, reply, **kwargs):
    services.sender_replied(support_request, reply)


def connect() -> None:
    journey.request_unanswered.connect(_request_unanswered, dispatch_uid="staff.request_unanswered")
    journey.first_meeting_overdue.connect(_first_meeting_overdue, dispatch_uid="staff.first_meeting_overdue")
    journey.feedback_overdue.connect(_feedback_overdue, dispatch_uid="staff.feedback_overdue")
    journey.request_expired.connect(_request_expired, dispatch_uid="staff.request_expired")
    journey.relationship_moved_on.connect(_relationship_moved_on, dispatch_uid="staff.relationship_moved_on")
    journey.concern_raised.connect(_concern_raised, dispatch_uid="staff.concern_raised")
    journey.concern_answered.connect(_concern_answered, dispatch_uid="staff.concern_answered")
    support.support_request_received.connect(_support_request_received, dispatch_uid="staff.support_request")
    support.support_reply_received.connect(_support_reply_received, dispatch_uid="staff.support_reply")
