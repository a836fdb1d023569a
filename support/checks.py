"""`python -m support.checks`: do PostgreSQL and Redis answer? (run by `make test`)."""

from __future__ import annotations

import os
import socket
import sys
from urllib.parse import urlparse


def answers(url: str, default_port: int) -> tuple[bool, str]:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or default_port
    try:
        with socket.create_connection((host, port), timeout=3):
            return True, f"{host}:{port}"
    except OSError as exc:
        return False, f"{host}:{port} ({exc})"


def main() -> int:
    db = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mentoring")
    redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/5")
    ok = True
    for name, url, port, hint in (
        ("PostgreSQL", db, 5432, "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"),
        ("Redis", redis, 6379, 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'),
    ):
        up, where = answers(url, port)
        if not up:
            ok = False
            print(f"{name} does not answer at {where}. The tests need it. Start it, e.g.: {hint}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
