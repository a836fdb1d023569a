"""Settling staff cases is queued once a journey step commits (``staff.receivers``): with the broker down,
the step still returns at once (its change stands), and the hourly sweep settles the case instead."""

from __future__ import annotations

import time

import pytest

from journeys.models import State
from journeys.services import relationships
from journeys.tests.helpers import send
from notifications.tests.worker import celery_conf, closed_port, publishing_to
from staff import services
from staff.models import CaseKind, StaffCase

from .test_cases import fire_timer

pytestmark = pytest.mark.django_db(transaction=True)


def test_with_the_broker_down_accepting_waits_a_bounded_time_and_the_sweep_settles_the_case(
    mentee, mentor, staff, settings
):
    rel = send(mentee, mentor)
    assert fire_timer(rel, "review_request__timeout_3") == 1
    case = StaffCase.objects.get(relationship=rel, kind=CaseKind.UNANSWERED_REQUEST)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with celery_conf(task_always_eager=False), publishing_to(f"redis://127.0.0.1:{closed_port()}/0", "nowhere"):
        started = time.monotonic()
        accepted = relationships.accept_request(rel, mentor)
        took = time.monotonic() - started
    assert accepted.state == State.ARRANGING
    assert took < 3, f"accepting waited {took:.1f}s for the broker"
    assert StaffCase.objects.get(pk=case.pk).resolved_at is None  # not settled yet: the task was not queued
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert services.settle_open_cases() == 1  # the hourly sweep's first part
    assert StaffCase.objects.get(pk=case.pk).resolution.startswith("The mentor accepted the request on")
