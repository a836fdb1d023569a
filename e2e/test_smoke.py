"""The browser-test infrastructure works: Chromium, login, axe, the real worker and the mailbox."""

import pytest
from django.db import transaction
from playwright.sync_api import expect

from notifications.models import Notification
from notifications.services import Message, notify
from notifications.tests.worker import wait_until
from people.tests.factories import make_mentee

pytestmark = pytest.mark.e2e


def test_login_visit_axe_and_an_email_from_the_real_worker(new_page, visit, check_a11y, mailbox):
    mentee = make_mentee(first_name="Sunita", email="sunita@example.com")

    anonymous = new_page()
    visit(anonymous, "/accounts/login/")

    page = new_page(mentee)
    visit(page, "/help/")
    expect(page.get_by_role("button", name="Sign Out")).to_be_visible()

    with transaction.atomic():
        note = notify(
            mentee, Message(subject="Smoke signal", paragraphs=["The worker is alive."], link="/help/"), "test"
        )

    mail = mailbox.wait_for(to=mentee.email, subject_contains="Smoke signal")
    assert "The worker is alive." in mail.text
    assert "The worker is alive." in mail.html
    assert mail["X-Notification-Id"] == str(note.pk)
    wait_until(lambda: Notification.objects.get(pk=note.pk).email_status == "sent", message="row marked sent")

    visit(page, "/notifications/")
    expect(page.get_by_text("1 unread", exact=False).or_(page.get_by_label("1 unread"))).to_be_visible()
    page.get_by_role("link", name="Smoke signal").click()
    page.wait_for_url("**/help/")
    check_a11y(page)
    assert Notification.objects.get(pk=note.pk).read_at is not None


def test_check_a11y_fails_with_the_rule_impact_help_and_selector(new_page, check_a11y):
    page = new_page()
    page.set_content(
        '<html lang="en"><head><title>Bad</title></head><body><main>'
        '<img id="logo" src="data:,"><button id="go"></button>'
        "</main></body></html>"
    )
    with pytest.raises(pytest.fail.Exception) as failure:
        check_a11y(page)
    message = str(failure.value)
    assert "image-alt [critical]: Images must have alternative text" in message
    assert "#logo" in message
    assert "button-name [critical]" in message and "#go" in message
    check_a11y(page, disable=["image-alt", "button-name"])  # a rule can be switched off, by name
