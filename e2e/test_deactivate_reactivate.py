"""Staff deactivate a member and reactivate them, in Chromium, by keyboard, with axe on each page: the question
page, the member's page saying what happened (with the focus), and the page a deactivated member meets when
signing in, which says what it means in words for them and where to write."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from people.tests.factories import PASSWORD, make_mentor, make_staff

pytestmark = pytest.mark.e2e

ALL_BUT_MINOR = ("moderate", "serious", "critical")


def focused_text(page) -> str:
    page.wait_for_function("() => document.activeElement && document.activeElement !== document.body", timeout=5000)
    return page.evaluate("() => document.activeElement.innerText || ''")


def test_a_member_deactivated_and_reactivated_by_keyboard(new_page, check_a11y, mailbox):
    staff = make_staff(email="sam.accounts@example.com")
    mentor = make_mentor(first_name="Wei", last_name="Chen", email="wei.accounts@example.com")

    sam = new_page(staff)
    sam.goto(f"/staff/members/{mentor.pk}/")
    sam.get_by_role("link", name="Deactivate the account").focus()
    sam.keyboard.press("Enter")
    sam.wait_for_url(re.compile(rf"/staff/members/{mentor.pk}/deactivate/$"))
    expect(sam.get_by_role("heading", level=1)).to_have_text("Deactivate Wei Chen's account?")
    check_a11y(sam, impacts=ALL_BUT_MINOR)
    sam.get_by_role("button", name="Deactivate the account").focus()
    sam.keyboard.press("Enter")
    sam.wait_for_url(re.compile(rf"/staff/members/{mentor.pk}/$"))
    assert focused_text(sam).startswith("Wei Chen's account is deactivated: they can no longer sign in.")
    check_a11y(sam, impacts=ALL_BUT_MINOR)

    wei = new_page()
    wei.goto("/accounts/login/")
    wei.locator("input[name=login]").fill(mentor.email)
    wei.locator("input[name=password]").fill(PASSWORD)
    wei.locator("input[name=password]").press("Enter")
    wei.wait_for_url(re.compile("/accounts/inactive/$"))
    expect(wei.get_by_role("heading", level=1)).to_have_text("Your account is deactivated for now")
    expect(wei.get_by_role("main")).to_contain_text("you are not taking part in")
    expect(wei.get_by_role("link", name="contact form")).to_have_attribute("href", "/help/contact/")
    check_a11y(wei, impacts=ALL_BUT_MINOR)

    sam.get_by_role("button", name="Reactivate the account").focus()
    sam.keyboard.press("Enter")
    sam.wait_for_load_state()
    assert focused_text(sam).startswith("Wei Chen's account is active again: they can sign in.")
    check_a11y(sam, impacts=ALL_BUT_MINOR)
    mailbox.wait_for(to=mentor.email, subject_contains="Your account is active again")
