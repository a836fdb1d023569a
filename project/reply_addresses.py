"""The signed addresses a conversation with the programme team is answered by email at.

A reply from the programme team carries ``Reply-To: support+<token>@SUPPORT_INBOUND_DOMAIN``. The
token names what it answers, a Contact message (``<number>``) or a concern raised about a
relationship (``c<number>``), and carries a keyed hash of it (``salted_hmac`` with SECRET_KEY), in
lower-case hexadecimal so that mail servers that change the case of addresses do not break it.
Only someone holding that email can answer into the conversation (``support.inbound``), and a
concern's only from the address of the person who raised it (``journeys.services.concerns``).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "support.replies.token"  # the name this module had when the first addresses went out: they keep working
LOCAL_PART = "support"
TOKEN = re.compile(r"\b" + LOCAL_PART + r"\+(c?)(\d{1,12})\.([0-9a-f]{24})@([a-z0-9.-]+)", re.IGNORECASE)
SUPPORT_REQUEST, CONCERN = "support_request", "concern"
_PREFIX = {SUPPORT_REQUEST: "", CONCERN: "c"}
_KIND = {prefix: kind for kind, prefix in _PREFIX.items()}


def _signature(pk: int, kind: str = SUPPORT_REQUEST) -> str:
    # A Contact message's token signs its number alone (as it always has: addresses already sent
    # keep working); a concern's signs "concern:<number>", so neither is ever valid as the other.
    value = str(pk) if kind == SUPPORT_REQUEST else f"{kind}:{pk}"
    return salted_hmac(SALT, value).hexdigest()[:24]


def _kind_of(thing) -> str:
    return CONCERN if thing._meta.model_name == "concern" else SUPPORT_REQUEST


def token(thing) -> str:
    """The token of a Contact message (``SupportRequest``) or of a concern (``journeys.Concern``)."""
    kind = _kind_of(thing)
    return f"{_PREFIX[kind]}{thing.pk}.{_signature(thing.pk, kind)}"


def reply_address(thing) -> str:
    """The Reply-To of the programme's replies about ``thing`` (a Contact message or a concern), or ""
    when answering by email is not set up."""
    domain = settings.SUPPORT_INBOUND_DOMAIN.strip()
    if not domain:
        return ""
    return f"{LOCAL_PART}+{token(thing)}@{domain}"


def addressed_to(text: str) -> tuple[str, int] | None:
    """What the signed address in ``text`` (the recipient headers) answers: (``SUPPORT_REQUEST`` or
    ``CONCERN``, its number), or None: no address of ours, a signature that does not match, or
    another domain."""
    domain = settings.SUPPORT_INBOUND_DOMAIN.strip().lower()
    for match in TOKEN.finditer(text or ""):
        kind, pk, signature, at = _KIND[match[1].lower()], int(match[2]), match[3].lower(), match[4].lower()
        if domain and at != domain:
            continue
        if constant_time_compare(signature, _signature(pk, kind)):
            return kind, pk
    return None


def request_id_in(text: str) -> int | None:
    """The Contact message whose signed address appears in ``text``, or None."""
    found = addressed_to(text)
    return found[1] if found and found[0] == SUPPORT_REQUEST else None
