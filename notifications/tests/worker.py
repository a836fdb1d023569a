"""A real Celery worker in a subprocess, and the mailbox it writes to.

Tests that depend on the task queue (the browser tests in ``e2e/`` and the delivery tests
here) use these fixtures; a ``conftest.py`` makes them available by importing them::

    from notifications.tests.worker import (  # noqa: F401
        celery_worker_process, celery_worker_session, mailbox, pytest_runtest_makereport,
    )

- ``celery_worker_session`` (session): one ``celery worker --pool=solo`` subprocess for the
  whole run, on its own Redis database (``E2E_REDIS_URL``, default: the test ``REDIS_URL``
  with database 6) and its own queue, connected to the same test database as pytest-django
  (and so as ``live_server``), sending mail to a directory.
- ``celery_worker_process`` (function): the worker above, with this process publishing to it
  for the duration of the test (no eager tasks here: ``transaction.on_commit(deliver.delay)``
  really goes through Redis). Implies a transactional database, so the worker sees what the
  test and the live server commit.
- ``mailbox`` (function): what the worker (and this process, through Django's in-memory
  backend) sent during the test: ``mailbox.wait_for(to=..., subject_contains=...)``,
  ``mailbox.all()``, ``mailbox.smtp_down()``.

The worker runs with ``notifications.tests.worker_settings`` (the test settings, with mail
written to files by ``mail_backend.FileOrRefusedSMTPBackend``). Helpers for tests:
``worker.wait_idle()``, ``worker.scheduled()`` (tasks held for a countdown: there should be
none), ``worker.kill()`` (SIGKILL), ``wait_until(predicate, timeout, message=...)``,
``celery_conf(**options)``. ``CeleryWorker(..., env={...})`` starts a worker of one's own with
more environment (a real SMTP backend, shorter delivery timings: see test_exactly_once.py).

When a test that uses the worker fails, the worker's log for that test is added to the report.
"""

from __future__ import annotations

import ctypes
import email
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import pytest

from .mail_backend import SWITCH_NAME

WORKER_SETTINGS = "notifications.tests.worker_settings"
E2E_REDIS_DB = 6
_SEPARATOR = re.compile(rb"\n-{79}\n")


def wait_until(
    predicate: Callable[[], Any], timeout: float = 15.0, interval: float = 0.1, message: str | Callable[[], str] = ""
) -> Any:
    """Poll ``predicate`` until it returns something truthy (and return that), or fail the test.

    ``message`` (a string, or a function giving one when it is needed) says what was awaited."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            said = message() if callable(message) else message
            pytest.fail(f"Timed out after {timeout:.0f}s waiting: {said or predicate}")
        time.sleep(interval)


def worker_redis_url() -> str:
    """The Redis database the worker and this process share: E2E_REDIS_URL, else REDIS_URL's server, db 6."""
    from django.conf import settings

    if os.environ.get("E2E_REDIS_URL"):
        return os.environ["E2E_REDIS_URL"]
    return urlunsplit(urlsplit(settings.REDIS_URL)._replace(path=f"/{E2E_REDIS_DB}"))


def database_url(db: dict) -> str:
    """A DATABASE_URL (as django-environ reads it) for a Django DATABASES entry."""
    if "postgresql" not in db["ENGINE"]:
        raise pytest.UsageError("The Celery worker tests need PostgreSQL (set DATABASE_URL).")
    user, password = db.get("USER") or "", db.get("PASSWORD") or ""
    auth = ""
    if user:
        auth = quote(user, safe="") + (":" + quote(password, safe="") if password else "") + "@"
    host = db.get("HOST") or "127.0.0.1"
    if host.startswith("/"):  # a Unix socket directory
        host = quote(host, safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(db['NAME'], safe='')}"


# --------------------------------------------------------------------------- the mailbox


