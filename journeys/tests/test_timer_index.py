"""The timer sweep reads the partial index of journeys 0003, not the whole task history, and
due timers still fire through it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from journeys.management.commands.bench_timers import INDEX, explain, seed_history, sweep_query
from journeys.tasks import fire_workflow_timers
from notifications.models import Notification

from .helpers import send

pytestmark = pytest.mark.django_db


def test_the_index_exists_as_the_migration_wrote_it():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [INDEX])
        [(definition,)] = cursor.fetchall()
    assert "(scheduled)" in definition
    assert "'SCHEDULED'" in definition and "'TIMER'" in definition


def test_the_sweep_uses_the_partial_index_over_a_long_history_and_due_timers_fire(mentee, mentor):
    # 40,000 finished task rows (2,000 finished journeys) and 200 timers not yet due.
    seed_history(finished_rows=40_000, waiting_timers=200)
    rel = send(mentee, mentor)  # a real journey: its request reminders wait on timers
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE viewflow_task")

    plan = explain(sweep_query(), analyze=False)  # sweep_query runs the sweep: nothing is due yet
    assert INDEX in plan, plan
    assert "Seq Scan on viewflow_task" not in plan, plan

    # Bring the first request reminder forward: the sweep fires exactly that one.
    first = (
        Task.objects.filter(
            process__mentoringprocess__relationship=rel, flow_task_type="TIMER", status=STATUS.SCHEDULED
        )
        .order_by("scheduled")
        .first()
    )
    Task.objects.filter(pk=first.pk).update(scheduled=timezone.now() - dt.timedelta(seconds=1))
    assert fire_workflow_timers() == 1
    first.refresh_from_db()
    assert first.status == STATUS.DONE
    assert Notification.objects.filter(recipient=mentor, event="reminder_review_request").count() == 1
    assert fire_workflow_timers() == 0  # fired once, not again
