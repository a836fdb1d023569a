"""Confirming an import with the task queue down (refused, or silent: Celery's own ``.delay()`` waited on
it for ever): the page answers at once with no error and says the import will start shortly, which
stays true: the sweep (``tasks.start_waiting_imports``) runs it, once however often it runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.tests.broker_down import broker_down, post_in_thread
from people.tests.factories import make_staff
from staff.imports import services, tasks
from staff.imports.models import ImportBatch, ImportRow, Invitation

from .helpers import csv_upload, member_rows, taxonomy

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("kind", ["refused", "silent"])
def test_with_the_queue_down_confirming_answers_at_once_and_the_sweep_runs_the_import_once(kind, client, settings):
    taxonomy()
    staff = make_staff()
    client.force_login(staff)
    batch = services.preview(staff_user=staff, upload=csv_upload(member_rows(3)))
    mail.outbox.clear()
    with broker_down(kind, settings):
        response, took = post_in_thread(client, reverse("staff_import_confirm", args=[batch.pk]))
    assert took < 5, f"confirming waited {took:.1f}s for the task queue"
    text = response.content.decode()
    assert response.status_code == 200
    assert "The import will start shortly. This page shows its progress." in text
    assert "Waiting to start: the import begins within a few minutes" in text
    assert "being created in the background" not in text  # not yet: nothing has started it
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.QUEUED and batch.queued_at is not None

    # Within the grace its own message may still come: the sweep leaves it alone.
    assert tasks.start_waiting_imports.apply().get() == 0
    ImportBatch.objects.filter(pk=batch.pk).update(
        queued_at=timezone.now() - timedelta(seconds=settings.QUEUE_GRACE_SECONDS + 1)
    )
    assert tasks.start_waiting_imports.apply().get() == 1
    assert tasks.start_waiting_imports.apply().get() == 0  # run twice: imported once
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE and batch.created_count == 3
    assert ImportRow.objects.filter(batch=batch, status=ImportRow.Status.CREATED).count() == 3
    assert Invitation.objects.filter(batch=batch).count() == 3
    assert len([m for m in mail.outbox if "invit" in m.subject.lower()]) == 3
    page = client.get(reverse("staff_import_batch", args=[batch.pk])).content.decode()
    assert "Finished: 3 accounts created and invited." in page


def test_an_import_run_twice_at_once_creates_each_account_once(settings):
    """The sweep and the import's own (late) message may run it at the same moment: each chunk is taken
    under the batch's lock, so whichever comes second finds those rows done."""
    import threading

    from django.db import connection

    from staff.imports import running

    taxonomy()
    staff = make_staff()
    batch = services.preview(staff_user=staff, upload=csv_upload(member_rows(12)))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.QUEUED, queued_at=None)
    mail.outbox.clear()
    gate, errors = threading.Barrier(2), []

    def run():
        try:
            gate.wait()
            running.run(batch.pk, chunk=2)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    assert (batch.created_count, batch.processed, batch.skipped_count) == (12, 12, 0)
    assert Invitation.objects.filter(batch=batch).count() == 12
    assert len([m for m in mail.outbox if "invit" in m.subject.lower()]) == 12
