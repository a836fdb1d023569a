"""Settings for the test suite: PostgreSQL and Redis, as in production.

Override any of them from the environment (DATABASE_URL, REDIS_URL).
"""

import os
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mentoring")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
os.environ.setdefault("ALLOW_DEV_SECRET", "true")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test"))


def _redis_db_shifted(url: str, by: int) -> str:
    """``url`` with its Redis database number raised by ``by`` (database 0 when it names none)."""
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) + by
    if number > 15:
        raise RuntimeError(f"Test worker needs Redis database {number}: lower -n or REDIS_URL's database.")
    return urlunsplit(parts._replace(path=f"/{number}"))


# Under pytest-xdist (`make test` runs the suite in one worker per core), worker gwN gets a database
# of its own from pytest-django (test_..._gwN), and here, for N > 0: its own two Redis databases (the
# cache's and the real Celery worker's, 2N above gw0's), its own cache prefix and its own VAR_DIR
# (uploads, private media, mail files). gw0, and a run without -n, use the values above unchanged.
# Processes the worker starts (a Celery worker, runplatform) inherit the shifted environment:
# TEST_WORKER_SETTINGS marks it, so they do not shift it twice.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_XDIST_N = int(_XDIST_WORKER[2:]) if _XDIST_WORKER[:2] == "gw" and _XDIST_WORKER[2:].isdigit() else 0
if _XDIST_N and os.environ.get("TEST_WORKER_SETTINGS") != _XDIST_WORKER:
    os.environ["TEST_WORKER_SETTINGS"] = _XDIST_WORKER
    # (database 6: the real Celery worker's default, notifications.tests.worker.E2E_REDIS_DB)
    _e2e = os.environ.get("E2E_REDIS_URL") or urlunsplit(urlsplit(os.environ["REDIS_URL"])._replace(path="/6"))
    os.environ["REDIS_URL"] = _redis_db_shifted(os.environ["REDIS_URL"], 2 * _XDIST_N)
    os.environ["E2E_REDIS_URL"] = _redis_db_shifted(_e2e, 2 * _XDIST_N)
    os.environ["CACHE_KEY_PREFIX"] = f"{os.environ.get('CACHE_KEY_PREFIX', 'mentoring-cache')}-{_XDIST_WORKER}"
    os.environ["VAR_DIR"] = os.path.join(os.environ["VAR_DIR"], _XDIST_WORKER)

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = os.environ.get("AXES_ENABLED", "false").lower() == "true"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
ACCOUNT_RATE_LIMITS = False
