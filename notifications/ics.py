"""iCalendar (.ics) invitations for meetings (RFC 5545, via the icalendar library)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText


def meeting_invite(meeting, cancelled: bool = False) -> str:
    cal = Calendar()
    cal.add("prodid", f"-//{settings.SITE_NAME}//Mentoring//EN")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", f"{meeting.uid}@mentoring")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", meeting.title)
    description = meeting.details
    if meeting.video_url:
        video = _("Video chat: %(url)s") % {"url": meeting.video_url}
        description = f"{description}\n\n{video}".strip()
    if description:
        event.add("description", description)
    location = meeting.video_url or meeting.location
    if location:
        event["location"] = vText(location)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    rel = meeting.relationship
    for person in (rel.mentee, rel.mentor):
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = vText(person.display_name)
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical().decode()
