"""Which account a sign-in attempt is for, as django-axes should count it.

allauth authenticates with ``email=...`` while its form field is called ``login``; axes looks
for one fixed name. Without this, attempts were stored per IP address only, so one person's
wrong passwords locked out everyone behind the same address.
"""

from __future__ import annotations


def attempted_account(request, credentials: dict | None = None) -> str | None:
    """The email address an attempt is for, lower-cased (Alice@x and alice@x are one account)."""
    for source in (credentials or {}, getattr(request, "POST", None) or {}):
        for key in ("email", "login", "username"):
            value = source.get(key)
            if value:
                return str(value).strip().lower()
    return None
