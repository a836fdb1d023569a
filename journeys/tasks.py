"""Scheduled work for the declared flows (run by Celery beat; one beat per deployment)."""

from celery import shared_task

from .flows.timers import fire_due_timers
from .services import reminders


@shared_task
def fire_workflow_timers() -> int:
    """Fire the flows' due database-backed timers (viewflow's Timer / OnTimeout boundaries), with
    ``journeys.flows.timers.fire_due_timers``.

    The due ones are ``flow_task_type = 'TIMER' AND status = 'SCHEDULED' AND scheduled <= now()``;
    the partial index ``journeys_timer_due_idx`` (migration 0003) holds exactly the waiting
    timers, so a sweep with nothing due costs the same however many tasks have finished
    (``manage.py bench_timers``).
    """
    return fire_due_timers()


@shared_task
def send_dated_reminders() -> int:
    """Meetings tomorrow, goals due soon or overdue, a first meeting held with no goal yet."""
    return reminders.send_dated_reminders()
