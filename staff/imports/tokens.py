"""The invitation link's token: the invitation and its current secret, signed with SECRET_KEY.

The same invitation and secret always make the same token (no timestamp). A tampered token fails the signature; a resent invitation has a new secret, so its older links
no longer match (compared in constant time). Expiry and single use are the invitation's own
fields (``expires_at``, ``accepted_at``).
"""

from __future__ import annotations

from django.core import signing
from django.utils.crypto import constant_time_compare

SALT = "staff.imports.invitation"


def make(invitation) -> str:
    return signing.Signer(salt=SALT).sign_object([invitation.pk, invitation.secret])


def read(token: str) -> tuple[int, str] | None:
    """``(invitation pk, secret)`` from a genuine token, else None."""
    try:
        pk, secret = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(pk, int) or not isinstance(secret, str):
        return None
    return pk, secret


def matches(invitation, secret: str) -> bool:
    return constant_time_compare(invitation.secret, secret)
