"""Email delivery for the outbox, exactly once per notification.

A worker claims a row under a row lock (pending → sending) before it talks to
SMTP, and marks it sent afterwards, so two workers (or a retry racing the
original) never both send it. A row left in "sending" by a worker that died
mid-send is picked up again by the sweep after NOTIFICATION_CLAIM_TIMEOUT.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .models import Notification

logger = logging.getLogger(__name__)
CLAIM_TIMEOUT = timedelta(minutes=10)


def _claim(notification_id: int) -> Notification | None:
    with transaction.atomic():
        note = Notification.objects.select_for_update(skip_locked=True).filter(pk=notification_id).first()
        if note is None:
            return None
        stale = note.email_claimed_at and note.email_claimed_at < timezone.now() - CLAIM_TIMEOUT
        if note.email_status == Notification.Email.PENDING or (
            note.email_status == Notification.Email.SENDING and stale
        ):
            note.email_status = Notification.Email.SENDING
            note.email_claimed_at = timezone.now()
            note.email_attempts += 1
            note.save(update_fields=["email_status", "email_claimed_at", "email_attempts"])
            return note
    return None


def build_email(note: Notification) -> EmailMultiAlternatives:
    mail = EmailMultiAlternatives(
        subject=f"[{settings.SITE_NAME}] {note.subject}",
        body=note.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[note.email],
        headers={
            "X-Notification-Id": str(note.pk),
            # A reminder can be stopped from the mail program in one click (RFC 8058).
            **(
                {"List-Unsubscribe": f"<{note.stop_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
                if note.stop_url
                else {}
            ),
        },
    )
    mail.attach_alternative(note.body_html, "text/html")
    if note.ics:
        mail.attach("invite.ics", note.ics, "text/calendar; method=REQUEST")
    return mail


@shared_task(bind=True, max_retries=8, default_retry_delay=30, acks_late=True)
def deliver(self, notification_id: int) -> str:
    note = _claim(notification_id)
    if note is None:
        return "skipped"
    try:
        build_email(note).send(fail_silently=False)
    except Exception as exc:  # SMTP down, refused, timeout: release the claim and retry later
        Notification.objects.filter(pk=note.pk).update(
            email_status=Notification.Email.PENDING
            if self.request.retries < self.max_retries
            else Notification.Email.FAILED,
            last_error=str(exc)[:2000],
            email_claimed_at=None,
        )
        logger.warning("Email for notification %s failed: %s", note.pk, exc)
        if self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=30 * (2**self.request.retries)) from exc
        return "failed"
    Notification.objects.filter(pk=note.pk).update(
        email_status=Notification.Email.SENT, emailed_at=timezone.now(), last_error=""
    )
    return "sent"


@shared_task
def redeliver_pending() -> int:
    """Re-queue what a lost message or a dead worker left behind."""
    now = timezone.now()
    ids = list(
        Notification.objects.filter(
            email_status=Notification.Email.PENDING, created_at__lt=now - timedelta(minutes=2)
        ).values_list("pk", flat=True)[:500]
    ) + list(
        Notification.objects.filter(
            email_status=Notification.Email.SENDING, email_claimed_at__lt=now - CLAIM_TIMEOUT
        ).values_list("pk", flat=True)[:500]
    )
    for pk in ids:
        deliver.delay(pk)
    return len(ids)
