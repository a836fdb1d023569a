"""Scheduled work for the staff inbox (Celery beat)."""

from celery import shared_task

from . import services


@shared_task
def open_stalled_cases() -> int:
    """Open a "stalled relationship" case for every relationship quiet for STALLED_AFTER_DAYS; first,
    resolve the cases that what happened since has settled (``services.settle_open_cases``: a stalled
    pair active again, a first meeting whose time came, and whatever a lost ``settle_cases`` missed)."""
    services.settle_open_cases()
    return services.open_stalled_cases()


@shared_task
def settle_cases(relationship_pk: int) -> int:
    """The journey moved on (``journeys.events.relationship_moved_on``): resolve the cases it settled."""
    return len(services.settle_cases(relationship_pk))
