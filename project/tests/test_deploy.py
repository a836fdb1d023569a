"""The deployment of deploy/: its files agree, its topology works, its backups restore.

Containers may not run here, so the compose topology runs as local processes, with deploy/
Procfile's own commands: two gunicorn web nodes, two Celery workers and one beat, on
PostgreSQL (the test database) and Redis (the tests' database), mailing a local SMTP sink.
A mentee and a mentor sign in and walk a request and its acceptance through both web nodes in
turn; every email arrives exactly once, whichever worker sends it, even when its delivery is
queued again.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from notifications.models import Notification
from notifications.tests.worker import celery_conf, database_url, publishing_to, worker_redis_url
from people.models import AreaOfSupport
from people.tests.factories import PASSWORD, make_mentee, make_mentor

from .stack import (
    Browser,
    Processes,
    SMTPSink,
    accept_request,
    free_port,
    links,
    port_answers,
    purge_queue,
    send_request,
    sign_in,
    wait_for,
)

DEPLOY = Path(settings.BASE_DIR) / "deploy"


def procfile() -> dict[str, str]:
    entries = {}
    for line in (DEPLOY / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, command = line.partition(":")
            entries[name.strip()] = command.strip()
    return entries


def unescape(command: str) -> str:
    """systemd's and compose's escapes for a literal $ (and systemd's for %)."""
    return command.replace("$$", "$").replace("%%", "%")


# --------------------------------------------------------------------------- the files agree


def test_procfile_has_web_worker_beat_and_release():
    entries = procfile()
    assert set(entries) == {"release", "web", "worker", "beat"}
    assert entries["web"].startswith("gunicorn project.wsgi:application ")
    assert entries["worker"].startswith("celery -A project worker ")
    assert entries["beat"].startswith("celery -A project beat ")
    assert "migrate --noinput" in entries["release"]


def test_the_systemd_units_run_the_procfile_commands():
    entries = procfile()
    for unit, role in [
        ("mentoring-web.service", "web"),
        ("mentoring-worker@.service", "worker"),
        ("mentoring-beat.service", "beat"),
        ("mentoring-release.service", "release"),
    ]:
        text = (DEPLOY / "systemd" / unit).read_text()
        [exec_start] = re.findall(r"^ExecStart=/bin/bash -c '(.*)'$", text, re.M)
        assert unescape(exec_start).removeprefix("exec ") == entries[role], unit
        assert "EnvironmentFile=/etc/mentoring/mentoring.env" in text
    assert "WORKER_NAME=worker-%i@%H" in (DEPLOY / "systemd" / "mentoring-worker@.service").read_text()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_units(tmp_path):
    units = []
    for unit in (DEPLOY / "systemd").glob("*.service"):
        name = unit.name.replace("@.service", "@1.service")  # an instance of the template
        shutil.copy(unit, tmp_path / name)
        units.append(f"./{name}")
    assert len(units) == 4
    run = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *units], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0 and not run.stderr.strip(), run.stdout + run.stderr


def test_compose_runs_two_web_nodes_behind_nginx_two_workers_and_one_beat():
    entries = procfile()
    text = (DEPLOY / "compose.yaml").read_text()
    services = dict(re.findall(r"^  ([a-z0-9]+):\n((?:(?:    .*)?\n)+)", text, re.M))
    assert {"postgres", "redis", "release", "web1", "web2", "worker1", "worker2", "beat", "proxy"} <= set(services)
    commands = {}
    for name, body in services.items():
        found = re.search(r"^    command: (\[.*\])$", body, re.M)
        if found:
            commands[name] = json.loads(found.group(1))
    for name, role in [
        ("web1", "web"),
        ("web2", "web"),
        ("worker1", "worker"),
        ("worker2", "worker"),
        ("beat", "beat"),
    ]:
        assert commands[name][:2] == ["bash", "-c"], name
        assert unescape(commands[name][2]).removeprefix("exec ") == entries[role], name
    assert unescape(commands["release"][2]) == entries["release"]
    beats = [name for name, command in commands.items() if "celery -A project beat" in command[-1]]
    assert beats == ["beat"], "exactly one beat"
    assert "WORKER_NAME: worker1@%h" in services["worker1"] and "WORKER_NAME: worker2@%h" in services["worker2"]
    assert "./nginx.conf:/etc/nginx/conf.d/default.conf:ro" in services["proxy"]
    nginx = (DEPLOY / "nginx.conf").read_text()
    upstream = re.search(r"upstream mentoring_web \{(.*?)\}", nginx, re.S).group(1)
    assert re.findall(r"server (\S+)", upstream) == ["web1:8000", "web2:8000"]
    assert "proxy_pass http://mentoring_web;" in nginx
    assert "dockerfile: deploy/Dockerfile" in text and (DEPLOY / "Dockerfile").exists()
    assert "pip install --no-cache-dir -r requirements.txt" in (DEPLOY / "Dockerfile").read_text()


