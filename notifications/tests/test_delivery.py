"""Notifications leave only after commit, through the queue, exactly once per recipient.

These run a real Celery worker (a subprocess, see worker.py) against PostgreSQL and Redis:
what is asserted is what a recipient's inbox would show.
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from notifications import tasks
from notifications.models import Notification
from notifications.services import Message, notify
from notifications.tasks import deliver, redeliver_pending
from notifications.tests.smtp_sink import SMTPSink
from notifications.tests.worker import celery_conf, closed_port, publishing_to, wait_until, worker_redis_url
from people.services import delete_account
from people.tests.factories import make_mentee

pytestmark = pytest.mark.django_db(transaction=True)
Email = Notification.Email


def status_of(note: Notification) -> str:
    return Notification.objects.get(pk=note.pk).email_status


def outbox_row(user, subject: str, **fields) -> Notification:
    """A committed outbox row whose queue message never left (as if Redis lost it)."""
    return Notification.objects.create(
        recipient=user,
        email=user.email,
        event="test",
        subject=subject,
        body_text=f"{subject} (text)",
        body_html=f"<p>{subject} (html)</p>",
        **fields,
    )


def test_rolled_back_notification_is_never_sent_and_committed_one_is_sent_once(celery_worker_process, mailbox):
    mentee = make_mentee(email="rollback@example.com")

    with pytest.raises(RuntimeError), transaction.atomic():
        notify(mentee, Message(subject="Rolled back", paragraphs=["Never happened."]), "test")
        raise RuntimeError("the transition failed")
    with transaction.atomic():
        note = notify(mentee, Message(subject="Committed", paragraphs=["This happened."]), "test")
        assert mailbox.all() == []  # nothing leaves before the commit

    mailbox.wait_for(to=mentee.email, subject_contains="Committed")
    wait_until(lambda: status_of(note) == Notification.Email.SENT, message="row marked sent")
    celery_worker_process.wait_idle()

    assert [m.subject for m in mailbox.all()] == ["[Mentoring Programme] Committed"]
    assert list(Notification.objects.values_list("subject", flat=True)) == ["Committed"]
    note.refresh_from_db()
    assert (note.email_attempts, note.last_error) == (1, "")
    assert note.emailed_at is not None and note.email_claimed_at is not None


def test_each_recipient_gets_exactly_one_email(celery_worker_process, mailbox):
    people = [make_mentee(email=f"person{n}@example.com") for n in range(3)]
    with transaction.atomic():
        for person in people:
            notify(person, Message(subject="Stage completed", paragraphs=["Well done."]), "stage_completed")

    for person in people:
        mailbox.wait_for(to=person.email, subject_contains="Stage completed")
    celery_worker_process.wait_idle()
    assert sorted(addr for m in mailbox.all() for addr in m.to) == [p.email for p in people]
    assert set(Notification.objects.values_list("email_status", flat=True)) == {Notification.Email.SENT}


def test_delivering_the_same_notification_again_sends_nothing_more(celery_worker_process, mailbox):
    mentee = make_mentee(email="twice@example.com")
    with transaction.atomic():
        note = notify(mentee, Message(subject="Once only", paragraphs=["Hello."]), "test")
    # A redelivered message, a retry racing the original, a sweep: the same task again.
    for _ in range(3):
        deliver.delay(note.pk)

    mailbox.wait_for(to=mentee.email, subject_contains="Once only")
    celery_worker_process.wait_idle()
    assert len(mailbox.all(to=mentee.email)) == 1
    note.refresh_from_db()
    assert (note.email_status, note.email_attempts) == (Notification.Email.SENT, 1)


def test_two_workers_racing_for_one_notification_send_one_email(transactional_db):
    """Two deliveries at the same instant, each with its own database connection."""
    note = outbox_row(make_mentee(email="race@example.com"), "Race")
    start = threading.Barrier(2)
    results: list[str] = []

    def worker() -> None:
        try:
            start.wait()
            results.append(deliver.apply(args=[note.pk]).get())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(results) == [0, 1]  # rows tried: one worker claimed it, the other found it taken
    assert [m.to for m in mail.outbox] == [["race@example.com"]]
    note.refresh_from_db()
    assert (note.email_status, note.email_attempts) == (Notification.Email.SENT, 1)


def test_the_sweep_marks_a_row_left_mid_send_uncertain_and_does_not_resend_it(celery_worker_process, mailbox, settings):
    mentee = make_mentee(email="stuck@example.com")
    settings.NOTIFICATION_CLAIM_TIMEOUT = 300
    long_ago = timezone.now() - timedelta(seconds=301)
    stuck = outbox_row(mentee, "Stuck", email_status=Email.SENDING, email_claimed_at=long_ago, email_attempts=1)
    busy = outbox_row(
        mentee,
        "In flight",
        email_status=Email.SENDING,
        email_claimed_at=timezone.now() - timedelta(seconds=5),
        email_attempts=1,
    )

    assert redeliver_pending() == 0  # nothing is sent

    stuck.refresh_from_db()
    assert (stuck.email_status, stuck.email_attempts, stuck.next_attempt_at) == (Email.UNCERTAIN, 1, None)
    assert "may or may not" in stuck.last_error
    # Neither the sweep again nor a late queue message sends either of them.
    redeliver_pending.delay()
    deliver.delay([stuck.pk, busy.pk])
    celery_worker_process.wait_idle()
    assert mailbox.all() == []
    assert status_of(busy) == Email.SENDING and status_of(stuck) == Email.UNCERTAIN


def test_the_claim_timeout_is_a_setting(transactional_db, settings):
    row = outbox_row(
        make_mentee(email="timeout@example.com"),
        "Slow",
        email_status=Email.SENDING,
        email_claimed_at=timezone.now() - timedelta(seconds=30),
    )
    settings.NOTIFICATION_CLAIM_TIMEOUT = 60
    redeliver_pending()
    assert status_of(row) == Email.SENDING
    settings.NOTIFICATION_CLAIM_TIMEOUT = 20
    redeliver_pending()
    assert status_of(row) == Email.UNCERTAIN


def test_the_sweep_takes_due_rows_only(celery_worker_process, mailbox):
    mentee = make_mentee(email="lost@example.com")
    lost = outbox_row(mentee, "Lost message", next_attempt_at=timezone.now() - timedelta(seconds=1))
    fresh = outbox_row(mentee, "Just written")  # its own queue message has the grace period
    backing_off = outbox_row(
        mentee, "Backing off", email_attempts=2, next_attempt_at=timezone.now() + timedelta(minutes=3)
    )
    outbox_row(mentee, "Already sent", email_status=Email.SENT, next_attempt_at=None)
    outbox_row(mentee, "Not emailed", email_status=Email.SKIPPED, next_attempt_at=None)
    outbox_row(mentee, "Failed", email_status=Email.FAILED, next_attempt_at=None)

    redeliver_pending.delay()  # what celery beat sends every NOTIFICATION_SWEEP_SECONDS

    mailbox.wait_for(to=mentee.email, subject_contains="Lost message")
    wait_until(lambda: status_of(lost) == Email.SENT, message="lost row marked sent")
    celery_worker_process.wait_idle()
    assert len(mailbox.all()) == 1
    assert status_of(fresh) == status_of(backing_off) == Email.PENDING
    # A stale queue message for the row in back-off does not jump its schedule either.
    deliver.delay([backing_off.pk])
    celery_worker_process.wait_idle()
    assert len(mailbox.all()) == 1


def test_smtp_refusing_pushes_the_row_back_and_schedules_no_celery_retry(celery_worker_process, mailbox, settings):
    mentee = make_mentee(email="retry@example.com")
    with mailbox.smtp_down():
        with transaction.atomic():
            note = notify(mentee, Message(subject="Try again", paragraphs=["Hello."]), "test")
        wait_until(lambda: Notification.objects.get(pk=note.pk).last_error, message="the failure recorded")
        celery_worker_process.wait_idle()

        note.refresh_from_db()
        assert note.email_status == Email.PENDING
        assert note.email_attempts == 1 and note.emailed_at is None
        assert "refused" in note.last_error.lower()
        wait = (note.next_attempt_at - timezone.now()).total_seconds()
        assert settings.NOTIFICATION_RETRY_SECONDS - 10 < wait <= settings.NOTIFICATION_RETRY_SECONDS
        assert celery_worker_process.scheduled() == []  # the row is the schedule, not a Celery countdown
        assert mailbox.all() == []

    # The mail server is back; when the row is due, the sweep sends it.
    Notification.objects.filter(pk=note.pk).update(next_attempt_at=timezone.now())
    redeliver_pending.delay()
    mailbox.wait_for(to=mentee.email, subject_contains="Try again")
    wait_until(lambda: status_of(note) == Email.SENT, message="row marked sent")
    note.refresh_from_db()
    assert (note.email_attempts, note.last_error) == (2, "")


@pytest.fixture
def smtp_refusing(settings):
    """This process's mail goes by SMTP to a local port where nothing listens."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5