@dataclass
class Mail:
    """One sent email, parsed: its addresses, subject, text and HTML parts and attachments."""

    message: EmailMessage
    to: list[str]
    subject: str
    text: str
    html: str
    attachments: dict[str, str | bytes] = field(default_factory=dict)
    attachment_types: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, raw: bytes) -> Mail:
        message = email.message_from_bytes(raw, policy=policy.default)
        to = [addr.addr_spec.lower() for header in message.get_all("To", []) for addr in header.addresses]
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        attachments, types = {}, {}
        for part in message.iter_attachments():
            name = part.get_filename() or part.get_content_type()
            attachments[name] = part.get_content()
            types[name] = part.get("Content-Type", "")
        return cls(
            message=message,
            to=to,
            subject=str(message.get("Subject", "")),
            text=text.get_content() if text is not None else "",
            html=html.get_content() if html is not None else "",
            attachments=attachments,
            attachment_types=types,
        )

    def __getitem__(self, header: str) -> str | None:
        value = self.message.get(header)
        return None if value is None else str(value)

    def __repr__(self) -> str:
        return f"<Mail to={','.join(self.to)} subject={self.subject!r} attachments={list(self.attachments)}>"


class Mailbox:
    """Emails sent during a test: by the worker (files) and by this process (Django's locmem outbox)."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def _raw(self) -> Iterator[bytes]:
        files = sorted(self.directory.glob("*.log"), key=lambda p: (p.stat().st_mtime_ns, p.name))
        for path in files:
            chunks = _SEPARATOR.split(path.read_bytes())
            yield from chunks[:-1]  # the last chunk is empty, or a message still being written
        from django.core import mail

        for message in getattr(mail, "outbox", []):
            yield message.message().as_bytes()

    def all(self, to: str | None = None, subject_contains: str | None = None) -> list[Mail]:
        """Every email sent so far in this test, oldest first; optionally only those matching."""
        found = [Mail.parse(raw) for raw in self._raw()]
        if to is not None:
            found = [m for m in found if to.lower() in m.to]
        if subject_contains is not None:
            found = [m for m in found if subject_contains in m.subject]
        return found

    def wait_for(self, to: str | None = None, subject_contains: str | None = None, timeout: float = 30.0) -> Mail:
        """The first email matching ``to`` and ``subject_contains``, once it has arrived."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.all(to=to, subject_contains=subject_contains)
            if found:
                return found[0]
            if time.monotonic() > deadline:
                seen = "\n".join(f"  to {', '.join(m.to)}: {m.subject}" for m in self.all()) or "  (none)"
                pytest.fail(
                    f"No email to={to!r} subject_contains={subject_contains!r} after {timeout:.0f}s. "
                    f"Emails sent in this test:\n{seen}"
                )
            time.sleep(0.1)

    def clear(self) -> None:
        for path in self.directory.glob("*.log"):
            path.unlink(missing_ok=True)
        (self.directory / SWITCH_NAME).unlink(missing_ok=True)
        from django.core import mail

        if hasattr(mail, "outbox"):
            mail.outbox.clear()

    @contextmanager
    def smtp_down(self) -> Iterator[int]:
        """While inside, the worker sends by SMTP to a closed local port: every send is refused."""
        port = closed_port()
        switch = self.directory / SWITCH_NAME
        switch.write_text(str(port))
        try:
            yield port
        finally:
            switch.unlink(missing_ok=True)


