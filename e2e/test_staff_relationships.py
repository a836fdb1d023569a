"""Programme staff find a stalled relationship in the directory, open it and open a case about it;
then reply to a Contact message from its case, and the sender reads the reply and answers."""

import re

import pytest
from playwright.sync_api import expect

from journeys.tests.helpers import quiet_for, send, walk_to
from people.tests.factories import make_mentee, make_mentor, make_staff
from project import reply_addresses as replies
from staff.models import CaseKind, StaffCase
from support import services as support_services
from support.models import SupportReply

pytestmark = pytest.mark.e2e


def test_staff_find_a_stalled_relationship_and_open_a_case(new_page, visit, check_a11y):
    staff = make_staff(email="sam@example.com")
    mentee = make_mentee(first_name="Hannah", last_name="Wright", email="hannah@example.com")
    mentor = make_mentor(first_name="Rhys", last_name="Evans", email="rhys@example.com", capacity=3)
    busy_mentee = make_mentee(first_name="Omar", last_name="Shah", email="omar@example.com")
    quiet = walk_to(send(mentee, mentor), mentee, mentor, "progression")
    walk_to(send(busy_mentee, mentor), busy_mentee, mentor, "progression")
    quiet_for(quiet, 45)

    page = new_page(staff)
    visit(page, "/staff/relationships/")
    expect(page.get_by_role("heading", name="2 relationships")).to_be_visible()
    page.get_by_label("Stalled for at least (days)").fill("30")
    page.get_by_label("Waiting on").select_option("mentee")
    page.get_by_role("button", name="Show relationships").click()
    page.wait_for_url(re.compile("stalled=30"))
    expect(page.get_by_role("heading", name="1 relationship")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Omar Shah")).to_have_count(0)
    check_a11y(page)

    page.get_by_role("link", name=re.compile("^Hannah Wright")).click()
    page.wait_for_url(re.compile(rf"/staff/relationships/{quiet.pk}/$"))
    expect(page.get_by_role("heading", name="Hannah Wright mentored by Rhys Evans")).to_be_visible()
    expect(page.get_by_text("No open case about this relationship.")).to_be_visible()
    check_a11y(page)

    page.get_by_label("What needs attention?").fill("Quiet for six weeks: check in with both")
    page.get_by_role("button", name="Open a case").click()
    page.wait_for_url(re.compile(r"/staff/cases/flow/"))
    expect(page.get_by_role("heading", name=re.compile("Raised by staff"))).to_be_visible()
    case = StaffCase.objects.get(kind=CaseKind.RAISED_BY_STAFF, relationship=quiet)

    visit(page, f"/staff/relationships/{quiet.pk}/")
    expect(page.get_by_role("link", name="Raised by staff")).to_be_visible()
    visit(page, "/staff/relationships/?stalled=30")
    expect(page.get_by_role("row").filter(has_text="Hannah Wright")).to_contain_text("1")
    assert case.relationship_id == quiet.pk


def test_staff_reply_to_a_contact_message_and_the_sender_answers(new_page, visit, check_a11y, mailbox, settings):
    settings.SUPPORT_INBOUND_DOMAIN = "replies.example.org"
    staff = make_staff(email="sam@example.com")
    mentee = make_mentee(first_name="Hannah", last_name="Wright", email="hannah@example.com")
    message = support_services.submit_support_request(
        user=mentee,
        name="Hannah Wright",
        email="hannah@example.com",
        subject="My mentor has not replied",
        message="Is there anything I can do?",
    )

    page = new_page(staff)
    visit(page, f"/staff/support-requests/{message.pk}/")
    expect(page.get_by_text("Sent while signed in as Hannah Wright")).to_be_visible()
    page.get_by_role("button", name="Claim this case").click()
    page.wait_for_url(re.compile(r"/staff/cases/flow/"))
    page.get_by_label("Your reply").fill("Mentors sometimes take a week. We have nudged yours.")
    page.get_by_role("button", name="Send the reply").click()
    expect(page.get_by_text("Reply sent and kept on the case.")).to_be_visible()
    expect(page.get_by_text("Mentors sometimes take a week.")).to_be_visible()
    check_a11y(page)

    mail = mailbox.wait_for(to="hannah@example.com", subject_contains="Re: My mentor has not replied")
    assert "Mentors sometimes take a week." in mail.text
    assert mail["Reply-To"] == replies.reply_address(message)

    sender = new_page(mentee)
    visit(sender, "/help/")
    sender.get_by_role("link", name="My messages to the programme").click()
    sender.wait_for_url(re.compile("/support/messages/$"))
    check_a11y(sender)
    sender.get_by_role("link", name="My mentor has not replied").click()
    expect(sender.get_by_text("Mentors sometimes take a week.")).to_be_visible()
    check_a11y(sender)
    sender.get_by_role("button", name="Send my answer").click()  # empty: the error is tied to the field
    expect(sender.get_by_text("This field is required.")).to_be_visible()
    check_a11y(sender)
    sender.get_by_label("Your answer").fill("Thank you, I will wait a few more days.")
    sender.get_by_role("button", name="Send my answer").click()
    expect(sender.get_by_text("Your answer has been sent to the programme team.")).to_be_visible()
    expect(sender.get_by_text("Thank you, I will wait a few more days.")).to_be_visible()
    check_a11y(sender)

    page.reload()
    expect(page.get_by_text("Thank you, I will wait a few more days.")).to_be_visible()
    assert SupportReply.objects.filter(written_by="sender", via="platform").count() == 1
