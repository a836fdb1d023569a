"""`manage.py runplatform` (what `make run` starts), run for real: web, worker and beat.

It prints "Open http://..." once, when the server answers; the emails it sends link to the
address it serves (SITE_URL unset), and they are readable at /dev/emails/ (DEBUG, the
development mailbox chosen by default).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings

from notifications.tests.worker import _die_with_parent, database_url, worker_redis_url
from people.models import AreaOfSupport
from people.tests.factories import PASSWORD, make_mentee, make_mentor
from project.management.commands.runplatform import DEVMAIL_BACKEND, choose_email_backend, site_url, split_addr

from .stack import Browser, free_port, port_answers, purge_queue, send_request, sign_in, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "addr, url",
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("0.0.0.0:8123", "http://localhost:8123"),
        ("8001", "http://127.0.0.1:8001"),
        ("[::1]:8002", "http://[::1]:8002"),
    ],
)
def test_the_site_url_is_where_a_browser_here_reaches_the_server(addr, url):
    assert site_url(addr) == url
    assert split_addr(addr)[1] == int(url.rsplit(":", 1)[1])


def test_the_development_mailbox_is_chosen_only_with_debug_and_no_explicit_backend(settings, monkeypatch):
    monkeypatch.delenv("EMAIL_BACKEND", raising=False)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.DEBUG = True
    assert choose_email_backend() == DEVMAIL_BACKEND
    settings.DEBUG = False
    assert choose_email_backend() == "django.core.mail.backends.smtp.EmailBackend"
    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    settings.DEBUG = True
    assert choose_email_backend() == "django.core.mail.backends.console.EmailBackend"


@pytest.mark.parametrize("embedded", [False, True], ids=["redis", "embedded-broker-with-demo-data"])
def test_runplatform_announces_when_it_answers_and_its_emails_link_to_it(tmp_path, embedded):
    mentor = make_mentor(first_name="Alice", last_name="Kember", email="alice@example.com")
    make_mentee(first_name="John", last_name="Smith", email="john@example.com")
    area = AreaOfSupport.objects.first()
    port = free_port()
    broker = worker_redis_url()
    queue = f"runplatform-{uuid.uuid4().hex[:12]}"  # this run's own queue in the shared Redis database
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CELERY_") and key not in ("SITE_URL", "EMAIL_BACKEND", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="project.settings",
        DEBUG="true",
        DATABASE_URL=database_url(settings.DATABASES["default"]),
        DB_CONN_MAX_AGE="0",
        PASSWORD_HASHERS=",".join(settings.PASSWORD_HASHERS),  # the test users' passwords
        VAR_DIR=str(tmp_path / "var"),
        CELERY_TASK_DEFAULT_QUEUE=queue,
        PYTHONUNBUFFERED="1",
    )
    if embedded:  # no Redis answers: kombu's filesystem transport, and the demo data loaded
        env["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"
    else:
        env["CELERY_BROKER_URL"] = broker
    out_path = tmp_path / "runplatform.log"
    with open(out_path, "wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "runplatform",
                "--addr",
                f"127.0.0.1:{port}",
                *([] if embedded else ["--no-seed"]),
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    output = lambda: out_path.read_text(errors="replace")  # noqa: E731
    base = f"http://127.0.0.1:{port}"
    try:
        # The moment "Open" appears, the server answers (it is printed after, not before).
        deadline = time.monotonic() + 60
        while f"Open {base}/" not in output():
            assert proc.poll() is None, f"runplatform exited:\n{output()}"
            assert time.monotonic() < deadline, f"No 'Open' line after 60s:\n{output()}"
            time.sleep(0.02)
        assert port_answers(port), output()
        assert f"Email:    project.devmail.DevMailBackend  (read them at {base}/dev/emails/)" in output()

        devmail = tmp_path / "var" / "devmail"
        if embedded:
            assert "Broker:   filesystem://" in output()
            # The demo data's emails (sent from runplatform's own process) reach the worker at once.
            wait_for(lambda: list(devmail.glob("*.json")), 30, lambda: f"no demo email in {devmail}:\n{output()}")
            assert "Error" not in output(), output()

        browser = Browser(base)
        sign_in(browser, "john@example.com", PASSWORD)
        rel = send_request(browser, mentor.pk, area.pk, "I would like help building my professional network.")

        # The worker sends the mentor's email to the development mailbox; its link is this server.

        def mentor_email():
            for path in devmail.glob("*.json"):
                record = json.loads(path.read_text())
                if record["to"] == ["alice@example.com"] and "New mentoring request" in record["subject"]:
                    return record
            return None

        record = wait_for(mentor_email, 45, lambda: f"no email in {devmail}:\n{output()}")
        assert f"{base}/relationships/{rel}/next/" in record["text"], record["text"]

        inbox = browser.get("/dev/emails/")
        assert record["subject"] in inbox
        detail_path = re.search(rf'<a href="(/dev/emails/{record["id"]}/)">', inbox).group(1)
        detail = browser.get(detail_path)
        assert f'<a href="{base}/relationships/{rel}/next/"' in detail  # clickable, pointing here
        browser.get(f"/relationships/{rel}/")  # and the server there answers it
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        purge_queue(broker, queue)
    assert output().count("Open http") == 1, output()
    assert "Stopped web, worker and beat." in output()
