"""The Import pages as a programme manager uses them; support staff and participants are refused."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from journeys.services.base import Refused
from people.tests.factories import make_mentee, make_staff
from staff.imports import services
from staff.imports.models import ImportBatch, Invitation

from .helpers import csv_upload, member_rows, taxonomy

pytestmark = pytest.mark.django_db


def test_upload_preview_confirm_and_progress(client, django_capture_on_commit_callbacks):
    taxonomy()
    client.force_login(make_staff())
    page = client.get(reverse("staff_import"))
    assert page.status_code == 200
    assert 'aria-current="page"' in page.content.decode() or "Import" in page.content.decode()
    rows = member_rows(3) + [["=cmd|calc", "", "", "", "mentor", "Leadershp", ""]]
    response = client.post(reverse("staff_import"), {"file": csv_upload(rows)}, follow=True)
    text = response.content.decode()
    batch = ImportBatch.objects.get()
    assert response.redirect_chain[-1][0] == reverse("staff_import_batch", args=[batch.pk])
    assert "3 rows are ready" in text and "1 row has errors" in text
    assert "Rows that will not be imported" in text
    assert "Did you mean “Leadership”?" in text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("staff_import_confirm", args=[batch.pk]))
    text = client.get(reverse("staff_import_batch", args=[batch.pk])).content.decode()
    assert '<progress max="3" value="3"' in text
    assert "Finished: 3 accounts created and invited." in text
    assert "Show the latest progress" not in text  # finished: nothing more to follow
    assert "Rows not imported</h2>" in text and "will not be imported" not in text  # said as done


def test_a_file_with_no_good_row_says_nothing_is_ready_and_offers_no_import(client):
    taxonomy()
    client.force_login(make_staff())
    rows = [["not-an-address", "", "", "", "mentor", "", ""]]
    text = client.post(reverse("staff_import"), {"file": csv_upload(rows)}, follow=True).content.decode()
    assert "No row is ready to import: nobody would get an account or an invitation." in text
    assert "0 rows are ready" not in text and "Import 0 people" not in text


def test_a_running_import_offers_its_latest_progress(client):
    taxonomy()
    staff = make_staff()
    client.force_login(staff)
    batch = services.preview(staff_user=staff, upload=csv_upload(member_rows(4)))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING, processed=1)
    text = client.get(reverse("staff_import_batch", args=[batch.pk])).content.decode()
    # No timed refresh (WCAG 2.2.1, axe's meta-refresh rule): a link shows the latest progress.
    assert 'http-equiv="refresh"' not in text and 'id="import-refresh"' in text
    assert "1 of 4 rows done (25%)." in text


def test_the_problem_rows_download_as_a_formula_safe_csv(client):
    taxonomy()
    staff = make_staff()
    client.force_login(staff)
    rows = [["=HYPERLINK(1)", "-x", "", "", "mentor", "", ""], *member_rows(1)]
    batch = services.preview(staff_user=staff, upload=csv_upload(rows))
    response = client.get(reverse("staff_import_errors", args=[batch.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"\xef\xbb\xbf")  # the mark Excel reads UTF-8 by
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0][:2] == ["Row", "Email"]
    assert len(lines) == 2
    assert lines[1][1] == "'=HYPERLINK(1)" and lines[1][2] == "'-x"
    assert "is not a valid email address" in lines[1][-1]


def test_an_unreadable_file_is_an_error_on_the_field(client):
    client.force_login(make_staff())
    response = client.post(reverse("staff_import"), {"file": csv_upload([], header=["name"])})
    assert response.status_code == 400
    assert 'id="id_file_error"' in response.content.decode()


def test_excel_unicode_text_previews_its_rows(client):
    """What Excel saves as "Unicode text": UTF-16 with a byte order mark, tab-separated, CRLF."""
    taxonomy()
    client.force_login(make_staff())
    lines = ["\t".join(["Email", "First name", "Last name", "Organisation", "Role", "Areas", "Community"])]
    lines += ["\t".join(row) for row in member_rows(2)]
    upload = SimpleUploadedFile("members.txt", "\r\n".join(lines).encode("utf-16"), content_type="text/plain")
    response = client.post(reverse("staff_import"), {"file": upload}, follow=True)
    text = response.content.decode()
    assert "2 rows are ready" in text and "has errors" not in text
    assert ImportBatch.objects.get().rows.filter(email=member_rows(1)[0][0].lower()).exists()


def test_cancelling_a_preview_creates_nothing(client):
    taxonomy()
    staff = make_staff()
    client.force_login(staff)
    batch = services.preview(staff_user=staff, upload=csv_upload(member_rows(2)))
    client.post(reverse("staff_import_cancel", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CANCELLED and not batch.rows.exists()


def test_a_cancelled_import_cannot_be_confirmed_or_cancelled_again_and_the_page_says_why(client):
    taxonomy()
    staff = make_staff()
    client.force_login(staff)
    batch = services.preview(staff_user=staff, upload=csv_upload(member_rows(2)))
    client.post(reverse("staff_import_cancel", args=[batch.pk]))
    response = client.post(reverse("staff_import_confirm", args=[batch.pk]), follow=True)
    text = response.content.decode()
    assert "This import was cancelled: to import this file, upload it again." in text
    assert "already been confirmed" not in text
    response = client.post(reverse("staff_import_cancel", args=[batch.pk]), follow=True)
    text = response.content.decode()
    assert "This import has already been cancelled." in text
    assert "has not been confirmed" not in text
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CANCELLED


@pytest.mark.parametrize(
    ("status", "confirming", "cancelling"),
    [
        ("queued", "its accounts are being created", "it can no longer be cancelled"),
        ("running", "its accounts are being created", "it can no longer be cancelled"),
        ("done", "it has finished", "already finished"),
        ("failed", "stopped on an error", "stopped on an error"),
    ],
)
def test_a_confirmed_import_says_what_became_of_it_when_confirmed_or_cancelled_again(status, confirming, cancelling):
    taxonomy()
    staff = make_staff()
    batch = services.preview(staff_user=staff, upload=csv_upload(member_rows(1)))
    ImportBatch.objects.filter(pk=batch.pk).update(status=status)
    with pytest.raises(Refused, match=confirming):
        services.confirm(batch, staff_user=staff)
    with pytest.raises(Refused, match=cancelling):
        services.discard(batch)
    batch.refresh_from_db()
    assert batch.status == status


def test_invite_by_hand_and_resend_from_the_page(client):
    client.force_login(make_staff())
    response = client.post(
        reverse("staff_import_invite"),
        {
            "invite-email": "kai@example.org",
            "invite-first_name": "Kai",
            "invite-last_name": "Lee",
            "invite-role": "both",
        },
        follow=True,
    )
    assert "kai@example.org has been invited by email." in response.content.decode()
    invitation = Invitation.objects.get(user__email="kai@example.org")
    response = client.post(reverse("staff_invitation_resend", args=[invitation.pk]), follow=True)
    assert "the earlier link no longer works" in response.content.decode()
    response = client.post(reverse("staff_import_invite"), {"invite-email": "bad", "invite-first_name": "Kai"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="form-errors" role="alert" tabindex="-1" autofocus' in html and 'id="id_invite-email_error"' in html
    assert 'value="Kai"' in html  # what was typed, kept
    # shown again at the invitation's address, the upload form still posts to the import page
    assert f'action="{reverse("staff_import")}" enctype="multipart/form-data" class="stacked" novalidate>' in html
    assert not Invitation.objects.filter(user__email="bad").exists()


@pytest.mark.parametrize("who", ["support", "participant"])
def test_only_programme_managers_import(client, who):
    client.force_login(make_staff(role="support") if who == "support" else make_mentee())
    assert client.get(reverse("staff_import")).status_code == 403
    assert client.post(reverse("staff_import"), {"file": csv_upload(member_rows(1))}).status_code == 403
    assert not ImportBatch.objects.exists()


def test_resend_from_the_member_page_for_someone_invited_not_joined(client):
    staff = make_staff()
    client.force_login(staff)
    invitation = services.invite(
        staff_user=staff, email="kai@example.org", first_name="Kai", last_name="Lee", role="mentee"
    )
    page = reverse("staff_member", args=[invitation.user.pk])
    assert "Resend invitation" in client.get(page).content.decode()
    response = client.post(reverse("staff_invitation_resend", args=[invitation.pk]), {"next": page})
    assert response["Location"] == page
    invitation.refresh_from_db()
    assert invitation.times_sent == 2
    member = make_mentee(email="joined@example.org")
    assert "Resend invitation" not in client.get(reverse("staff_member", args=[member.pk])).content.decode()
