"""Background work for people: data exports and the retention sweep (Celery beat).

This module imports the work it queues; nothing it imports imports it back.
"""

from celery import shared_task
from django.db import transaction

from notifications.tasks import queue_soon

from . import exports, retention
from .models import DataExport


def request_data_export(user) -> tuple[DataExport, bool]:
    """ "Download my data": a new export (or the one being prepared; True if new), built in the background
    once the transaction that asked for it commits. Queued as the outbox queues emails (``queue_soon``:
    a broker down or silent costs the page about NOTIFICATION_BROKER_TIMEOUT, never an error); an export
    not built within QUEUE_GRACE_SECONDS is built by the sweep, ``build_waiting_exports``."""
    export, new = exports.open_data_export(user)
    if new:
        transaction.on_commit(lambda: queue_soon(build_data_export, export.pk))
    return export, new


@shared_task
def build_data_export(export_id: int) -> None:
    """Build one "Download my data" zip and email its link (people.exports.build)."""
    exports.build(export_id)


@shared_task(ignore_result=True)
def build_waiting_exports() -> int:
    """The sweep (beat, every QUEUE_SWEEP_SECONDS): build the exports still waiting after
    QUEUE_GRACE_SECONDS, whose queue message was lost (people.exports.build_waiting)."""
    return exports.build_waiting()


@shared_task
def apply_retention() -> dict:
    """Warn, then anonymise, accounts inactive for RETENTION_INACTIVE_DAYS (people.retention)."""
    return retention.apply_retention().as_dict()
