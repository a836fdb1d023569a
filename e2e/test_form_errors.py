"""A form or a step refused, in Chromium, by keyboard: the focus goes to the box that says why (so a screen reader
reads it at once, not the page from the top), and its link takes the focus to the field in error."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from journeys.tests.helpers import send, walk_to
from people.tests.factories import make_mentee, make_mentor, make_staff

pytestmark = pytest.mark.e2e


def focused(page) -> dict:
    return page.evaluate("() => ({id: document.activeElement.id, text: document.activeElement.innerText || ''})")


def test_sign_up_refused_puts_the_focus_on_why_and_its_link_on_the_field(new_page, check_a11y):
    page = new_page()
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("mina@example.com")
    page.get_by_label("First name").fill("Mina")
    page.get_by_label("Last name").fill("Okoro")
    page.get_by_label("Mentee", exact=True).check()
    page.get_by_label("Password", exact=True).fill("a-Long-passphrase-9")
    page.get_by_label("Password (again)").fill("a-Long-passphrase-8")
    page.get_by_label("Password (again)").press("Enter")
    page.wait_for_load_state()

    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    assert "Password (again)" in focused(page)["text"]
    check_a11y(page)
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Password (again)"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "id_password2"
    expect(page.locator("#id_password2")).to_have_attribute("aria-describedby", "id_password2_error")


def test_a_question_sent_empty_puts_the_focus_on_why(new_page, transactional_db):
    mentee = make_mentee(email="asker@example.com")
    mentor = make_mentor(email="answerer@example.com")
    page = new_page(mentee)
    page.goto(f"/mentors/{mentor.pk}/question/")
    page.get_by_role("button", name="Send Message").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator("#form-errors")).to_be_focused()
    assert "Write a message or add a file before sending." in focused(page)["text"]


def test_a_refused_step_puts_the_focus_on_the_message_saying_why(new_page, transactional_db):
    mentee = make_mentee(email="stage.mentee@example.com")
    mentor = make_mentor(email="stage.mentor@example.com")
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")
    page = new_page(mentee)
    page.goto(f"/relationships/{rel.pk}/next/")
    page.get_by_role("button", name="Mark stage as completed").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_be_focused()
    assert (
        "Set at least one SMART goal on the Goals page before completing the first conversation."
        in focused(page)["text"]
    )
    page.keyboard.press("Tab")  # on into the page, not back to the top
    assert focused(page)["text"] != "Skip to main content"


@pytest.mark.parametrize(
    ("path", "field", "button"),
    [
        ("/staff/content/faqs/new/", "Question", "Save"),
        ("/staff/settings/", "Programme name", "Save the settings"),
        ("/help/contact/", "Message", "Send Request"),
    ],
)
def test_a_form_refused_puts_the_focus_on_its_error_box_not_on_a_message_above_it(new_page, path, field, button):
    page = new_page(make_staff(email="maria@example.com"))
    page.goto(path)
    page.get_by_label(field, exact=True).fill("")
    page.get_by_role("button", name=button, exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator("#form-errors")).to_be_focused()
    expect(page.locator(".messages")).to_have_count(0)


def test_a_profile_refused_puts_the_focus_on_its_error_box(new_page):
    page = new_page(make_mentee(email="profile.mentee@example.com"))
    page.goto("/profile/")
    page.get_by_label("Job title").fill("")
    page.get_by_label("Job title").press("Enter")
    page.wait_for_load_state()
    expect(page.locator("#form-errors")).to_be_focused()
    expect(page.locator(".messages")).to_have_count(0)
