"""A goal's PDF, read back: its dates are written out in full, as on every other PDF, and a completed
goal says when it was completed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from journeys.models import Goal, GoalEntry
from journeys.services import activity

from .helpers import send, walk_to
from .pdftext import pdf_text

pytestmark = pytest.mark.django_db


def test_the_goal_pdf_says_its_dates_in_full_and_when_it_was_completed(client, mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "progression")
    goal = activity.create_goal(rel, mentee, label="Grow my network", due_date=dt.date(2027, 3, 3))
    activity.add_goal_entry(goal, mentor, kind="review", text="Two new contacts")
    GoalEntry.objects.filter(goal=goal).update(at=timezone.make_aware(dt.datetime(2027, 1, 15, 23, 30)))
    client.force_login(mentee)

    text = pdf_text(client.get(reverse("goal_pdf", args=[goal.pk])).content)
    assert "Due: 3 March 2027" in text and "In progress" in text
    assert "15 January 2027: Two new contacts" in text  # UK time, the month in full
    assert "Jan 2027" not in text

    activity.complete_goal(goal, mentee)
    Goal.objects.filter(pk=goal.pk).update(completed_at=timezone.make_aware(dt.datetime(2027, 2, 28, 9, 0)))
    text = pdf_text(client.get(reverse("goal_pdf", args=[goal.pk])).content)
    assert "Completed on 28 February 2027" in text and "In progress" not in text
