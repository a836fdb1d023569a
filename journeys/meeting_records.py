"""Reads about meetings: which took place, which were held, for how long, and the calendar feed.

One home for the questions the stages, reminders, staff reports and the CPD record ask:

- a meeting **took place** once either person marked it held, or once its start time has passed
  and nobody marked it as not having happened (``journeys.rules.took_place_q``): the first
  conversation cannot be marked completed before that, and the "set a goal" reminder waits for it;
- a meeting was **held** when one of the two marked it so (``meetings_held``): the figures that
  count meetings (staff reports, the CPD record, hours given) count these only.

The calendar feed's address is found here too (``access_calendar_feed``): 404 for anything but the
current key and secret of an open account.
"""

from __future__ import annotations

import hmac
from datetime import datetime

from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from . import rules
from .models import CalendarFeed, Meeting, MeetingOutcome, Relationship


def held_q(prefix: str = "") -> Q:
    """Meetings marked held (and not cancelled), as a filter (``prefix``: the path to the meeting)."""
    return Q(**{f"{prefix}cancelled_at__isnull": True, f"{prefix}outcome": MeetingOutcome.HELD})


def meetings_held(relationship: Relationship) -> QuerySet[Meeting]:
    """The relationship's meetings marked held, oldest first: what reports and the CPD record count."""
    return relationship.meetings.filter(held_q()).order_by("starts_at", "pk")


def minutes_of(meetings: QuerySet[Meeting]) -> int:
    return meetings.aggregate(total=Sum("duration_minutes"))["total"] or 0


def hours_held(relationship: Relationship) -> float:
    """Total time of the meetings held, in hours (e.g. 2.5)."""
    return round(minutes_of(meetings_held(relationship)) / 60, 2)


def mentor_meetings_held(mentor) -> QuerySet[Meeting]:
    """Every meeting held in any relationship where ``mentor`` is the mentor (the hours they gave)."""
    return Meeting.objects.filter(held_q(), relationship__mentor=mentor).order_by("starts_at", "pk")


def mentor_hours_held(mentor) -> float:
    return round(minutes_of(mentor_meetings_held(mentor)) / 60, 2)


def took_place(relationship: Relationship, now: datetime | None = None) -> QuerySet[Meeting]:
    return relationship.meetings.filter(rules.took_place_q(now or timezone.now()))


def first_meeting_still_to_come(relationship: Relationship, now: datetime | None = None) -> Meeting | None:
    """While no meeting has taken place: the next one planned (the first conversation), else None."""
    now = now or timezone.now()
    if took_place(relationship, now).exists():
        return None
    return (
        relationship.meetings.filter(cancelled_at__isnull=True, starts_at__gt=now)
        .exclude(outcome=MeetingOutcome.NOT_HELD)
        .order_by("starts_at", "pk")
        .first()
    )


class Status:
    """Where a meeting stands, as the Meet / Video page and the meeting's page show it."""

    CANCELLED = "cancelled"
    UPCOMING = "upcoming"  # its start time has not come: nothing to record yet
    TO_RECORD = "to_record"  # started, and nobody has said whether it took place
    HELD = "held"
    NOT_HELD = "not_held"


def status_of(meeting: Meeting, now: datetime | None = None) -> str:
    if meeting.cancelled_at:
        return Status.CANCELLED
    if meeting.outcome == MeetingOutcome.HELD:
        return Status.HELD
    if meeting.outcome == MeetingOutcome.NOT_HELD:
        return Status.NOT_HELD
    return Status.UPCOMING if meeting.starts_at > (now or timezone.now()) else Status.TO_RECORD


# -- the calendar feed ---------------------------------------------------------------


def calendar_feed_of(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def access_calendar_feed(key: str, secret: str) -> CalendarFeed:
    """The feed at ``/calendar/<key>/<secret>.ics``, or 404 (unknown, reset, or its owner left).

    The key only finds the row; the secret is compared in constant time, so an answer's timing
    tells nothing about how much of a guessed secret was right.
    """
    feed = CalendarFeed.objects.select_related("user").filter(key=key).first()
    expected = feed.secret if feed is not None else "x" * 43
    matches = hmac.compare_digest(expected.encode(), secret.encode())
    if feed is None or not matches or not feed.user.is_active or feed.user.anonymised_at:
        raise Http404("No such calendar")
    return feed


def feed_meetings(user) -> QuerySet[Meeting]:
    """Every meeting of ``user``'s relationships, as mentee and as mentor (cancelled ones too)."""
    return (
        Meeting.objects.filter(Q(relationship__mentee=user) | Q(relationship__mentor=user))
        .select_related("relationship__mentee", "relationship__mentor", "organiser")
        .order_by("starts_at", "pk")
    )
