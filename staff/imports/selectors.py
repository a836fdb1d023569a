"""Reads for bulk import: a batch by id (404 otherwise), its counts and problem rows, invitations."""

from __future__ import annotations

import csv
import io

from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .models import ImportBatch, ImportRow, Invitation

PROBLEMS_SHOWN = 200


def access_batch(pk: int) -> ImportBatch:
    """Any programme manager may see every batch (the views check the role)."""
    return get_object_or_404(ImportBatch.objects.select_related("created_by"), pk=pk)


def access_invitation(pk: int) -> Invitation:
    return get_object_or_404(Invitation.objects.select_related("user"), pk=pk)


def counts(batch: ImportBatch) -> dict[str, int]:
    found = dict(batch.rows.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: found.get(status, 0) for status in ImportRow.Status.values}


def problem_rows(batch: ImportBatch):
    return batch.rows.exclude(status__in=[ImportRow.Status.VALID, ImportRow.Status.CREATED]).order_by("line")[
        :PROBLEMS_SHOWN
    ]


def recent_batches(limit: int = 10):
    return ImportBatch.objects.exclude(status=ImportBatch.Status.CANCELLED).select_related("created_by")[:limit]


def waiting_invitations(limit: int = 50):
    return (
        Invitation.objects.filter(accepted_at__isnull=True, user__is_active=True)
        .select_related("user")
        .order_by("expires_at")[:limit]
    )


def invitation_counts() -> dict[str, int]:
    from django.utils import timezone

    now = timezone.now()
    qs = Invitation.objects.all()
    return {
        "joined": qs.filter(accepted_at__isnull=False).count(),
        "waiting": qs.filter(accepted_at__isnull=True, expires_at__gt=now).count(),
        "expired": qs.filter(accepted_at__isnull=True, expires_at__lte=now).count(),
    }


def _cell(value) -> str:
    """A spreadsheet cell that cannot start a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def errors_csv(batch: ImportBatch) -> str:
    """Every row not imported, with its cells as uploaded and what is wrong."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Row"),
            _("Email"),
            _("First name"),
            _("Last name"),
            _("Organisation"),
            _("Role"),
            _("Areas"),
            _("Community"),
            _("Status"),
            _("Problems"),
        ]
    )
    rows = batch.rows.exclude(status__in=[ImportRow.Status.VALID, ImportRow.Status.CREATED]).order_by("line")
    for row in rows.iterator(chunk_size=2000):
        raw = row.raw or {}
        cells = [
            raw.get(k, "") for k in ("email", "first_name", "last_name", "organisation", "role", "areas", "community")
        ]
        writer.writerow([_cell(v) for v in [row.line, *cells, row.get_status_display(), " ".join(row.problems or [])]])
    return out.getvalue()
