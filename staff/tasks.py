"""Scheduled work for the staff inbox (Celery beat)."""

from celery import shared_task

from . import services


@shared_task
def open_stalled_cases() -> int:
    """Open a "stalled relationship" case for every relationship quiet for STALLED_AFTER_DAYS."""
    return services.open_stalled_cases()
