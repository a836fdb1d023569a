"""Download my data with the task queue down: the page answers at once and says what is true ("we are
preparing a copy"), and the sweep (``people.tasks.build_waiting_exports``) builds the copy and emails the
link once, however often it runs. Down means nothing listening on the broker's port (refused), or a
listener that never answers (silent: Celery's own ``.delay()`` waited on it for ever)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.tests.broker_down import broker_down, post_in_thread
from people import tasks
from people.models import DataExport
from people.tests.factories import make_mentee

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("kind", ["refused", "silent"])
def test_with_the_queue_down_the_page_answers_at_once_and_the_sweep_builds_the_copy_once(kind, client, settings):
    bea = make_mentee(first_name="Bea", last_name="Down", email="bea.down@example.com")
    client.force_login(bea)
    mail.outbox.clear()
    with broker_down(kind, settings):
        response, took = post_in_thread(client, reverse("data_export_request"))
    assert took < 5, f"the page waited {took:.1f}s for the task queue"
    assert response.status_code == 200
    assert "We are preparing a copy of your data" in response.content.decode()
    export = DataExport.objects.get(user=bea)
    assert export.status == DataExport.Status.PENDING  # not built: its message was never queued
    # Asked again meanwhile: the same copy, still true to say it is being prepared.
    again = client.post(reverse("data_export_request"), follow=True).content.decode()
    assert "already preparing a copy of your data" in again
    assert DataExport.objects.filter(user=bea).count() == 1

    # Within the grace its own message may still come: the sweep leaves it alone.
    assert tasks.build_waiting_exports.apply().get() == 0
    DataExport.objects.filter(pk=export.pk).update(
        requested_at=timezone.now() - timedelta(seconds=settings.QUEUE_GRACE_SECONDS + 1)
    )
    assert tasks.build_waiting_exports.apply().get() == 1
    assert tasks.build_waiting_exports.apply().get() == 0  # run twice: built once
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY and export.file
    sent = [m for m in mail.outbox if m.to == [bea.email] and "ready to download" in m.subject]
    assert len(sent) == 1
