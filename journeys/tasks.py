"""Scheduled work for the declared flows (run by Celery beat; one beat per deployment)."""

from celery import shared_task


@shared_task
def fire_workflow_timers() -> int:
    """Fire the flows' due database-backed timers (viewflow's Timer / OnTimeout boundaries)."""
    from viewflow.workflow.timers import fire_due_timers

    return fire_due_timers()
