"""Dates as the platform writes them in pages and emails."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext

# The years a date typed into a staff filter or period may fall in. The programme has nothing before
# 2000 or after 2100, and a date far inside the calendar keeps the arithmetic done on it (the day
# after, the start of the day in UK time) from leaving the calendar: the day after 31 December 9999
# raised OverflowError, a 500.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def within_programme_years(value: date | None) -> None:
    """A form field's validator: ``value`` in ``FIRST_YEAR`` to ``LAST_YEAR`` (None passes)."""
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            gettext("Choose a date between %(first)d and %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="out_of_range",
        )


def long_date(value) -> str:
    """3 March 2027: a date, or a moment on the programme's own calendar (UK time); "" for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return format_date(value, "j F Y")


def why_range_reversed(start: date | None, end: date | None) -> str | None:
    """A range of days typed into a form that ends before it begins: its one sentence (None: it does not)."""
    if start and end and end < start:
        return gettext("The end date must be on or after the start date.")
    return None
