"""Programme staff find an email that failed, send it again from the keyboard, and it arrives."""

import re

import pytest
from playwright.sync_api import expect

from notifications.models import Notification
from notifications.tests.worker import wait_until
from people.tests.factories import make_mentee, make_staff

pytestmark = pytest.mark.e2e


def test_staff_retry_a_failed_email_and_the_worker_sends_it(new_page, visit, check_a11y, mailbox):
    staff = make_staff(email="sam@example.com")
    mentee = make_mentee(email="hannah@example.com")
    failed = Notification.objects.create(
        recipient=mentee,
        email=mentee.email,
        event="test",
        subject="Your request was accepted",
        body_text="Good news.",
        body_html="<p>Good news.</p>",
        email_status=Notification.Email.FAILED,
        email_attempts=7,
        last_error="SMTPRecipientsRefused: 451 try again later",
        next_attempt_at=None,
    )

    page = new_page(staff)
    visit(page, "/staff/inbox/")
    page.get_by_role("link", name="email problems").click()
    page.wait_for_url(re.compile("/staff/email/"))
    check_a11y(page)
    row = page.get_by_role("row").filter(has_text="hannah@example.com")
    expect(row).to_contain_text("451 try again later")
    retry = row.get_by_role("button", name=re.compile("^Retry"))
    retry.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("will be sent again now")).to_be_visible()
    check_a11y(page)

    mail = mailbox.wait_for(to=mentee.email, subject_contains="Your request was accepted")
    assert "Good news." in mail.text
    wait_until(lambda: Notification.objects.get(pk=failed.pk).email_status == "sent", message="row marked sent")
    visit(page, "/staff/email/")
    expect(page.get_by_text("Nothing needs a decision")).to_be_visible()
