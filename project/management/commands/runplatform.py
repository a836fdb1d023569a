"""`manage.py runplatform` (what `make run` calls): migrate, demo data, then web + worker + beat.

Picks the Celery broker: CELERY_BROKER_URL if set; otherwise Redis at REDIS_URL
if it answers; otherwise kombu's filesystem transport under VAR_DIR/broker, an
embedded broker that needs nothing but Python. Ctrl-C stops all three processes.

Unless set in the environment, the three processes get SITE_URL = the address served (so
links in emails point at this server) and, with DEBUG on, EMAIL_BACKEND = the development
mailbox (project/devmail.py), read at /dev/emails/. "Open http://..." is printed once the
web server answers on its port, not before.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import get_commands
from django.core.management.base import BaseCommand, CommandError


def redis_answers(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except Exception:
        return False


def choose_broker() -> tuple[str, str]:
    explicit = os.environ.get("CELERY_BROKER_URL")
    if explicit:
        return explicit, "CELERY_BROKER_URL"
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    if redis_answers(redis_url):
        return redis_url, "Redis (REDIS_URL)"
    return "filesystem://", f"embedded filesystem broker (no Redis answered at {redis_url})"


DEVMAIL_BACKEND = "project.devmail.DevMailBackend"


def choose_email_backend() -> str:
    """EMAIL_BACKEND if set; with DEBUG on, the development mailbox (/dev/emails/); else the settings'."""
    explicit = os.environ.get("EMAIL_BACKEND")
    if explicit:
        return explicit
    return DEVMAIL_BACKEND if settings.DEBUG else settings.EMAIL_BACKEND


def split_addr(addr: str) -> tuple[str, int]:
    """runserver's ``[host:]port`` (host may be ``[::1]``) as (host, port)."""
    host, _, port = addr.rpartition(":")
    return (host.strip("[]") or "127.0.0.1"), int(port)


def site_url(addr: str) -> str:
    """Where a browser on this machine reaches the server runserver serves on ``addr``."""
    host, port = split_addr(addr)
    if host in ("0.0.0.0", "::", "0"):
        host = "localhost"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def answers(host: str, port: int, timeout: float = 0.5) -> bool:
    """True once something accepts TCP connections on host:port."""
    if host in ("0.0.0.0", "0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


class Command(BaseCommand):
    help = "Run the whole platform for development: web server, Celery worker and Celery beat."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default=os.environ.get("RUN_ADDR", "127.0.0.1:8000"))
        parser.add_argument("--no-seed", action="store_true", help="Skip loading the demo data.")

    def handle(self, *args, addr: str, no_seed: bool, **options):
        host, port = split_addr(addr)
        if answers(host, port):
            raise CommandError(f"Something already answers on {addr}: stop it, or choose another address (--addr).")
        broker, why = choose_broker()
        url = os.environ.get("SITE_URL") or site_url(addr)
        email_backend = choose_email_backend()
        db = settings.DATABASES["default"]
        self.stdout.write(self.style.MIGRATE_HEADING("Mentoring platform"))
        self.stdout.write(f"  Database: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}")
        self.stdout.write(f"  Broker:   {broker}  ({why})")
        mailbox = f"  (read them at {url}/dev/emails/)" if email_backend == DEVMAIL_BACKEND else ""
        self.stdout.write(f"  Email:    {email_backend}{mailbox}")
        self.stdout.write(f"  Links:    {url}  (SITE_URL)")
        # Every step below runs as a process of its own with this environment, the set-up included:
        # the broker chosen here decides other settings (the cache, with the embedded broker), and
        # a process's settings are fixed once it has loaded them.
        env = {**os.environ, "CELERY_BROKER_URL": broker, "SITE_URL": url, "EMAIL_BACKEND": email_backend}
        python = sys.executable
        manage = os.path.join(settings.BASE_DIR, "manage.py")
        setup = [[python, manage, "migrate", "--no-input", "--verbosity", "0"]]
        if not no_seed and "seed_demo" in get_commands():
            setup.append([python, manage, "seed_demo"])  # its emails go to the worker started below
        for step in setup:
            self.stdout.flush()
            if subprocess.run(step, env=env, cwd=settings.BASE_DIR).returncode != 0:
                raise CommandError(f"{' '.join(step[1:])} failed (see above); nothing was started.")
        celery = [python, "-m", "celery", "-A", "project"]
        commands = {
            "web": [python, manage, "runserver", addr, "--noreload"],
            "worker": [*celery, "worker", "-l", "info", "--concurrency", "2", "-n", "worker@%h"],
            "beat": [*celery, "beat", "-l", "info", "-s", str(settings.CELERY_BEAT_SCHEDULE_FILENAME)],
        }
        procs: dict[str, subprocess.Popen] = {}
        for name, cmd in commands.items():
            procs[name] = subprocess.Popen(cmd, env=env, cwd=settings.BASE_DIR)
        announced = False

        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                for name, proc in procs.items():
                    if proc.poll() is not None:
                        self.stderr.write(f"{name} stopped (exit {proc.returncode}); stopping the others.")
                        stopping = True
                if not announced and not stopping and answers(host, port):
                    announced = True
                    self.stdout.write(self.style.SUCCESS(f"  Open {url}/  (Ctrl-C stops web, worker and beat)"))
                    self.stdout.flush()
                time.sleep(0.2 if not announced else 0.5)
        finally:
            for proc in procs.values():
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            deadline = time.time() + 10
            for proc in procs.values():
                try:
                    proc.wait(timeout=max(0.1, deadline - time.time()))
                except subprocess.TimeoutExpired:
                    proc.kill()
            self.stdout.write("Stopped web, worker and beat.")
