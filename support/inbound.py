"""Answers by email: a raw RFC 822 message in, the sender's reply appended to the conversation
(a Contact message's, or a concern's: ``support.replies`` names which).

Two ways in, the same function: ``POST /support/inbound/`` (an email provider's inbound webhook,
or any MTA hook that can post the raw message, with the shared secret ``SUPPORT_INBOUND_SECRET``)
and ``manage.py receive_support_email`` (reads the message on stdin: an MTA pipe). The message
must be addressed to a signed reply address (``support.replies``); only the new text is kept
(quoted earlier messages and signatures are cut, ``new_text``). Automatic answers (out of office,
bounces) are ignored, so two robots never answer each other for ever. A concern's conversation is
answered only from the address of the person who raised it (``journeys.services.concerns.answer_by_email``):
from another, the message is refused as one to an unknown address is (nothing kept, the mail server
bounces it).
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from email.utils import getaddresses

from django.utils.html import strip_tags

from journeys.models import Concern
from journeys.services import concerns
from journeys.services.base import Refused
from project import reply_addresses as replies

from . import services
from .models import SupportRequest

RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "X-Forwarded-To")
MAX_BYTES = 10 * 1024 * 1024
MAX_TEXT = 5000


@dataclass
class Outcome:
    # "added", "ignored" (an automatic message), "unknown" (no valid address), "refused" (a concern's
    # address, written from another address than its raiser's), "empty", "bad"
    status: str
    reply: object | None = None

    @property
    def accepted(self) -> bool:
        return self.status in ("added", "ignored")


# Where the quoted earlier message starts, in the common mail programs' words.
_ATTRIBUTION = re.compile(r"^\s*(On|Le|Am)\b.{0,300}\b(wrote|a écrit|schrieb)\b.{0,100}:\s*$", re.IGNORECASE)
_CUT = [
    re.compile(r"^\s*-{2,}\s*Original Message\s*-{2,}\s*$", re.IGNORECASE),  # Outlook (older)
    re.compile(r"^\s*_{10,}\s*$"),  # Outlook: a rule, then the earlier message's headers
    re.compile(r"^\s*Sent from my \w+", re.IGNORECASE),  # phones' signatures
    re.compile(r"^-- ?$"),  # the signature separator
]
_HEADER_BLOCK = re.compile(r"^\s*From:\s.+$", re.IGNORECASE)  # Outlook: the earlier message's headers


def new_text(text: str) -> str:
    """The part of a reply its writer wrote now: up to the quoted earlier message or the signature,
    without ``>`` quoted lines."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for i, line in enumerate(lines):
        if any(p.match(line) for p in _CUT):
            break
        # "On 3 May 2027, at 10:00, The Team <...> wrote:" may be wrapped over up to three lines.
        if line.lstrip()[:3].lower() in ("on ", "le ", "am ") and any(
            _ATTRIBUTION.match(" ".join(lines[i : i + n])) for n in (1, 2, 3)
        ):
            break
        if _HEADER_BLOCK.match(line) and (not kept or not kept[-1].strip()):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    result = "\n".join(kept).strip()
    return re.sub(r"\n{3,}", "\n\n", result)[:MAX_TEXT]


def _body_text(message) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeDecodeError):
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace")
    if part.get_content_type() == "text/html":
        content = re.sub(r"(?is)<blockquote.*?</blockquote>", "", content)
        content = re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", content)
        content = strip_tags(content)
    return content


def _is_automatic(message) -> bool:
    auto = (message.get("Auto-Submitted") or "no").strip().lower()
    precedence = (message.get("Precedence") or "").strip().lower()
    return auto != "no" or precedence in ("bulk", "junk", "auto_reply") or bool(message.get("X-Autoreply"))


def receive(raw: bytes, extra_recipients: str = "") -> Outcome:
    """Append the reply in ``raw`` (a whole RFC 822 message) to its conversation.

    ``extra_recipients``: the envelope recipient when the transport gives it apart from the message
    (an MTA's ``$RECIPIENT``, a webhook's field), searched as well as the headers.
    """
    if not raw or len(raw) > MAX_BYTES:
        return Outcome("bad")
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
    except Exception:  # noqa: BLE001 - anything unparseable is simply not a reply
        return Outcome("bad")
    recipients = " ".join([extra_recipients, *(str(message.get(h, "")) for h in RECIPIENT_HEADERS)])
    kind, pk = replies.addressed_to(recipients) or ("", None)
    model = Concern if kind == replies.CONCERN else SupportRequest
    answered = model.objects.filter(pk=pk).first() if pk else None
    if answered is None:
        return Outcome("unknown")
    if _is_automatic(message):
        return Outcome("ignored")
    text = new_text(_body_text(message))
    if not text:
        return Outcome("empty")
    senders = getaddresses([str(message.get("From", ""))])
    from_address = senders[0][1] if senders else ""
    if kind == replies.CONCERN:
        try:
            reply = concerns.answer_by_email(answered, text, email_from=from_address)
        except Refused:
            return Outcome("refused")
        return Outcome("added", reply)
    reply = services.receive_sender_reply(answered, text, via="email", email_from=from_address)
    return Outcome("added", reply)
