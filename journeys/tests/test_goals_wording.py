"""The Goals page says truly who may do what: the other person may add milestones, reviews and
outcomes to your goals (activity.add_goal_entry) but not edit, complete or delete them (_own_goal)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from journeys.services import activity
from people.tests.factories import PASSWORD

from .helpers import send, walk_to

pytestmark = pytest.mark.django_db


def test_the_goals_page_says_whose_goals_they_are_and_what_the_other_person_may_do(client, mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "progression")  # the mentee's goal, "Grow my network"
    [goal] = rel.goals.all()
    assert goal.owner == mentee
    activity.add_goal_entry(goal, mentor, kind="milestone", text="Met two people at the event")  # allowed

    client.login(email=mentor.email, password=PASSWORD)
    mentor_page = client.get(reverse("goals", args=[rel.pk])).content.decode()
    assert ">Your goals<" not in mentor_page
    assert f"{mentee.display_name}'s goals" in mentor_page.replace("&#x27;", "'")
    assert "Each of you can add milestones, reviews and outcomes to any goal here" in mentor_page

    client.login(email=mentee.email, password=PASSWORD)
    mentee_page = client.get(reverse("goals", args=[rel.pk])).content.decode()
    assert ">Your goals<" in mentee_page
    assert "but not changed" not in mentee_page
    assert (
        f"{mentor.display_name} can see your goals and add milestones, reviews and outcomes to them, "
        "but cannot change, complete or delete them."
    ) in mentee_page.replace("&#x27;", "'")


def test_the_goal_date_is_not_called_optional_when_a_date_or_no_date_must_be_chosen(client, mentee, mentor):
    """Leaving both the date and "No completion date" empty is refused, so the date is not "(optional)"."""
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")
    client.force_login(mentee)
    page = client.get(reverse("goals", args=[rel.pk])).content.decode()
    legend = page.split("<legend>Expected goal completion date", 1)[1].split("</legend>", 1)[0]
    assert "(optional)" not in legend
    refused = client.post(reverse("goals", args=[rel.pk]), {"label": "Grow my network"}).content.decode()
    assert (
        "No completion date" in refused
        and "(optional)" not in refused.split("<legend>Expected goal completion date", 1)[1].split("</legend>", 1)[0]
    )


def test_a_goal_with_no_label_is_refused_in_our_words_on_the_label(client, mentee, mentor):
    """Not Django's "This field is required.": the field says what to write, for a new goal and when editing."""
    rel = walk_to(send(mentee, mentor), mentee, mentor, "progression")
    [goal] = rel.goals.all()
    client.login(email=mentee.email, password=PASSWORD)
    for url in (reverse("goals", args=[rel.pk]), reverse("goal_edit", args=[goal.pk])):
        page = client.post(url, {"goal-label": "  ", "goal-details": "", "goal-no_due_date": "on"})
        assert page.status_code == 200
        assert page.context["form"].errors["label"] == ["Write your goal in a few words: what you will achieve."]
    assert rel.goals.count() == 1
