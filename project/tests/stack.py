"""Real processes for the deployment tests: an SMTP sink, processes with logs, and a browser-less
HTTP client that signs in and walks a mentoring request through the web pages.

- ``SMTPSink``: the delivery tests' local SMTP server (``notifications.tests.smtp_sink``) as a
  context manager, with what it accepted parsed (``sink.messages``, as ``worker.Mail``).
- ``Processes``: commands started with their own environment and log files, stopped at the end
  (SIGTERM, then SIGKILL), and with their logs on hand for a failing test's message.
- ``Browser``: urllib with a cookie jar against one base URL (or several, chosen per request),
  sending Django's CSRF token with every POST.
- ``sign_in``, ``send_request``, ``accept_request``: the pages of the journey, as a person uses them.
"""

from __future__ import annotations

import html
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest

from notifications.tests import smtp_sink
from notifications.tests.worker import Mail, _die_with_parent, wait_until


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_answers(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_for(predicate: Callable[[], Any], timeout: float, message: Callable[[], str] | str) -> Any:
    """Poll until ``predicate`` gives something truthy (``notifications.tests.worker.wait_until``)."""
    return wait_until(predicate, timeout, message=message)


def purge_queue(broker_url: str, queue: str) -> None:
    """Remove a test's own queue from Redis."""
    import redis

    client = redis.Redis.from_url(broker_url)
    try:
        client.delete(queue)
    finally:
        client.close()


# --------------------------------------------------------------------------- SMTP


class SMTPSink(smtp_sink.SMTPSink):
    """The delivery tests' SMTP sink (``notifications.tests.smtp_sink``), as a context manager, with
    what it accepted parsed: ``with SMTPSink() as sink: sink.port ... sink.wait_for(to, subject)``."""

    def __enter__(self) -> SMTPSink:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def messages(self) -> list[Mail]:
        return [Mail.parse(message.raw) for message in self.accepted()]

    def matching(self, to: str, subject_contains: str) -> list[Mail]:
        return [m for m in self.messages if to.lower() in m.to and subject_contains in m.subject]

    def wait_for(self, to: str, subject_contains: str, timeout: float = 30.0, logs: Callable[[], str] = str) -> Mail:
        def seen() -> str:
            listed = "\n".join(f"  to {', '.join(m.to)}: {m.subject}" for m in self.messages) or "  (none)"
            return f"no email to {to} with {subject_contains!r}. Received:\n{listed}\n{logs()}"

        return wait_for(lambda: (self.matching(to, subject_contains) or [None])[0], timeout, seen)


# --------------------------------------------------------------------------- processes


class Processes:
    """Named subprocesses, each with a log file; ``stop_all()`` ends them (children too)."""

    def __init__(self, log_dir: Path):
        self.log_dir = Path(log_dir)
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str] | str, env: dict[str, str], cwd: Path, shell: bool = False):
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            shell=shell,
            executable="/bin/bash" if shell else None,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopping it stops its children
            preexec_fn=_die_with_parent,
        )
        log.close()
        self.procs[name] = proc
        return proc

    def log(self, name: str) -> str:
        with suppress(OSError):
            return (self.log_dir / f"{name}.log").read_text(errors="replace")
        return ""

    def logs(self, tail: int = 3000) -> str:
        parts = []
        for name, proc in self.procs.items():
            state = "running" if proc.poll() is None else f"exited {proc.returncode}"
            parts.append(f"----- {name} ({state}) -----\n{self.log(name)[-tail:]}")
        return "\n".join(parts)

    def check_alive(self) -> None:
        dead = [name for name, proc in self.procs.items() if proc.poll() is not None]
        if dead:
            pytest.fail(f"{', '.join(dead)} exited:\n{self.logs()}")

    def stop(self, name: str, timeout: float = 15.0) -> None:
        proc = self.procs[name]
        if proc.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)

    def stop_all(self) -> None:
        for name in list(self.procs):
            with suppress(Exception):
                self.stop(name)


# --------------------------------------------------------------------------- HTTP


class Browser:
    """A person's browser, without the browser: cookies, redirects, CSRF.

    ``bases`` are the web nodes; every request goes to the next one in turn (or to ``node``).
    """

    def __init__(self, *bases: str):
        self.bases = [b.rstrip("/") for b in bases]
        self.turn = 0
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.served_by: list[str] = []
        self.url = ""

    def _base(self, node: int | None) -> str:
        if node is not None:
            return self.bases[node]
        base = self.bases[self.turn % len(self.bases)]
        self.turn += 1
        return base

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, path: str, data: dict | None = None, node: int | None = None) -> tuple[int, str]:
        base = self._base(node)
        url = path if path.startswith("http") else base + path
        headers = {}
        body = None
        if data is not None:
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf(), **data}).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": url}
        req = urllib.request.Request(url, data=body, headers=headers)
        try:
            with self.opener.open(req, timeout=30) as response:
                status, text, self.url = response.status, response.read().decode(errors="replace"), response.url
        except urllib.error.HTTPError as error:
            status, text, self.url = error.code, error.read().decode(errors="replace"), error.url
        self.served_by.append(base)
        return status, text

    def get(self, path: str, node: int | None = None) -> str:
        status, text = self.request(path, node=node)
        assert status == 200, f"GET {path} answered {status}:\n{text[:2000]}"
        return text

    def post(self, path: str, data: dict, node: int | None = None) -> str:
        status, text = self.request(path, data, node=node)
        assert status == 200, f"POST {path} answered {status}:\n{text[:2000]}"
        return text

    @property
    def path(self) -> str:
        return urllib.parse.urlsplit(self.url).path


def sign_in(browser: Browser, email: str, password: str) -> None:
    browser.get("/accounts/login/")
    page = browser.post("/accounts/login/", {"login": email, "password": password})
    assert "/accounts/login/" not in browser.path, f"Signing in as {email} failed:\n{page[:3000]}"


def send_request(browser: Browser, mentor_id: int, area_id: int, statement: str) -> int:
    """Preview, then send a mentoring request; returns the relationship's id (from the page's URL)."""
    browser.get(f"/mentors/{mentor_id}/request/")
    preview = browser.post(f"/mentors/{mentor_id}/request/", {"area": area_id, "statement": statement})
    assert "Send Request" in preview, preview[:3000]
    browser.post(f"/mentors/{mentor_id}/request/", {"area": area_id, "statement": statement, "send": "1"})
    match = re.fullmatch(r"/relationships/(\d+)/", browser.path)
    assert match, f"After sending, the page is {browser.path}"
    return int(match.group(1))


def accept_request(browser: Browser, relationship_id: int, message: str) -> None:
    """The mentor's Next step is the request: accept it with a message."""
    page = browser.get(f"/relationships/{relationship_id}/next/")
    task_path = browser.path
    assert 'name="accept"' in page, f"{task_path} is not the request review:\n{page[:3000]}"
    browser.post(task_path, {"message": message, "accept": "1"})
    assert browser.path == f"/relationships/{relationship_id}/", browser.path


def links(text: str) -> list[str]:
    return [html.unescape(u) for u in re.findall(r"https?://[^\s\"'<>]+", text)]
