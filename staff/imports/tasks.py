"""Bulk import's background work (Celery)."""

from celery import shared_task

from . import running


@shared_task
def run_import(batch_pk: int) -> str:
    """Create the accounts of a confirmed import (its progress is on the batch)."""
    return running.run(batch_pk).status
