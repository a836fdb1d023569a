"""Feedback does not wait for ever: each of the two is reminded after FEEDBACK_REMIND_DAYS, and when
feedback is still missing after FEEDBACK_ESCALATE_DAYS the staff inbox gets one case saying whose is
missing (a timer on each feedback step, declared in the flow and listed on the Journey diagrams page)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from journeys.flows.timers import fire_due_timers
from journeys.services import relationships
from journeys.tests.helpers import send, walk_to
from notifications.models import Notification
from project.dates import long_date
from staff import services
from staff.models import CaseKind, StaffCase

pytestmark = pytest.mark.django_db(transaction=True)


def feedback_timers(rel, **filters) -> dict[str, Task]:
    tasks = Task.objects.filter(flow_task_type="TIMER", process__mentoringprocess__relationship=rel, **filters)
    return {t.flow_task.name: t for t in tasks if "feedback" in t.flow_task.name}


def come_due(rel, *names: str) -> int:
    timers = feedback_timers(rel, status=STATUS.SCHEDULED)
    chosen = [timers[name].pk for name in names if name in timers]
    Task.objects.filter(pk__in=chosen).update(scheduled=timezone.now() - dt.timedelta(seconds=1))
    return fire_due_timers()


@pytest.fixture
def in_feedback(mentee, mentor):
    return walk_to(send(mentee, mentor), mentee, mentor, "feedback")


def test_feedback_missing_after_14_days_opens_one_case_and_tells_staff(in_feedback, mentee, mentor, staff):
    before = timezone.now()
    rel = in_feedback
    timers = feedback_timers(rel, status=STATUS.SCHEDULED)
    for step in ("mentee_feedback", "mentor_feedback"):
        escalation = timers[f"{step}__timeout_2"]
        assert abs(escalation.scheduled - before - dt.timedelta(days=14)) < dt.timedelta(minutes=1)
        assert escalation.flow_task._next.name == "escalate_no_feedback"

    # both still missing: the two steps' timers come due together, one case
    assert come_due(rel, "mentee_feedback__timeout_2", "mentor_feedback__timeout_2") == 2
    case = StaffCase.objects.get()
    assert case.kind == CaseKind.NO_FEEDBACK and case.relationship == rel
    asked = long_date(rel.history.get(to_state="feedback").at)
    assert case.description == (
        f"{mentee.display_name} and {mentor.display_name} were asked for feedback on {asked} and neither has given it."
    )
    assert Notification.objects.filter(recipient=staff, event="staff_case_opened").count() == 1
    assert case.moved_on == ""

    # one of them giving theirs settles nothing; once both have, the platform resolves the case, saying so
    relationships.give_feedback(rel, mentee, 5, "Thank you")
    case.refresh_from_db()
    assert case.status != PROCESS.DONE and case.resolved_at is None
    relationships.give_feedback(rel, mentor, 4, "Good")
    case.refresh_from_db()
    assert case.status == PROCESS.DONE and case.resolved_by is None
    assert case.resolution == (
        f"Both have given their feedback: the relationship was completed on {long_date(timezone.now())}."
    )


def test_the_case_names_whose_feedback_is_missing_and_none_opens_once_both_gave_it(in_feedback, mentee, mentor):
    rel = in_feedback
    relationships.give_feedback(rel, mentee, 5, "Thank you")
    # the mentee's step is done: its timers are cancelled with it
    assert "mentee_feedback__timeout_2" not in feedback_timers(rel, status=STATUS.SCHEDULED)
    assert come_due(rel, "mentor_feedback__timeout_2") == 1
    case = StaffCase.objects.get()
    assert case.description.endswith("; the mentor has not given it.")

    relationships.give_feedback(rel, mentor, 4, "Good")
    rel.refresh_from_db()
    assert rel.state == "completed"
    assert not feedback_timers(rel, status=STATUS.SCHEDULED)  # nothing left to fire
    assert services.escalate_no_feedback(rel) is None


def test_the_reminder_still_comes_first_and_the_days_come_from_settings(mentee, mentor, settings):
    settings.REMINDERS = {**settings.REMINDERS, "FEEDBACK_REMIND_DAYS": 5, "FEEDBACK_ESCALATE_DAYS": 0}
    before = timezone.now()
    rel = walk_to(send(mentee, mentor), mentee, mentor, "feedback")
    timers = feedback_timers(rel, status=STATUS.SCHEDULED)
    assert abs(timers["mentee_feedback__timeout"].scheduled - before - dt.timedelta(days=5)) < dt.timedelta(minutes=1)
    assert timers["mentee_feedback__timeout_2"].scheduled > before + dt.timedelta(days=365 * 50)  # 0: never


def test_the_journey_diagrams_page_lists_the_feedback_escalation(client, staff, settings):
    settings.REMINDERS = {**settings.REMINDERS, "FEEDBACK_ESCALATE_DAYS": 14}
    client.force_login(staff)
    page = client.get("/staff/journeys/").content.decode()
    feedback_rows = [row for row in page.split("<tr") if "<td>Give feedback on your mentoring</td>" in row]
    assert len(feedback_rows) == 4  # each of the two: a reminder, then the staff inbox
    assert sum("14 days" in row and "Tell the staff inbox" in row for row in feedback_rows) == 2