def closed_port() -> int:
    """A local TCP port nothing listens on (connections to it are refused)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- the worker


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    with suppress(Exception):
        _LIBC.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: no orphan worker if pytest is killed


try:
    _LIBC = ctypes.CDLL("libc.so.6", use_errno=True) if sys.platform.startswith("linux") else None
except OSError:  # pragma: no cover
    _LIBC = None


@contextmanager
def celery_conf(**values: Any) -> Iterator[None]:
    """Set options of this process's Celery app (``task_always_eager=False``...) until exit.

    The app reads Django settings live, but a value set on ``app.conf`` (by anyone) shadows
    them; so the values go there, and whatever was there before comes back afterwards.
    """
    from project.celery import app

    app.conf  # noqa: B018 - load the configuration first, so ``changes`` is the real layer
    changes = app.conf.changes
    saved = {key: changes[key] for key in values if key in changes}
    changes.update(values)
    _reset_connections(app)
    try:
        yield
    finally:
        for key in values:
            changes.pop(key, None)
        changes.update(saved)
        _reset_connections(app)


def publishing_to(broker_url: str, queue: str):
    """Make this process's Celery app publish to ``broker_url`` / ``queue`` (restored on exit)."""
    return celery_conf(broker_url=broker_url, task_default_queue=queue)


def _reset_connections(app) -> None:
    """Forget the app's connection pools, so the next publish uses the current broker_url.

    (kombu keeps one pool per broker URL for the process; they are not closed here, since
    they are shared, only no longer used by the app.)
    """
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


