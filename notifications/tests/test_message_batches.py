"""Messages are grouped: one email per conversation per quiet period, listing every message.

(notifications.batching, journeys.services.activity) The first tests drive the rows and the
sweep in this process, moving a row's due time instead of waiting; the last ones run the real
Celery worker with a quiet period of a few seconds and sweeps every half second (what beat does
every NOTIFICATION_SWEEP_SECONDS), and check what arrives and when.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from journeys.models import Message
from journeys.services import activity
from journeys.tests.helpers import send, walk_to
from notifications import batching
from notifications.models import Notification
from notifications.tasks import Courier, redeliver_pending
from notifications.tests.worker import wait_until

Email = Notification.Email


@pytest.fixture
def rel(mentee, mentor):
    return walk_to(send(mentee, mentor), mentee, mentor, "arranging")


def batches(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, event="message_received").order_by("pk"))


def become_due(note: Notification) -> None:
    """As if the quiet period had passed (the worker tests below wait for real)."""
    Notification.objects.filter(pk=note.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def file(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"Some notes\n", content_type="text/plain")


@pytest.mark.django_db
def test_a_burst_of_messages_is_one_email_listing_them_all(rel, mentee, mentor, settings):
    settings.MESSAGE_EMAIL_QUIET_MINUTES = 15
    mail.outbox.clear()
    activity.send_message(rel.conversation, mentor, "Welcome aboard!")
    (note,) = batches(mentee)
    first_due = note.next_attempt_at
    quiet = timedelta(minutes=15)
    assert timezone.now() + quiet - timedelta(seconds=30) < first_due <= timezone.now() + quiet
    Notification.objects.filter(pk=note.pk).update(read_at=timezone.now())  # seen in the in-app list
    activity.send_message(rel.conversation, mentor, "Here is the agenda.", file("agenda.txt"))
    activity.send_message(rel.conversation, mentor, "Speak soon")
    (note,) = batches(mentee)
    assert note.next_attempt_at >= first_due  # pushed back by each message
    assert note.read_at is None  # news again in the in-app list
    assert note.subject == "3 new messages from Alice Kember"
    for text in ("Welcome aboard!", "Here is the agenda.", "Attached file: agenda.txt", "Speak soon"):
        assert text in note.body_text and text in note.body_html
    assert set(Message.objects.values_list("email_batch", flat=True)) == {note.pk}
    # Not due yet: the sweep sends nothing.
    assert redeliver_pending() == 0 and mail.outbox == []
    become_due(note)
    assert redeliver_pending() == 1
    (sent,) = mail.outbox
    assert sent.to == [mentee.email] and sent.subject == "[Mentoring Programme] 3 new messages from Alice Kember"
    assert "Alice Kember sent you 3 messages:" in sent.body
    assert sent.body.index("Welcome aboard!") < sent.body.index("Here is the agenda.") < sent.body.index("Speak soon")
    # Each message's time says which clock it is on, as the meeting emails do.
    for message in Message.objects.order_by("pk"):
        said = f"{timezone.localtime(message.sent_at):%-d %B, %H:%M} (UK time)"
        assert f"{said}\n" in sent.body and f"{said}<br>" in note.body_html
    # The next message starts the next email, listing only itself.
    activity.send_message(rel.conversation, mentor, "One more thing")
    old, new = batches(mentee)
    assert old.email_status == Email.SENT and new.email_status == Email.PENDING
    assert new.subject == "New message from Alice Kember"
    assert "One more thing" in new.body_text and "Welcome aboard!" not in new.body_text


@pytest.mark.django_db
def test_a_conversation_that_never_goes_quiet_is_emailed_after_the_longest_wait(rel, mentee, mentor, settings):
    settings.MESSAGE_EMAIL_QUIET_MINUTES = 15
    settings.MESSAGE_EMAIL_MAX_DELAY_MINUTES = 60
    first = activity.send_message(rel.conversation, mentor, "Started 58 minutes ago")
    Message.objects.filter(pk=first.pk).update(sent_at=timezone.now() - timedelta(minutes=58))
    activity.send_message(rel.conversation, mentor, "Still talking")
    (note,) = batches(mentee)
    # Not 15 minutes from now: 60 minutes after the first message, i.e. in about 2 minutes.
    assert note.next_attempt_at <= timezone.now() + timedelta(minutes=2, seconds=5)
    assert note.give_up_at == note.next_attempt_at + timedelta(seconds=settings.NOTIFICATION_GIVE_UP_AFTER)


@pytest.mark.django_db
def test_each_person_and_each_conversation_has_its_own_email(rel, mentee, mentor, settings):
    settings.MESSAGE_EMAIL_QUIET_MINUTES = 15
    activity.send_message(rel.conversation, mentor, "Hello from Alice")
    activity.send_message(rel.conversation, mentee, "Hello from John")
    activity.send_message(rel.conversation, mentor, "And again")
    assert len(batches(mentee)) == 1 and len(batches(mentor)) == 1
    assert "Hello from John" not in batches(mentee)[0].body_text


@pytest.mark.django_db
def test_a_claimed_email_is_never_rewritten_the_next_message_starts_another(rel, mentee, mentor, settings):
    settings.MESSAGE_EMAIL_QUIET_MINUTES = 15
    activity.send_message(rel.conversation, mentor, "First")
    (note,) = batches(mentee)
    # A worker has claimed it and is talking to the mail server.
    Notification.objects.filter(pk=note.pk).update(
        email_status=Email.SENDING, email_attempts=1, email_claimed_at=timezone.now()
    )
    activity.send_message(rel.conversation, mentor, "Second")
    claimed, new = batches(mentee)
    assert "Second" not in claimed.body_text and claimed.email_status == Email.SENDING
    assert "Second" in new.body_text and "First" not in new.body_text


@pytest.mark.django_db
def test_with_no_quiet_period_every_message_is_emailed_at_once(
    rel, mentee, mentor, settings, django_capture_on_commit_callbacks
):
    settings.MESSAGE_EMAIL_QUIET_MINUTES = 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        activity.send_message(rel.conversation, mentor, "One")
    with django_capture_on_commit_callbacks(execute=True):
        activity.send_message(rel.conversation, mentor, "Two")
    assert [n.batch_key for n in batches(mentee)] == ["", ""]
    told = [m.subject for m in mail.outbox if m.to == [mentee.email] and "message" in m.subject]
    assert told == ["[Mentoring Programme] New message from Alice Kember"] * 2


@pytest.mark.django_db(transaction=True)
def test_a_message_and_the_sweep_racing_for_the_same_email_never_lose_or_double_a_message(
    rel, mentee, mentor, settings, monkeypatch
):
    """The message's transaction holds the batch while the sweep runs: the sweep passes it over
    (it is no longer due once the message commits); then it goes once, with both messages."""
    settings.MESSAGE_EMAIL_QUIET_MINUTES = 15
    activity.send_message(rel.conversation, mentor, "First")
    (note,) = batches(mentee)
    become_due(note)
    holding, release = threading.Event(), threading.Event()
    original = batching.open_batch

    def slow_open_batch(recipient, key):
        found = original(recipient, key)  # the row is locked from here to the commit
        holding.set()
        release.wait(10)
        return found

    errors = []
    monkeypatch.setattr(activity, "open_batch", slow_open_batch)

    def write():
        try:
            activity.send_message(rel.conversation, mentor, "Second")
        except Exception as exc:  # pragma: no cover - shown below
            errors.append(exc)
        finally:
            connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    assert holding.wait(10)
    with Courier() as courier:
        assert courier.run(Notification.objects.filter(pk=note.pk, email_status=Email.PENDING), limit=5) == 0
    release.set()
    writer.join(20)
    assert not errors
    (note,) = batches(mentee)
    assert note.email_status == Email.PENDING and note.next_attempt_at > timezone.now()
    assert "First" in note.body_text and "Second" in note.body_text
    mail.outbox.clear()
    become_due(note)
    assert redeliver_pending() == 1
    assert len(mail.outbox) == 1 and "Second" in mail.outbox[0].body


# --------------------------------------------------------------------------- with the real worker


def sweeping(worker, seconds: float, interval: float = 0.5):
    """What beat does: the delivery sweep, every ``interval`` seconds, for ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        redeliver_pending.delay()
        time.sleep(interval)


