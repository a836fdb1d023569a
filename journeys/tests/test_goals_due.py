"""A goal still open whose date has passed is marked overdue in words, and one whose date is near is
marked due soon (or due today), wherever its date is shown: the Goals page, the relationship's page, the
stage page and the staff view (``journeys.rules.goal_due``, the rule the owner's reminders follow). A
goal marked complete, one with no date, and the goals of a relationship in feedback or ended are not."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from journeys import rules
from journeys.models import Goal
from journeys.services import activity, relationships
from people.tests.factories import PASSWORD

from .helpers import send, walk_to

pytestmark = pytest.mark.django_db


def dated(rel, owner, label, days, done=False):
    goal = activity.create_goal(rel, owner, label=label, details="", due_date=None)
    Goal.objects.filter(pk=goal.pk).update(
        due_date=timezone.localdate() + dt.timedelta(days=days), completed_at=timezone.now() if done else None
    )
    goal.refresh_from_db()
    return goal


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def goal_card(page: str, goal) -> str:
    """The words of one goal's card on the Goals page."""
    start = page.index(f'aria-labelledby="goal-{goal.pk}"')
    return text(page[start : page.index("</article>", start)])


@pytest.fixture
def progression(mentee, mentor):
    return walk_to(send(mentee, mentor), mentee, mentor, "progression")  # with the mentee's "Grow my network"


@override_settings(REMINDERS={**rules.settings.REMINDERS, "GOAL_DUE_SOON_DAYS": 3})
def test_the_goals_page_says_which_goals_are_overdue_due_today_or_due_soon(client, progression, mentee, mentor):
    rel = progression
    overdue = dated(rel, mentee, "Finish the course", -2)
    today = dated(rel, mentor, "Send the reading list", 0)
    soon = dated(rel, mentee, "Book the event", 3)
    later = dated(rel, mentee, "Write the article", 4)
    achieved = dated(rel, mentee, "Update my CV", -5, done=True)

    for person in (mentee, mentor):  # both people see it, whoever set the goal
        client.login(email=person.email, password=PASSWORD)
        page = client.get(reverse("goals", args=[rel.pk])).content.decode()
        assert "Overdue" in goal_card(page, overdue)
        assert "Due today" in goal_card(page, today)
        assert "Due soon" in goal_card(page, soon)
        for quiet in (later, achieved):
            card = goal_card(page, quiet)
            assert "Overdue" not in card and "Due soon" not in card and "Due today" not in card
        assert page.count("Overdue") == 1


def test_the_relationship_stage_and_staff_pages_say_a_goal_is_overdue(client, progression, mentee, staff):
    rel = progression
    dated(rel, mentee, "Finish the course", -2)
    dated(rel, mentee, "Update my CV", -5, done=True)

    client.login(email=mentee.email, password=PASSWORD)
    overview = text(client.get(reverse("relationship", args=[rel.pk])).content.decode())
    assert "Finish the course (due" in overview and "Overdue" in overview
    assert overview.count("Overdue") == 1
    stage = text(client.get(relationships_stage_url(rel)).content.decode())
    assert "Finish the course (due" in stage and stage.count("Overdue") == 1

    client.login(email=staff.email, password=PASSWORD)
    staff_page = text(client.get(reverse("staff_relationship", args=[rel.pk])).content.decode())
    assert staff_page.count("Overdue") == 1


def relationships_stage_url(rel) -> str:
    from journeys.selectors import next_step_url

    return next_step_url(rel.mentee, rel)


@pytest.mark.parametrize("state", ["feedback", "completed"])
def test_goals_are_not_called_overdue_once_the_work_is_over(client, progression, mentee, mentor, state):
    """In feedback or completed, an open goal's date is history: no reminder goes, and no page says overdue."""
    rel = progression
    dated(rel, mentee, "Finish the course", -2)
    rel = walk_to(rel, mentee, mentor, state)
    client.login(email=mentee.email, password=PASSWORD)
    for name in ("goals", "relationship"):
        assert "Overdue" not in client.get(reverse(name, args=[rel.pk])).content.decode()


def test_goals_of_a_withdrawn_relationship_are_not_called_overdue(client, progression, mentee):
    rel = progression
    dated(rel, mentee, "Finish the course", -2)
    relationships.withdraw(rel, mentee, "Moving abroad")
    client.login(email=mentee.email, password=PASSWORD)
    assert "Overdue" not in client.get(reverse("goals", args=[rel.pk])).content.decode()


@override_settings(REMINDERS={**rules.settings.REMINDERS, "GOAL_DUE_SOON_DAYS": 0})
def test_with_due_soon_reminders_off_only_overdue_and_due_today_are_said(progression, mentee):
    rel = progression
    soon = dated(rel, mentee, "Book the event", 1)
    assert rules.goal_due(soon, rel.state) is None
    assert rules.goal_due(dated(rel, mentee, "Today", 0), rel.state) == rules.DUE_TODAY
    assert rules.goal_due(dated(rel, mentee, "Late", -1), rel.state) == rules.OVERDUE
