"""How often one sender may use the Contact form (``CONTACT_MESSAGES_PER_HOUR``).

Counted per address the request came from and per email address given, in the default cache
(the Redis of ``REDIS_URL`` unless ``CACHE_URL`` chooses another, so every web process and node
shares the counts), over a fixed hour.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 3600


def _keys(request, email: str) -> list[str]:
    return [
        f"contact-limit:ip:{request.META.get('REMOTE_ADDR', '')}",
        f"contact-limit:email:{(email or '').strip().lower()}",
    ]


def over_limit(request, email: str) -> bool:
    limit = int(getattr(settings, "CONTACT_MESSAGES_PER_HOUR", 5) or 0)
    if limit <= 0:
        return False
    return any((cache.get(key) or 0) >= limit for key in _keys(request, email))


def count(request, email: str) -> None:
    for key in _keys(request, email):
        if not cache.add(key, 1, WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, WINDOW_SECONDS)
