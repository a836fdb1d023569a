"""A goal's progress entry refused, in Chromium: the keyboard focus goes to the box that says why (so a
screen reader reads it), its link takes the focus to the field, and what was typed is still there."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from journeys.tests.helpers import goal, send, walk_to
from people.tests.factories import make_mentee, make_mentor

pytestmark = pytest.mark.e2e


@pytest.fixture
def with_goal(transactional_db):
    mentee = make_mentee(first_name="John", last_name="Smith", email="john.goals@example.com")
    mentor = make_mentor(first_name="Alice", last_name="Kember", email="alice.goals@example.com")
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")
    goal(rel, mentee, "Speak at a team meeting")
    return rel, goal(rel, mentee, "Grow my network"), mentee


def focused(page) -> dict:
    return page.evaluate(
        "() => ({id: document.activeElement.id, tag: document.activeElement.tagName.toLowerCase(),"
        " text: document.activeElement.innerText || ''})"
    )


def add_entry(page, network, text: str) -> None:
    card = page.get_by_role("article", name="Grow my network")
    details = card.locator("details").first
    if details.get_attribute("open") is None:
        card.get_by_text("Add milestones, review or outcome").click()
    card.get_by_label("Type").select_option("review")
    card.get_by_label("What happened").fill(text)
    card.get_by_role("button", name="Add").click()
    page.wait_for_url(f"**/goals/{network.pk}/entry/")


def test_a_refused_entry_puts_the_focus_on_the_error(new_page, visit, check_a11y, with_goal):
    rel, network, mentee = with_goal
    page = new_page(mentee)
    visit(page, f"/relationships/{rel.pk}/goals/")

    # Too long: the box saying why has the focus as the page loads, and the text is kept.
    too_long = "We met and " + "z" * 5000
    add_entry(page, network, too_long)
    summary = page.locator(f"#entry-errors-{network.pk}")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    now = focused(page)
    assert now["id"] == f"entry-errors-{network.pk}"
    assert "Your entry for “Grow my network” was not added" in now["text"]
    assert "What happened: Write at most 5000 characters: this has 5011, so shorten it before saving." in now["text"]
    text_box = page.locator(f"#entry-text-{network.pk}")
    assert text_box.input_value() == too_long
    check_a11y(page)
    # Its link takes the focus to the field.
    summary.get_by_role("link", name="What happened").click()
    assert focused(page)["id"] == f"entry-text-{network.pk}"

    # Empty, or only spaces: the page says so in its own words, as for any other form (not the browser's
    # bubble), with the focus on why.
    for typed in ("", "   "):
        text_box.fill(typed)
        with page.expect_navigation():
            page.get_by_role("article", name="Grow my network").get_by_role("button", name="Add").click()
        expect(page.locator(f"#entry-errors-{network.pk}")).to_be_focused()
        assert "Write what happened before saving." in focused(page)["text"]
        assert not network.entries.exists()
