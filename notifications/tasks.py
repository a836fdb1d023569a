"""Email delivery for the outbox: the row is the schedule, and an accepted email is never resent.

A row's life: ``pending`` (due at ``next_attempt_at``) → claimed under a row lock as ``sending``
(one attempt counted, committed) → handed to SMTP → ``sent``, recorded and committed the moment
the server accepts it. Around that:

- Refused or unreachable: back to ``pending`` with ``next_attempt_at`` pushed back
  (NOTIFICATION_RETRY_SECONDS, doubled each attempt, at most NOTIFICATION_RETRY_MAX_SECONDS);
  a failed attempt after ``give_up_at`` (NOTIFICATION_GIVE_UP_AFTER after the row was written),
  or a permanent refusal (5xx), makes it ``failed``. There are no Celery retries: the sweep
  finds the row when it is due, so a lost queue message changes nothing and no chain doubles.
- A row still ``sending`` after NOTIFICATION_CLAIM_TIMEOUT belonged to a worker that died
  between the claim and recording the answer, i.e. during the SMTP send: it becomes
  ``uncertain`` and is not resent; staff decide (the Email problems page).
- A send that breaks after the message itself went to the server (a timeout or a dropped
  connection waiting for the reply to DATA) is ``uncertain`` too, for the same reason.
- When a send succeeds, rows that failed in the last NOTIFICATION_AUTO_RETRY_DAYS are given
  one more attempt (once per row): the outage that failed them is presumably over.
- A recipient whose account was closed (inactive or anonymised) is ``skipped`` at delivery, except
  for the warning that a deactivated account is about to be anonymised (``TO_DEACTIVATED_ACCOUNTS``).

Who delivers: ``deliver(ids)`` (published once per transaction after commit, see services.py)
takes rows not yet tried (or due); ``redeliver_pending`` (beat, every NOTIFICATION_SWEEP_SECONDS)
takes every due row. Both claim one row at a time with ``select_for_update(skip_locked=True)``,
so they never send a row twice, whoever gets there first.
"""

from __future__ import annotations

import logging
import os
import smtplib
import threading
from collections.abc import Iterable, Iterator
from contextlib import suppress
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from project import identity
from project.text import one_line

from .events import auto_generated
from .models import Notification

logger = logging.getLogger(__name__)
Email = Notification.Email


def _seconds(name: str) -> timedelta:
    return timedelta(seconds=float(getattr(settings, name)))


def claim_timeout() -> timedelta:
    return _seconds("NOTIFICATION_CLAIM_TIMEOUT")


def backoff(attempts: int) -> timedelta:
    """How long after its ``attempts``-th failed attempt a row is tried again."""
    base = float(settings.NOTIFICATION_RETRY_SECONDS)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), float(settings.NOTIFICATION_RETRY_MAX_SECONDS)))


def give_up_at(note: Notification) -> datetime:
    return note.give_up_at or note.created_at + _seconds("NOTIFICATION_GIVE_UP_AFTER")


def due(now: datetime | None = None) -> Q:
    return Q(email_status=Email.PENDING, next_attempt_at__lte=now or timezone.now())


