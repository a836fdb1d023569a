"""Notifications leave only after commit, through the queue, exactly once per recipient.

These run a real Celery worker (a subprocess, see worker.py) against PostgreSQL and Redis:
what is asserted is what a recipient's inbox would show.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from notifications.models import Notification
from notifications.services import Message, notify
from notifications.tasks import CLAIM_TIMEOUT, deliver, redeliver_pending
from notifications.tests.worker import celery_conf, closed_port, publishing_to, wait_until
from people.tests.factories import make_mentee

pytestmark = pytest.mark.django_db(transaction=True)


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

    assert sorted(results) == ["sent", "skipped"]
    assert [m.to for m in mail.outbox] == [["race@example.com"]]
    note.refresh_from_db()
    assert (note.email_status, note.email_attempts) == (Notification.Email.SENT, 1)


def test_sweep_resends_a_row_left_in_sending_by_a_dead_worker(celery_worker_process, mailbox):
    mentee = make_mentee(email="stuck@example.com")
    long_ago = timezone.now() - CLAIM_TIMEOUT - timedelta(minutes=1)
    stuck = outbox_row(
        mentee, "Stuck", email_status=Notification.Email.SENDING, email_claimed_at=long_ago, email_attempts=1
    )
    busy = outbox_row(
        mentee,
        "In flight",
        email_status=Notification.Email.SENDING,
        email_claimed_at=timezone.now() - timedelta(seconds=5),
        email_attempts=1,
    )

    assert redeliver_pending() == 1

    mailbox.wait_for(to=mentee.email, subject_contains="Stuck")
    wait_until(lambda: status_of(stuck) == Notification.Email.SENT, message="stuck row marked sent")
    # Even delivered by hand, a row another worker is sending right now is left to it.
    deliver.delay(busy.pk)
    celery_worker_process.wait_idle()
    assert [m.subject for m in mailbox.all()] == ["[Mentoring Programme] Stuck"]
    stuck.refresh_from_db()
    assert stuck.email_attempts == 2
    assert status_of(busy) == Notification.Email.SENDING


def test_sweep_requeues_pending_rows_older_than_two_minutes(celery_worker_process, mailbox):
    mentee = make_mentee(email="lost@example.com")
    lost = outbox_row(mentee, "Lost message", created_at=timezone.now() - timedelta(minutes=3))
    fresh = outbox_row(mentee, "Just written")  # its own message is presumably still on its way
    outbox_row(mentee, "Already sent", email_status=Notification.Email.SENT, created_at=lost.created_at)
    outbox_row(mentee, "Not emailed", email_status=Notification.Email.SKIPPED, created_at=lost.created_at)

    assert redeliver_pending() == 1

    mailbox.wait_for(to=mentee.email, subject_contains="Lost message")
    wait_until(lambda: status_of(lost) == Notification.Email.SENT, message="lost row marked sent")
    celery_worker_process.wait_idle()
    assert len(mailbox.all()) == 1
    assert status_of(fresh) == Notification.Email.PENDING


def test_the_sweep_runs_on_the_worker_too(celery_worker_process, mailbox):
    mentee = make_mentee(email="beat@example.com")
    outbox_row(mentee, "Swept by beat", created_at=timezone.now() - timedelta(minutes=5))
    redeliver_pending.delay()  # what celery beat sends every NOTIFICATION_SWEEP_SECONDS
    mailbox.wait_for(to=mentee.email, subject_contains="Swept by beat")


def test_smtp_refusing_leaves_the_row_pending_and_schedules_a_retry(celery_worker_process, mailbox):
    mentee = make_mentee(email="retry@example.com")
    with mailbox.smtp_down():
        with transaction.atomic():
            note = notify(mentee, Message(subject="Try again", paragraphs=["Hello."]), "test")
        wait_until(lambda: Notification.objects.get(pk=note.pk).last_error, message="the failure recorded")
        celery_worker_process.wait_idle()

        note.refresh_from_db()
        assert note.email_status == Notification.Email.PENDING
        assert note.email_attempts == 1 and note.email_claimed_at is None and note.emailed_at is None
        assert "refused" in note.last_error.lower()
        retries = [s for s in celery_worker_process.scheduled() if s["request"]["args"] == [note.pk]]
        assert len(retries) == 1, celery_worker_process.scheduled()
        assert retries[0]["request"]["name"] == "notifications.tasks.deliver"
        assert mailbox.all() == []

    # The mail server is back. Rather than wait for the 30 s countdown, let the sweep pick it up
    # (it is older than two minutes now); the scheduled retry will then find nothing to do.
    Notification.objects.filter(pk=note.pk).update(created_at=timezone.now() - timedelta(minutes=3))
    assert redeliver_pending() == 1
    mailbox.wait_for(to=mentee.email, subject_contains="Try again")
    wait_until(lambda: status_of(note) == Notification.Email.SENT, message="row marked sent")
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


def test_after_max_retries_the_row_is_failed(transactional_db, smtp_refusing):
    note = outbox_row(make_mentee(email="failed@example.com"), "Never arrives")

    # Run eagerly, each retry follows at once: the first attempt and max_retries more.
    result = deliver.apply(args=[note.pk])

    assert result.get() == "failed"
    note.refresh_from_db()
    assert note.email_status == Notification.Email.FAILED
    assert note.email_attempts == deliver.max_retries + 1
    assert "refused" in note.last_error.lower()
    assert note.emailed_at is None
    # A failed row is final: neither a late retry nor the sweep sends it.
    assert deliver.apply(args=[note.pk]).get() == "skipped"
    Notification.objects.filter(pk=note.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert redeliver_pending() == 0


def test_the_last_retry_marks_failed_and_does_not_retry_again(transactional_db, smtp_refusing):
    note = outbox_row(make_mentee(email="last@example.com"), "Last chance")
    assert deliver.apply(args=[note.pk], retries=deliver.max_retries).get() == "failed"
    note.refresh_from_db()
    assert (note.email_status, note.email_attempts) == (Notification.Email.FAILED, 1)


def test_a_broker_outage_at_commit_does_not_undo_or_break_the_change(transactional_db, settings):
    """Redis down when the transaction commits: the change stands, the rows wait for the sweep."""
    mentee = make_mentee(email="outage@example.com")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with celery_conf(task_always_eager=False), publishing_to(f"redis://127.0.0.1:{closed_port()}/0", "nowhere"):
        with transaction.atomic():  # no exception out of the commit: the caller's change succeeded
            note = notify(mentee, Message(subject="Queued later", paragraphs=["Hello."]), "test")
            other = notify(mentee, Message(subject="And this", paragraphs=["Hello."]), "test")

    assert status_of(note) == status_of(other) == Notification.Email.PENDING
    assert mail.outbox == []
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=3))
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert redeliver_pending.apply().get() == 2  # run here, eagerly: the sweep delivers both
    assert sorted(m.subject for m in mail.outbox) == [
        "[Mentoring Programme] And this",
        "[Mentoring Programme] Queued later",
    ]
