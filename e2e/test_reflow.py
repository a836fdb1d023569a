"""Small screens and zoom, in Chromium: at 320 CSS px wide (WCAG 1.4.10, reflow) and at 1280 px zoomed to
200 % (640 CSS px) no page scrolls sideways; only a data table may, inside its own box that the keyboard can
reach. Measured as the page is laid out: the document wider than the window is a failure."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from journeys.tests.helpers import send, walk_to
from people.tests.factories import make_mentee, make_mentor, make_staff

pytestmark = pytest.mark.e2e

PHONE = {"width": 320, "height": 640}
ZOOMED = {"width": 640, "height": 450}  # a 1280 px window at 200 %

# What sticks out past the right edge of the window, outside a box that scrolls or clips it.
STICKING_OUT = """() => {
  const width = window.innerWidth;
  const boxed = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (/(auto|scroll|hidden)/.test(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.height && box.right > width + 1 && !boxed(el)) {
      out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''} (right edge ${Math.round(box.right)}): ${(el.innerText || '').trim().slice(0, 40)}`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, out: out.slice(0, 6)};
}"""


def assert_reflows(page: Page, path: str, check_a11y) -> None:
    """Open ``path``; nothing on it may need the page to scroll sideways; then axe."""
    page.goto(path)
    found = page.evaluate(STICKING_OUT)
    assert found["scrollWidth"] <= found["width"] and not found["out"], (
        f"{path} at {found['width']} px wide is {found['scrollWidth']} px wide; sticking out:\n  "
        + "\n  ".join(found["out"])
    )
    check_a11y(page)


def table_boxes(page: Page) -> list[dict]:
    return page.eval_on_selector_all(
        "table",
        """tables => tables.map(t => {
          const box = t.parentElement;
          const label = box.getAttribute('aria-labelledby');
          return {scrolls: getComputedStyle(box).overflowX === 'auto', focusable: box.tabIndex === 0,
                  named: !!(label && document.getElementById(label) && document.getElementById(label).textContent.trim()),
                  wider: box.scrollWidth > box.clientWidth};
        })""",
    )


@pytest.fixture
def pair(transactional_db):
    mentee = make_mentee(first_name="John", last_name="Smith", email="john.reflow@example.com")
    mentor = make_mentor(first_name="Alice", last_name="Kember", email="alice.reflow@example.com")
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")  # a history and a meeting
    return rel, mentee, mentor


def test_tables_scroll_in_their_own_box_on_a_phone(new_page, check_a11y, pair):
    rel, mentee, _ = pair
    page = new_page(mentee)
    page.set_viewport_size(PHONE)
    for path in (f"/relationships/{rel.pk}/", f"/relationships/{rel.pk}/meet/"):
        assert_reflows(page, path, check_a11y)
        boxes = table_boxes(page)
        assert boxes and all(b["scrolls"] and b["focusable"] and b["named"] for b in boxes), (path, boxes)
        assert any(b["wider"] for b in boxes), f"{path}: the table fits at 320 px; the test no longer shows the box"

    staff = new_page(make_staff(email="sam.reflow@example.com"))
    for size in (PHONE, ZOOMED):
        staff.set_viewport_size(size)
        for path in ("/staff/members/", "/staff/relationships/", "/staff/inbox/"):
            assert_reflows(staff, path, check_a11y)


def test_side_by_side_columns_stack_on_a_phone(new_page, check_a11y, pair):
    rel, mentee, _ = pair
    page = new_page(mentee)
    page.set_viewport_size(PHONE)
    for path in (f"/relationships/{rel.pk}/messages/", f"/relationships/{rel.pk}/goals/"):
        assert_reflows(page, path, check_a11y)

    staff = new_page(make_staff(email="sam.reflow@example.com"))
    staff.set_viewport_size(PHONE)
    assert_reflows(staff, "/staff/", check_a11y)  # each chart beside its numbers


def test_label_and_value_lists_fit_a_phone_and_a_zoomed_page(new_page, check_a11y, pair):
    rel, mentee, mentor = pair
    page = new_page(mentee)
    page.set_viewport_size(PHONE)
    for path in (f"/mentors/{mentor.pk}/", f"/relationships/{rel.pk}/proposal/"):
        assert_reflows(page, path, check_a11y)

    member = make_mentee(first_name="Bartholomew", email="bartholomew.featherstonehaugh@example.com")
    staff = new_page(make_staff(email="sam.reflow@example.com"))
    staff.set_viewport_size(PHONE)
    assert_reflows(staff, f"/staff/members/{member.pk}/", check_a11y)  # an address longer than the screen is wide
    staff.set_viewport_size(ZOOMED)
    assert_reflows(staff, "/staff/reports/", check_a11y)  # labels of a dozen words


def test_every_box_to_type_in_reads_at_the_page_size(new_page, check_a11y, pair):
    """Find Mentor's keywords and the email address to add were the browser's small default: 13 px text in a
    21 px high box, half the width of the fields above them on a phone."""
    _, mentee, _ = pair
    page = new_page(mentee)
    page.set_viewport_size(PHONE)
    for path, box in (("/find/", "input[name=q]"), ("/accounts/email/", "input[name=email]")):
        assert_reflows(page, path, check_a11y)
        size = page.eval_on_selector(
            box,
            """e => ({font: getComputedStyle(e).fontSize, body: getComputedStyle(document.body).fontSize,
                     height: e.getBoundingClientRect().height})""",
        )
        assert size["font"] == size["body"] and size["height"] >= 24, (path, size)
    page.goto("/find/")
    keywords, region = page.locator("input[name=q]").bounding_box(), page.locator("select[name=region]").bounding_box()
    assert keywords["width"] == region["width"], "the keywords box is as wide as the fields above it"


def test_the_journey_diagrams_scroll_in_their_own_box_named_once(new_page, check_a11y, transactional_db):
    """Each diagram's box was a landmark of its own with its section's name: two 'Mentoring journey'
    regions in the landmarks list, for each journey (axe: landmark-unique)."""
    staff = new_page(make_staff(email="sam.reflow@example.com"))
    staff.set_viewport_size(ZOOMED)
    assert_reflows(staff, "/staff/journeys/", check_a11y)
    check_a11y(staff, impacts=("moderate", "serious", "critical"))


def test_the_top_bar_links_are_big_enough_to_tap(new_page, check_a11y, pair):
    """Need Help?, Notifications, Edit Account and Sign Out were 19 px high: text-sized targets for a thumb."""
    _, mentee, _ = pair
    page = new_page(mentee)
    page.set_viewport_size(PHONE)
    assert_reflows(page, "/relationships/", check_a11y)
    sizes = page.eval_on_selector_all(
        ".account-nav a, .account-nav button",
        "els => els.map(e => [e.innerText.trim(), e.getBoundingClientRect().width, e.getBoundingClientRect().height])",
    )
    assert len(sizes) == 4 and all(w >= 24 and h >= 24 for _, w, h in sizes), sizes
