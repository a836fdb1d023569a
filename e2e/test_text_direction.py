"""Right-to-left text written by people: each place that shows what someone wrote takes its direction
from the text itself (dir="auto"), so an Arabic line with a Latin word in it reads right to left, in
its order, and an English line with an Arabic word in it stays left to right. The pages used to show
every such line left to right, the Arabic words' order jumbled around the Latin ones; the boxes where
people type did the same."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from journeys.services import activity, meetings
from journeys.tests.helpers import goal, send, walk_to
from people.models import Profile
from people.tests.factories import make_mentee, make_mentor, make_staff
from staff.members import services as member_services

pytestmark = pytest.mark.e2e

# An Arabic line with a Latin word inside it, and an English one with an Arabic word inside it.
ARABIC = "أريد تعلم Django مع مرشد"
ENGLISH = "Django مرحبا is what I use"


def direction(page: Page, selector: str) -> str:
    return page.locator(selector).first.evaluate("el => getComputedStyle(el).direction")


def text_direction(page: Page, text: str) -> str:
    """The direction of the innermost element showing ``text``."""
    return page.get_by_text(text, exact=False).last.evaluate("el => getComputedStyle(el).direction")


def test_what_people_write_keeps_its_own_direction(new_page, visit):
    mentor = make_mentor(first_name="Alice", last_name="Kember")
    mentee = make_mentee(first_name="سارة", last_name="Haddad")
    Profile.objects.filter(user=mentor).update(biography=ARABIC)
    rel = walk_to(send(mentee, mentor, statement=ARABIC), mentee, mentor, "first_conversation")
    activity.send_message(rel.conversation, mentee, ARABIC)
    activity.send_message(rel.conversation, mentor, ENGLISH)
    goal(rel, mentee, label=ARABIC)
    held = activity.create_meeting(
        rel,
        mentee,
        title="First conversation",
        starts_at=timezone.now() - dt.timedelta(days=2),
        duration_minutes=60,
        send_details=False,
    )
    meetings.add_meeting_note(held, mentee, text=ARABIC)

    page = new_page(mentor)
    visit(page, f"/conversations/{rel.conversation.pk}/")
    assert text_direction(page, "أريد تعلم") == "rtl"  # the mentee's message
    assert text_direction(page, "is what I use") == "ltr"  # the mentor's, English with an Arabic word
    # The box to reply in: typed Arabic turns it right to left.
    box = page.locator("textarea").first
    assert box.get_attribute("dir") == "auto"
    box.fill(ARABIC)
    assert box.evaluate("el => getComputedStyle(el).direction") == "rtl"

    visit(page, f"/relationships/{rel.pk}/")
    assert text_direction(page, "أريد تعلم") == "rtl"  # the personal statement (and the goal)
    assert direction(page, "#contact-head") == "rtl"  # her name, Arabic first

    visit(page, f"/relationships/{rel.pk}/goals/")
    assert direction(page, f"#goal-{rel.goals.get().pk} span[dir=auto]") == "rtl"

    visit(page, f"/meetings/{held.pk}/")
    assert text_direction(page, "أريد تعلم") == "rtl"  # the meeting note

    other = new_page(mentee)
    visit(other, f"/mentors/{mentor.pk}/")
    assert text_direction(other, "أريد تعلم") == "rtl"  # the mentor's biography

    # Staff: a member's page shows the name as a heading, and their biography.
    staff = make_staff()
    member_services.add_note(mentee, staff, ARABIC)
    team = new_page(staff)
    visit(team, f"/staff/members/{mentee.pk}/")
    assert direction(team, "h1") == "rtl"
    assert text_direction(team, "أريد تعلم") == "rtl"  # the staff note
    assert team.locator("#id_body").get_attribute("dir") == "auto"  # the note box
