"""The days people enter: a meeting not before the match nor more than five years ahead, a goal's
expected completion not in the past (unless it is the date the goal already has) nor too far ahead.
The refusal is shown on the form, tied to its field, and what was typed stays."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from journeys.models import Goal, Meeting, Relationship
from journeys.rules import latest_plannable_day
from people.tests.factories import PASSWORD

from .helpers import meet, send, walk_to

pytestmark = pytest.mark.django_db


def boxes(prefix: str, day: dt.date) -> dict:
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def meeting_post(day: dt.date, title="Kick-off") -> dict:
    return {**boxes("date", day), "start_time": "10:00", "duration": "60", "title": title, "send_details": "on"}


@pytest.fixture
def matched(mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    # Matched ten days ago.
    Relationship.objects.filter(pk=rel.pk).update(matched_at=timezone.now() - dt.timedelta(days=10))
    rel.refresh_from_db()
    return rel


def signed_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_first_meeting_before_the_match_is_refused_on_its_field(client, matched, mentee):
    signed_in(client, mentee)
    step = client.get(reverse("next_step", args=[matched.pk])).url
    before = timezone.localdate() - dt.timedelta(days=11)
    page = client.post(step, meeting_post(before))
    body = page.content.decode()
    assert page.status_code == 200
    accepted_on = timezone.localdate(matched.matched_at)
    assert f"Enter a date on or after {accepted_on.day} {accepted_on:%B %Y}, the day the request was accepted." in body
    assert 'id="id_date_error"' in body and 'value="Kick-off"' in body  # tied to the date, the title kept
    assert not Meeting.objects.filter(relationship=matched).exists()
    # The day of the match itself is fine (a meeting already had, recorded).
    on_the_day = client.post(step, meeting_post(accepted_on))
    assert on_the_day.status_code == 302
    assert Meeting.objects.filter(relationship=matched).count() == 1


def test_meeting_more_than_five_years_ahead_is_refused(client, matched, mentee):
    signed_in(client, mentee)
    meet(matched, mentee)
    too_far = latest_plannable_day() + dt.timedelta(days=1)
    page = client.post(reverse("meeting_new", args=[matched.pk]), meeting_post(too_far, "Far away"))
    assert "Enter a date within the next 5 years." in page.content.decode()
    assert not Meeting.objects.filter(title="Far away").exists()
    ok = client.post(reverse("meeting_new", args=[matched.pk]), meeting_post(latest_plannable_day(), "Far away"))
    assert ok.status_code == 302 and Meeting.objects.filter(title="Far away").exists()


def test_a_meeting_already_before_the_match_keeps_its_day_when_changed(client, matched, mentee):
    signed_in(client, mentee)
    meeting = meet(matched, mentee)
    early = timezone.now() - dt.timedelta(days=20)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=early)
    url = reverse("meeting_edit", args=[meeting.pk])
    kept = client.post(url, meeting_post(timezone.localdate(early), "Renamed"))
    assert kept.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Renamed"
    # Moving it to another day before the match is refused.
    moved = client.post(url, meeting_post(timezone.localdate(early) + dt.timedelta(days=1), "Moved"))
    assert "the day the request was accepted" in moved.content.decode()
    meeting.refresh_from_db()
    assert meeting.title == "Renamed"


def goal_post(label: str, day: dt.date | None) -> dict:
    data = {"goal-label": label, "goal-details": ""}
    if day is None:
        data["goal-no_due_date"] = "on"
    else:
        data.update(boxes("goal-due_date", day))
    return data


def test_goal_completion_date_in_the_past_or_too_far_is_refused(client, matched, mentee):
    meet(matched, mentee)
    signed_in(client, mentee)
    url = reverse("goals", args=[matched.pk])
    past = client.post(url, goal_post("Grow my network", timezone.localdate() - dt.timedelta(days=1)))
    body = past.content.decode()
    assert "That day has passed: enter today or a later day" in body
    assert 'id="id_goal-due_date_error"' in body and 'value="Grow my network"' in body
    too_far = client.post(url, goal_post("Grow my network", latest_plannable_day() + dt.timedelta(days=1)))
    assert "Enter a date within the next 5 years." in too_far.content.decode()
    assert not Goal.objects.exists()
    assert client.post(url, goal_post("Grow my network", timezone.localdate())).status_code == 302
    assert Goal.objects.get().due_date == timezone.localdate()


def test_a_goal_whose_date_has_passed_can_still_be_edited_keeping_it(client, matched, mentee):
    meet(matched, mentee)
    signed_in(client, mentee)
    client.post(reverse("goals", args=[matched.pk]), goal_post("Grow my network", timezone.localdate()))
    goal = Goal.objects.get()
    passed = timezone.localdate() - dt.timedelta(days=30)
    Goal.objects.filter(pk=goal.pk).update(due_date=passed)
    url = reverse("goal_edit", args=[goal.pk])
    assert client.post(url, goal_post("Grow my network further", passed)).status_code == 302
    goal.refresh_from_db()
    assert goal.label == "Grow my network further" and goal.due_date == passed
    # Another day in the past is not.
    other = client.post(url, goal_post("Again", passed + dt.timedelta(days=1)))
    assert "That day has passed" in other.content.decode()
    goal.refresh_from_db()
    assert goal.label == "Grow my network further"


def example_in_hint(page, field_id: str) -> dt.date:
    """The day the hint of this date field gives as an example ("For example, 18 4 2026")."""
    hint = re.search(rf'id="{field_id}_helptext">([^<]*)<', page.content.decode()).group(1)
    day, month, year = re.search(r"For example, (\d+) (\d+) (\d{4})", hint).groups()
    return dt.date(int(year), int(month), int(day))


def test_the_example_in_a_meeting_or_goal_date_hint_is_a_day_the_field_accepts(client, matched, mentee):
    meet(matched, mentee)
    signed_in(client, mentee)
    url = reverse("meeting_new", args=[matched.pk])
    example = example_in_hint(client.get(url), "id_date")
    assert example > timezone.localdate()
    assert client.post(url, meeting_post(example, "As in the example")).status_code == 302
    url = reverse("goals", args=[matched.pk])
    example = example_in_hint(client.get(url), "id_goal-due_date")
    assert example > timezone.localdate()
    assert client.post(url, goal_post("As in the example", example)).status_code == 302
    assert Goal.objects.get().due_date == example


def test_a_goal_with_a_date_and_no_completion_date_ticked_is_refused_on_the_date(client, matched, mentee):
    meet(matched, mentee)
    signed_in(client, mentee)
    both = {**goal_post("Grow my network", timezone.localdate() + dt.timedelta(days=7)), "goal-no_due_date": "on"}
    page = client.post(reverse("goals", args=[matched.pk]), both)
    body = page.content.decode()
    assert page.status_code == 200 and not Goal.objects.exists()
    error = re.search(r'id="id_goal-due_date_error">([^<]*)<', body).group(1)
    assert "Enter a date or tick “No completion date”, not both." in error


@pytest.mark.parametrize("left_empty", [0, 1, 2])
def test_a_date_with_a_box_left_empty_says_which_parts_a_date_needs(client, matched, mentee, left_empty):
    """One of Day, Month and Year left empty: our sentence on the date's field, not Django's
    "Enter a complete value.", which names no box."""
    meet(matched, mentee)
    signed_in(client, mentee)
    post = goal_post("Grow my network", timezone.localdate() + dt.timedelta(days=7))
    post[f"goal-due_date_{left_empty}"] = ""
    page = client.post(reverse("goals", args=[matched.pk]), post)
    assert page.status_code == 200 and not Goal.objects.exists()
    error = re.search(r'id="id_goal-due_date_error">([^<]*)<', page.content.decode()).group(1)
    assert error.strip() == "Enter a day, a month and a year."