# --------------------------------------------------------------------------- the topology


def _deliveries(processes: Processes, worker: str) -> int:
    return len(re.findall(r"Task notifications\.tasks\.deliver\[[0-9a-f-]+\] succeeded", processes.log(worker)))


@pytest.mark.processes
@pytest.mark.django_db(transaction=True)
def test_two_web_nodes_two_workers_and_one_beat_deliver_each_email_exactly_once(tmp_path):
    mentor = make_mentor(first_name="Alice", last_name="Kember", email="alice@example.com")
    make_mentee(first_name="John", last_name="Smith", email="john@example.com")
    area = AreaOfSupport.objects.first()
    entries = procfile()
    broker = worker_redis_url()
    queue = f"deploy-{uuid.uuid4().hex[:12]}"  # this run's own queue in the shared Redis database
    ports = [free_port(), free_port()]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    workers = ["worker1@localhost", "worker2@localhost"]
    processes = Processes(tmp_path)

    with SMTPSink() as sink:
        # What every node's environment holds (deploy/mentoring.env.example), pointed at this machine.
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "EMAIL_", "SITE_"))}
        env.update(
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            DJANGO_SETTINGS_MODULE="project.settings",
            DEBUG="false",
            SECRET_KEY=secrets.token_urlsafe(40),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SITE_URL=bases[0],
            DATABASE_URL=database_url(settings.DATABASES["default"]),
            REDIS_URL=broker,
            CACHE_URL=broker,
            PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
            CELERY_TASK_DEFAULT_QUEUE=queue,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(sink.port),
            PASSWORD_HASHERS=",".join(settings.PASSWORD_HASHERS),  # the test users' passwords
            AXES_ENABLED="false",  # the factories' users sign in from the same address, many times a run
            PYTHONUNBUFFERED="1",
        )
        node = lambda **extra: {**env, "VAR_DIR": str(tmp_path / extra.pop("var")), **extra}  # noqa: E731
        try:
            release = subprocess.run(
                ["bash", "-c", entries["release"]],
                cwd=settings.BASE_DIR,
                env=node(var="release"),
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert release.returncode == 0, release.stdout + release.stderr
            for i, port in enumerate(ports, 1):
                processes.start(
                    f"web{i}",
                    entries["web"],
                    node(var=f"web{i}", BIND="127.0.0.1", PORT=str(port), WEB_CONCURRENCY="2"),
                    settings.BASE_DIR,
                    shell=True,
                )
            for i, name in enumerate(workers, 1):
                processes.start(
                    f"worker{i}",
                    entries["worker"],
                    node(var=f"worker{i}", WORKER_NAME=name, WORKER_CONCURRENCY="2"),
                    settings.BASE_DIR,
                    shell=True,
                )
            processes.start("beat", entries["beat"], node(var="beat"), settings.BASE_DIR, shell=True)

            def ready():
                processes.check_alive()
                if not all(port_answers(port) for port in ports):
                    return False
                from project.celery import app

                with publishing_to(broker, queue):
                    answered = app.control.ping(destination=workers, timeout=0.5)
                return {name for reply in answered for name in reply} == set(workers)

            wait_for(ready, 60, processes.logs)

            # The mentee signs in and sends a request; the mentor signs in and accepts it.
            # Every page alternates between the two web nodes: the session is in PostgreSQL.
            john, alice = Browser(*bases), Browser(*reversed(bases))
            sign_in(john, "john@example.com", PASSWORD)
            rel = send_request(john, mentor.pk, area.pk, "I would like help building my professional network.")
            request_email = sink.wait_for("alice@example.com", "New mentoring request", logs=processes.logs)
            sink.wait_for("john@example.com", "has been sent", logs=processes.logs)

            sign_in(alice, "alice@example.com", PASSWORD)
            [next_link] = [u for u in links(request_email.text) if u.endswith(f"/relationships/{rel}/next/")]
            assert next_link.startswith(bases[0] + "/")  # SITE_URL: where people reach the platform
            accept_request(alice, rel, "Looking forward to working with you.")
            accepted = sink.wait_for("john@example.com", "accepted", logs=processes.logs)
            assert "Looking forward to working with you." in accepted.text
            assert set(john.served_by) == set(bases) and set(alice.served_by) == set(bases)
            for base in bases:
                assert "john@example.com" in alice.get(f"/relationships/{rel}/", node=bases.index(base))

            # At-least-once queues deliver twice sometimes (a redelivered message, the sweep):
            # queue every email's delivery twice more, to both workers at once.
            notes = list(Notification.objects.exclude(email_status=Notification.Email.SKIPPED))
            from notifications.tasks import deliver

            # (one delivery task per transaction so far: it carries all of that transaction's ids)
            ran_before = sum(_deliveries(processes, f"worker{i}") for i in (1, 2))
            with celery_conf(task_always_eager=False, broker_url=broker, task_default_queue=queue):
                for _ in range(2):
                    for note in notes:
                        deliver.delay(note.pk)
            expected = ran_before + 2 * len(notes)

            def all_deliveries_ran():
                processes.check_alive()
                return sum(_deliveries(processes, f"worker{i}") for i in (1, 2)) >= expected

            wait_for(all_deliveries_ran, 30, processes.logs)

            received = Counter((tuple(m.to), m.subject) for m in sink.messages)
            assert len(sink.messages) == len(notes), received
            assert set(received.values()) == {1}, received
            for note in Notification.objects.exclude(email_status=Notification.Email.SKIPPED):
                assert note.email_status == Notification.Email.SENT, note
                [(_, subject)] = [key for key in received if key[0] == (note.email,) and key[1].endswith(note.subject)]
                assert subject == f"[{settings.SITE_NAME}] {note.subject}"
            by_worker = {w: _deliveries(processes, w) for w in ("worker1", "worker2")}
            assert all(by_worker.values()), f"both workers took deliveries: {by_worker}"
            processes.check_alive()
        finally:
            processes.stop_all()
            purge_queue(broker, queue)
    assert "beat: Starting" in processes.log("beat") or "Scheduler" in processes.log("beat"), processes.log("beat")


# --------------------------------------------------------------------------- backups


def _db_url(name: str) -> str:
    return database_url({**settings.DATABASES["default"], "NAME": name})


@pytest.mark.processes
@pytest.mark.skipif(not (shutil.which("pg_dump") and shutil.which("pg_restore")), reason="pg_dump is not installed")
@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_a_fresh_database_keeps_the_data_and_the_files(tmp_path):
    make_mentee(first_name="Ruth", last_name="Restored", email="ruth@example.com")
    private = tmp_path / "private"
    (private / "attachments" / "2026").mkdir(parents=True)
    (private / "attachments" / "2026" / "cv.pdf").write_bytes(b"%PDF-1.4 my cv")
    env = {
        **os.environ,
        "DATABASE_URL": _db_url(settings.DATABASES["default"]["NAME"]),
        "PRIVATE_MEDIA_ROOT": str(private),
    }
    backup = tmp_path / "backup"
    run = subprocess.run([DEPLOY / "backup.sh", backup], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert {p.name for p in backup.iterdir()} == {"database.dump", "private.tar.gz", "SHA256SUMS"}

    fresh = f"mentoring_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{fresh}"')
    try:
        restored_private = tmp_path / "restored-private"
        env = {**os.environ, "DATABASE_URL": _db_url(fresh), "PRIVATE_MEDIA_ROOT": str(restored_private)}
        run = subprocess.run([DEPLOY / "restore.sh", backup], env=env, capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stdout + run.stderr
        db = settings.DATABASES["default"]
        conn = psycopg2.connect(
            dbname=fresh, user=db.get("USER") or None, password=db.get("PASSWORD") or None,
            host=db.get("HOST") or "127.0.0.1", port=db.get("PORT") or None,
        )  # fmt: skip
        try:
            with conn.cursor() as cursor:
                cursor.execute("SELECT first_name, last_name FROM people_user WHERE email = 'ruth@example.com'")
                assert cursor.fetchall() == [("Ruth", "Restored")]
                cursor.execute("SELECT count(*) FROM django_migrations")
                assert cursor.fetchone()[0] > 10
                cursor.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'journeys_timer_due_idx'")
                assert cursor.fetchone()[0] == 1
        finally:
            conn.close()
        assert (restored_private / "attachments" / "2026" / "cv.pdf").read_bytes() == b"%PDF-1.4 my cv"

        # A damaged backup is refused, and says why.
        (backup / "private.tar.gz").write_bytes(b"not a tar")
        run = subprocess.run([DEPLOY / "restore.sh", backup], env=env, capture_output=True, text=True, timeout=60)
        assert run.returncode != 0 and "checksums do not match" in run.stderr
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
