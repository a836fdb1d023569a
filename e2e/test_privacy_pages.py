"""The privacy page and its edit page, in Chromium, by keyboard, with axe: staff told that the platform's standard
text changed open it to compare from the keyboard, and a text published empty puts the focus on the box that
says why, whose link leads to the field."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from people.tests.factories import make_staff
from support.models import PrivacyNotice

pytestmark = pytest.mark.e2e


def focused(page) -> dict:
    return page.evaluate("() => ({id: document.activeElement.id, text: document.activeElement.innerText || ''})")


def test_an_empty_privacy_page_is_refused_with_the_focus_on_why(new_page, visit, check_a11y):
    staff = make_staff(email="priya.staff@example.com")
    PrivacyNotice.objects.create(body="Our own words about your data.", updated_by=staff)  # saved before tracking
    page = new_page(staff)

    visit(page, "/privacy/")
    expect(page.get_by_text("the platform's standard privacy text has changed")).to_be_visible()
    page.get_by_role("link", name="Edit the privacy page").click()
    page.wait_for_url("**/privacy/edit/")
    check_a11y(page)
    expect(page.get_by_role("heading", name="The platform's standard text has changed")).to_be_visible()

    # The standard text opens from the keyboard, and its box is named.
    page.get_by_text("Show the standard text").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    standard = page.get_by_label("The platform's standard privacy text (to copy from)")
    expect(standard).to_be_focused()
    check_a11y(page)

    # Published empty: the error box takes the focus (not a message above it naming no field) and leads to the field.
    page.get_by_label("Privacy page text").fill("")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()
    expect(page.locator("#form-errors")).to_be_focused()
    assert "Privacy page text" in focused(page)["text"]
    expect(page.get_by_role("status")).to_have_count(0)
    check_a11y(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "id_body"
    expect(page.locator("#id_body")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_body")).to_have_attribute("aria-describedby", "id_body_helptext id_body_error")
    assert PrivacyNotice.objects.get().body == "Our own words about your data."
