"""A programme manager brands the programme in the browser; the journey diagrams read at normal zoom."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from people.tests.factories import make_staff

pytestmark = pytest.mark.e2e


def test_a_manager_renames_and_recolours_the_programme_and_sees_it(new_page, visit, check_a11y, tmp_path):
    manager = make_staff(email="morgan@example.com")
    page = new_page(manager)
    visit(page, "/staff/inbox/")
    page.get_by_role("navigation", name="Staff area").get_by_role("link", name="Programme settings").click()
    page.wait_for_url(re.compile("/staff/settings/$"))
    check_a11y(page)

    # A yellow too light for white text: refused on the field, saying why and what would do.
    page.get_by_label("Programme name").fill("Northern Mentoring")
    page.get_by_label("Brand colour").fill("#ffcc00")
    page.get_by_role("button", name="Save the settings").click()
    error = page.locator("#id_brand_colour_error")
    expect(error).to_contain_text("White text on #ffcc00 has a contrast of 1.5:1")
    expect(error).to_contain_text("black text (13.9:1)")
    expect(page.get_by_label("Brand colour")).to_have_attribute("aria-describedby", re.compile("id_brand_colour_error"))
    check_a11y(page)

    page.get_by_label("Brand colour").fill("#0b5e3f")
    page.get_by_label("Organisation (optional)", exact=True).fill("Institute of Northern Engineers")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.get_by_text("The programme settings have been saved")).to_be_visible()
    check_a11y(page)

    # The name in the header and the title, the colour on the buttons, the organisation in the footer.
    expect(page.locator("header .brand")).to_have_text("Northern Mentoring")
    expect(page).to_have_title(re.compile("Northern Mentoring$"))
    button = page.get_by_role("button", name="Save the settings")
    expect(button).to_have_css("background-color", "rgb(11, 94, 63)")
    expect(button).to_have_css("color", "rgb(255, 255, 255)")
    expect(page.locator("footer")).to_contain_text("Institute of Northern Engineers")
    page.screenshot(path=str(tmp_path / "settings.png"), full_page=True)

    # Everyone sees it, signed in or not.
    visitor = new_page()
    visit(visitor, "/")
    expect(visitor.locator("header .brand")).to_have_text("Northern Mentoring")
    expect(visitor.get_by_role("link", name="Create account now")).to_have_css("background-color", "rgb(11, 94, 63)")


def test_the_journey_diagrams_are_legible_at_normal_zoom(new_page, visit, tmp_path):
    page = new_page(make_staff(email="morgan@example.com"))  # a 1280 px wide window
    visit(page, "/staff/journeys/")
    diagram = page.locator(".diagram img").first
    expect(diagram).to_be_visible()
    page.wait_for_function("() => [...document.querySelectorAll('.diagram img')].every(i => i.complete)")
    sizes = page.eval_on_selector_all(
        ".diagram img",
        "imgs => imgs.map(i => ({shown: i.getBoundingClientRect().width, natural: i.naturalWidth,"
        " viewBox: i.getAttribute('width')}))",
    )
    for size in sizes:
        # drawn at its own size (1.2 × viewflow's units: its 12-unit text is about 14 px), never shrunk
        assert size["shown"] == pytest.approx(size["natural"], abs=1), size
    # The mentoring diagram is wider than the page: its box scrolls sideways, from the keyboard too.
    box = page.locator(".diagram").first
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")
    box.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.diagram').scrollLeft > 0")  # (scrolling is smooth)
    page.screenshot(path=str(tmp_path / "journeys.png"))
    box.screenshot(path=str(tmp_path / "mentoring-diagram.png"))
    print("screenshots:", tmp_path)
