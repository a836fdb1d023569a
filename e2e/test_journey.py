"""The whole mentoring journey in Chromium: two people, a live server, a real Celery worker.

A mentee registers, verifies their email, completes their profile, finds a mentor, asks a
question with a file, sends, edits, withdraws and reinstates a request; the mentor messages
first and accepts; they meet, set and progress a SMART goal, complete each stage, give
feedback and end as completed. Every page visited is checked with axe, and every step's
emails are checked as the real worker delivered them.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from journeys.models import Relationship, State
from journeys.tests.helpers import send, walk_to
from people.models import AreaOfSupport
from people.tests.factories import make_mentee, make_mentor, make_staff

pytestmark = pytest.mark.e2e

NETWORKING = "Networking and networking skills"
PASSWORD = "a-Long-passphrase-9"


@pytest.fixture
def see(check_a11y):
    """After a click that lands on a new page: wait for it, then run axe on it."""

    def check(page: Page, url_part: str | None = None) -> Page:
        if url_part:
            page.wait_for_url(re.compile(url_part))
        page.wait_for_load_state("domcontentloaded")
        check_a11y(page)
        return page

    return check


def click_next_step(page: Page, see) -> None:
    page.get_by_role("link", name=re.compile(r"^Next step")).first.click()
    see(page, "/journey/mentoring/")


def test_whole_journey_from_registration_to_feedback(new_page, visit, see, mailbox, tmp_path, settings):
    # Each message emailed at once here (grouping per quiet period: e2e/test_meetings.py and
    # notifications/tests/test_message_batches.py).
    settings.MESSAGE_EMAIL_QUIET_MINUTES = 0
    staff = make_staff()
    networking = AreaOfSupport.objects.get(name=NETWORKING)
    alice = make_mentor(
        first_name="Alice",
        last_name="Kember",
        email="alice@example.com",
        areas=[networking],
        biography="I help people build their professional network.",
    )

    # 1. Register as a mentee, verify the email address, land logged in.
    mentee_page = new_page()
    visit(mentee_page, "/")
    mentee_page.get_by_role("link", name="Create account now").click()
    see(mentee_page, "/accounts/signup/")
    mentee_page.get_by_label("First name").fill("John")
    mentee_page.get_by_label("Last name").fill("Smith")
    mentee_page.get_by_label("Email").fill("john@example.com")
    mentee_page.get_by_label("Mentee", exact=True).check()
    mentee_page.get_by_label("Password", exact=True).fill(PASSWORD)
    mentee_page.get_by_label(re.compile("Password \\(again\\)")).fill(PASSWORD)
    mentee_page.get_by_role("button", name="Register", exact=True).click()
    see(mentee_page, "/accounts/confirm-email/")
    confirm = mailbox.wait_for(to="john@example.com", subject_contains="Confirm")
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", confirm.text).group(0)
    visit(mentee_page, "/accounts/confirm-email/" + link.split("/accounts/confirm-email/")[1])
    mentee_page.get_by_role("button", name="Confirm").click()
    see(mentee_page, "/relationships/")

    # 2. Profile: the onboarding step, then Find Mentor.
    mentee_page.get_by_role("link", name="complete your profile").click()
    see(mentee_page, "/journey/onboarding/")
    mentee_page.get_by_label("Job title").fill("Transport Planner")
    mentee_page.get_by_label("Organisation").fill("Mango Logistics")
    mentee_page.get_by_label("Role", exact=True).select_option(label="Planning")
    mentee_page.get_by_label("Professional community", exact=True).select_option(label="Logistics")
    mentee_page.get_by_label(NETWORKING, exact=True).check()
    mentee_page.get_by_label("A short biography").fill("Two years into a planning role.")
    mentee_page.get_by_role("button", name="Save profile").click()
    see(mentee_page, "/find/")

    # 3–4. Find Mentor → Alice's profile → Ask Question with a file.
    expect(mentee_page.get_by_text("Alice Kember").first).to_be_visible()
    mentee_page.get_by_role("link", name=re.compile("Alice Kember")).first.click()
    see(mentee_page, f"/mentors/{alice.pk}/")
    mentee_page.get_by_role("link", name="Ask Question").click()
    see(mentee_page, "/question/")
    mentee_page.get_by_role("textbox", name=re.compile("^New message")).fill("Have you mentored planners before?")
    notes = tmp_path / "my-cv.txt"
    notes.write_text("John Smith, Transport Planner\n")
    mentee_page.get_by_label("Add file").set_input_files(str(notes))
    mentee_page.get_by_role("button", name="Send Message").click()
    see(mentee_page, "/conversations/")
    expect(mentee_page.get_by_role("link", name="my-cv.txt")).to_be_visible()
    question = mailbox.wait_for(to=alice.email, subject_contains="New question")
    assert "Have you mentored planners before?" in question.text

    # 5. Mentor Request, previewed, sent.
    visit(mentee_page, f"/mentors/{alice.pk}/")
    mentee_page.get_by_role("link", name="Mentor Request").click()
    see(mentee_page, "/request/")
    mentee_page.get_by_label("Area I need support with").select_option(label=NETWORKING)
    mentee_page.get_by_label("Personal statement").fill(
        "I would like to build a strong personal brand and learn how to approach networking events."
    )
    mentee_page.get_by_role("button", name="Preview request").click()
    see(mentee_page)
    expect(mentee_page.get_by_text("The following mentoring details will be sent to Alice Kember")).to_be_visible()
    mentee_page.get_by_role("button", name="Send Request").click()
    see(mentee_page, r"/relationships/\d+/$")
    rel = Relationship.objects.get(mentee__email="john@example.com")
    mailbox.wait_for(to=alice.email, subject_contains="New mentoring request")
    mailbox.wait_for(to="john@example.com", subject_contains="has been sent")

    # The mentee edits, withdraws and reinstates the request; Alice is told each time.
    mentee_page.get_by_role("link", name="Edit request").click()
    see(mentee_page, "/request/edit/")
    mentee_page.get_by_label("Personal statement").fill(
        "I would like to build a strong personal brand, and find events where I can meet people in logistics."
    )
    mentee_page.get_by_role("button", name="Save changes").click()
    see(mentee_page, r"/relationships/\d+/$")
    mailbox.wait_for(to=alice.email, subject_contains="edited")
    mentee_page.get_by_role("link", name="Withdraw request").click()  # a confirmation page first
    see(mentee_page, "/request/withdraw/confirm/")
    mentee_page.get_by_role("button", name="Withdraw the request").click()
    see(mentee_page, r"/relationships/\d+/$")
    mailbox.wait_for(to=alice.email, subject_contains="withdrawn")
    mentee_page.get_by_role("button", name="Reinstate request").click()
    see(mentee_page, r"/relationships/\d+/$")
    mailbox.wait_for(to=alice.email, subject_contains="reinstated")
    expect(mentee_page.get_by_text(alice.email)).to_have_count(0)  # contact details only once matched

    # 6. Alice: Next step is the request; she messages first, then accepts.
    mentor_page = new_page(alice)
    visit(mentor_page, "/relationships/")
    expect(mentor_page.get_by_role("heading", name="Mentees")).to_be_visible()
    click_next_step(mentor_page, see)
    expect(mentor_page.get_by_text("find events where I can meet people")).to_be_visible()
    mentor_page.get_by_role("link", name=re.compile("Send John a message")).click()
    see(mentor_page, "/messages/")
    mentor_page.get_by_role("textbox", name=re.compile("^New message")).fill(
        "Happy to help. Which events have you tried so far?"
    )
    mentor_page.get_by_role("button", name="Send Message").click()
    see(mentor_page, "/messages/")
    mailbox.wait_for(to="john@example.com", subject_contains="New message from Alice")
    visit(mentor_page, "/relationships/")
    click_next_step(mentor_page, see)
    mentor_page.get_by_label("Message to the mentee").fill("Looking forward to working with you.")
    mentor_page.get_by_role("button", name="Accept").click()
    see(mentor_page, r"/relationships/\d+/$")
    accepted = mailbox.wait_for(to="john@example.com", subject_contains="accepted")
    assert "Looking forward to working with you." in accepted.text

    # 7. Matched: both see each other's contact details on the Relationships page.
    visit(mentee_page, "/relationships/")
    expect(mentee_page.get_by_role("heading", name="Mentors")).to_be_visible()
    expect(mentee_page.get_by_text(alice.email)).to_be_visible()
    for name in ("Messages", "Meet / Video", "Goals", "Actions"):
        expect(mentee_page.get_by_role("link", name=name, exact=True).first).to_be_visible()
    visit(mentor_page, "/relationships/")
    expect(mentor_page.get_by_text("john@example.com")).to_be_visible()

    # 8. The mentee arranges the first meeting with day / month / year boxes; Alice gets an invite.
    click_next_step(mentee_page, see)
    day = dt.date.today() + dt.timedelta(days=14)
    mentee_page.get_by_label("Day").fill("31")
    mentee_page.get_by_label("Month").fill("2")
    mentee_page.get_by_label("Year").fill(str(day.year))
    mentee_page.get_by_label("Start time").select_option("10:00")
    mentee_page.get_by_label("Duration").select_option(label="1 hour")
    mentee_page.get_by_label("Title").fill("First conversation")
    mentee_page.get_by_label("Video chat meeting").check()
    mentee_page.get_by_role("button", name="Save").click()
    see(mentee_page)
    expect(mentee_page.get_by_text("That date does not exist")).to_be_visible()
    expect(mentee_page.get_by_label("Title")).to_have_value("First conversation")
    mentee_page.get_by_label("Day").fill(str(day.day))
    mentee_page.get_by_label("Month").fill(str(day.month))
    mentee_page.get_by_role("button", name="Save").click()
    see(mentee_page, r"/relationships/\d+/$")
    invite = mailbox.wait_for(to=alice.email, subject_contains="Meeting arranged")
    assert "BEGIN:VCALENDAR" in str(next(iter(invite.attachments.values())))
    assert "Video chat link" in invite.text

    # 9. First conversation: a SMART goal, then mark the stage as completed.
    click_next_step(mentee_page, see)
    mentee_page.get_by_role("button", name="Mark stage as completed").click()
    see(mentee_page)
    expect(mentee_page.locator(".message-error")).to_contain_text("Set at least one SMART goal")
    mentee_page.get_by_role("link", name="Go to Goals").click()
    see(mentee_page, "/goals/")
    mentee_page.get_by_label("Goal label").fill("Attend a logistics networking event")
    mentee_page.get_by_label("Goal details").fill("Speak to at least one person I don't know.")
    mentee_page.get_by_label("No completion date").check()
    mentee_page.get_by_role("button", name="Create").click()
    see(mentee_page, "/goals/")
    expect(mentee_page.get_by_text("Goal successfully saved.")).to_be_visible()
    visit(mentee_page, f"/relationships/{rel.pk}/")
    click_next_step(mentee_page, see)
    # The first meeting is still two weeks away: the page says so, and the stage cannot be completed yet...
    expect(mentee_page.locator("#first-meeting-planned")).to_contain_text("is planned for")
    mentee_page.get_by_role("button", name="Mark stage as completed").click()
    see(mentee_page)
    expect(mentee_page.locator(".message-error")).to_contain_text("Your first meeting has not taken place yet")
    # ...unless the mentee says it happened earlier (as if Alice had accepted three days ago, they met yesterday).
    Relationship.objects.filter(pk=rel.pk).update(matched_at=timezone.now() - dt.timedelta(days=3))
    mentee_page.get_by_role("link", name="We met earlier than planned").click()
    see(mentee_page, "/first-meeting/earlier/")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    mentee_page.get_by_label("Day").fill(str(yesterday.day))
    mentee_page.get_by_label("Month").fill(str(yesterday.month))
    mentee_page.get_by_label("Year").fill(str(yesterday.year))
    mentee_page.get_by_label("The time you met").select_option("10:00")
    mentee_page.get_by_role("button", name="Record that we met").click()
    see(mentee_page, "/journey/mentoring/")
    expect(mentee_page.get_by_text("Recorded: your first meeting took place")).to_be_visible()
    moved = mailbox.wait_for(to=alice.email, subject_contains="First meeting recorded as held")
    assert "SEQUENCE:1" in str(next(iter(moved.attachments.values())))
    mentee_page.get_by_role("button", name="Mark stage as completed").click()
    see(mentee_page, r"/relationships/\d+/$")
    mailbox.wait_for(to=alice.email, subject_contains="marked a stage as completed")

    # Alice can see the goal but not change it.
    visit(mentor_page, f"/relationships/{rel.pk}/goals/")
    expect(mentor_page.get_by_role("heading", name="Attend a logistics networking event")).to_be_visible()
    expect(mentor_page.get_by_role("button", name="Complete Goal")).to_have_count(0)

    # 10. Progression: a milestone, complete the goal, mark the stage as completed.
    visit(mentee_page, f"/relationships/{rel.pk}/goals/")
    mentee_page.get_by_text("Add milestones, review or outcome").click()
    mentee_page.get_by_label("Type").select_option(label="Milestone")
    mentee_page.get_by_label("What happened").fill("Booked a place at the regional dinner.")
    mentee_page.get_by_role("button", name="Add", exact=True).click()
    see(mentee_page, "/goals/")
    expect(mentee_page.get_by_text("Booked a place at the regional dinner.")).to_be_visible()
    mentee_page.locator("summary", has_text="Actions").first.click()
    mentee_page.get_by_role("button", name="Complete Goal").click()
    see(mentee_page, "/goals/")
    expect(mentee_page.get_by_text("Complete", exact=True).first).to_be_visible()
    visit(mentee_page, f"/relationships/{rel.pk}/")
    click_next_step(mentee_page, see)
    mentee_page.get_by_role("button", name="Mark stage as completed").click()
    see(mentee_page, r"/relationships/\d+/$")

    # 11. Completion: Ready to give feedback; both are asked.
    click_next_step(mentee_page, see)
    mentee_page.get_by_role("button", name="Ready to give feedback").click()
    see(mentee_page, r"/relationships/\d+/$")
    mailbox.wait_for(to="john@example.com", subject_contains="give feedback")
    mailbox.wait_for(to=alice.email, subject_contains="give feedback")

    for page, rating in ((mentee_page, "5"), (mentor_page, "4")):
        visit(page, f"/relationships/{rel.pk}/")
        click_next_step(page, see)
        page.get_by_label(rating, exact=True).check()
        page.get_by_label("Comments").fill("A really useful few months.")
        page.get_by_role("button", name="Send feedback").click()
        see(page, r"/relationships/\d+/$")
    mailbox.wait_for(to="john@example.com", subject_contains="complete")
    rel.refresh_from_db()
    assert rel.state == State.COMPLETED
    visit(mentee_page, f"/relationships/{rel.pk}/")
    expect(mentee_page.get_by_text("Completed", exact=True).first).to_be_visible()
    expect(mentee_page.get_by_role("cell", name="Completed the relationship")).to_be_visible()

    # 12. Withdraw under Actions, with a reason, from another relationship.
    other = make_mentee(first_name="Priya", last_name="Shah", email="priya@example.com")
    second = walk_to(send(other, alice), other, alice, "progression")
    visit(mentor_page, f"/relationships/{second.pk}/")
    mentor_page.get_by_role("link", name="Withdraw").click()
    see(mentor_page, "/withdraw/")
    expect(mentor_page.get_by_label("Reason")).to_have_attribute("required", "")
    mentor_page.get_by_label("Reason").fill("I am changing roles and cannot give the time.")
    mentor_page.get_by_role("button", name="Withdraw").click()
    see(mentor_page, r"/relationships/\d+/$")
    told = mailbox.wait_for(to="priya@example.com", subject_contains="withdrawn")
    assert "changing roles" in told.text
    mailbox.wait_for(to=staff.email, subject_contains="withdrawn")

    # 13. Need Help?: FAQs, the contact form (confirmed by email), Resources.
    mentee_page.get_by_role("link", name="Need Help?").first.click()
    see(mentee_page, "/help/")
    mentee_page.get_by_text("Search for a mentor").first.click()
    mentee_page.get_by_label("Subject").fill("Certificate")
    mentee_page.get_by_label("Message").fill("Can I get a certificate for completing mentoring?")
    mentee_page.get_by_role("button", name=re.compile("Send")).first.click()
    see(mentee_page, "/help/")
    mailbox.wait_for(to="john@example.com", subject_contains="We have received your message")
    mailbox.wait_for(to=staff.email, subject_contains="Certificate")
    mentee_page.get_by_role("link", name="Resources").first.click()
    see(mentee_page, "/resources/")

    # Edit Account and Sign Out.
    mentee_page.get_by_role("link", name="Edit Account").click()
    see(mentee_page, "/account/")
    mentee_page.get_by_role("button", name="Sign Out").click()
    see(mentee_page)
    visit(mentee_page, "/")
    expect(mentee_page.get_by_role("link", name="Create account now")).to_be_visible()
