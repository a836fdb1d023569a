"""The stop link of a reminder email, signed out and by keyboard: what it says, and where the focus
goes once the reminders are stopped (house style: the sentence saying what happened)."""

import pytest
from playwright.sync_api import expect

from notifications.models import ReminderOptOut
from notifications.reminders import Kind, stop_url
from people.tests.factories import make_mentor

pytestmark = pytest.mark.e2e


def test_stopping_reminders_by_keyboard_puts_the_focus_on_what_happened(new_page, visit, check_a11y):
    mentor = make_mentor(first_name="Rhys", last_name="Evans", email="rhys@example.com")
    page = new_page()  # signed out, as from the email
    visit(page, stop_url(mentor, Kind.MEETINGS))
    expect(page.get_by_role("heading", name="Stop these reminders?")).to_be_visible()
    page.get_by_role("button", name="Stop these reminders").focus()
    page.keyboard.press("Enter")

    said = page.get_by_text("We will not send rhys@example.com any more reminders of meetings, the day before.")
    expect(said).to_be_focused()
    check_a11y(page)
    assert ReminderOptOut.objects.filter(user=mentor, kind="meetings").exists()

    # Opened again later (from another reminder of that kind): nothing was done, so the focus stays put.
    visit(page, stop_url(mentor, Kind.MEETINGS))
    expect(page.get_by_role("heading", name="Reminders stopped")).to_be_visible()
    expect(said).not_to_be_focused()
