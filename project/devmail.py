"""Development email: every message the platform sends, readable in the browser.

``manage.py runplatform`` (``make run``) selects :class:`DevMailBackend` when DEBUG is on and
EMAIL_BACKEND is not set: the worker (or any process) writes each message as one JSON file
under ``DEVMAIL_DIR`` (default ``VAR_DIR/devmail``), and ``/dev/emails/`` lists them, newest
first, with their addresses (From, To, Cc, Bcc, Reply-To), extra headers, text (links
clickable) and their HTML as the recipient would see it. The
pages exist only with DEBUG on: ``project/urls.py`` includes them only then, and the views
answer 404 otherwise. Anyone who can reach a DEBUG server may read them, as they could read
the worker's log.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

LIST_LIMIT = 200
_ID = re.compile(r"^[0-9]{20}-[0-9a-f]{32}$")


def devmail_dir() -> Path:
    return Path(settings.DEVMAIL_DIR)


class DevMailBackend(BaseEmailBackend):
    """Write each message to ``DEVMAIL_DIR/<sent, nanoseconds>-<uuid>.json`` (atomically)."""

    def send_messages(self, email_messages) -> int:
        directory = devmail_dir()
        directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            try:
                record = self._record(message)
                target = directory / f"{record['id']}.json"
                partial = directory / f".{record['id']}.tmp"
                partial.write_text(json.dumps(record), encoding="utf-8")
                os.replace(partial, target)
                sent += 1
            except Exception:
                if not self.fail_silently:
                    raise
        return sent

    @staticmethod
    def _record(message) -> dict:
        html = next((body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"), "")
        text = message.body
        if getattr(message, "content_subtype", "plain") == "html":
            html, text = message.body, ""
        now = timezone.now()
        headers = message.extra_headers or {}
        # Reply-To as the message sent says it (EmailMessage.message()): a header named exactly
        # "Reply-To" wins over ``reply_to``; other spellings of that header are not sent at all.
        reply_to = [str(headers["Reply-To"])] if "Reply-To" in headers else [str(a) for a in message.reply_to]
        return {
            "id": f"{time.time_ns():020d}-{uuid.uuid4().hex}",
            "sent_at": now.isoformat(),
            "from": message.from_email,
            "to": list(message.to),
            "cc": list(message.cc),
            "bcc": list(message.bcc),
            "reply_to": reply_to,
            "subject": str(message.subject),
            "text": text,
            "html": html,
            "headers": {k: str(v) for k, v in headers.items() if k.lower() != "reply-to"},
            "attachments": [a[0] if isinstance(a, tuple) else a.get_filename() for a in message.attachments],
        }


def sent_messages(limit: int = LIST_LIMIT) -> list[dict]:
    """The messages written so far, newest first."""
    directory = devmail_dir()
    if not directory.is_dir():
        return []
    names = sorted((p.name for p in directory.glob("*.json")), reverse=True)[:limit]
    found = []
    for name in names:
        try:
            record = json.loads((directory / name).read_text(encoding="utf-8"))
            record["sent"] = datetime.fromisoformat(record["sent_at"])
        except (OSError, ValueError):
            continue  # removed or unreadable meanwhile: skip it
        found.append(record)
    return found


def _debug_only() -> None:
    if not settings.DEBUG:
        raise Http404


def inbox(request):
    _debug_only()
    return render(request, "devmail/inbox.html", {"messages_sent": sent_messages(), "folder": devmail_dir()})


def message(request, message_id: str):
    _debug_only()
    if not _ID.match(message_id):
        raise Http404
    try:
        record = json.loads((devmail_dir() / f"{message_id}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise Http404 from exc
    # The HTML part in a sandboxed frame (no scripts, no access to this page); its links open a new tab.
    record["sent"] = datetime.fromisoformat(record["sent_at"])
    srcdoc = '<base target="_blank">' + record["html"] if record["html"] else ""
    return render(request, "devmail/message.html", {"mail": record, "srcdoc": srcdoc})


urlpatterns = [
    path("", inbox, name="devmail_inbox"),
    path("<str:message_id>/", message, name="devmail_message"),
]
