"""A goal whose date has passed, in Chromium: its card on the Goals page says "Overdue" in words, beside its
date, readable (axe: contrast) and within the card on a narrow screen; one due soon says so too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from journeys.models import Goal
from journeys.tests.helpers import goal, send, walk_to
from people.tests.factories import make_mentee, make_mentor

pytestmark = pytest.mark.e2e


def test_an_overdue_and_a_due_soon_goal_say_so_beside_their_dates(new_page, visit, transactional_db):
    mentee = make_mentee(first_name="John", last_name="Smith", email="john.due@example.com")
    mentor = make_mentor(first_name="Alice", last_name="Kember", email="alice.due@example.com")
    rel = walk_to(send(mentee, mentor), mentee, mentor, "progression")
    late, soon = goal(rel, mentee, "Finish the course"), goal(rel, mentee, "Book the event")
    today = timezone.localdate()
    Goal.objects.filter(pk=late.pk).update(due_date=today - dt.timedelta(days=2))
    Goal.objects.filter(pk=soon.pk).update(due_date=today + dt.timedelta(days=1))

    page = new_page(mentor)
    page.set_viewport_size({"width": 360, "height": 800})
    visit(page, f"/relationships/{rel.pk}/goals/")  # axe runs here: the words' contrast included
    late_card = page.get_by_role("article", name="Finish the course")
    expect(late_card.locator(".goal-due")).to_have_text("Overdue")
    expect(late_card).to_contain_text(f"Due {(today - dt.timedelta(days=2)).strftime('%-d %B %Y')} Overdue")
    expect(page.get_by_role("article", name="Book the event").locator(".goal-due")).to_have_text("Due soon")
    expect(page.get_by_role("article", name="Grow my network").locator(".goal-due")).to_have_count(0)
    # the words sit inside their card, on a phone's width too
    card, badge = late_card.bounding_box(), late_card.locator(".goal-due").bounding_box()
    assert card["x"] <= badge["x"] and badge["x"] + badge["width"] <= card["x"] + card["width"]
