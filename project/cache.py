"""The default cache: Django's Redis cache, sharing the Redis that Celery already needs.

It shares a Redis database with the broker, so ``clear()`` must not ``FLUSHDB`` (that would drop
queued tasks): it deletes only the keys under this cache's ``KEY_PREFIX``.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache


class PrefixedRedisCache(RedisCache):
    def clear(self) -> bool:
        client = self._cache.get_client(write=True)
        prefix = "".join(f"\\{c}" if c in "*?[]\\" else c for c in self.key_prefix)
        pattern = f"{prefix}:*"  # keys are "<prefix>:<version>:<key>"
        removed = 0
        batch: list[bytes] = []
        for key in client.scan_iter(match=pattern, count=500):
            batch.append(key)
            if len(batch) >= 500:
                removed += client.delete(*batch)
                batch = []
        if batch:
            removed += client.delete(*batch)
        return bool(removed)
