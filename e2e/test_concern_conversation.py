"""A concern answered, in Chromium, by keyboard, with axe on every page: staff find it in the inbox by the
member's reference number and by its case number, and reply; the member reads the reply on their concern's
page and answers it. A refusal puts the focus on the box saying why; a sent answer, on the message saying so;
the page fits a phone without scrolling sideways."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from journeys.services.concerns import raise_concern
from journeys.tests.helpers import send, walk_to
from people.tests.factories import make_mentee, make_mentor, make_staff
from staff.models import StaffCase

pytestmark = pytest.mark.e2e

ALL_BUT_MINOR = ("moderate", "serious", "critical")


def focused(page) -> dict:
    page.wait_for_function("() => document.activeElement && document.activeElement !== document.body", timeout=5000)
    return page.evaluate("() => ({id: document.activeElement.id, text: document.activeElement.innerText || ''})")


def find(page, words: str) -> None:
    box = page.get_by_label("Find a case by its number or a member's reference")
    box.fill(words)
    box.press("Enter")
    page.wait_for_url(re.compile(r"find="))


def test_a_concern_found_answered_and_answered_back_by_keyboard(new_page, check_a11y, mailbox):
    staff = make_staff(email="sam.concern@example.com")
    mentee = make_mentee(first_name="John", last_name="Smith", email="john.concern@example.com")
    mentor = make_mentor(first_name="Alice", last_name="Kember", email="alice.concern@example.com")
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")
    concern = raise_concern(rel, mentee, "Alice has not answered my messages for three weeks.")
    case = StaffCase.objects.get(concern=concern)
    assert case.pk != concern.pk  # the two numbers differ, so each way of finding it is tried

    sam = new_page(staff)
    sam.goto("/staff/inbox/")
    check_a11y(sam, impacts=ALL_BUT_MINOR)
    # Words instead of a number: the box saying why has the focus, and its link leads to the field.
    find(sam, "the concern")
    expect(sam.locator("#form-errors")).to_be_focused()
    check_a11y(sam, impacts=ALL_BUT_MINOR)
    sam.keyboard.press("Tab")
    sam.keyboard.press("Enter")
    assert focused(sam)["id"] == "find_find"
    expect(sam.locator("#find_find")).to_have_attribute("aria-invalid", "true")
    # By the member's reference, then by the case number: the same case, under a heading of its own.
    for number, why in (
        (concern.pk, f"The concern with reference number {concern.pk}:"),
        (case.pk, f"Case {case.pk}:"),
    ):
        find(sam, str(number))
        found = sam.get_by_role("region", name=f"Found for {number}")
        expect(found).to_contain_text(why)
        expect(found.get_by_role("link", name=re.compile(rf"^case {case.pk}, "))).to_be_visible()
        check_a11y(sam, impacts=ALL_BUT_MINOR)
    found.get_by_role("link", name=re.compile(rf"^case {case.pk}, ")).click()
    sam.get_by_role("button", name=re.compile("^Claim")).click()
    sam.wait_for_url(re.compile(r"/staff/cases/flow/"))
    sam.get_by_label("Your reply").fill("Thank you for telling us. We will speak to Alice this week.")
    sam.get_by_role("button", name="Reply to John Smith").focus()
    sam.keyboard.press("Enter")
    expect(sam.get_by_text("Reply sent to John Smith")).to_be_visible()
    check_a11y(sam, impacts=ALL_BUT_MINOR)
    mailbox.wait_for(to=mentee.email, subject_contains="replied about your concern")

    # The member's concern page: the conversation, then their answer.
    john = new_page(mentee)
    john.goto(f"/relationships/{rel.pk}/")
    john.get_by_role("link", name=re.compile(rf"\(reference {concern.pk}\)")).click()
    john.wait_for_url(re.compile(rf"/concerns/{concern.pk}/$"))
    expect(john.get_by_role("heading", level=1)).to_have_text(f"Your concern (reference {concern.pk})")
    conversation = john.get_by_role("list", name="The conversation")
    expect(conversation.get_by_role("listitem")).to_have_count(2)
    expect(conversation).to_contain_text("We will speak to Alice this week.")
    check_a11y(john, impacts=ALL_BUT_MINOR)

    john.get_by_role("button", name="Send my answer").focus()
    john.keyboard.press("Enter")
    john.wait_for_load_state()
    expect(john.locator("#form-errors")).to_be_focused()
    assert "Your answer" in focused(john)["text"]
    check_a11y(john, impacts=ALL_BUT_MINOR)
    john.keyboard.press("Tab")
    john.keyboard.press("Enter")
    assert focused(john)["id"] == "id_body"
    answer = john.get_by_label("Your answer")
    expect(answer).to_have_attribute("aria-invalid", "true")
    expect(answer).to_have_attribute("aria-describedby", re.compile(r"\bid_body_error\b"))

    answer.fill("Thank you. She has still not answered.")
    john.get_by_role("button", name="Send my answer").focus()
    john.keyboard.press("Enter")
    john.wait_for_load_state()
    expect(john.get_by_role("status")).to_be_focused()
    assert focused(john)["text"].startswith("Your answer has been sent to the programme team.")
    expect(conversation.get_by_role("listitem")).to_have_count(3)
    check_a11y(john, impacts=ALL_BUT_MINOR)

    john.set_viewport_size({"width": 320, "height": 640})
    width = john.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    check_a11y(john, impacts=ALL_BUT_MINOR)
