"""After a meeting, in Chromium: the pair write notes and mark it held; the notes show to both and
to nobody else; the personal calendar feed works, and resetting it kills the old address; a burst
of messages arrives as one email once the conversation has gone quiet."""

from __future__ import annotations

import datetime as dt
import re
import time

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from journeys.models import Meeting
from journeys.services import activity
from journeys.tests.helpers import send, walk_to
from notifications.tasks import redeliver_pending
from people.tests.factories import make_mentee, make_mentor, make_staff

pytestmark = pytest.mark.e2e


@pytest.fixture
def pair(transactional_db):
    mentee = make_mentee(first_name="John", last_name="Smith", email="john.meet@example.com")
    mentor = make_mentor(first_name="Alice", last_name="Kember", email="alice.meet@example.com")
    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    meeting = activity.create_meeting(
        rel,
        mentee,
        title="First conversation",
        starts_at=timezone.now() - dt.timedelta(hours=3),
        duration_minutes=60,
        location="Café on the corner",
    )
    return rel, meeting, mentee, mentor


def test_the_pair_record_notes_and_mark_the_meeting_held(new_page, visit, check_a11y, pair):
    rel, meeting, mentee, mentor = pair
    notes_text = "We agreed I will go to the regional dinner."

    # The mentee: Meet / Video → the meeting's page → notes, and "Yes, we met".
    john = new_page(mentee)
    visit(john, f"/relationships/{rel.pk}/meet/")
    row = john.get_by_role("row", name=re.compile("First conversation"))
    expect(row).to_contain_text("Not recorded yet")
    row.get_by_role("link", name=re.compile("^Notes")).click()
    john.wait_for_url(re.compile(rf"/meetings/{meeting.pk}/$"))
    check_a11y(john)
    john.get_by_role("button", name="Save notes").click()  # empty: a clear message, nothing saved
    expect(john.get_by_text("Write your notes before saving them.")).to_be_visible()
    check_a11y(john)
    john.get_by_label("Your notes").fill(notes_text)
    john.get_by_role("button", name="Save notes").click()
    expect(john.get_by_text("Your notes are saved.")).to_be_visible()
    john.get_by_label("Yes, we met").check()
    john.get_by_role("button", name="Save", exact=True).click()
    expect(john.get_by_text("Recorded: this meeting took place.")).to_be_visible()
    expect(john.locator("#meeting-status")).to_contain_text("Held")
    check_a11y(john)

    # The mentor sees them, and adds her own.
    alice = new_page(mentor)
    visit(alice, f"/meetings/{meeting.pk}/")
    expect(alice.get_by_text(notes_text)).to_be_visible()
    expect(alice.locator("#meeting-status")).to_contain_text("recorded by John Smith")
    alice.get_by_label("Your notes").fill("Send John the events list.")
    alice.get_by_role("button", name="Save notes").click()
    expect(alice.get_by_text("Send John the events list.")).to_be_visible()
    visit(john, f"/meetings/{meeting.pk}/")
    expect(john.get_by_text("Send John the events list.")).to_be_visible()

    # Nobody else: an outsider and staff get "not found", and the relationship page staff see has no notes.
    for person in (make_mentee(email="olive.outsider@example.com"), make_staff()):
        other = new_page(person)
        visit(other, f"/meetings/{meeting.pk}/", status=404)
        expect(other.get_by_text(notes_text)).to_have_count(0)
        if person.is_staff:
            visit(other, f"/relationships/{rel.pk}/")
            expect(other.get_by_text(notes_text)).to_have_count(0)
    meeting.refresh_from_db()
    assert meeting.outcome == "held" and meeting.notes.count() == 2


def test_a_meeting_still_to_come_has_nothing_to_record_yet(new_page, visit, pair):
    rel, _meeting, mentee, _mentor = pair
    later = activity.create_meeting(
        rel, mentee, title="Next week", starts_at=timezone.now() + dt.timedelta(days=7), duration_minutes=30
    )
    page = new_page(mentee)
    visit(page, f"/meetings/{later.pk}/")
    expect(page.get_by_text("Once the meeting has started")).to_be_visible()
    expect(page.get_by_label("Your notes")).to_have_count(0)


def test_the_calendar_feed_works_and_resetting_it_kills_the_old_address(new_page, visit, check_a11y, pair):
    rel, meeting, mentee, _mentor = pair
    page = new_page(mentee)
    visit(page, f"/relationships/{rel.pk}/meet/")
    page.get_by_role("button", name="Get my calendar address").click()
    page.wait_for_url(re.compile(rf"/relationships/{rel.pk}/meet/$"))
    check_a11y(page)
    subscribe = page.get_by_role("link", name="Subscribe in my calendar app")
    assert subscribe.get_attribute("href").startswith("webcal://")
    address = page.get_by_label(re.compile("Or copy this address")).input_value()
    assert address.startswith("http") and address.endswith(".ics")
    path = "/calendar/" + address.split("/calendar/", 1)[1]

    feed = page.request.get(path)  # what a calendar app does: no cookies needed, the address is the key
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert "no-store" in feed.headers["cache-control"]
    cal = icalendar.Calendar.from_ical(feed.text())
    (event,) = cal.walk("VEVENT")
    assert str(event["SUMMARY"]) == "First conversation" and str(event["UID"]) == f"{meeting.uid}@mentoring"
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/London"

    # The same address is on Edit Account; changing it asks first, on a page of its own.
    visit(page, "/account/")
    expect(page.get_by_label(re.compile("Or copy this address"))).to_have_value(address)
    page.get_by_role("link", name="Change my calendar address").click()
    page.wait_for_url(re.compile("/calendar/reset/$"))
    check_a11y(page)
    page.get_by_role("button", name="Yes, give me a new address").click()
    page.wait_for_url(re.compile("/calendar/$"))
    check_a11y(page)
    expect(page.get_by_text("The old one no longer works")).to_be_visible()
    new_address = page.get_by_label(re.compile("Or copy this address")).input_value()
    assert new_address != address

    gone = page.request.get(path)
    assert gone.status == 404
    assert "BEGIN:VCALENDAR" not in gone.text() and "First conversation" not in gone.text()
    fresh = page.request.get("/calendar/" + new_address.split("/calendar/", 1)[1])
    assert fresh.status == 200 and "First conversation" in fresh.text()
    assert Meeting.objects.count() == 1


def test_a_burst_of_messages_is_one_email(new_page, visit, pair, mailbox, settings):
    rel, _meeting, mentee, mentor = pair
    settings.MESSAGE_EMAIL_QUIET_MINUTES = 0.05  # three seconds of quiet, for the test
    alice = new_page(mentor)
    visit(alice, f"/relationships/{rel.pk}/messages/")
    for text in ("Lovely to meet you today.", "Here are the events I mentioned."):
        alice.get_by_role("textbox", name=re.compile("^New message")).fill(text)
        alice.get_by_role("button", name="Send Message").click()
        expect(alice.get_by_text(text)).to_be_visible()

    def swept_and_arrived():
        redeliver_pending.delay()  # what beat does every NOTIFICATION_SWEEP_SECONDS
        time.sleep(0.5)
        return mailbox.all(to=mentee.email, subject_contains="messages from Alice")

    deadline = time.monotonic() + 30
    while not (found := swept_and_arrived()) and time.monotonic() < deadline:
        pass
    (email,) = found
    assert "2 new messages from Alice Kember" in email.subject
    assert "Lovely to meet you today." in email.text and "Here are the events I mentioned." in email.text
    assert mailbox.all(to=mentee.email, subject_contains="New message") == []  # not one per message
