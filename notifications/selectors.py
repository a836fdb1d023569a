"""Reads for the notifications app that take a person and refuse what they may not see."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import Http404

from project.roles import is_staff as is_programme_staff  # the one staff rule

from .models import Notification

# The rows the staff Email problems page lists: they need a person to decide.
NEEDS_STAFF = (Notification.Email.FAILED, Notification.Email.UNCERTAIN)


def email_problems(user) -> QuerySet[Notification]:
    """Failed and uncertain emails, newest first (staff only: anyone else sees none)."""
    if not is_programme_staff(user):
        return Notification.objects.none()
    return Notification.objects.filter(email_status__in=NEEDS_STAFF).order_by("-created_at", "-pk")


def email_counts(user) -> dict[str, int]:
    """How many emails are in each delivery state that staff watch (waiting, failed, uncertain...)."""
    if not is_programme_staff(user):
        return {}
    watched = (Notification.Email.PENDING, Notification.Email.SENDING, *NEEDS_STAFF)
    rows = Notification.objects.filter(email_status__in=watched).values("email_status").annotate(n=Count("pk"))
    counts = dict.fromkeys(watched, 0)
    counts.update({row["email_status"]: row["n"] for row in rows})
    return counts


def access_email_problem(user, pk: int) -> Notification:
    """One outbox row for the staff page's buttons; 404 for anyone but programme staff."""
    if not is_programme_staff(user):
        raise Http404
    try:
        return Notification.objects.get(pk=pk)
    except Notification.DoesNotExist as missing:
        raise Http404 from missing
