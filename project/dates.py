"""Dates as the platform writes them in pages and emails."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.dateformat import format as format_date


def long_date(value) -> str:
    """3 March 2027: a date, or a moment on the programme's own calendar (UK time); "" for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return format_date(value, "j F Y")
