"""Exactly once, with real parts: a Celery worker process, Redis, PostgreSQL and an SMTP server.

The worker sends with Django's real SMTP backend to ``smtp_sink.SMTPSink`` (a thread here), which
records every attempt and every accepted message. Timings are shortened through the worker's
environment (the same settings production reads), so back-off and give-up take seconds here.
What stands in for celery beat is ``sweep()``: the test publishes the sweep task to the worker,
as beat does every NOTIFICATION_SWEEP_SECONDS.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import suppress

import pytest
from django.db import transaction

from notifications.models import Notification
from notifications.services import Message, notify
from notifications.tasks import redeliver_pending
from notifications.tests.smtp_sink import SMTPSink
from notifications.tests.worker import CeleryWorker, celery_conf, database_url, wait_until, worker_redis_url

pytestmark = pytest.mark.django_db(transaction=True)
Email = Notification.Email

TIMINGS = {
    "NOTIFICATION_QUEUE_GRACE_SECONDS": "1",
    "NOTIFICATION_RETRY_SECONDS": "0.4",
    "NOTIFICATION_RETRY_MAX_SECONDS": "1.6",
    "NOTIFICATION_GIVE_UP_AFTER": "60",
    "NOTIFICATION_CLAIM_TIMEOUT": "2",
}


@pytest.fixture(scope="module")
def sink() -> Iterator[SMTPSink]:
    server = SMTPSink().start()
    yield server
    server.stop()


class Workers:
    """Start (and kill) worker processes that send to the sink, all on one queue of this test."""

    def __init__(self, sink: SMTPSink, tmp_path, settings, **timings: str):
        self.sink = sink
        self.tmp_path = tmp_path
        self.queue = f"exactly-once-{uuid.uuid4().hex[:10]}"
        self.broker = worker_redis_url()
        self.env = {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
            "EMAIL_USE_TLS": "false",
            "EMAIL_TIMEOUT": "5",
            **TIMINGS,
            **timings,
        }
        for name, value in {**TIMINGS, **timings}.items():  # this process writes the rows: same timings
            setattr(settings, name, float(value))
        self.db = database_url(settings.DATABASES["default"])
        self.started: list[CeleryWorker] = []

    def start(self) -> CeleryWorker:
        n = len(self.started)
        worker = CeleryWorker(
            database_url=self.db,
            broker_url=self.broker,
            mail_dir=self.tmp_path,
            log_path=self.tmp_path / f"worker{n}.log",
            queue=self.queue,
            env=self.env,
        )
        worker.nodename = f"{self.queue}-{n}@localhost"
        self.started.append(worker)
        worker.start()
        return worker

    def sweep(self) -> None:
        """What celery beat does every NOTIFICATION_SWEEP_SECONDS."""
        redeliver_pending.delay()

    def failure_report(self) -> tuple[str, str]:
        return "Delivery workers' logs", "\n".join(f"--- {w.nodename}\n{w.log()}" for w in self.started)


@pytest.fixture
def workers(sink, tmp_path, settings) -> Iterator[Workers]:
    sink.clear()
    sink.accept()
    sink.delay = 0
    pool = Workers(sink, tmp_path, settings)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with celery_conf(task_always_eager=False, broker_url=pool.broker, task_default_queue=pool.queue):
        try:
            yield pool
        finally:
            for worker in pool.started:
                worker.kill()  # the test is over: no need to wait for a warm shutdown
            with suppress(Exception):
                pool.started and pool.started[0].remove_queue()


def statuses() -> dict[int, str]:
    return dict(Notification.objects.values_list("pk", "email_status"))


def tell(addresses: list[str], subject: str) -> list[Notification]:
    with transaction.atomic():
        return [notify(None, Message(subject=subject, paragraphs=["Hello."]), "test", email=a) for a in addresses]


def test_a_worker_killed_mid_batch_of_1000_sends_each_email_once(workers, sink):
    workers.start()
    notes = tell([f"person{n}@example.com" for n in range(1000)], "Batch")
    ids = {n.pk for n in notes}

    wait_until(lambda: len(sink.accepted()) >= 150, timeout=30, message="the first emails arrive")
    workers.started[0].kill()
    at_kill = statuses()
    assert sum(s == Email.SENT for s in at_kill.values()) < 1000, "the worker finished before it was killed"
    assert sum(s == Email.SENDING for s in at_kill.values()) <= 1  # one worker, one email in flight

    workers.start()  # takes the batches still queued; the sweep takes the killed worker's rows

    def settled() -> bool:
        workers.sweep()
        return not {Email.PENDING, Email.SENDING} & set(statuses().values())

    wait_until(settled, timeout=90, interval=0.5, message="every row sent or marked uncertain")

    final = statuses()
    accepted = sink.accepted_ids()
    assert set(final) == ids
    assert set(accepted) <= ids
    assert max(accepted.values()) == 1, [pk for pk, n in accepted.items() if n > 1]  # nothing twice
    uncertain = {pk for pk, s in final.items() if s == Email.UNCERTAIN}
    assert set(final.values()) <= {Email.SENT, Email.UNCERTAIN}
    assert len(uncertain) <= 1  # at most the one in flight at the kill, and it was not resent
    assert {pk for pk, s in final.items() if s == Email.SENT} == set(accepted) - uncertain
    assert len(accepted) >= 999
    assert all(Notification.objects.get(pk=pk).email_attempts == 1 for pk in uncertain)


def test_smtp_refusing_for_a_while_each_row_follows_one_back_off_then_arrives_once(workers, sink):
    workers.start()
    sink.refuse(451)
    addresses = [f"later{n}@example.com" for n in range(5)]
    started = time.monotonic()
    notes = tell(addresses, "Later")
    while time.monotonic() - started < 3.5:  # beat, far more often than the back-off
        workers.sweep()
        time.sleep(0.2)
    sink.accept()

    def delivered() -> bool:
        workers.sweep()
        return set(statuses().values()) == {Email.SENT}

    wait_until(delivered, timeout=15, interval=0.3, message="all sent once the server accepts")

    accepted = sink.accepted_ids()
    assert accepted == {n.pk: 1 for n in notes}
    for note, address in zip(notes, addresses, strict=True):
        note.refresh_from_db()
        attempts = sink.attempts(address)
        assert len(attempts) == note.email_attempts  # every attempt the row counts, the server saw
        # First try at once, then 0.4 s, 0.8 s, 1.6 s, 1.6 s... apart: one chain, however many sweeps.
        assert 3 <= len(attempts) <= 6, attempts
        gaps = [b - a for a, b in zip(attempts, attempts[1:], strict=False)]
        for n, gap in enumerate(gaps[:-1], start=1):  # the last gap ends when the server came back
            assert gap >= min(0.4 * 2 ** (n - 1), 1.6) - 0.05, (n, gaps)
        assert note.email_status == Email.SENT and note.last_error == ""


def test_a_permanent_refusal_fails_at_once(workers, sink):
    workers.start()
    sink.refuse(550)
    (note,) = tell(["nobody@example.com"], "Nobody")
    wait_until(lambda: statuses()[note.pk] == Email.FAILED, timeout=15, message="failed at the first refusal")
    note.refresh_from_db()
    assert note.email_attempts == 1 and "550" in note.last_error
    assert len(sink.attempts("nobody@example.com")) == 1


def test_give_up_then_retried_automatically_once_delivery_works(sink, tmp_path, settings):
    """Failed within NOTIFICATION_GIVE_UP_AFTER (plus one sweep); back when a later email goes out."""
    sink.clear()
    sink.accept()
    pool = Workers(sink, tmp_path, settings, NOTIFICATION_GIVE_UP_AFTER="2")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with celery_conf(task_always_eager=False, broker_url=pool.broker, task_default_queue=pool.queue):
        try:
            pool.start()
            sink.refuse(451)
            (note,) = tell(["patient@example.com"], "Patience")
            started = time.monotonic()

            def failed() -> bool:
                pool.sweep()
                return statuses()[note.pk] == Email.FAILED

            wait_until(failed, timeout=10, interval=0.2, message="failed after NOTIFICATION_GIVE_UP_AFTER")
            assert time.monotonic() - started < 2 + 1.5  # the deadline, one sweep and a send (and slack)
            note.refresh_from_db()
            assert note.email_attempts >= 2 and note.auto_retried_at is None
            for _ in range(5):  # a failed row stays failed while nothing gets through
                pool.sweep()
            time.sleep(0.5)
            assert statuses()[note.pk] == Email.FAILED

            sink.accept()
            (later,) = tell(["someone@example.com"], "Back")  # this one goes through...

            def both_sent() -> bool:
                pool.sweep()
                return statuses()[note.pk] == statuses()[later.pk] == Email.SENT

            wait_until(both_sent, timeout=15, interval=0.3, message="the failed row retried and sent")  # ...so this
            assert sink.accepted_ids() == {note.pk: 1, later.pk: 1}
            note.refresh_from_db()
            assert note.auto_retried_at is not None
        finally:
            for worker in pool.started:
                worker.kill()  # the test is over: no need to wait for a warm shutdown
            with suppress(Exception):
                pool.started[0].remove_queue()
