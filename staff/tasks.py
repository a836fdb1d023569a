"""Scheduled work for the staff inbox (Celery beat)."""

from datetime import datetime

from celery import shared_task

from . import services


@shared_task
def open_stalled_cases() -> int:
    """The hourly sweep (beat's ``open-stalled-cases``). First, resolve the cases that what happened since
    has settled (``services.settle_open_cases``: a first meeting whose time came, a stalled pair's
    meeting whose time came, and whatever a lost ``settle_cases`` missed); then open a "stalled
    relationship" case for every relationship quiet for STALLED_AFTER_DAYS, and a "feedback not given"
    case for every relationship in Feedback past FEEDBACK_ESCALATE_DAYS without one (its steps' timers
    open it; this is for those with no timer). Answers how many cases it opened."""
    services.settle_open_cases()
    return services.open_stalled_cases() + services.open_feedback_cases()


@shared_task
def settle_cases(relationship_pk: int, active_at: str | None = None) -> int:
    """The journey moved on (``journeys.events.relationship_moved_on``, at ``active_at``, an ISO 8601
    moment): resolve the cases it settled."""
    seen = datetime.fromisoformat(active_at) if active_at else None
    return len(services.settle_cases(relationship_pk, active_at=seen))