def test_mail_server_down_the_row_backs_off_and_fails_within_the_give_up_time(
    transactional_db, smtp_refusing, settings
):
    settings.NOTIFICATION_RETRY_SECONDS = 0.1
    settings.NOTIFICATION_RETRY_MAX_SECONDS = 0.4
    settings.NOTIFICATION_GIVE_UP_AFTER = 1.5
    note = outbox_row(make_mentee(email="failed@example.com"), "Never arrives", next_attempt_at=timezone.now())
    tries: list[float] = []  # when each sweep that made an attempt ended
    began: list[float] = []  # and when it began (the attempt itself is in between)
    started = timezone.now()
    while status_of(note) != Email.FAILED:
        assert (timezone.now() - started).total_seconds() < 3, "not failed in time"
        before = Notification.objects.get(pk=note.pk).email_attempts
        sweep_began = (timezone.now() - started).total_seconds()
        redeliver_pending()  # a sweep far more often than the back-off
        if Notification.objects.get(pk=note.pk).email_attempts > before:
            tries.append((timezone.now() - started).total_seconds())
            began.append(sweep_began)
        time.sleep(0.02)

    note.refresh_from_db()
    assert note.email_attempts == len(tries) and 4 <= len(tries) <= 7, tries
    # Attempt n+1 came at least the back-off after attempt n: the end of its sweep minus the start of
    # attempt n's sweep bounds that gap from above, however slow a sweep was on a busy machine.
    gaps = [after - before for before, after in zip(began, tries[1:], strict=False)]
    assert all(gap >= min(0.1 * 2**n, 0.4) - 0.03 for n, gap in enumerate(gaps[:-1])), gaps
    assert 1.5 <= tries[-1] < 2.5  # the last try is at the deadline, and it makes the row failed
    assert "refused" in note.last_error.lower() and note.emailed_at is None and note.next_attempt_at is None
    # A failed row is final for the sweep and for a late queue message.
    assert redeliver_pending() == 0
    assert deliver.apply(args=[[note.pk]]).get() == 0


