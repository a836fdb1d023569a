"""Account pages that say what just happened, in Chromium, by keyboard: the sentence saying it takes the
keyboard focus as the page loads (house style, as the messages and the form errors: autofocus on a
tabindex=-1 element, no script), so a screen reader reads it first, not the top bar."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from people.tests.factories import PASSWORD, make_mentee

pytestmark = pytest.mark.e2e


def focused_text(page) -> str:
    # The browser applies autofocus once the page has loaded, a moment after Playwright's reload returns:
    # wait for it to land somewhere (a page that focuses nothing still fails, after 5 seconds).
    page.wait_for_function("() => document.activeElement && document.activeElement !== document.body", timeout=5000)
    return page.evaluate("() => document.activeElement.innerText || ''")


def test_the_lockout_page_puts_the_focus_on_what_happened(new_page, settings, check_a11y, transactional_db):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    mentee = make_mentee(email="locked@example.com")
    page = new_page()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        page.goto("/accounts/login/")
        page.locator("input[name=login]").fill(mentee.email)
        page.locator("input[name=password]").fill("not-" + PASSWORD)
        page.locator("input[name=password]").press("Enter")
        page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Too many failed sign-in attempts")).to_be_visible()
    assert focused_text(page).startswith(
        "There have been 5 wrong passwords in a row for the account locked@example.com, so for its safety we have "
        "paused sign-ins to it for 30 minutes."
    ), focused_text(page)
    check_a11y(page)


def test_asking_for_a_password_reset_puts_the_focus_on_what_was_sent(new_page, check_a11y, transactional_db):
    make_mentee(email="forgot@example.com")
    page = new_page()
    page.goto("/accounts/password/reset/")
    page.get_by_label("Email").fill("forgot@example.com")
    page.get_by_label("Email").press("Enter")
    page.wait_for_url("**/accounts/password/reset/done/")
    assert focused_text(page).startswith("We have sent you an email with a link to choose a new password."), (
        focused_text(page)
    )
    check_a11y(page)


def test_verify_your_email_address_puts_the_focus_on_what_was_sent(new_page, check_a11y, transactional_db):
    page = new_page()
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("newcomer@example.com")
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Jones")
    page.get_by_label("Mentee", exact=True).check()
    page.get_by_label("Password", exact=True).fill("a-Long-passphrase-9")
    page.get_by_label("Password (again)").fill("a-Long-passphrase-9")
    page.get_by_label("Password (again)").press("Enter")
    page.wait_for_url("**/accounts/confirm-email/")
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    # Just signed up: allauth's message above the page says it first, and takes the focus.
    assert focused_text(page) == "Confirmation email sent to newcomer@example.com.", focused_text(page)
    check_a11y(page)
    # The same page opened again (a reload, or the email not resent so soon): no message, so the page's own
    # sentence takes the focus.
    page.reload()
    assert focused_text(page).startswith("We have sent an email to you for verification."), focused_text(page)
    check_a11y(page)
