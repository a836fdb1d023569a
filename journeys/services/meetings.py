"""After a meeting: its notes, whether it took place, and the first meeting held earlier than planned.
The meetings still to come when a relationship ends (cancelled with it). And each person's calendar
feed (its secret address, and resetting it).

Creating, changing and cancelling meetings is in ``journeys.services.activity``; what counts as
held, and the feed's contents, are read in ``journeys.meeting_records``.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from notifications.services import notify

from .. import rules
from ..meeting_records import first_meeting_still_to_come
from ..models import CalendarFeed, Meeting, MeetingNote, MeetingOutcome, Relationship, State
from .base import Refused, atomic, lock, record, require_party, touch


def _locked_meeting(meeting: Meeting, user) -> tuple[Relationship, Meeting]:
    """The meeting's relationship and the meeting, locked (in the written order), for one of the two."""
    rel = lock(meeting.relationship_id)
    require_party(rel, user)
    read_only = rules.why_read_only(rel)
    if read_only:
        raise Refused(read_only)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    meeting.relationship = rel
    return rel, meeting


def _require_started(meeting: Meeting) -> None:
    if meeting.cancelled_at:
        raise Refused(_("This meeting was cancelled, so there is nothing to record for it."))
    if meeting.starts_at > timezone.now():
        when = date_format(timezone.localtime(meeting.starts_at), "j F Y, H:i")
        raise Refused(
            _("This meeting has not started yet (it is planned for %(when)s). You can record it once it has.")
            % {"when": when}
        )


def add_meeting_note(meeting: Meeting, user, *, text: str) -> MeetingNote:
    """Either of the two writes notes on a meeting that has started (private to the two of them)."""
    text = text.strip()
    if not text:
        raise Refused(_("Write your notes before saving them."))
    with atomic():
        rel, meeting = _locked_meeting(meeting, user)
        _require_started(meeting)
        note = MeetingNote.objects.create(meeting=meeting, author=user, text=text)
        record(rel, user, "add_meeting_note", meeting.title)  # the title only: the notes stay private
        touch(rel)
    return note


def record_meeting_outcome(meeting: Meeting, user, *, held: bool) -> Meeting:
    """Either of the two says whether a meeting that has started took place (and may change it later)."""
    outcome = MeetingOutcome.HELD if held else MeetingOutcome.NOT_HELD
    with atomic():
        rel, meeting = _locked_meeting(meeting, user)
        _require_started(meeting)
        if meeting.outcome == outcome:
            if held:
                raise Refused(_("This meeting is already recorded as held."))
            raise Refused(_("This meeting is already recorded as not having happened."))
        meeting.outcome, meeting.outcome_by, meeting.outcome_at = outcome, user, timezone.now()
        meeting.save(update_fields=["outcome", "outcome_by", "outcome_at"])
        record(rel, user, "meeting_held" if held else "meeting_not_held", meeting.title)
        touch(rel)
    return meeting


def record_met_earlier(relationship: Relationship, user, *, met_at: datetime) -> Meeting:
    """The mentee says the first meeting, still planned for later, already happened at ``met_at``.

    The meeting moves to that time and is marked held; the time it was planned for stays on it
    (``planned_starts_at``), the history says so, and the mentor's calendar is updated (the same
    invitation, a higher SEQUENCE). Then the first conversation can be marked completed.
    """
    with atomic():
        rel = lock(relationship)
        require_party(rel, user, "mentee")
        if rel.state != State.FIRST_CONVERSATION:
            raise Refused(_("This is only possible during the first conversation stage."))
        now = timezone.now()
        if met_at > now:
            raise Refused(_("Enter a date and time that have passed: when did you meet?"))
        matched_on = timezone.localdate(rel.matched_at) if rel.matched_at else None
        if refusal := rules.why_meeting_day_refused(timezone.localdate(met_at), matched_on):
            raise Refused(refusal)
        planned = first_meeting_still_to_come(rel, now)
        if planned is None:
            raise Refused(_("Your first meeting has already taken place, so there is nothing to change."))
        meeting = Meeting.objects.select_for_update().get(pk=planned.pk)
        meeting.planned_starts_at = meeting.planned_starts_at or meeting.starts_at
        meeting.starts_at = met_at
        meeting.outcome, meeting.outcome_by, meeting.outcome_at = MeetingOutcome.HELD, user, now
        meeting.sequence += 1
        meeting.save()
        record(rel, user, "met_earlier", meeting.title)
        touch(rel)
        notify(rel.mentor, "meeting_changed", relationship=rel, meeting=meeting, actor=user, met_earlier=True)
    return meeting


# -- when the relationship ends ------------------------------------------------------


def cancel_meetings_to_come(rel: Relationship, actor) -> list[Meeting]:
    """The relationship ``rel`` (locked, in the written order) has just ended: withdrawn, closed by
    staff, or one of the two left. Its meetings still to come are cancelled as ``cancel_meeting`` does
    it (cancelled now, their SEQUENCE raised, so the calendar feed and the invitations say CANCELLED and
    calendars take them out), each with a line in the history by whoever ended it.

    Nobody is emailed here: the email that tells each person of the end names these meetings and
    carries their cancellations (``notifications.events``: ``withdrawn``, ``closed_by_staff``,
    ``withdrawn_meetings_cancelled``), so no one gets a second email for them. Returns them, soonest first.
    """
    now = timezone.now()
    to_come = list(
        Meeting.objects.select_for_update()
        .filter(rules.meeting_to_come_q(now), relationship=rel)
        .order_by("starts_at", "pk")
    )
    for meeting in to_come:
        meeting.relationship = rel
        meeting.cancelled_at = now
        meeting.sequence += 1
    Meeting.objects.bulk_update(to_come, ["cancelled_at", "sequence"])
    for meeting in to_come:
        record(rel, actor, "cancel_meeting_at_end", meeting.title)
    return to_come


# -- the calendar feed ---------------------------------------------------------------


def _new_address() -> dict[str, str]:
    return {"key": secrets.token_urlsafe(12), "secret": secrets.token_urlsafe(32)}


def open_calendar_feed(user) -> CalendarFeed:
    """The person's calendar feed, made the first time they ask for it."""
    with atomic():
        feed, _created = CalendarFeed.objects.get_or_create(user=user, defaults=_new_address())
    return feed


def reset_calendar_feed(user) -> CalendarFeed:
    """A new secret address: the old one stops working at once (404, nothing shown)."""
    with atomic():
        feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
        if feed is None:
            return CalendarFeed.objects.create(user=user, **_new_address())
        for name, value in _new_address().items():
            setattr(feed, name, value)
        feed.created_at = timezone.now()
        feed.save()
    return feed
