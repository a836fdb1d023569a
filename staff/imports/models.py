"""Bringing members in: an uploaded spreadsheet (a batch of rows), invitations, the sign-up mode.

An ``ImportBatch`` is one uploaded file: every row is checked when it is uploaded (the preview),
and on confirmation a Celery task creates the accounts of its valid rows in chunks, recording its
progress on the batch. Each account created (or a person staff invite by hand) gets an
``Invitation``: a signed link to set a password, valid ``INVITATION_EXPIRE_DAYS``; resending it
changes its secret, so the older link stops working. ``SignupSettings`` (one row) says who may
create an account on their own: anyone, nobody (invitations only), or addresses of listed domains.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        PREVIEW = "preview", _("Checked, waiting for confirmation")
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Creating accounts")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Stopped by an error")
        CANCELLED = "cancelled", _("Cancelled")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    # Progress of the background import, over the valid rows.
    processed = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)  # confirmed: the sweep starts it if it has not started
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")

    def __str__(self) -> str:
        return gettext("Import of %(file)s") % {"file": self.filename}

    @property
    def percent(self) -> int:
        if not self.valid_rows:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.processed / self.valid_rows))

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class ImportRow(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("Ready to import")
        INVALID = "invalid", _("Has errors")
        EXISTS = "exists", _("Already in the programme")
        DUPLICATE = "duplicate", _("Repeated in the file")
        CREATED = "created", _("Account created")
        SKIPPED = "skipped", _("Skipped: joined meanwhile")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField()  # the row's number in the spreadsheet (the header is 1)
    email = models.CharField(max_length=254, blank=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    organisation = models.CharField(max_length=120, blank=True)
    role = models.CharField(max_length=10, blank=True)  # mentor / mentee / both
    area_ids = models.JSONField(default=list, blank=True)
    community_id = models.BigIntegerField(null=True, blank=True)
    raw = models.JSONField(default=dict, blank=True)  # the cells as read, for the errors' CSV
    problems = models.JSONField(default=list, blank=True)  # sentences, already worded
    status = models.CharField(max_length=10, choices=Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["batch", "line"]
        indexes = [models.Index(fields=["batch", "status", "line"])]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.line} {self.email}"


def new_secret() -> str:
    return secrets.token_urlsafe(16)


class Invitation(models.Model):
    """A person invited to set a password and join; one per account, its link renewed by resending."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitation")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations")
    secret = models.CharField(max_length=40, default=new_secret)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    times_sent = models.PositiveSmallIntegerField(default=1)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")

    def __str__(self) -> str:
        return gettext("Invitation of %(user)s") % {"user": self.user}

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None


class SignupSettings(models.Model):
    """Who may create an account on their own (one row, pk 1; ``current()`` reads it)."""

    class Mode(models.TextChoices):
        OPEN = "open", _("Open: anyone may register")
        INVITATION = "invitation", _("By invitation only")
        DOMAINS = "domains", _("Only addresses at the listed email domains")

    mode = models.CharField(_("who may register"), max_length=12, choices=Mode.choices, default=Mode.OPEN)
    domains = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("registration settings")
        verbose_name_plural = _("registration settings")

    def __str__(self) -> str:
        return str(self.get_mode_display())

    @classmethod
    def current(cls) -> SignupSettings:
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    def allows_domain(self, email: str) -> bool:
        domain = email.rsplit("@", 1)[-1].strip().lower()
        return any(domain == d or domain.endswith("." + d) for d in self.domains)
