"""The signed address a Contact message's conversation is answered by email at.

A reply from the programme team carries ``Reply-To: support+<token>@SUPPORT_INBOUND_DOMAIN``. The
token names the support request and carries a keyed hash of it (``salted_hmac`` with SECRET_KEY),
in lower-case hexadecimal so that mail servers that change the case of addresses do not break it.
Only someone holding that email can answer into the conversation (``support.inbound``).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "support.replies.token"
LOCAL_PART = "support"
TOKEN = re.compile(r"\b" + LOCAL_PART + r"\+(\d{1,12})\.([0-9a-f]{24})@([a-z0-9.-]+)", re.IGNORECASE)


def _signature(pk: int) -> str:
    return salted_hmac(SALT, str(pk)).hexdigest()[:24]


def token(support_request) -> str:
    return f"{support_request.pk}.{_signature(support_request.pk)}"


def reply_address(support_request) -> str:
    """The Reply-To of the programme's replies, or "" when answering by email is not set up."""
    domain = settings.SUPPORT_INBOUND_DOMAIN.strip()
    if not domain:
        return ""
    return f"{LOCAL_PART}+{token(support_request)}@{domain}"


def request_id_in(text: str) -> int | None:
    """The support request whose signed address appears in ``text`` (the recipient headers), or None:
    no address of ours, a signature that does not match, or another domain."""
    domain = settings.SUPPORT_INBOUND_DOMAIN.strip().lower()
    for match in TOKEN.finditer(text or ""):
        pk, signature, at = int(match[1]), match[2].lower(), match[3].lower()
        if domain and at != domain:
            continue
        if constant_time_compare(signature, _signature(pk)):
            return pk
    return None
