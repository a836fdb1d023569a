"""Bulk import's background work (Celery)."""

from celery import shared_task

from . import running


@shared_task
def run_import(batch_pk: int) -> str:
    """Create the accounts of a confirmed import (its progress is on the batch)."""
    return running.run(batch_pk).status


@shared_task(ignore_result=True)
def start_waiting_imports() -> int:
    """The sweep (beat, every QUEUE_SWEEP_SECONDS): run the confirmed imports that have not started
    within QUEUE_GRACE_SECONDS, their queue message lost (``running.start_waiting``)."""
    return running.start_waiting()
