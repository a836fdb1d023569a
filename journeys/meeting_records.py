"""Reads about meetings: where each stands, the first meeting still to come, and the calendar feed.

Which meetings count as held (took place) is one rule, ``journeys.rules.held_q``: not cancelled,
nobody said it did not happen, and marked held or its start time has passed. The first
conversation cannot be marked completed before one has, the "set a goal" reminder waits for one,
and staff reports, the CPD record and a mentor's hours count them (``journeys.selectors.held``).

The calendar feed's address is found here too (``access_calendar_feed``): 404 for anything but the
current key and secret of an open account.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from . import rules
from .models import CalendarFeed, Meeting, MeetingOutcome, Relationship


@dataclass(frozen=True)
class FirstMeeting:
    """Where the first meeting stands: ``held`` (a meeting took place, ``rules.held_q``), else
    ``planned``: the next one still to come (``rules.meeting_to_come_q``), or None when none is."""

    held: bool
    planned: Meeting | None = None


def first_meeting(relationship: Relationship, now: datetime | None = None) -> FirstMeeting:
    now = now or timezone.now()
    if relationship.meetings.filter(rules.held_q(now)).exists():
        return FirstMeeting(held=True)
    planned = relationship.meetings.filter(rules.meeting_to_come_q(now)).order_by("starts_at", "pk").first()
    return FirstMeeting(held=False, planned=planned)


def first_meeting_still_to_come(relationship: Relationship, now: datetime | None = None) -> Meeting | None:
    """While no meeting has been held (``rules.held_q``): the next one planned (the first conversation), else None."""
    return first_meeting(relationship, now).planned


class Status:
    """Where a meeting stands, as the Meet / Video page and the meeting's page show it."""

    CANCELLED = "cancelled"
    UPCOMING = "upcoming"  # its start time has not come: nothing to record yet
    TO_RECORD = "to_record"  # started, and nobody has said whether it took place (it counts as held)
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
