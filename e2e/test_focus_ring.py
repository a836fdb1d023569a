"""The keyboard focus ring can be seen: its outline has a contrast of at least 3:1 with the white page
(WCAG 1.4.11 for the focus indicator), on a link and on a button."""

import re

import pytest

from people.tests.factories import make_staff
from project.colour import contrast

pytestmark = pytest.mark.e2e


def _focus_outline(page) -> str:
    colour = page.evaluate("() => getComputedStyle(document.activeElement).outlineColor")
    r, g, b = (int(n) for n in re.findall(r"\d+", colour)[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def test_the_focus_ring_stands_out_from_the_page(new_page):
    page = new_page(make_staff(email="maria@example.com"))
    page.goto("/staff/settings/")
    page.keyboard.press("Tab")  # the skip link
    assert contrast(_focus_outline(page), "#ffffff") >= 3
    page.get_by_role("link", name="Need Help?").first.focus()
    page.get_by_role("button", name="Save the settings").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # back on the button, by keyboard (so :focus-visible)
    assert page.evaluate("() => document.activeElement.matches(':focus-visible')")
    assert contrast(_focus_outline(page), "#ffffff") >= 3


def test_a_date_box_shows_the_focus_ring_when_reached_backwards(new_page):
    """Chromium gives a date box's focus to its last part (the year, or the picker's button) on Shift+Tab, where the
    box itself is not :focus-visible: the ring is drawn on the box whichever part of it has the focus."""
    page = new_page(make_staff(email="omar@example.com"))
    page.goto("/staff/relationships/")
    # Forward from the box before it, and backward from the box after it (its first part).
    for box, start, key in (
        ("#id_started_from", "#id_started_to", "Shift+Tab"),
        ("#id_started_to", "#id_started_from", "Tab"),
    ):
        page.locator(start).focus()
        if key == "Tab":  # through the start box's own parts (day, month, year, the picker's button) to the next box
            while page.evaluate(f"() => document.querySelector('{start}').matches(':focus-within')"):
                page.keyboard.press("Tab")
        else:
            page.keyboard.press(key)
        assert page.evaluate(f"() => document.querySelector('{box}').matches(':focus-within')"), (box, key)
        style = page.evaluate(f"() => getComputedStyle(document.querySelector('{box}')).outlineStyle")
        assert style == "solid", (box, key, style)
        colour = page.evaluate(f"() => getComputedStyle(document.querySelector('{box}')).outlineColor")
        r, g, b = (int(n) for n in re.findall(r"\d+", colour)[:3])
        assert contrast(f"#{r:02x}{g:02x}{b:02x}", "#ffffff") >= 3
