"""Matching rounds' background work (Celery).

Queued from pages with ``notifications.tasks.queue_soon`` (a broker down or silent costs the page about
NOTIFICATION_BROKER_TIMEOUT, never an error); ``resume_waiting_work`` (beat) does what a lost message left.
"""

import logging

from celery import shared_task
from django.contrib.auth import get_user_model

from journeys.services.base import Refused

from . import services
from .models import Round

logger = logging.getLogger(__name__)


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


@shared_task(ignore_result=True)
def resume_waiting_work() -> dict:
    """The sweep (beat, every QUEUE_SWEEP_SECONDS): what a lost queue message (or a dead worker) left undone.
    Publishing runs silent for ``services.PUBLISH_STALE_SECONDS`` carry on, and declined pairs whose
    mentee's next best mentor was never proposed are followed up. Each is safe beside its own task."""
    followed = 0
    for ended_pk in services.waiting_follow_ups():
        try:
            services.after_decline(ended_pk)
        except Exception:  # one round's trouble does not stop the others'
            logger.exception("Following up declined pair %s failed; the next sweep tries again", ended_pk)
            continue
        followed += 1
    return {"resumed": services.resume_stalled_publishing(), "followed_up": followed}
