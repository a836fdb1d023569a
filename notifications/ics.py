"""iCalendar (RFC 5545 / iTIP RFC 5546) for meetings, written with the icalendar library.

- ``meeting_invite(meeting, cancelled=...)``: the invitation an email carries. ``METHOD:REQUEST``
  for a new meeting and, with the same UID and a higher SEQUENCE, for a change (iTIP has no
  "UPDATE" method: an update is a REQUEST that supersedes the earlier one); ``METHOD:CANCEL``
  with ``STATUS:CANCELLED`` for a cancellation.
- ``meeting_cancellations(meetings)``: the cancellations of several meetings (a relationship that
  ended), one ``METHOD:CANCEL`` calendar per meeting (iTIP wants one UID per message), one after the
  other; the email attaches each on its own (``split_calendars``).
- ``meetings_calendar(meetings, name=...)``: a person's calendar feed (``METHOD:PUBLISH``), every
  meeting as one event, cancelled ones with ``STATUS:CANCELLED``.

Each event has a stable UID (the meeting's), its SEQUENCE (raised by every change), the start
and end in UK time (``TZID=Europe/London``, defined once in the VTIMEZONE), the organiser as
ORGANIZER and both people as ATTENDEE lines, with their names (CN). LOCATION is the place the
meeting's "Method / location" names, or the video link when it names none; a video link is also in
the DESCRIPTION, the URL and a CONFERENCE property (RFC 7986), so a place and a link are both kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress, vRecur, vText
from icalendar.parser import Contentline, Contentlines

from project import identity

LONDON = "Europe/London"


def london_timezone() -> Timezone:
    """The UK's rules since 1996: BST from 01:00 UTC on the last Sunday of March to 01:00 UTC on the
    last Sunday of October (local 01:00 GMT and 02:00 BST)."""
    tz = Timezone()
    tz.add("tzid", LONDON)
    tz.add("x-lic-location", LONDON)
    summer = TimezoneDaylight()
    summer.add("tzname", "BST")
    summer.add("dtstart", datetime(1970, 3, 29, 1, 0, 0))
    summer.add("rrule", vRecur(freq="YEARLY", bymonth=3, byday="-1SU"))
    summer.add("tzoffsetfrom", timezone.timedelta(hours=0))
    summer.add("tzoffsetto", timezone.timedelta(hours=1))
    winter = TimezoneStandard()
    winter.add("tzname", "GMT")
    winter.add("dtstart", datetime(1970, 10, 25, 2, 0, 0))
    winter.add("rrule", vRecur(freq="YEARLY", bymonth=10, byday="-1SU"))
    winter.add("tzoffsetfrom", timezone.timedelta(hours=1))
    winter.add("tzoffsetto", timezone.timedelta(hours=0))
    tz.add_component(summer)
    tz.add_component(winter)
    return tz


def _calendar(method: str, name: str = "") -> Calendar:
    cal = Calendar()
    cal.add("prodid", f"-//{identity.current().name}//Mentoring//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", LONDON)
    cal.add_component(london_timezone())
    return cal


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def _organiser(meeting) -> vCalAddress:
    person = meeting.organiser
    if person is None or person.anonymised_at:  # nobody to name (the platform arranged it, or they left)
        return _address(settings.DEFAULT_FROM_EMAIL, identity.current().name)
    return _address(person.email, person.display_name)


def meeting_event(meeting, *, cancelled: bool | None = None) -> Event:
    """One meeting as a VEVENT (``cancelled``: as cancelled, whatever the meeting says; None: as it is)."""
    cancelled = bool(meeting.cancelled_at) if cancelled is None else cancelled
    london = ZoneInfo(LONDON)
    event = Event()
    event.add("uid", f"{meeting.uid}@mentoring")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at.astimezone(london))
    event.add("dtend", meeting.ends_at.astimezone(london))
    event.add("summary", meeting.title)
    description = meeting.details
    if meeting.video_url:
        video = _("Video chat: %(url)s") % {"url": meeting.video_url}
        description = f"{description}\n\n{video}".strip()
    if description:
        event.add("description", description)
    # The place typed, else the video link: a meeting at a café with a video link for whoever cannot
    # come keeps both (the link is in the description, and as URL and CONFERENCE).
    location = meeting.location or meeting.video_url
    if location:
        event["location"] = vText(location)
    if meeting.video_url:
        event.add("url", meeting.video_url)
        event.add(
            "conference",
            meeting.video_url,
            parameters={"value": "URI", "feature": "VIDEO", "label": _("Video chat")},
        )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("organizer", _organiser(meeting), encode=0)
    rel = meeting.relationship
    for person in (rel.mentee, rel.mentor):
        if person.anonymised_at:  # left the programme: their placeholder address is nobody's
            continue
        event.add(
            "attendee",
            _address(person.email, person.display_name, role="REQ-PARTICIPANT", cutype="INDIVIDUAL"),
            encode=0,
        )
    return event


def meeting_invite(meeting, cancelled: bool = False) -> str:
    """The invitation an email carries: REQUEST (new or changed: same UID, higher SEQUENCE) or CANCEL."""
    cal = _calendar("CANCEL" if cancelled else "REQUEST")
    cal.add_component(meeting_event(meeting, cancelled=cancelled))
    return cal.to_ical().decode()


def meeting_cancellations(meetings: Iterable) -> str:
    """Each meeting's cancellation (``meeting_invite(..., cancelled=True)``), one calendar after the other
    (RFC 5545 allows several in one text); "" for none."""
    return "".join(meeting_invite(meeting, cancelled=True) for meeting in meetings)


def split_calendars(ics: str) -> list[str]:
    """The calendars (``BEGIN:VCALENDAR`` … ``END:VCALENDAR``) one after the other in ``ics``, each whole."""
    calendars = re.findall(r"BEGIN:VCALENDAR\r?\n.*?END:VCALENDAR(?:\r?\n)?", ics, flags=re.DOTALL)
    return calendars or [ics]


def meetings_calendar(meetings: Iterable, *, name: str) -> str:
    """A calendar feed: every meeting given, cancelled ones as STATUS:CANCELLED."""
    cal = _calendar("PUBLISH", name)
    for meeting in meetings:
        cal.add_component(meeting_event(meeting))
    return cal.to_ical().decode()


# RFC 5545 3.1: a line longer than 75 octets is folded, a line break and one space (or tab) at each fold.
# An address or a name may be split by one ("mailto:joh" / " n.smith@example.com"): text is searched unfolded.
FOLDS = ("\r\n ", "\r\n\t")


def rewrite_lines(ics: str, change: Callable[[str], str]) -> str:
    """``ics`` with ``change`` applied to each line unfolded, folded again as the library writes it;
    ``ics`` itself when ``change`` changes no line."""
    lines = Contentlines.from_ical(ics)
    changed = [change(line) for line in lines]
    if changed == lines:
        return ics
    return Contentlines(Contentline(line) for line in changed).to_ical().decode()


def method_of(ics: str) -> str:
    """The METHOD of an iCalendar text ("REQUEST" when it names none), for the email's Content-Type."""
    for line in ics.splitlines():
        if line.upper().startswith("METHOD:"):
            return line.split(":", 1)[1].strip().upper()
    return "REQUEST"