def test_closed_or_deactivated_accounts_get_no_email(transactional_db):
    leaver = make_mentee(email="leaver@example.com")
    paused = make_mentee(email="paused@example.com")
    staying = make_mentee(email="staying@example.com")
    queued_for_leaver = outbox_row(leaver, "Queued before they left")
    delete_account(leaver)  # erasure takes their outbox rows with it: nothing of theirs is left to send
    assert not Notification.objects.filter(pk=queued_for_leaver.pk).exists()
    # A row written while the erasure ran (addressed to the old address, committed after it).
    late = Notification.objects.create(
        recipient=leaver, email="leaver@example.com", event="test", subject="Late", body_text="x", body_html="x"
    )
    paused.is_active = False
    paused.save()
    rows = [late, outbox_row(paused, "For paused"), outbox_row(staying, "For staying")]
    mail.outbox.clear()

    assert deliver.apply(args=[[row.pk for row in rows]]).get() == 1

    assert [m.to for m in mail.outbox] == [["staying@example.com"]]
    assert [status_of(row) for row in rows] == [Email.SKIPPED, Email.SKIPPED, Email.SENT]
    assert "account was closed" in Notification.objects.get(pk=late.pk).last_error


@pytest.fixture
def sink(settings):
    server = SMTPSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", server.port, False
    yield server
    server.stop()


def test_a_send_that_breaks_after_the_message_went_is_uncertain_not_resent(transactional_db, sink, settings):
    sink.delay = 1.0  # the server keeps the message but answers too late
    settings.EMAIL_TIMEOUT = 0.3
    note = outbox_row(make_mentee(email="slow@example.com"), "Slow server")

    deliver.apply(args=[[note.pk]])

    note.refresh_from_db()
    assert note.email_status == Email.UNCERTAIN and "after the message went" in note.last_error
    Notification.objects.filter(pk=note.pk).update(next_attempt_at=timezone.now())
    sink.delay = 0
    redeliver_pending()
    wait_until(lambda: len(sink.accepted()) == 1, timeout=5, message="the sink kept the slow message")
    assert sink.accepted_ids() == {note.pk: 1} and status_of(note) == Email.UNCERTAIN


def test_a_successful_send_gives_recently_failed_rows_one_more_try(transactional_db, sink, settings):
    settings.NOTIFICATION_AUTO_RETRY_DAYS = 7
    person = make_mentee(email="revive@example.com")
    recent = outbox_row(person, "Recent", email_status=Email.FAILED, email_attempts=6, next_attempt_at=None)
    old = outbox_row(
        person,
        "Old",
        email_status=Email.FAILED,
        next_attempt_at=None,
        created_at=timezone.now() - timedelta(days=8),
    )
    already = outbox_row(
        person, "Revived before", email_status=Email.FAILED, next_attempt_at=None, auto_retried_at=timezone.now()
    )
    new = outbox_row(person, "New")

    assert deliver.apply(args=[[new.pk]]).get() == 1

    recent.refresh_from_db()
    assert recent.email_status == Email.PENDING and recent.auto_retried_at is not None
    assert status_of(old) == status_of(already) == Email.FAILED
    redeliver_pending()
    assert sorted(sink.accepted_ids()) == sorted([new.pk, recent.pk])
    assert status_of(recent) == Email.SENT


