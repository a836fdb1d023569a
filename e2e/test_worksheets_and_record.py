"""Issue 9 in Chromium: the mentee fills in a SWOT, the mentor reads it and comments, both
download PDFs (the worksheet, their CPD evidence, the mentor's hours); the mentee raises a
concern the mentor never hears of; destructive actions ask on a page of their own; staff see the
concern, and closing the relationship asks first. axe runs on every new page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from journeys.models import Concern, Goal, Meeting
from journeys.services import activity, meetings
from journeys.tests.helpers import goal, send, walk_to
from journeys.tests.pdftext import pdf_text
from people.tests.factories import make_mentee, make_mentor, make_staff
from staff.models import CaseKind, StaffCase

pytestmark = pytest.mark.e2e


def download(page: Page, link_name: str) -> str:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    return pdf_text(Path(info.value.path()).read_bytes())


def path_of(link_text: str) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", link_text).group(1)


def test_worksheet_comments_pdfs_concern_and_confirmations(new_page, visit, check_a11y, mailbox):
    staff = make_staff(email="sam@example.com")  # Sam Staff
    mentor = make_mentor(first_name="Alice", last_name="Kember", email="alice@example.com")
    mentee = make_mentee(first_name="John", last_name="Smith", email="john@example.com")
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")
    started = activity.create_meeting(
        rel,
        mentee,
        title="Getting started",
        starts_at=timezone.now() - dt.timedelta(days=3),
        duration_minutes=90,
        send_details=False,
    )
    meetings.record_meeting_outcome(started, mentor, held=True)  # held (past, it would count unrecorded too)
    goal(rel, mentee, "Grow my network")

    # 1. The mentee fills in the SWOT from Goals, then changes it: two versions.
    page = new_page(mentee)
    visit(page, f"/relationships/{rel.pk}/goals/")
    page.get_by_role("link", name="SWOT").click()
    page.wait_for_url(re.compile(r"/worksheets/swot/$"))
    check_a11y(page)
    page.get_by_label("Strengths").fill("Planning routes under pressure")
    page.get_by_label("Weaknesses").fill("Speaking at large meetings")
    page.get_by_label("Opportunities").fill("A new depot opening next spring")
    page.get_by_label("Threats").fill("Too little time for study")
    page.get_by_role("button", name="Save the worksheet").click()
    expect(page.get_by_text("Your SWOT is saved (version 1). Alice Kember can read it.")).to_be_visible()
    page.get_by_label("Threats").fill("A long commute")
    page.get_by_role("button", name="Save the worksheet").click()
    expect(page.get_by_text("(version 2)")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Version 1").click()
    page.wait_for_url(re.compile(r"/versions/1/$"))
    expect(page.get_by_text("Too little time for study")).to_be_visible()
    check_a11y(page)

    # 2. Alice is emailed once, reads it from the link and comments.
    told = mailbox.wait_for(to=mentor.email, subject_contains="has filled in their SWOT")
    alice = new_page(mentor)
    visit(alice, path_of(told.text))
    expect(alice.get_by_role("heading", name="SWOT worksheet")).to_be_visible()
    expect(alice.get_by_text("A long commute")).to_be_visible()
    expect(alice.get_by_label("Strengths")).to_have_count(0)  # she reads, she does not edit
    alice.get_by_label("Your comment").fill("Your planning is a real strength: use it at the depot.")
    alice.get_by_role("button", name="Add comment").click()
    expect(alice.get_by_text("Your comment is added. John Smith can read it.")).to_be_visible()
    check_a11y(alice)
    mailbox.wait_for(to=mentee.email, subject_contains="Alice Kember commented on the SWOT")

    # 3. Both download the worksheet as a PDF, with the comment.
    for who in (page, alice):
        visit(who, f"/relationships/{rel.pk}/worksheets/swot/")
        text = download(who, "Download (PDF)")
        assert "SWOT worksheet" in text and "Version 2" in text and "A long commute" in text
        assert "Your planning is a real strength" in text

    # 4. The CPD evidence packs and the mentor's hours.
    visit(page, f"/relationships/{rel.pk}/")
    text = download(page, "Download my CPD evidence (PDF)")
    assert "John Smith, as mentee of Alice Kember" in text
    assert "Meetings held: 1. Total time: 1 hour 30 minutes (1.50 hours)." in text and "Grow my network" in text
    visit(alice, "/relationships/")
    text = download(alice, "Download my mentoring hours (PDF)")
    assert "Alice Kember, as a mentor" in text and "In all: 1 meeting held with 1 mentee," in text

    # 5. The proposal, readable after the match.
    visit(page, f"/relationships/{rel.pk}/")
    page.get_by_role("link", name="Open the proposal on a page of its own").click()
    page.wait_for_url(re.compile(r"/proposal/$"))
    expect(page.get_by_text("I would like help building my professional network.")).to_be_visible()
    check_a11y(page)

    # 6. Destructive actions ask first: delete a goal, cancel a meeting.
    visit(page, f"/relationships/{rel.pk}/goals/")
    page.get_by_text("Actions").first.click()
    page.get_by_role("link", name="Delete Grow my network").click()
    page.wait_for_url(re.compile(r"/goals/\d+/delete/confirm/$"))
    expect(page.get_by_role("heading", name="Delete the goal “Grow my network”?")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="No, go back").click()
    page.wait_for_url(re.compile(r"/goals/$"))
    assert Goal.objects.filter(label="Grow my network").exists()
    page.get_by_text("Actions").first.click()
    page.get_by_role("link", name="Delete Grow my network").click()
    page.get_by_role("button", name="Delete the goal").click()
    expect(page.get_by_text("Goal deleted.")).to_be_visible()
    assert not Goal.objects.filter(label="Grow my network").exists()

    visit(page, f"/relationships/{rel.pk}/meet/")
    page.get_by_role("link", name="Cancel First conversation").click()
    page.wait_for_url(re.compile(r"/cancel/confirm/$"))
    check_a11y(page)
    page.get_by_label("Tell Alice Kember (they are emailed a calendar cancellation)").uncheck()
    page.get_by_role("button", name="Cancel the meeting").click()
    expect(page.get_by_text("Meeting cancelled.")).to_be_visible()
    assert Meeting.objects.get(title="First conversation").cancelled_at is not None

    # 7. A concern: an empty one is a message on the page; the sent one reaches staff, not Alice.
    mails_to_alice = len(mailbox.all(to=mentor.email))
    visit(page, f"/relationships/{rel.pk}/")
    page.get_by_role("link", name="Raise a concern").click()
    page.wait_for_url(re.compile(r"/concern/$"))
    check_a11y(page)
    page.get_by_role("button", name="Send to the programme team").click()
    expect(page.get_by_text("Please write your concern before sending it.")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Your concern").fill("My mentor has stopped replying to my messages.")
    page.get_by_role("button", name="Send to the programme team").click()
    page.wait_for_url(re.compile(rf"/relationships/{rel.pk}/$"))
    expect(page.get_by_text("Your concern has been sent to the programme team")).to_be_visible()
    expect(page.get_by_role("heading", name="Concerns you raised")).to_be_visible()
    check_a11y(page)
    confirmation = mailbox.wait_for(to=mentee.email, subject_contains="We have received your concern")
    assert "Alice Kember has not been told about it." in confirmation.text
    mailbox.wait_for(to=staff.email, subject_contains="concern from a participant")
    visit(alice, f"/relationships/{rel.pk}/")
    expect(alice.get_by_text("stopped replying")).to_have_count(0)
    expect(alice.get_by_role("heading", name="Concerns you raised")).to_have_count(0)
    assert len(mailbox.all(to=mentor.email)) == mails_to_alice
    assert not [m for m in mailbox.all(to=mentor.email) if "concern" in (m.subject + m.text).lower()]

    # 8. Staff: the case shows the concern; closing the relationship asks on a page of its own.
    case = StaffCase.objects.get(kind=CaseKind.CONCERN, concern=Concern.objects.get())
    sam = new_page(staff)
    visit(sam, f"/staff/cases/{case.pk}/")
    expect(sam.get_by_text("My mentor has stopped replying to my messages.", exact=True)).to_be_visible()
    check_a11y(sam)
    sam.get_by_role("button", name=re.compile("^Claim")).click()
    sam.wait_for_url(re.compile(r"/staff/cases/flow/"))
    check_a11y(sam)
    sam.locator("summary", has_text="Close the relationship").click()
    sam.get_by_label("Reason for closing").fill("The mentor can no longer take part.")
    sam.get_by_role("button", name="Close the relationship").click()
    expect(sam.get_by_role("heading", name=re.compile("^Close the relationship between John Smith"))).to_be_visible()
    check_a11y(sam)
    rel.refresh_from_db()
    assert rel.state == "first_conversation"  # nothing closed yet
    sam.get_by_role("button", name="Yes, close the relationship").click()
    expect(sam.get_by_text("The relationship is closed")).to_be_visible()
    rel.refresh_from_db()
    assert rel.state == "closed"

    # 9. The ended relationship moves to its own section.
    visit(page, "/relationships/")
    expect(page.get_by_role("heading", name="Ended")).to_be_visible()
    expect(page.get_by_text("You have no current mentor.")).to_be_visible()
