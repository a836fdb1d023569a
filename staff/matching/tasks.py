"""Matching rounds' background work (Celery)."""

from celery import shared_task
from django.contrib.auth import get_user_model

from journeys.services.base import Refused

from . import services
from .models import Round


@shared_task
def propose_after_decline(declined_pk: int) -> str:
    """A mentor declined a published pair, or stopped taking part before answering it: propose (and
    perhaps publish) the mentee's next best mentor."""
    row = services.after_decline(declined_pk)
    return row.status if row else ""


@shared_task
def publish_round(round_pk: int, staff_pk: int) -> dict:
    """Publish a round's proposed pairs in the background (``services.start_publishing`` marked it)."""
    round_ = Round.objects.get(pk=round_pk)
    staff_user = get_user_model().objects.get(pk=staff_pk)
    try:
        outcome = services.publish(round_, staff_user, progress=True)
    except Refused as refused:
        return {"refused_because": refused.message}
    return {"sent": outcome.sent, "refused": outcome.refused}
