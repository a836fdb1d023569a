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


def test_with_the_broker_unreachable_a_message_waits_a_bounded_time(mentee, mentor, settings):
    """A broker that takes the connection but never answers (a host gone quiet, a full network): the
    settle task is queued as the outbox queues emails, with NOTIFICATION_BROKER_TIMEOUT, so the pair's
    message is sent at once all the same (Celery's own publishing would wait on the socket for ever)."""
    import socket
    import threading

    from journeys.tests.helpers import walk_to

    rel = walk_to(send(mentee, mentor), mentee, mentor, "progression")
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # connections complete in the backlog; nothing ever reads or answers them
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.NOTIFICATION_BROKER_TIMEOUT = 0.5
    sent = []
    try:
        with celery_conf(task_always_eager=False), publishing_to(f"redis://127.0.0.1:{silent.getsockname()[1]}/0", "x"):
            thread = threading.Thread(target=send_message, args=(rel.conversation, mentee, sent))
            started = time.monotonic()
            thread.start()
            thread.join(timeout=15)
            took = time.monotonic() - started
    finally:
        silent.close()
    assert not thread.is_alive(), "sending a message hung on the unreachable broker"
    assert sent and took < 5, f"sending a message waited {took:.1f}s for the broker"


def send_message(conversation, sender, sent: list) -> None:
    from django.db import connection

    from journeys.services import activity

    try:
        sent.append(activity.send_message(conversation, sender, "Hello"))
    finally:
        connection.close()
