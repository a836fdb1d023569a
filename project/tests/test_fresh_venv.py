"""The runtime requirements are complete: a venv made from requirements.txt alone (by the
Makefile's own `make run-venv`, what `make run` uses) runs a real Celery worker that takes a
delivery from Redis and sends its email by SMTP.

(kombu's Redis transport once needed `packaging`, which only the dev requirements brought in:
the worker started in the dev venv and failed in production.) About 40 s: pip installs from the
machine's wheel cache or PyPI. Set SKIP_FRESH_VENV=1 to leave it out on a machine without either.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid

import pytest
from django.conf import settings

from notifications.models import Notification
from notifications.services import Message, notify
from notifications.tests.worker import celery_conf, database_url, worker_redis_url
from people.tests.factories import make_mentee

from .stack import Processes, SMTPSink, wait_for

pytestmark = [
    pytest.mark.processes,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed"),
    pytest.mark.skipif(os.environ.get("SKIP_FRESH_VENV") == "1", reason="SKIP_FRESH_VENV=1"),
]


def test_a_worker_from_a_fresh_runtime_venv_delivers_an_email_through_redis(tmp_path):
    venv = tmp_path / "venv"
    made = subprocess.run(
        ["make", "run-venv", f"RUN_VENV={venv}"],
        cwd=settings.BASE_DIR,
        env={k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    python = venv / "bin" / "python"
    installed = subprocess.run([python, "-m", "pip", "freeze"], capture_output=True, text=True, check=True).stdout
    # Only the runtime: none of the test tools came along.
    for tool in ("pytest", "playwright", "ruff", "factory-boy", "factory_boy"):
        assert f"{tool}==" not in installed.lower(), installed

    user = make_mentee(first_name="Freya", last_name="Fresh", email="freya@example.com")
    broker = worker_redis_url()
    queue = f"fresh-venv-{uuid.uuid4().hex[:12]}"
    processes = Processes(tmp_path)
    with SMTPSink() as sink:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "EMAIL_", "VIRTUAL_ENV"))}
        env.update(
            PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            DJANGO_SETTINGS_MODULE="project.settings",  # the production settings, not the tests'
            SECRET_KEY=uuid.uuid4().hex * 2,
            DATABASE_URL=database_url(settings.DATABASES["default"]),
            DB_CONN_MAX_AGE="0",
            REDIS_URL=broker,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(sink.port),
            VAR_DIR=str(tmp_path / "var"),
            PYTHONUNBUFFERED="1",
        )
        command = [
            str(venv / "bin" / "celery"), "-A", "project", "worker", "--pool=solo", "--loglevel=INFO",
            "-Q", queue, "-n", f"{queue}@localhost", "--without-gossip", "--without-mingle",
        ]  # fmt: skip
        try:
            processes.start("worker", command, env, settings.BASE_DIR)
            wait_for(lambda: "ready." in processes.log("worker") or processes.check_alive(), 60, processes.logs)

            with celery_conf(task_always_eager=False, broker_url=broker, task_default_queue=queue):
                note = notify(
                    user,
                    Message(subject="Your fresh start", paragraphs=["Sent by a worker with the runtime only."]),
                    "fresh_venv_check",
                )
            mail = sink.wait_for("freya@example.com", "Your fresh start", timeout=30, logs=processes.logs)
            assert "Sent by a worker with the runtime only." in mail.text
            wait_for(
                lambda: Notification.objects.get(pk=note.pk).email_status == Notification.Email.SENT,
                10,
                processes.logs,
            )
            assert "Task notifications.tasks.deliver[" in processes.log("worker")
            assert len(sink.matching("freya@example.com", "Your fresh start")) == 1
        finally:
            processes.stop_all()
            import redis

            client = redis.Redis.from_url(broker)
            try:
                client.delete(queue)
            finally:
                client.close()
