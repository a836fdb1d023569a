"""How often one sender may use the Contact form (``CONTACT_MESSAGES_PER_HOUR``).

Counted per address the request came from and per email address given, by
``project.ratelimit`` (the shared default cache, a fixed hour, taken atomically before the
message is stored and given back if storing it fails).
"""

from __future__ import annotations

from project import ratelimit


def _senders(request, email: str) -> list[str]:
    return [f"ip:{request.META.get('REMOTE_ADDR', '')}", f"email:{(email or '').strip().lower()}"]


def spend(request, email: str):
    """``with limits.spend(request, email): ...``; raises ``ratelimit.LimitReached`` when either is used up."""
    return ratelimit.spend(ratelimit.CONTACT, *_senders(request, email))
