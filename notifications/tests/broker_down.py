"""The task queue down, for tests of work queued from a page (``notifications.tasks.queue_soon``).

- ``broker_down(kind, settings)``: while inside, this process publishes (not eagerly) to a broker that
  refuses connections (``"refused"``: nothing listens on its port), or takes them and never answers
  (``"silent"``: a host gone quiet; Celery's own ``.delay()`` waits on it for ever). Tasks run eagerly
  again afterwards, so a test then runs the sweep that does the work.
- ``in_thread(work)``: ``work()`` on a thread of its own, so work that hangs fails the test instead of
  hanging it (and an exception, a view's 500, fails it too); returns its result and how long it took.
  ``post_in_thread(client, url, data)``: a POST, following its redirect, that way.
"""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager

from django.db import connection
from django.test import Client

from .worker import celery_conf, closed_port, publishing_to


@contextmanager
def broker_down(kind: str, settings):
    """This process publishes to a broker that refuses connections, or takes them and never answers."""
    silent = None
    if kind == "refused":
        port = closed_port()
    else:
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # connections complete in the backlog; nothing ever reads or answers them
        port = silent.getsockname()[1]
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.NOTIFICATION_BROKER_TIMEOUT = 0.5
    try:
        with celery_conf(task_always_eager=False), publishing_to(f"redis://127.0.0.1:{port}/0", "nowhere"):
            yield
    finally:
        if silent is not None:
            silent.close()
        settings.CELERY_TASK_ALWAYS_EAGER = True


def in_thread(work, timeout: float = 15.0) -> tuple[object, float]:
    """``work()`` on a thread of its own (its own database connection, closed after): what it returned and
    how long it took. Work that hangs, or raises (a view's 500 through the test client), fails the test."""
    answer: dict = {}

    def run():
        try:
            answer["result"] = work()
        except Exception as exc:
            answer["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    started = time.monotonic()
    thread.start()
    thread.join(timeout=timeout)
    took = time.monotonic() - started
    assert not thread.is_alive(), "it hung on the task queue"
    assert "error" not in answer, f"it failed: {answer.get('error')!r}"
    return answer["result"], took


def post_in_thread(client: Client, url: str, data: dict | None = None) -> tuple[object, float]:
    """POST ``url`` with ``data``, following the redirect, ``in_thread``."""
    return in_thread(lambda: client.post(url, data or {}, follow=True))
