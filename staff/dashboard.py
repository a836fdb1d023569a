"""The staff home: what needs attention now, and the programme's shape over a chosen period.

Every figure here is read with a fixed number of queries, whatever the size of the programme
(``staff/tests/test_home.py`` checks it). The rules it reads have their homes elsewhere: the states
and their groups in ``journeys.states``, stalling and capacity in ``journeys.rules``, who is
waiting in ``journeys.selectors``; the request figures come from the reports (``staff.reports``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from journeys import rules, selectors

from . import services
from .models import StaffCase

ATTENTION_ROWS = 5  # how many of each list the home page shows (the inbox and directories show the rest)


def days_since(moment: datetime, today: date) -> int:
    return max(0, (today - timezone.localdate(moment)).days)


@dataclass
class Attention:
    """What needs the team now: open cases, requests waiting longest, relationships gone quiet."""

    open_cases: int
    cases: list[StaffCase]
    waiting: int
    requests: list[dict] = field(default_factory=list)  # {"relationship", "days"}
    stalled: int = 0
    quiet: list[dict] = field(default_factory=list)  # {"relationship", "days"}
    stalled_after_days: int = 0


def attention(now: datetime | None = None) -> Attention:
    """Six queries: a count and the first rows of each list."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    cases = services.awake(services.open_cases(), today)
    waiting = selectors.waiting_requests()
    stalled = selectors.stalled_relationships(now)
    return Attention(
        open_cases=cases.count(),
        cases=list(
            cases.select_related("relationship__mentee", "relationship__mentor", "concern").order_by("created", "pk")[
                :ATTENTION_ROWS
            ]
        ),
        waiting=waiting.count(),
        requests=[{"relationship": r, "days": days_since(r.created_at, today)} for r in waiting[:ATTENTION_ROWS]],
        stalled=stalled.count(),
        quiet=[{"relationship": r, "days": days_since(r.last_activity_at, today)} for r in stalled[:ATTENTION_ROWS]],
        stalled_after_days=rules.stalled_after_days(),
    )


# -- the period the charts show --------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        """The first moment after the period (its end day included)."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def q(self, path: str) -> Q:
        return Q(**{f"{path}__gte": self.since, f"{path}__lt": self.until})


def default_period(today: date | None = None) -> Period:
    """The last 12 months, today included."""
    today = today or timezone.localdate()
    return Period(today - timedelta(days=364), today)
