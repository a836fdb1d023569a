"""/health/: database, broker and a recent heartbeat from beat through a worker; 200 or 503."""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from notifications.tests.worker import WORKER_SETTINGS, _die_with_parent, celery_conf, wait_until
from project.models import Heartbeat
from project.tasks import WORKER_AND_BEAT, heartbeat

pytestmark = pytest.mark.django_db


def _health(client):
    response = client.get(reverse("health"))
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    return response.status_code, json.loads(response.content)


def _beat_now():
    Heartbeat.objects.update_or_create(name=WORKER_AND_BEAT, defaults={"seen_at": timezone.now()})


def test_all_parts_ok_is_200(client):
    _beat_now()
    status, body = _health(client)
    assert status == 200, body
    assert body["status"] == "ok"
    assert {name: part["ok"] for name, part in body["checks"].items()} == {
        "database": True,
        "broker": True,
        "worker_and_beat": True,
    }
    assert body["checks"]["worker_and_beat"]["age_seconds"] <= 5


def test_no_heartbeat_yet_is_503(client):
    status, body = _health(client)
    assert status == 503
    assert body["status"] == "failing"
    assert body["checks"]["worker_and_beat"] == {"ok": False, "last_seen": None, "error": "never seen"}
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["ok"]


def test_a_stale_heartbeat_is_503(client, settings):
    settings.HEALTH_HEARTBEAT_MAX_AGE = 180
    Heartbeat.objects.create(name=WORKER_AND_BEAT, seen_at=timezone.now() - timedelta(seconds=181))
    status, body = _health(client)
    assert status == 503
    part = body["checks"]["worker_and_beat"]
    assert part["ok"] is False and part["age_seconds"] >= 181 and part["max_age_seconds"] == 180


def test_a_broker_that_does_not_answer_is_503_without_saying_where(client, settings):
    from notifications.tests.worker import closed_port

    _beat_now()
    settings.HEALTH_CHECK_TIMEOUT = 0.5
    secret_url = f"redis://:s3cret-password@127.0.0.1:{closed_port()}/0"
    with celery_conf(broker_url=secret_url):
        status, body = _health(client)
    assert status == 503
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] and body["checks"]["worker_and_beat"]["ok"]
    raw = json.dumps(body)
    assert "s3cret" not in raw and "127.0.0.1" not in raw


def test_a_database_that_does_not_answer_is_503(client, monkeypatch):
    from django.db import OperationalError

    class Down:
        def cursor(self):
            raise OperationalError("connection to server at db.internal (10.0.0.5) failed: password=hunter2")

    _beat_now()
    monkeypatch.setattr("project.health.connection", Down())
    status, body = _health(client)
    assert status == 503
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert body["checks"]["worker_and_beat"]["ok"] is False
    assert "hunter2" not in json.dumps(body) and "10.0.0.5" not in json.dumps(body)


def test_health_needs_no_login_and_no_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    _beat_now()
    assert client.get(reverse("health")).status_code == 200
    assert client.get(reverse("home")).status_code == 301  # everything else is sent to https


def test_the_worker_records_the_heartbeat(celery_worker_process, client):
    """A real worker runs the heartbeat task published through Redis."""
    assert not Heartbeat.objects.exists()
    assert _health(client)[0] == 503
    heartbeat.delay()
    wait_until(lambda: Heartbeat.objects.filter(name=WORKER_AND_BEAT).exists(), 20, message="worker ran heartbeat")
    status, body = _health(client)
    assert status == 200, body


def test_beat_schedules_the_heartbeat_and_the_worker_runs_it(celery_worker_process, client, tmp_path):
    """A real ``celery beat`` process, with a one-second heartbeat, and the real worker: the
    heartbeat keeps being renewed, so its freshness proves both are running."""
    worker = celery_worker_process
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": WORKER_SETTINGS,
        "DATABASE_URL": worker.database_url,
        "DB_CONN_MAX_AGE": "0",
        "REDIS_URL": worker.broker_url,
        "CELERY_BROKER_URL": worker.broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_TASK_DEFAULT_QUEUE": worker.queue,
        "HEARTBEAT_SECONDS": "1",
        "VAR_DIR": str(tmp_path),
    }
    log = open(tmp_path / "beat.log", "wb")
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "project", "beat", "--loglevel=INFO",
         "-s", str(tmp_path / "beat-schedule")],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent,
    )  # fmt: skip
    try:
        first = wait_until(
            lambda: Heartbeat.objects.filter(name=WORKER_AND_BEAT).values_list("seen_at", flat=True).first(),
            30,
            message=f"a heartbeat from beat through the worker; beat log:\n{(tmp_path / 'beat.log').read_text()}",
        )
        wait_until(
            lambda: Heartbeat.objects.filter(name=WORKER_AND_BEAT, seen_at__gt=first).exists(),
            15,
            message="a second heartbeat",
        )
        assert _health(client)[0] == 200
    finally:
        beat.terminate()
        beat.wait(15)
        log.close()
