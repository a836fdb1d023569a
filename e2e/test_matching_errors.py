"""A matching round's forms refused, in Chromium, by keyboard: the focus goes to the box that says why, what
was typed is kept, and the box's link takes the focus to the field in error (staff pinning a pair by email,
a mentee's shortlist)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from people.tests.factories import make_mentor
from staff.matching import services
from staff.matching.models import PairRule
from staff.matching.tests.world import small_world

pytestmark = pytest.mark.e2e


def test_a_pair_typed_wrong_puts_the_focus_on_why_and_keeps_the_addresses(new_page, check_a11y):
    w = small_world()
    round_ = services.open_round(
        staff_user=w["staff"], name="Autumn", mentee_ids=[w["ada"].pk], mentor_ids=[w["maya"].pk]
    )
    staff = new_page(w["staff"])
    staff.goto(f"/staff/matching/{round_.pk}/")
    staff.get_by_label("Mentee's email address").focus()
    staff.keyboard.type("ada@example.com")
    staff.keyboard.press("Tab")
    staff.keyboard.type("nobody@example.com")
    staff.get_by_role("button", name="Pin this pair").focus()
    staff.keyboard.press("Enter")
    staff.wait_for_load_state()

    expect(staff.locator("#form-errors")).to_be_focused()
    expect(staff.locator("#form-errors")).to_contain_text("Mentor's email address")
    expect(staff.locator("#id_mentor_error")).to_have_text("No account has this email address.")
    expect(staff.get_by_label("Mentee's email address")).to_have_value("ada@example.com")
    expect(staff.get_by_label("Mentor's email address")).to_have_value("nobody@example.com")
    check_a11y(staff)
    staff.keyboard.press("Tab")
    staff.keyboard.press("Enter")
    expect(staff.locator("#id_mentor")).to_be_focused()
    staff.keyboard.press("Control+a")
    staff.keyboard.type("maya@example.com")
    staff.keyboard.press("Enter")
    staff.wait_for_load_state()
    expect(staff.locator(".messages")).to_be_focused()
    expect(staff.locator(".messages")).to_have_text("Pair pinned. Re-run the proposal to apply it.")
    assert PairRule.objects.filter(round=round_, kind="pin", mentee=w["ada"], mentor=w["maya"]).exists()


def test_a_shortlist_of_four_puts_the_focus_on_why(new_page, check_a11y):
    w = small_world()
    extra = [make_mentor(email=f"mentor{n}@example.com", areas=w["areas"][:2]) for n in range(2)]
    round_ = services.open_round(
        staff_user=w["staff"],
        name="Autumn",
        mentee_ids=[w["ben"].pk],
        mentor_ids=[w["maya"].pk, w["noor"].pk, *(m.pk for m in extra)],
        shortlist_closes_on=timezone.localdate() + timedelta(days=3),
    )
    ben = new_page(w["ben"])
    ben.goto(f"/matching/{round_.pk}/shortlist/")
    boxes = ben.locator("input[name=mentors]")
    for n in range(4):
        boxes.nth(n).focus()
        ben.keyboard.press("Space")
    ben.get_by_role("button", name="Save my shortlist").focus()
    ben.keyboard.press("Enter")
    ben.wait_for_load_state()

    expect(ben.locator("#form-errors")).to_be_focused()
    expect(ben.locator("#form-errors")).to_contain_text("Mentors you would like")
    expect(ben.locator("#mentors-error")).to_have_text("Choose at most three mentors.")
    expect(ben.locator("input[name=mentors]:checked")).to_have_count(4)
    check_a11y(ben)
