"""What arrives in the inbox: an HTML and a plain-text part, and the .ics invite for meetings.

Sent by the real worker and read back from its mailbox, as the recipient's mail client would.
"""

from __future__ import annotations

import icalendar
import pytest
from django.db import transaction

from journeys.services import activity, relationships
from journeys.tests.helpers import meet, send
from notifications.services import Message, notify
from people.tests.factories import make_mentee, make_mentor

pytestmark = pytest.mark.django_db(transaction=True)


def test_email_has_a_plain_text_and_an_html_part(celery_worker_process, mailbox, settings):
    mentee = make_mentee(first_name="Priya", email="priya@example.com")
    message = Message(
        subject="Your request was accepted",
        paragraphs=["Alice <Kember> accepted your request.", "Arrange your first meeting."],
        link="/relationships/",
        link_label="See your relationships",
    )
    with transaction.atomic():
        note = notify(mentee, message, "request_accepted")

    mail = mailbox.wait_for(to="priya@example.com", subject_contains="accepted")

    assert mail.subject == "[Mentoring Programme] Your request was accepted"
    assert mail["X-Notification-Id"] == str(note.pk)
    assert mail.message.get_content_type() == "multipart/alternative"
    assert "Hello Priya," in mail.text
    assert "Alice <Kember> accepted your request." in mail.text
    assert f"See your relationships: {settings.SITE_URL}/relationships/" in mail.text
    assert "Hello Priya," in mail.html
    assert "Alice &lt;Kember&gt; accepted your request." in mail.html  # escaped in HTML
    assert f'href="{settings.SITE_URL}/relationships/"' in mail.html
    assert mail.attachments == {}


def test_meeting_email_carries_the_ics_invite_and_its_cancellation(celery_worker_process, mailbox):
    mentee = make_mentee(first_name="John", last_name="Smith", email="john@example.com")
    mentor = make_mentor(first_name="Alice", last_name="Kember", email="alice@example.com")
    rel = send(mentee, mentor)
    relationships.accept_request(rel, mentor)
    meeting = meet(rel, mentee, title="First conversation")

    mail = mailbox.wait_for(to=mentor.email, subject_contains="Meeting arranged: First conversation")

    assert mail.text and mail.html
    assert list(mail.attachments) == ["invite.ics"]
    assert mail.attachment_types["invite.ics"].startswith("text/calendar")
    assert "method=REQUEST" in mail.attachment_types["invite.ics"].replace('"', "")
    invite = icalendar.Calendar.from_ical(mail.attachments["invite.ics"])
    event = invite.walk("VEVENT")[0]
    assert str(invite["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == f"{meeting.uid}@mentoring"
    assert event.decoded("DTSTART") == meeting.starts_at.replace(microsecond=0)
    assert event.decoded("DTEND") == meeting.ends_at.replace(microsecond=0)
    assert str(event["SUMMARY"]) == "First conversation"
    assert sorted(str(a) for a in event.get("ATTENDEE")) == ["mailto:alice@example.com", "mailto:john@example.com"]
    assert mailbox.all(to=mentee.email, subject_contains="Meeting") == []  # the organiser is not told

    activity.cancel_meeting(meeting, mentee)
    cancelled = mailbox.wait_for(to=mentor.email, subject_contains="Meeting cancelled")
    invite = icalendar.Calendar.from_ical(cancelled.attachments["invite.ics"])
    event = invite.walk("VEVENT")[0]
    assert (str(invite["METHOD"]), str(event["STATUS"]), event["SEQUENCE"]) == ("CANCEL", "CANCELLED", 1)
    assert str(event["UID"]) == f"{meeting.uid}@mentoring"
