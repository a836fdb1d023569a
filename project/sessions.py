"""Sessions: kept in the database, read from the shared cache (Django's ``cached_db`` engine).

Every page reads its session; with this engine a page reads it from the cache (Redis, shared by
every web node) and only falls back to the database when the cache does not have it. Writes go to
both. What differs from Django's engine: when the cache is down, a session is still read from the
database (Django's would fail the page while putting it back into the cache).

Whoever deletes session rows directly must drop them from the cache too: ``forget``.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.core.cache import caches

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            return super().load()
        except Exception:  # noqa: BLE001 - the cache is down: the database has the session
            logger.warning("Session cache unavailable; reading the session from the database", exc_info=True)
            return DBStore.load(self)


def forget(session_keys) -> None:
    """Drop these sessions' cached copies (their rows are being deleted)."""
    keys = [SessionStore.cache_key_prefix + key for key in session_keys]
    if keys:
        caches[settings.SESSION_CACHE_ALIAS].delete_many(keys)
