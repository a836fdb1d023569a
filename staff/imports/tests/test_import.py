"""Preview, confirm and the background import: accounts, profiles, invitations, progress, idempotence."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from journeys.services.base import Refused
from notifications.models import Notification
from people.models import Profile
from people.tests.factories import make_staff
from staff.imports import services, tasks
from staff.imports.models import ImportBatch, ImportRow, Invitation

from .helpers import csv_upload, member_rows, taxonomy, xlsx_upload

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_the_preview_creates_nothing_but_the_checked_rows():
    taxonomy()
    staff = make_staff()
    batch = services.preview(staff_user=staff, upload=csv_upload(member_rows(3) + [["bad", "", "", "", "", "", ""]]))
    assert batch.status == ImportBatch.Status.PREVIEW
    assert (batch.total_rows, batch.valid_rows) == (4, 3)
    assert batch.rows.filter(status=ImportRow.Status.INVALID).count() == 1
    assert User.objects.filter(is_staff=False).count() == 0


def test_confirming_imports_in_the_background_and_invites_everyone(django_capture_on_commit_callbacks):
    areas, communities = taxonomy()
    staff = make_staff()
    batch = services.preview(staff_user=staff, upload=xlsx_upload(member_rows(7)))
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm(batch, staff_user=staff)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    assert (batch.processed, batch.created_count, batch.skipped_count, batch.percent) == (7, 7, 0, 100)
    user = User.objects.get(email="person1@example.org")
    assert (user.first_name, user.last_name) == ("First1", "Last1")
    assert not user.has_usable_password()
    profile = Profile.objects.get(user=user)
    assert (profile.is_mentor, profile.is_mentee, profile.organisation) == (False, True, "Acme")
    assert profile.community == communities[0]
    assert set(profile.areas.all()) == {areas[0], areas[2]}
    assert EmailAddress.objects.get(user=user).verified is False
    invitation = Invitation.objects.get(user=user)
    assert invitation.batch == batch and invitation.invited_by == staff
    note = Notification.objects.get(recipient=user, event="invitation")
    assert "/invitation/" in note.body_text and "You are invited to join" in note.subject
    assert note.email_status == Notification.Email.SENT  # the eager worker delivered it
    assert Notification.objects.filter(event="invitation").count() == 7


def test_the_task_works_in_chunks_and_a_second_run_creates_nothing():
    taxonomy()
    staff = make_staff()
    batch = services.preview(staff_user=staff, upload=csv_upload(member_rows(12)))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.QUEUED)
    services.run(batch.pk, chunk=5)
    batch.refresh_from_db()
    assert (batch.processed, batch.created_count) == (12, 12)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.QUEUED)
    assert tasks.run_import(batch.pk) == ImportBatch.Status.DONE  # acks_late redelivery: nothing left
    assert User.objects.filter(email__endswith="@example.org").count() == 12
    assert Invitation.objects.count() == 12


def test_importing_the_same_file_again_creates_nothing_twice(django_capture_on_commit_callbacks):
    taxonomy()
    staff = make_staff()
    for _ in range(2):
        batch = services.preview(staff_user=staff, upload=csv_upload(member_rows(5)))
        if batch.valid_rows:
            with django_capture_on_commit_callbacks(execute=True):
                services.confirm(batch, staff_user=staff)
    assert batch.valid_rows == 0
    assert batch.rows.filter(status=ImportRow.Status.EXISTS).count() == 5
    with pytest.raises(Refused, match="No row of this file can be imported"):
        services.confirm(batch, staff_user=staff)
    assert User.objects.filter(email__endswith="@example.org").count() == 5
    assert Notification.objects.filter(event="invitation").count() == 5


def test_someone_who_signs_up_between_preview_and_import_is_skipped():
    taxonomy()
    staff = make_staff()
    batch = services.preview(staff_user=staff, upload=csv_upload(member_rows(3)))
    User.objects.create_user(email="person1@example.org")
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.QUEUED)
    batch = services.run(batch.pk)
    assert (batch.created_count, batch.skipped_count) == (2, 1)
    assert batch.rows.get(email="person1@example.org").status == ImportRow.Status.SKIPPED
    assert not Invitation.objects.filter(user__email="person1@example.org").exists()


def test_a_batch_is_confirmed_once():
    taxonomy()
    staff = make_staff()
    batch = services.preview(staff_user=staff, upload=csv_upload(member_rows(1)))
    services.confirm(batch, staff_user=staff)
    with pytest.raises(Refused, match="already been confirmed"):
        services.confirm(batch, staff_user=staff)


def test_bulk_invitations_are_what_notify_writes():
    """The fast path (rendered once, names and links filled in) writes exactly what ``notify`` would."""
    from django.utils import timezone

    from notifications.services import written_fields

    now = timezone.now()
    people = [
        User.objects.create_user(email="o.neil@example.org", first_name="Priya", last_name="O'Neil & <Co>"),
        User.objects.create_user(email="eve@example.org", first_name="<b>Eve</b> & Co"),
        User.objects.create_user(email="noname@example.org"),
    ]
    invitations = [Invitation.objects.create(user=u, expires_at=now + timezone.timedelta(days=14)) for u in people]
    services._send_invitations(invitations)
    for invitation in invitations:
        note = Notification.objects.get(recipient=invitation.user, event="invitation")
        expected = written_fields(invitation.user, "invitation", services._context(invitation))
        for key, value in expected.items():
            assert getattr(note, key) == value, key
    assert "&lt;b&gt;Eve&lt;/b&gt; &amp; Co" in Notification.objects.get(email="eve@example.org").body_html
