"""Fixtures for people's tests: a private file store of each test's own, and the real Celery worker."""

from pathlib import Path

import pytest

from notifications.tests.worker import (  # noqa: F401
    celery_worker_process,
    celery_worker_session,
    mailbox,
    pytest_runtest_makereport,
)


@pytest.fixture(autouse=True)
def private_store(tmp_path, monkeypatch) -> Path:
    """A private file store of this test's own for uploads and exports.

    (A FileField's storage callable runs once, when the model class loads, so overriding
    STORAGES in a test does not move where these fields write: the fields get a fresh store.)
    """
    from django.core.files.storage import FileSystemStorage

    from journeys.models import Attachment
    from people.models import DataExport

    root = tmp_path / "private-store"
    store = FileSystemStorage(location=root, base_url=None)
    for model in (Attachment, DataExport):
        monkeypatch.setattr(model._meta.get_field("file"), "storage", store)
    return root
