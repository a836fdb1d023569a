"""The real Celery worker and its mailbox, for the delivery tests (see worker.py)."""

from notifications.tests.worker import (  # noqa: F401
    celery_worker_process,
    celery_worker_session,
    mailbox,
    pytest_runtest_makereport,
)
