"""Matching rounds' background work (Celery)."""

from celery import shared_task

from . import services


@shared_task
def propose_after_decline(declined_pk: int) -> str:
    """A mentor declined a published pair: propose (and perhaps publish) the mentee's next best mentor."""
    row = services.after_decline(declined_pk)
    return row.status if row else ""