def test_a_revived_row_that_fails_again_is_failed_at_once(transactional_db, smtp_refusing, settings):
    now = timezone.now()
    row = outbox_row(
        make_mentee(email="again@example.com"),
        "Again",
        email_attempts=6,
        next_attempt_at=now,
        give_up_at=now,
        auto_retried_at=now,
    )
    redeliver_pending()
    row.refresh_from_db()
    assert (row.email_status, row.email_attempts) == (Email.FAILED, 7)


@contextmanager
def publishing_for_real(settings, name: str):
    """Publish to a queue of the test's own on the worker's Redis (no worker consumes it): yields a Redis
    client and the queue's name; the queue is deleted afterwards."""
    import redis

    queue = f"{name}-{timezone.now().timestamp()}"
    client = redis.Redis.from_url(worker_redis_url())
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        with celery_conf(task_always_eager=False), publishing_to(worker_redis_url(), queue):
            yield client, queue
    finally:
        client.delete(queue)


def test_one_transaction_publishes_its_notifications_together(transactional_db, settings):
    """One commit, one hook that publishes: 120 rows go as 3 messages (50 ids each at most)."""
    with publishing_for_real(settings, "publish") as (client, queue):
        with transaction.atomic():
            notes = [
                notify(None, Message(subject="Many", paragraphs=["Hi."]), "test", email=f"m{n}@example.com")
                for n in range(120)
            ]
        assert client.llen(queue) == 3
    assert {status_of(n) for n in notes} == {Email.PENDING}


def test_publishing_keeps_its_broker_connection_and_replaces_one_gone_stale(transactional_db, settings, monkeypatch):
    """Commits publish over one kept connection; when it has gone stale (the broker restarted since),
    the message goes on a new one at once, not left for the sweep."""

    def one(n: int) -> Notification:
        with transaction.atomic():
            return notify(None, Message(subject=f"Kept {n}", paragraphs=["Hi."]), "test", email=f"k{n}@example.com")

    with publishing_for_real(settings, "kept") as (client, queue):
        one(1)
        first = tasks._kept.connection
        one(2)
        assert tasks._kept.connection is first
        assert client.llen(queue) == 2

        real = tasks.deliver.apply_async

        def stale(*args, connection=None, **kwargs):
            if connection is first:
                raise ConnectionError("Connection closed by server.")
            return real(*args, connection=connection, **kwargs)

        monkeypatch.setattr(tasks.deliver, "apply_async", stale)
        third = one(3)
        assert tasks._kept.connection is not None and tasks._kept.connection is not first
        assert client.llen(queue) == 3
        third.refresh_from_db()
        assert third.next_attempt_at is None or third.next_attempt_at > timezone.now()  # not left to the sweep


def test_a_forked_child_does_not_publish_on_its_parents_connection(transactional_db, settings):
    """A prefork worker or a preloading web server forks: the child makes its own connection."""
    with publishing_for_real(settings, "fork"):
        with transaction.atomic():
            notify(None, Message(subject="Parent", paragraphs=["Hi."]), "test", email="parent@example.com")
        assert tasks._kept.connection is not None
        pid = os.fork()
        if pid == 0:  # the child: exit at once, saying whether it inherited the connection
            os._exit(0 if tasks._kept.connection is None else 1)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert tasks._kept.connection is not None  # the parent keeps its own


def test_with_the_broker_down_an_action_with_20_recipients_waits_a_bounded_time(transactional_db, settings):
    """Redis down at commit: the change stands, the action returns at once, the sweep sends later."""
    people = [make_mentee(email=f"outage{n}@example.com") for n in range(20)]
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with celery_conf(task_always_eager=False), publishing_to(f"redis://127.0.0.1:{closed_port()}/0", "nowhere"):
        started = time.monotonic()
        with transaction.atomic():  # no exception out of the commit: the caller's change succeeded
            notes = [notify(p, Message(subject="Queued later", paragraphs=["Hello."]), "test") for p in people]
        took = time.monotonic() - started

    assert took < 3, f"the action waited {took:.1f}s for the broker"
    assert {status_of(n) for n in notes} == {Email.PENDING}
    assert mail.outbox == []
    # Not queued, so due at once: the next sweep (here, eagerly) delivers every one.
    assert Notification.objects.filter(next_attempt_at__lte=timezone.now()).count() == 20
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert redeliver_pending.apply().get() == 20
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
