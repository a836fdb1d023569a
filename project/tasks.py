"""The task queue's own heartbeat, scheduled by beat (``CELERY_BEAT_SCHEDULE["heartbeat"]``)."""

from celery import shared_task
from django.utils import timezone

from .models import Heartbeat

WORKER_AND_BEAT = "worker_and_beat"


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Record that beat sent this and a worker ran it, just now (read by ``/health/``)."""
    Heartbeat.objects.update_or_create(name=WORKER_AND_BEAT, defaults={"seen_at": timezone.now()})
