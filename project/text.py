"""Plain text that ends up in one line: a name, an email subject.

A line break in an email header makes Django refuse to send the email at all
(BadHeaderError), so every name and subject is checked where it is typed
(``refuse_control_characters``) and flattened where a subject is built
(``one_line``), so text stored before the check cannot break delivery either.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WHITESPACE = re.compile(r"\s+")


def has_control_characters(value: str) -> bool:
    """Line breaks, tabs, NUL and other control or format-control characters (Unicode Cc, Cf, Zl, Zp)."""
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in value)


def refuse_control_characters(value: str) -> None:
    """Form validator for one-line fields (names, subjects)."""
    if has_control_characters(value or ""):
        raise ValidationError(
            _("Write this on one line, without line breaks, tabs or other invisible characters."),
            code="control_characters",
        )


def one_line(text: str) -> str:
    """Collapse every run of whitespace and drop control characters: safe as an email header."""
    cleaned = "".join(ch if unicodedata.category(ch) not in ("Cc", "Cf") or ch.isspace() else " " for ch in text or "")
    return _WHITESPACE.sub(" ", cleaned).strip()


# -- lists in a sentence ------------------------------------------------------------------------


def and_list(items: Iterable[str]) -> str:
    """ "a, b and c" (one item alone as it is)."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def or_list(items: Iterable[str]) -> str:
    """ "a, b or c" (one item alone as it is)."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return _("%(items)s or %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}