def test_a_burst_arrives_as_one_email_after_the_quiet_period(celery_worker_process, mailbox, settings):
    from people.tests.factories import make_mentee, make_mentor

    settings.MESSAGE_EMAIL_QUIET_MINUTES = 0.05  # 3 seconds
    settings.MESSAGE_EMAIL_MAX_DELAY_MINUTES = 1
    mentee = make_mentee(first_name="John", last_name="Smith", email="john.batch@example.com")
    mentor = make_mentor(first_name="Alice", last_name="Kember", email="alice.batch@example.com")
    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    mailbox.clear()

    activity.send_message(rel.conversation, mentor, "Thanks for your request.")
    sweeping(celery_worker_process, 1.5)
    activity.send_message(rel.conversation, mentor, "Here is my CV.", file("alice-cv.txt"))
    last = timezone.now()
    sweeping(celery_worker_process, 1.5)
    assert mailbox.all(to=mentee.email, subject_contains="message") == []  # still quiet-period time

    def arrived():
        redeliver_pending.delay()
        time.sleep(0.5)
        return mailbox.all(to=mentee.email, subject_contains="message")

    (email,) = wait_until(arrived, timeout=30, message="the grouped email")
    assert email.subject == "[Mentoring Programme] 2 new messages from Alice Kember"
    for text in ("Thanks for your request.", "Here is my CV.", "Attached file: alice-cv.txt"):
        assert text in email.text and text in email.html
    (note,) = batches(mentee)
    assert note.email_status == Email.SENT and note.emailed_at >= last + timedelta(seconds=3)
    # More sweeps send nothing more; a later message is the next email, alone.
    sweeping(celery_worker_process, 1.5)
    celery_worker_process.wait_idle()
    assert len(mailbox.all(to=mentee.email, subject_contains="message")) == 1
    activity.send_message(rel.conversation, mentor, "See you Tuesday.")

    def second_arrived():
        found = arrived()
        return found[1] if len(found) > 1 else None

    second = wait_until(second_arrived, timeout=30, message="the second email")
    assert second.subject == "[Mentoring Programme] New message from Alice Kember"
    assert "See you Tuesday." in second.text and "Here is my CV." not in second.text
    celery_worker_process.wait_idle()
    assert [m.subject for m in mailbox.all(to=mentee.email, subject_contains="message")] == [
        email.subject,
        second.subject,
    ]
    assert celery_worker_process.scheduled() == []  # the rows are the schedule, no Celery countdown
