"""Filter fields the staff lists share (django-filter)."""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.utils.translation import gettext

DIGITS = re.compile(r"[0-9]{1,9}")  # a whole number of days, as typed: no sign, point, exponent or separator


class WholeDaysField(forms.IntegerField):
    """A number of days from the page or its URL. Anything but a whole number from ``min_value`` to
    ``max_value`` (a fraction, a sign, 1e400, a word, a number too large) gets one sentence in plain
    words on the field, the same for each, rather than Django's and django-filter's several ("Enter a
    number.", "Ensure this value is less than or equal to 1e+50.")."""

    def __init__(self, *, min_value: int = 1, max_value: int, **kwargs) -> None:
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def refusal(self) -> forms.ValidationError:
        return forms.ValidationError(
            gettext("Enter a whole number of days between %(least)d and %(most)d.")
            % {"least": self.min_value, "most": self.max_value},
            code="invalid",
        )

    def to_python(self, value):
        text = "" if value in self.empty_values else str(value).strip()
        if not text:
            return None
        if not DIGITS.fullmatch(text):
            raise self.refusal()
        return int(text)

    def run_validators(self, value) -> None:
        try:
            super().run_validators(value)
        except forms.ValidationError:
            raise self.refusal() from None


class DaysFilter(django_filters.Filter):
    field_class = WholeDaysField