class CeleryWorker:
    """One ``celery worker`` subprocess consuming a queue of its own."""

    def __init__(
        self,
        *,
        database_url: str,
        broker_url: str,
        mail_dir: Path,
        log_path: Path,
        queue: str,
        env: dict[str, str] | None = None,
    ):
        self.extra_env = env or {}  # e.g. a real SMTP backend and the delivery timings of a test
        self.database_url = database_url
        self.broker_url = broker_url
        self.mail_dir = Path(mail_dir)
        self.log_path = Path(log_path)
        self.queue = queue
        self.nodename = f"{queue}@localhost"
        self.proc: subprocess.Popen | None = None
        self._mark = 0

    # ---- lifecycle

    def start(self, timeout: float = 60.0) -> None:
        from django.conf import settings

        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": WORKER_SETTINGS,
            "DATABASE_URL": self.database_url,
            "DB_CONN_MAX_AGE": "0",
            "REDIS_URL": self.broker_url,
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "EMAIL_BACKEND": "notifications.tests.mail_backend.FileOrRefusedSMTPBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }
        command = [
            sys.executable, "-m", "celery", "-A", "project", "worker",
            "--pool=solo", "--concurrency=1", "--loglevel=WARNING",
            "-Q", self.queue, "-n", self.nodename,
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent if _LIBC is not None else None,
            )
        deadline = time.monotonic() + timeout
        while not self.ping():
            if not self.alive:
                raise RuntimeError(f"The Celery worker exited at start (code {self.proc.returncode}):\n{self.log()}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"The Celery worker did not answer within {timeout:.0f}s:\n{self.log()}")
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL: the worker dies at once, wherever it is (no warm shutdown, nothing acknowledged)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()  # warm shutdown: finishes the current task
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # ---- the queue

    @contextmanager
    def _control(self):
        """This process's Celery app, talking to the worker's broker (control messages go
        through the app's own producer pool, so the app's broker_url must be the worker's)."""
        from project.celery import app

        with publishing_to(self.broker_url, self.queue):
            yield app

    def ping(self) -> bool:
        with self._control() as app:
            return bool(app.control.ping(destination=[self.nodename], timeout=0.5))

    def inspect(self, what: str) -> list[dict] | None:
        """``celery inspect <what>`` for this worker (None while it is busy running a task)."""
        with self._control() as app:
            replies = getattr(app.control.inspect(destination=[self.nodename], timeout=1.0, limit=1), what)()
        return None if not replies else replies.get(self.nodename)

    def queued(self) -> int:
        """Messages waiting in Redis for this worker (not yet taken)."""
        with self._control() as app, app.connection_for_write() as conn:
            return conn.default_channel._size(self.queue)

    def purge(self) -> None:
        with self._control() as app, app.connection_for_write() as conn:
            conn.default_channel.queue_purge(self.queue)

    def remove_queue(self) -> None:
        """Delete the queue and its routing keys from Redis (the queue name is this run's own)."""
        import redis

        client = redis.Redis.from_url(self.broker_url)
        try:
            keys = list(client.scan_iter(match=f"*{self.queue}*"))
            if keys:
                client.delete(*keys)
        finally:
            client.close()

    def wait_idle(self, timeout: float = 20.0) -> None:
        """Return once nothing is waiting, reserved or running (scheduled retries may remain)."""
        calm = 0
        deadline = time.monotonic() + timeout
        while calm < 2:
            if not self.alive:
                pytest.fail(f"The Celery worker died:\n{self.log(self._mark)}")
            if time.monotonic() > deadline:
                pytest.fail(f"The Celery worker was still busy after {timeout:.0f}s:\n{self.log(self._mark)}")
            active = self.inspect("active")
            reserved = self.inspect("reserved")
            idle = active == [] and reserved == [] and self.queued() == 0
            calm = calm + 1 if idle else 0
            time.sleep(0.1)

    def scheduled(self) -> list[dict]:
        """Tasks the worker holds for later (e.g. a retry with a countdown)."""
        deadline = time.monotonic() + 10
        while (scheduled := self.inspect("scheduled")) is None and time.monotonic() < deadline:
            time.sleep(0.1)
        return scheduled or []

    # ---- the log

    def log(self, since: int = 0) -> str:
        try:
            with open(self.log_path, "rb") as log:
                log.seek(since)
                return log.read().decode(errors="replace")
        except OSError:
            return ""

    def mark(self) -> None:
        """Remember where the log is now, so a failing test shows only its own part."""
        self._mark = self.log_path.stat().st_size if self.log_path.exists() else 0

    def failure_report(self) -> tuple[str, str]:
        state = "running" if self.alive else f"exited with code {self.proc.returncode if self.proc else '?'}"
        return f"Celery worker log ({state})", self.log(self._mark) or "(empty)"


@pytest.fixture(scope="session")
def celery_worker_session(django_db_setup, tmp_path_factory) -> Iterator[CeleryWorker]:
    """The session's worker process (see the module docstring); prefer ``celery_worker_process``."""
    from django.conf import settings

    base = tmp_path_factory.mktemp("celery-worker")
    mail_dir = base / "mail"
    mail_dir.mkdir()
    worker = CeleryWorker(
        database_url=database_url(settings.DATABASES["default"]),
        broker_url=worker_redis_url(),
        mail_dir=mail_dir,
        log_path=base / "worker.log",
        queue=f"tests-{uuid.uuid4().hex[:12]}",
    )
    try:
        worker.purge()
        worker.start()
        yield worker
    finally:
        worker.stop()
        with suppress(Exception):
            worker.remove_queue()


@pytest.fixture
def celery_worker_process(celery_worker_session: CeleryWorker, transactional_db, settings) -> Iterator[CeleryWorker]:
    """The real worker, with tasks published to it (not run eagerly) during this test."""
    worker = celery_worker_session
    if not worker.alive:
        pytest.fail(f"The Celery worker is not running:\n{worker.log()}")
    worker.mark()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with celery_conf(task_always_eager=False, broker_url=worker.broker_url, task_default_queue=worker.queue):
        yield worker


@pytest.fixture
def mailbox(celery_worker_process: CeleryWorker) -> Mailbox:
    """The emails sent during this test (emptied at its start)."""
    box = Mailbox(celery_worker_process.mail_dir)
    box.clear()
    return box


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Add the worker's log (and whatever else a fixture offers) to the report of a failing test."""
    report = yield
    if report.failed and report.when in ("setup", "call"):
        funcargs = getattr(item, "funcargs", {})
        reporters = {id(value): value for value in funcargs.values() if hasattr(value, "failure_report")}
        for reporter in reporters.values():
            with suppress(Exception):
                section = reporter.failure_report()
                if section:
                    report.sections.append(section)
    return report