def build_email(note: Notification) -> EmailMultiAlternatives:
    """The email for a row, sent as the programme as it is named now (Staff → Programme settings):
    its name before the subject, the sender's name on the From line, replies to its reply-to address."""
    programme = identity.current()
    mail = EmailMultiAlternatives(
        subject=one_line(f"[{programme.name}] {note.subject}"),
        body=note.body_text,
        from_email=one_line(programme.from_email),
        to=[note.email],
        # A support reply answers to its case's own address; everything else to the programme's.
        reply_to=[note.reply_to] if note.reply_to else ([programme.reply_to] if programme.reply_to else None),
        headers={
            "X-Notification-Id": str(note.pk),
            # Written by the platform: no out-of-office answers, please (RFC 3834); a staff reply is a person's.
            **({"Auto-Submitted": "auto-generated"} if auto_generated(note.event) else {}),
            # A reminder can be stopped from the mail program in one click (RFC 8058).
            **(
                {"List-Unsubscribe": f"<{note.stop_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
                if note.stop_url
                else {}
            ),
        },
    )
    mail.attach_alternative(note.body_html, "text/html")
    if note.ics:
        from .ics import method_of, split_calendars

        # One invitation, or (a relationship that ended) the cancellation of each meeting, attached apart.
        calendars = split_calendars(note.ics)
        for number, calendar in enumerate(calendars, start=1):
            method = method_of(calendar)  # REQUEST (new or changed) or CANCEL
            name = "invite.ics" if len(calendars) == 1 else f"invite-{number}.ics"
            mail.attach(name, calendar, f"text/calendar; method={method}")
    return mail


# --------------------------------------------------------------------------- the outcome of one attempt


def _refusal_is_permanent(exc: Exception) -> bool:
    """A 5xx answer (no such mailbox, rejected): trying again later would be refused again."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code >= 500 for code, _message in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def _answered(exc: Exception) -> bool:
    """The server answered with a refusal (so it certainly did not accept the message)."""
    return isinstance(exc, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)


def _mine(note: Notification) -> QuerySet[Notification]:
    """This claim of the row (a staff Retry since then makes a new claim, which this leaves alone)."""
    return Notification.objects.filter(
        pk=note.pk, email_claimed_at=note.email_claimed_at, email_status__in=[Email.SENDING, Email.UNCERTAIN]
    )


def _after_failure(note: Notification, error: str, now: datetime, permanent: bool = False) -> None:
    """Set ``note``'s fields for a failed attempt: back off, or give up."""
    note.last_error = error[:2000]
    if permanent or now >= give_up_at(note):
        note.email_status, note.next_attempt_at = Email.FAILED, None
    else:
        note.email_status = Email.PENDING
        note.next_attempt_at = min(now + backoff(note.email_attempts), give_up_at(note))


def _record_failure(note: Notification, exc: Exception) -> None:
    _after_failure(note, f"{type(exc).__name__}: {exc}", timezone.now(), permanent=_refusal_is_permanent(exc))
    _mine(note).update(email_status=note.email_status, next_attempt_at=note.next_attempt_at, last_error=note.last_error)
    logger.warning("Email for notification %s not sent (%s): %s", note.pk, note.email_status, exc)


def _record_uncertain(note: Notification, exc: Exception) -> None:
    error = _("The connection broke after the message went to the mail server (%(error)s)") % {
        "error": f"{type(exc).__name__}: {exc}"
    }
    _mine(note).update(email_status=Email.UNCERTAIN, next_attempt_at=None, last_error=error[:2000])
    logger.error("Email for notification %s may or may not have been sent: %s", note.pk, exc)


def _record_sent(note: Notification) -> None:
    # Autocommit: committed as this returns, before anything else can interrupt.
    _mine(note).update(email_status=Email.SENT, emailed_at=timezone.now(), next_attempt_at=None, last_error="")


def revive_failed() -> int:
    """Delivery works again: every row failed in the last NOTIFICATION_AUTO_RETRY_DAYS gets one more try.

    Once per row (``auto_retried_at``); its deadline is now, so if that try fails it is failed again.
    """
    now = timezone.now()
    return Notification.objects.filter(
        email_status=Email.FAILED,
        auto_retried_at__isnull=True,
        created_at__gte=now - timedelta(days=float(settings.NOTIFICATION_AUTO_RETRY_DAYS)),
    ).update(
        email_status=Email.PENDING, next_attempt_at=now, give_up_at=now, auto_retried_at=now, email_claimed_at=None
    )


# --------------------------------------------------------------------------- the courier


class _DataWatch:
    """Notes when an SMTP connection starts sending a message body (DATA), the point after
    which a broken connection leaves it unknown whether the server kept the message."""

    def __init__(self) -> None:
        self.started = False

    def watch(self, backend) -> None:
        smtp = getattr(backend, "connection", None)
        if not isinstance(smtp, smtplib.SMTP) or getattr(smtp, "_outbox_watch", None) is self:
            return
        original = smtp.data

        def data(msg):
            self.started = True
            return original(msg)

        smtp.data = data
        smtp._outbox_watch = self


class Courier:
    """One mail connection, reused for a run of deliveries; each row claimed just before its send.

    The connection is opened before a row is claimed, so a mail server that cannot be reached
    costs an attempt but never leaves a row in "sending".
    """

    def __init__(self) -> None:
        self.backend = None
        self.watch = _DataWatch()
        self.sent = 0
        self.revived = False

    def __enter__(self) -> Courier:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.backend is not None:
            with suppress(Exception):
                self.backend.close()
        self.backend = None

    def _open(self) -> Exception | None:
        if self.backend is not None:
            return None
        backend = get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT)
        try:
            backend.open()
        except Exception as exc:  # refused, timed out, bad credentials: nothing was sent
            with suppress(Exception):
                backend.close()
            return exc
        self.backend = backend
        return None

    def run(self, candidates: QuerySet[Notification], limit: int) -> int:
        """Deliver up to ``limit`` rows of ``candidates``, one claim at a time; how many were tried."""
        tried = 0
        skip_closed_accounts(candidates)
        if not candidates.exists():  # nothing to do: do not even connect to the mail server
            return 0
        while tried < limit:
            problem = self._open()
            if problem is not None:
                return tried + self._unreachable(candidates, limit - tried, problem)
            note = _claim(candidates)
            if note is None:
                break
            tried += 1
            self._send(note)
        return tried

    def _send(self, note: Notification) -> None:
        self.watch.started = False
        self.watch.watch(self.backend)
        try:
            accepted = self.backend.send_messages([build_email(note)])  # ← the only moment that cannot be known
        except Exception as exc:
            self.close()  # whatever state the connection is in, the next row gets a fresh one
            if self.watch.started and not _answered(exc):
                _record_uncertain(note, exc)
            else:
                _record_failure(note, exc)
            return
        if not accepted:
            _record_failure(note, RuntimeError("the mail backend sent nothing"))
            return
        _record_sent(note)
        self.sent += 1
        if not self.revived:
            self.revived = True
            if count := revive_failed():
                logger.info("Delivery works again: %s failed notifications will be tried once more", count)

    def _unreachable(self, candidates: QuerySet[Notification], limit: int, exc: Exception) -> int:
        """The mail server cannot be reached: that is one failed attempt for each row waiting now."""
        now = timezone.now()
        error = f"{type(exc).__name__}: {exc}"
        with transaction.atomic():
            notes = list(
                candidates.select_for_update(skip_locked=True, of=("self",)).order_by("next_attempt_at", "pk")[:limit]
            )
            for note in notes:
                note.email_attempts += 1
                _after_failure(note, error, now)
            Notification.objects.bulk_update(notes, ["email_attempts", "email_status", "next_attempt_at", "last_error"])
        logger.warning("Mail server unreachable (%s): %s notifications wait", exc, len(notes))
        return len(notes)


