"""A local SMTP server for the delivery tests: it keeps what it accepts and can refuse or be slow.

It speaks enough SMTP for smtplib (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), in a thread of
the test process, on a port of its own; the Celery worker under test sends to it with Django's
real SMTP backend. Every MAIL FROM...RCPT TO is an *attempt* (recorded with its time, per
recipient, at RCPT TO), whatever the answer; a message is *accepted* when the sink answers 250 to
its DATA.

- ``refuse(code)``: answer ``code`` to every RCPT TO (451 "try again later", 550 "no such mailbox").
- ``accept()``: back to accepting.
- ``delay``: seconds to wait before answering each DATA (a slow server).
"""

from __future__ import annotations

import email
import socketserver
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from email import policy


@dataclass
class Accepted:
    recipients: list[str]
    raw: bytes
    at: float

    @property
    def notification_id(self) -> int | None:
        value = email.message_from_bytes(self.raw, policy=policy.default).get("X-Notification-Id")
        return int(value) if value else None


@dataclass
class SinkState:
    refuse_code: int | None = None
    delay: float = 0.0
    accepted: list[Accepted] = field(default_factory=list)
    attempts: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(socketserver.StreamRequestHandler):
    timeout = 30

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        state: SinkState = self.server.state
        self.reply("220 sink.localhost ESMTP test sink")
        sender, recipients = None, []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sink.localhost")
            elif verb == "MAIL":
                sender, recipients = command, []
                self.reply("250 OK")
            elif verb == "RCPT":
                address = command.split(":", 1)[1].strip().strip("<>").lower()
                with state.lock:
                    state.attempts[address].append(time.monotonic())
                if state.refuse_code:
                    self.reply(
                        f"{state.refuse_code} {'4.3.2 Not now, try again later' if state.refuse_code < 500 else '5.1.1 No such mailbox'}"
                    )
                else:
                    recipients.append(address)
                    self.reply("250 OK")
            elif verb == "DATA":
                if sender is None or not recipients:
                    self.reply("503 Bad sequence of commands")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    chunk = self.rfile.readline()
                    if not chunk or chunk in (b".\r\n", b".\n"):
                        break
                    lines.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                if state.delay:
                    time.sleep(state.delay)
                with state.lock:
                    state.accepted.append(Accepted(recipients=recipients, raw=b"".join(lines), at=time.monotonic()))
                self.reply("250 OK queued")
                sender, recipients = None, []
            elif verb == "RSET":
                sender, recipients = None, []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SMTPSink:
    def __init__(self) -> None:
        self.state = SinkState()
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.state = self.state
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> SMTPSink:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def refuse(self, code: int = 451) -> None:
        self.state.refuse_code = code

    def accept(self) -> None:
        self.state.refuse_code = None

    @property
    def delay(self) -> float:
        return self.state.delay

    @delay.setter
    def delay(self, seconds: float) -> None:
        self.state.delay = seconds

    def accepted(self) -> list[Accepted]:
        with self.state.lock:
            return list(self.state.accepted)

    def accepted_ids(self) -> Counter:
        """How many times the sink accepted each notification (by its X-Notification-Id header)."""
        return Counter(message.notification_id for message in self.accepted())

    def attempts(self, address: str) -> list[float]:
        with self.state.lock:
            return list(self.state.attempts.get(address.lower(), []))

    def clear(self) -> None:
        with self.state.lock:
            self.state.accepted.clear()
            self.state.attempts.clear()
