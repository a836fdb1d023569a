"""The staff's own records about members: private notes, what staff did to an account, and each export.

None of this is ever shown to participants: only staff pages read these models.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MemberNote(models.Model):
    """A note programme staff keep about a member (private to staff)."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_member_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("note"), max_length=4000)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"MemberNote {self.pk}"


class MemberAction(models.Model):
    """What a staff member did to a member's account (pause, resume, deactivate, reactivate)."""

    class Kind(models.TextChoices):
        PAUSED = "paused", _("Paused new requests")
        RESUMED = "resumed", _("Opened to new requests again")
        DEACTIVATED = "deactivated", _("Deactivated the account")
        REACTIVATED = "reactivated", _("Reactivated the account")

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_member_actions")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"MemberAction {self.pk} ({self.kind})"


class MemberExport(models.Model):
    """One download of the member directory as CSV: who, when, with which filters, how many rows."""

    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    filters = models.JSONField(default=dict, blank=True)
    row_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"MemberExport {self.pk}"
