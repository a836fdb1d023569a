"""The notification outbox: one row per recipient per event.

Rows are written in the same transaction as the change that caused them and
delivered by Celery after commit (``notifications.tasks.deliver``). The row is
both the in-app notification and the record of its email, and it is its email's
schedule: ``next_attempt_at`` says when the sweep may try it (see tasks.py).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def first_attempt_at():
    """A new row's own queue message has NOTIFICATION_QUEUE_GRACE_SECONDS before the sweep takes it."""
    return timezone.now() + timedelta(seconds=settings.NOTIFICATION_QUEUE_GRACE_SECONDS)


class Notification(models.Model):
    class Email(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not emailed")
        # A worker died while the mail server had the message: it may or may not have gone.
        UNCERTAIN = "uncertain", _("May have been sent")
        DISCARDED = "discarded", _("Discarded by staff")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    # Staff notifications (support requests, withdrawals) may go to an address with no account.
    email = models.EmailField()
    event = models.CharField(max_length=60, db_index=True)
    subject = models.CharField(max_length=200)
    body_text = models.TextField()
    body_html = models.TextField()
    link = models.CharField(max_length=300, blank=True)
    ics = models.TextField(blank=True)
    # Reminders only: the one-click address that stops this kind of reminder (List-Unsubscribe).
    stop_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(max_length=10, choices=Email.choices, default=Email.PENDING, db_index=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    # The schedule: a pending row is tried once this is past (None: not pending).
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=first_attempt_at)
    # A failed attempt after this makes the row "failed" (None: created_at + NOTIFICATION_GIVE_UP_AFTER).
    give_up_at = models.DateTimeField(null=True, blank=True)
    # Failed rows go back to pending once when delivery works again; this says when it happened.
    auto_retried_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # Grouped notifications (notifications.batching): rows with the same key and recipient that
    # are still waiting for their quiet period are one email, rewritten as more news comes in.
    batch_key = models.CharField(max_length=100, blank=True, default="")
    # Where the recipient's reply goes, when not the sender (a support reply: project.reply_addresses).
    reply_to = models.CharField(max_length=254, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # The sweep's query: the pending rows that are due.
            models.Index(
                fields=["next_attempt_at"], condition=models.Q(email_status="pending"), name="notification_due"
            ),
            # The open batch of a recipient (notifications.batching.open_batch).
            models.Index(
                fields=["recipient", "batch_key"],
                condition=models.Q(email_status="pending", email_attempts=0) & ~models.Q(batch_key=""),
                name="notification_open_batch",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.email}"


class ReminderOptOut(models.Model):
    """A participant has stopped one kind of reminder email (``notifications.reminders.Kind``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_opt_outs")
    kind = models.CharField(max_length=30)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_opt_out_per_kind")]

    def __str__(self) -> str:
        return f"{self.user_id} stopped {self.kind}"


class SentReminder(models.Model):
    """A dated reminder already sent (meeting tomorrow, goal due): the key makes it once only."""

    key = models.CharField(max_length=200, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key
