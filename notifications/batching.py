"""Grouped notifications: one email for a burst of news, sent once things have gone quiet.

Messages are the case (``journeys.services.activity``): one email per conversation per quiet
period, not one per message. The outbox row is the batch. While it waits it stays ``pending``
and untried, with ``next_attempt_at`` set to the end of the quiet period; each new item of the
same batch (same ``batch_key`` and recipient) rewrites the row's words with every item so far and
pushes ``next_attempt_at`` back again, though never past the first item's time plus the longest
wait. The delivery sweep (``tasks.redeliver_pending``) takes the row when it is due and sends it
like any other row, so every promise of the outbox holds (claimed under a row lock, sent at most
once, retried with back-off, failed within a bounded time).

Why a batch and a delivery never both get the row: adding to a batch locks the row
(``SELECT … FOR UPDATE``) and only while it is still ``pending`` with no attempt; the courier's
claim skips locked rows and makes the row ``sending`` in its own commit. Whichever comes second
sees the other's work: the claim waits for the next sweep (the row is no longer due), or the new
item finds no open batch and starts the next one.

Settings: ``MESSAGE_EMAIL_QUIET_MINUTES`` (default 15; 0 emails every message at once, as a
plain notification) and ``MESSAGE_EMAIL_MAX_DELAY_MINUTES`` (default 60: a conversation that
never goes quiet is still emailed about that often).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import Notification
from .services import notify, written_fields

Email = Notification.Email


def quiet_period() -> timedelta:
    return timedelta(minutes=float(settings.MESSAGE_EMAIL_QUIET_MINUTES))


def longest_wait() -> timedelta:
    return max(timedelta(minutes=float(settings.MESSAGE_EMAIL_MAX_DELAY_MINUTES)), quiet_period())


def batching_on() -> bool:
    return quiet_period() > timedelta(0)


def open_batch(recipient, key: str) -> Notification | None:
    """The recipient's batch ``key`` still waiting for its quiet period, locked; None if there is none.

    (Call inside a transaction. A row a worker has claimed is no longer pending: it is not returned,
    and the next item starts a new batch.)
    """
    return (
        Notification.objects.select_for_update()
        .filter(recipient=recipient, batch_key=key, email_status=Email.PENDING, email_attempts=0)
        .order_by("-pk")
        .first()
    )


def send_at(started_at: datetime, now: datetime | None = None) -> datetime:
    """When a batch whose first item came at ``started_at`` is due, if nothing more comes."""
    now = now or timezone.now()
    return max(now, min(now + quiet_period(), started_at + longest_wait()))


def notify_batched(
    recipient, event: str, /, *, key: str, batch: Notification | None, started_at: datetime, **context
) -> Notification:
    """Write the batch's notification (``batch``: the open one from ``open_batch``, or None to start one).

    ``context`` renders ``event`` with everything the batch holds so far; ``started_at`` is when
    its first item came. With MESSAGE_EMAIL_QUIET_MINUTES at 0 there is no batching: a plain
    notification, delivered after commit.
    """
    if not batching_on():
        return notify(recipient, event, **context)
    now = timezone.now()
    due = send_at(started_at, now)
    if batch is None:
        return notify(recipient, event, publish=False, batch_key=key, due_at=due, **context)
    give_up = due + timedelta(seconds=float(settings.NOTIFICATION_GIVE_UP_AFTER))
    fields = written_fields(recipient, event, context)
    for name, value in fields.items():
        setattr(batch, name, value)
    # The in-app notice comes back as unread and new; the email waits for the quiet period again.
    batch.created_at, batch.read_at = now, None
    batch.next_attempt_at, batch.give_up_at = due, give_up
    batch.save(update_fields=[*fields, "created_at", "read_at", "next_attempt_at", "give_up_at"])
    return batch
