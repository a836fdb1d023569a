"""``/health/`` for load balancers and monitors: is each part of the platform answering?

JSON with one entry per part (database, broker, worker_and_beat), 200 when all are ok and 503
otherwise. It says which part failed and the kind of error, never hosts, URLs or messages that
could carry secrets. Cheap: one query, one Redis PING with a short timeout, one row read.
"""

from __future__ import annotations

from datetime import datetime

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery import app
from .models import Heartbeat
from .tasks import WORKER_AND_BEAT


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def _broker() -> dict:
    url = app.conf.broker_url or ""
    if url.startswith(("redis://", "rediss://", "unix://")):
        timeout = settings.HEALTH_CHECK_TIMEOUT
        client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        try:
            client.ping()
        finally:
            client.close()
        return {"ok": True}
    with app.connection_for_write() as conn:  # e.g. the filesystem transport of runplatform
        conn.ensure_connection(max_retries=1, timeout=settings.HEALTH_CHECK_TIMEOUT)
    return {"ok": True}


def _worker_and_beat() -> dict:
    seen_at: datetime | None = Heartbeat.objects.filter(name=WORKER_AND_BEAT).values_list("seen_at", flat=True).first()
    if seen_at is None:
        return {"ok": False, "last_seen": None, "error": "never seen"}
    age = max(0, int((timezone.now() - seen_at).total_seconds()))
    return {
        "ok": age <= settings.HEALTH_HEARTBEAT_MAX_AGE,
        "last_seen": seen_at.isoformat(),
        "age_seconds": age,
        "max_age_seconds": settings.HEALTH_HEARTBEAT_MAX_AGE,
    }


CHECKS = {"database": _database, "broker": _broker, "worker_and_beat": _worker_and_beat}


def _run(check) -> dict:
    try:
        return check()
    except Exception as exc:  # any failure of a part is that part's status, never a 500
        return {"ok": False, "error": type(exc).__name__}


@never_cache
@require_GET
def health(request):
    parts = {name: _run(check) for name, check in CHECKS.items()}
    if not parts["database"]["ok"]:
        parts["worker_and_beat"] = {"ok": False, "error": "database unavailable"}
    ok = all(part["ok"] for part in parts.values())
    return JsonResponse({"status": "ok" if ok else "failing", "checks": parts}, status=200 if ok else 503)