# The one email a deactivated account is sent: that it is about to be anonymised (people.retention), and
# whom to ask to keep it; its owner cannot sign in to read it on the platform.
TO_DEACTIVATED_ACCOUNTS = ("retention_warning_deactivated",)

# A row is sent only while its recipient's account is open (or it has none: a staff address).
ACCOUNT_OPEN = (
    Q(recipient__isnull=True)
    | Q(recipient__is_active=True, recipient__anonymised_at__isnull=True)
    | Q(event__in=TO_DEACTIVATED_ACCOUNTS, recipient__anonymised_at__isnull=True)
)


def skip_closed_accounts(candidates: QuerySet[Notification]) -> int:
    """Rows whose recipient left (deactivated or anonymised) since they were written: never sent."""
    return (
        candidates.filter(recipient__isnull=False)
        .exclude(ACCOUNT_OPEN)
        .update(
            email_status=Email.SKIPPED,
            next_attempt_at=None,
            last_error=_("Not sent: the recipient's account was closed before delivery."),
        )
    )


def _claim(candidates: QuerySet[Notification]) -> Notification | None:
    """Make the next candidate row "sending" and count the attempt, in one committed statement.

    ``UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING *``: a row another
    worker holds is passed over, and a row whose recipient's account is closed is never claimed.
    """
    pick = (
        candidates.filter(ACCOUNT_OPEN)
        .order_by("next_attempt_at", "pk")
        .values("pk")
        .select_for_update(skip_locked=True, of=("self",))[:1]
    )
    with transaction.atomic():  # one statement, but Django compiles FOR UPDATE only inside a transaction
        pick_sql, pick_params = pick.query.get_compiler(using=pick.db).as_sql()
        return _claim_sql(pick_sql, pick_params)


def _claim_sql(pick_sql: str, pick_params: tuple) -> Notification | None:
    meta, quote = Notification._meta, connection.ops.quote_name
    column = {
        name: quote(meta.get_field(name).column) for name in ("email_status", "email_claimed_at", "email_attempts")
    }
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {column['email_status']} = %s, {column['email_claimed_at']} = %s, "
        f"{column['email_attempts']} = {column['email_attempts']} + 1 "
        f"WHERE {quote(meta.pk.column)} = ({pick_sql}) RETURNING *"
    )
    claimed = list(Notification.objects.raw(sql, [Email.SENDING, timezone.now(), *pick_params]))
    return claimed[0] if claimed else None


def _ids(notification_ids: int | Iterable[int]) -> list[int]:
    return [notification_ids] if isinstance(notification_ids, int) else [int(pk) for pk in notification_ids]


@shared_task(acks_late=True, ignore_result=True)
def deliver(notification_ids: int | list[int]) -> int:
    """Send the given rows that have not been tried yet (or are due); how many were tried.

    Published after commit for a transaction's new rows. A row already tried and waiting for its
    back-off is left alone (its schedule is the row's, not this message's), as is a row another
    worker holds. Takes one id too (messages queued before this version).
    """
    ids = _ids(notification_ids)
    candidates = Notification.objects.filter(pk__in=ids).filter(
        Q(email_status=Email.PENDING) & (Q(email_attempts=0) | Q(next_attempt_at__lte=timezone.now()))
    )
    with Courier() as courier:
        return courier.run(candidates, limit=len(ids))


