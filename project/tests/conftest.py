"""The real Celery worker (see notifications/tests/worker.py), for the /health/ tests."""

from notifications.tests.worker import (  # noqa: F401
    celery_worker_process,
    celery_worker_session,
    pytest_runtest_makereport,
)
