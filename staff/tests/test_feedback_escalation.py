"""Feedback does not wait for ever: each of the two is reminded after FEEDBACK_REMIND_DAYS, and when
feedback is still missing after FEEDBACK_ESCALATE_DAYS the staff inbox gets one case saying whose is
missing (a timer on each feedback step, declared in the flow and listed on the Journey diagrams page)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from journeys.flows.timers import fire_due_timers
from journeys.models import Feedback, Relationship
from journeys.services import relationships
from journeys.tests.helpers import send, walk_to
from notifications.models import Notification
from project.dates import long_date
from staff import services, tasks
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
    # what the hourly sweep does for relationships with no such timer (open_feedback_cases)
    assert "Feedback missing after 14 days, with no timer" in page
    assert "gets the same one case from the stalled sweep (looked for every 60 minutes)." in page


# -- relationships asked for feedback before the escalation timer existed ---------------------------


def without_escalation_timers(rel):
    """As a relationship that reached Feedback before FEEDBACK_ESCALATE_DAYS existed: its feedback steps
    have their reminders' timers but no escalation timer."""
    timers = feedback_timers(rel)
    escalations = [t.pk for name, t in timers.items() if name.endswith("__timeout_2")]
    assert len(escalations) == 2
    Task.objects.filter(pk__in=escalations).delete()
    assert not any(name.endswith("__timeout_2") for name in feedback_timers(rel))


def asked_days_ago(rel, days: float):
    moment = timezone.now() - dt.timedelta(days=days)
    rel.history.filter(to_state="feedback").exclude(from_state="feedback").update(at=moment)
    return moment


def test_with_no_timer_the_hourly_sweep_opens_the_case_once(in_feedback, mentee, mentor, staff, mailoutbox):
    rel = in_feedback
    without_escalation_timers(rel)
    asked_days_ago(rel, 13)
    assert tasks.open_stalled_cases() == 0  # not yet: 13 days of 14
    assert not StaffCase.objects.exists()

    asked = asked_days_ago(rel, 15)
    assert tasks.open_stalled_cases() == 1
    case = StaffCase.objects.get()
    assert case.kind == CaseKind.NO_FEEDBACK and case.relationship == rel
    assert case.description == (
        f"{mentee.display_name} and {mentor.display_name} were asked for feedback on {long_date(asked)} "
        "and neither has given it."
    )
    assert Notification.objects.filter(recipient=staff, event="staff_case_opened").count() == 1
    emails = [m for m in mailoutbox if staff.email in m.to]
    assert len(emails) == 1

    # the sweep again (next hour): the same one case, nobody told twice
    assert tasks.open_stalled_cases() == 0
    assert StaffCase.objects.count() == 1
    assert Notification.objects.filter(recipient=staff, event="staff_case_opened").count() == 1
    assert len([m for m in mailoutbox if staff.email in m.to]) == 1

    # resolved by staff while the two still have not given it: not opened again for the same asking
    services.claim(case, staff)
    services.resolve(case, staff, "Phoned both of them.")
    assert tasks.open_stalled_cases() == 0
    assert StaffCase.objects.count() == 1

    # then the two give theirs: the relationship completes, the resolution by hand stands
    relationships.give_feedback(rel, mentee, 5, "Thank you")
    relationships.give_feedback(rel, mentor, 4, "Good")
    case.refresh_from_db()
    assert case.resolution == "Phoned both of them." and case.resolved_by == staff


def test_the_sweep_names_whose_feedback_is_missing(in_feedback, mentee):
    rel = in_feedback
    without_escalation_timers(rel)
    asked = asked_days_ago(rel, 20)
    relationships.give_feedback(rel, mentee, 5, "Thank you")  # today: the two were still asked 20 days ago
    assert services.open_feedback_cases() == 1
    assert StaffCase.objects.get().description.endswith(
        f"were asked for feedback on {long_date(asked)}; the mentor has not given it."
    )


def test_no_case_once_all_feedback_is_given_or_the_relationship_moved_on(in_feedback, mentee, mentor):
    rel = in_feedback
    without_escalation_timers(rel)
    asked_days_ago(rel, 20)
    # Both feedbacks there, though the relationship was left in Feedback (as an import might leave it).
    Feedback.objects.create(relationship=rel, author=mentee, rating=5)
    Feedback.objects.create(relationship=rel, author=mentor, rating=4)
    assert services.open_feedback_cases() == 0
    assert services.escalate_no_feedback(Relationship.objects.get(pk=rel.pk)) is None
    # Completed, or ended, relationships are not waiting for feedback.
    Feedback.objects.filter(relationship=rel).delete()
    Relationship.objects.filter(pk=rel.pk).update(state="completed")
    assert services.open_feedback_cases() == 0
    assert not StaffCase.objects.exists()


def test_the_sweep_is_off_when_the_setting_is_0(in_feedback, settings):
    settings.REMINDERS = {**settings.REMINDERS, "FEEDBACK_ESCALATE_DAYS": 0}
    without_escalation_timers(in_feedback)
    asked_days_ago(in_feedback, 400)
    assert services.open_feedback_cases() == 0


def test_a_timer_and_the_sweep_open_one_case_whichever_comes_first(in_feedback, staff):
    """A relationship with its timers: the sweep may see it first (the timer dispatcher behind); the
    timer that fires after finds the case, resolved by staff meanwhile or not."""
    rel = in_feedback
    asked_days_ago(rel, 15)
    assert services.open_feedback_cases() == 1
    case = StaffCase.objects.get()
    services.claim(case, staff)
    services.resolve(case, staff, "Reminded both by phone.")
    assert come_due(rel, "mentee_feedback__timeout_2", "mentor_feedback__timeout_2") == 2
    assert StaffCase.objects.count() == 1
    assert Notification.objects.filter(recipient=staff, event="staff_case_opened").count() == 1


def test_the_sweep_waits_for_feedback_being_given_and_opens_no_case(in_feedback, mentee, mentor):
    """Under the journey's lock order (``journeys.services.base.lock``): the sweep finds the relationship
    overdue while the second feedback is being given (its transaction holds the relationship's locks),
    waits for it, looks again, and opens nothing."""
    import threading

    from django.db import connection, transaction

    from journeys.services.base import lock

    rel = in_feedback
    without_escalation_timers(rel)
    asked_days_ago(rel, 15)
    relationships.give_feedback(rel, mentee, 5, "Thank you")
    holding, release, outcome = threading.Event(), threading.Event(), {}

    def mentor_gives_feedback():
        try:
            with transaction.atomic():
                lock(rel.pk)  # as give_feedback does
                holding.set()
                release.wait(20)
                relationships.give_feedback(rel.pk, mentor, 4, "Good")
        finally:
            connection.close()

    def sweep():
        try:
            outcome["opened"] = services.open_feedback_cases()
        finally:
            connection.close()

    giving = threading.Thread(target=mentor_gives_feedback)
    giving.start()
    assert holding.wait(10)
    sweeping = threading.Thread(target=sweep)
    sweeping.start()
    waited = False
    for _ in range(100):  # the sweep is waiting for the relationship's lock
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                waited = True
                break
        time.sleep(0.05)
    release.set()
    giving.join(20)
    sweeping.join(20)
    assert waited
    assert outcome == {"opened": 0}
    assert Relationship.objects.get(pk=rel.pk).state == "completed"
    assert not StaffCase.objects.exists()