def mark_uncertain() -> int:
    """Rows a dead worker left in "sending": whether the mail server kept them cannot be known."""
    return Notification.objects.filter(
        email_status=Email.SENDING, email_claimed_at__lt=timezone.now() - claim_timeout()
    ).update(
        email_status=Email.UNCERTAIN,
        next_attempt_at=None,
        last_error=_("The worker stopped while sending; the email may or may not have been delivered."),
    )


@shared_task(ignore_result=True)
def redeliver_pending() -> int:
    """The sweep (beat, every NOTIFICATION_SWEEP_SECONDS): every due row, and rows left "sending"."""
    if count := mark_uncertain():
        logger.error("%s notifications were left mid-send by a stopped worker: marked uncertain", count)
    with Courier() as courier:
        return courier.run(Notification.objects.filter(due()), limit=settings.NOTIFICATION_SWEEP_LIMIT)


# --------------------------------------------------------------------------- publishing


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


PUBLISH_CHUNK = 50


def publish(ids: list[int]) -> int:
    """Queue ``deliver`` for ``ids``, waiting at most about NOTIFICATION_BROKER_TIMEOUT for the broker.

    On this thread's kept connection (``on_kept_connection``): the first failure stops publishing,
    and the rows not queued are made due at once, for the sweep. Returns how many ids were queued.
    """
    from project.celery import app

    if not ids:
        return 0
    if app.conf.task_always_eager:
        for chunk in _chunks(ids, PUBLISH_CHUNK):
            deliver.apply_async(args=[chunk])
        return len(ids)
    queued = 0

    def send(conn) -> None:
        nonlocal queued
        for chunk in _chunks(ids[queued:], PUBLISH_CHUNK):
            deliver.apply_async(args=[chunk], connection=conn, retry=False)
            queued += len(chunk)

    error = on_kept_connection(send)
    if error is None:
        return queued
    left = ids[queued:]
    Notification.objects.filter(pk__in=left, email_status=Email.PENDING, email_attempts=0).update(
        next_attempt_at=timezone.now()
    )
    logger.warning("Could not queue %s notifications (%s); the sweep will send them", len(left), error)
    return queued


def queue_soon(task, *args) -> bool:
    """Queue one ``task`` with ``args`` as ``publish`` queues emails: on the kept connection, waiting at
    most about NOTIFICATION_BROKER_TIMEOUT, no retries. For work that a sweep also does (staff settling
    cases after a journey step): with the broker down or unreachable, the step that asked goes on at once
    and the sweep does it later. False when it was not queued."""
    from project.celery import app

    if app.conf.task_always_eager:
        task.apply_async(args=list(args))
        return True
    error = on_kept_connection(lambda conn: task.apply_async(args=list(args), connection=conn, retry=False))
    if error is not None:
        logger.warning("Could not queue %s (%s); its sweep will do it", task.name, error)
    return error is None


def on_kept_connection(send) -> Exception | None:
    """Run ``send(connection)`` on this thread's connection for publishing (``_broker``: short timeouts,
    no retries), answering the error that stopped it, or None. A kept connection that fails is dropped,
    and when it had served before (the broker may have restarted since) ``send`` runs once more on a
    new one (it carries on from where it stopped)."""
    from project.celery import app

    for first_try in (True, False):
        conn, served_before = _broker(app)
        try:
            send(conn)
            return None
        except Exception as exc:  # the broker is down or slow: the caller's sweep does the rest
            _drop_broker()
            error = exc
            if not (first_try and served_before):
                break
    return error


_kept = threading.local()


def _forget_inherited() -> None:
    """In a forked child (a prefork worker, a preloading web server): the parent's socket is not ours to
    use (two processes on one connection garble it), so the child makes its own on first use."""
    _kept.connection = None


os.register_at_fork(after_in_child=_forget_inherited)


def _broker(app) -> tuple:
    """``(connection, served before)``: this thread's connection for publishing, kept between
    transactions (a new connection per commit cost more than the rest of the publishing), made with
    short timeouts and no retries; a new one when the broker or the timeout setting changed."""
    timeout = float(settings.NOTIFICATION_BROKER_TIMEOUT)
    key = (app.conf.broker_url, timeout)
    conn = getattr(_kept, "connection", None)
    if conn is not None and _kept.key == key:
        return conn, True
    _drop_broker()
    options = {
        **(app.conf.broker_transport_options or {}),
        "max_retries": 0,
        "socket_connect_timeout": timeout,
        "socket_timeout": timeout,
    }
    _kept.connection = app.connection_for_write(transport_options=options, connect_timeout=timeout)
    _kept.key = key
    return _kept.connection, False


def _drop_broker() -> None:
    conn, _kept.connection = getattr(_kept, "connection", None), None
    if conn is not None:
        with suppress(Exception):
            conn.release()
