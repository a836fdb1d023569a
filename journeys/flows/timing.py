"""When the flows' reminders fall due: the delays of their timer boundaries.

Each delay is read from ``settings.REMINDERS`` when the waiting step starts (the timer is
armed with it), so a changed setting applies to steps that start afterwards. A value of 0,
or a reminder the setting does not list, means "never": the timer is set far beyond any
relationship's life and is cancelled with its step.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

NEVER = timedelta(days=365 * 100)


def days_setting(name: str, index: int | None = None) -> int:
    value = settings.REMINDERS.get(name, 0)
    if index is not None:
        values = list(value or [])
        value = values[index] if index < len(values) else 0
    return int(value or 0)


def after_days(name: str, index: int | None = None):
    """A boundary delay: ``REMINDERS[name]`` days (its ``index``-th value for a list) after the step starts."""

    def delay(activation) -> timedelta:
        days = days_setting(name, index)
        return timedelta(days=days) if days > 0 else NEVER

    delay.__name__ = f"{name.lower()}{'' if index is None else f'_{index}'}"
    return delay


def _days_title(name: str, index: int | None = None) -> str:
    days = days_setting(name, index)
    return _("never (off)") if days <= 0 else ngettext("%(days)d day", "%(days)d days", days) % {"days": days}


# The diagram's title of a boundary: what ``after_days(name, index)`` waits, read from the
# settings when the diagram is drawn ("3 days", "never (off)"), never written by hand.
days_title = lazy(_days_title, str)


def _every(beat_entry: str) -> str:
    seconds = int(settings.CELERY_BEAT_SCHEDULE[beat_entry]["schedule"])
    if seconds % 60 == 0 and seconds >= 120:
        return ngettext("%(n)d minute", "%(n)d minutes", seconds // 60) % {"n": seconds // 60}
    return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}


def _sweep_text(template: str, days: str = "", beat_entry: str = "") -> str:
    """``template`` (a gettext_lazy text with ``%(days)s`` / ``%(every)s``), filled from the settings."""
    return str(template) % {
        "days": _days_title(days) if days else "",
        "every": _every(beat_entry) if beat_entry else "",
    }


sweep_text = lazy(_sweep_text, str)  # like days_title: read from the settings when shown
