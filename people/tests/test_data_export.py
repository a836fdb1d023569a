"""Download my data: requested on Edit Account, built in the background, emailed, owner-only, expiring."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journeys.services import activity, relationships
from journeys.tests.helpers import send, walk_to
from notifications.models import Notification
from people.models import DataExport
from people.tests.factories import make_mentee, make_mentor

pytestmark = pytest.mark.django_db


@pytest.fixture
def both(db):
    """Bea mentors Mo and is herself mentored by Alice: relationships in both roles."""
    bea = make_mentor(first_name="Bea", last_name="Both", email="bea@example.com", biography="Bea's biography")
    bea.profile.is_mentee = True
    bea.profile.phone = "07700 900777"
    bea.profile.save()
    return bea


@pytest.fixture
def world(both, mentor, outsider, django_capture_on_commit_callbacks):
    """Bea's data, and Olive's (a stranger to Bea, also mentored by Alice), which must stay out."""
    from support.services import submit_support_request

    mo = make_mentee(first_name="Mo", last_name="Mentee", email="mo@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        as_mentor = walk_to(send(mo, both, statement="Mo asks Bea for help"), mo, both, "progression")
        as_mentee = walk_to(send(both, mentor, statement="Bea asks Alice for help"), both, mentor, "feedback")
        activity.send_message(
            as_mentee.conversation, both, "Bea's message", SimpleUploadedFile("bea-plan.txt", b"Bea's plan\n")
        )
        activity.send_message(
            as_mentee.conversation, mentor, "Alice's reply", SimpleUploadedFile("alice-notes.txt", b"Alice's notes\n")
        )
        activity.create_goal(as_mentor, both, label="Bea set this goal for Mo", details="", due_date=None)
        from journeys.services import concerns, worksheets

        worksheets.save_worksheet(as_mentee, both, kind="swot", answers={"strengths": "Bea's strengths"})
        worksheets.comment_on_worksheet(as_mentee, mentor, kind="swot", text="Alice's comment on Bea's SWOT")
        concerns.raise_concern(as_mentee, both, "Bea's concern about Alice")
        concerns.raise_concern(as_mentee, mentor, "Alice's concern about Bea")
        relationships.give_feedback(as_mentee, both, 4, "Bea's feedback about Alice")
        relationships.give_feedback(as_mentee, mentor, 2, "Alice's private feedback about Bea")
        submit_support_request(
            name="Bea Both", email=both.email, subject="Bea needs help", message="Bea's question", user=both
        )
        # Olive's own journey with Alice: none of it is Bea's.
        olive = walk_to(send(outsider, mentor, statement="Olive's secret statement"), outsider, mentor, "progression")
        activity.send_message(olive.conversation, outsider, "Olive's secret message")
        submit_support_request(name="Olive Outsider", email=outsider.email, subject="Olive's", message="Olive's secret")
    return {"as_mentor": as_mentor, "as_mentee": as_mentee, "olive": olive}


def request_and_build(client, user, capture) -> DataExport:
    client.force_login(user)
    page = client.get(reverse("account")).content.decode()
    assert reverse("data_export_request") in page and "Request a copy of my data" in page
    with capture(execute=True):
        resp = client.post(reverse("data_export_request"), follow=True)
    assert "We are preparing a copy of your data" in resp.content.decode()
    return DataExport.objects.get(user=user)


def open_zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_zip_holds_the_persons_data_in_both_roles_and_nobody_elses(
    client, both, world, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    export = request_and_build(client, both, django_capture_on_commit_callbacks)
    assert export.status == DataExport.Status.READY

    # The link arrives by email (through the outbox) and downloads the zip.
    sent = [m for m in mail.outbox if m.to == [both.email] and "ready to download" in m.subject]
    assert len(sent) == 1
    link = re.search(r"https?://[^/\s]+(/account/my-data/[0-9a-f-]+/)", sent[0].body).group(1)
    resp = client.get(link)
    assert resp.status_code == 200 and resp["Content-Type"] == "application/zip"
    archive = open_zip(resp)
    names = set(archive.namelist())
    assert {"README.txt", "account.json", "profile.json", "relationships.json", "messages.json",
            "notifications.json", "support_requests.json"} <= names  # fmt: skip

    account = json.loads(archive.read("account.json"))
    assert account["email"] == "bea@example.com" and account["first_name"] == "Bea"
    profile = json.loads(archive.read("profile.json"))
    assert profile["phone"] == "07700 900777" and profile["biography"] == "Bea's biography"
    assert profile["is_mentor"] and profile["is_mentee"]

    rels = json.loads(archive.read("relationships.json"))
    by_role = {r["your_role"]: r for r in rels}
    assert set(by_role) == {"mentor", "mentee"}
    assert by_role["mentor"]["personal_statement"] == "Mo asks Bea for help"
    assert by_role["mentee"]["mentor"] == "Alice Kember"
    assert "Bea set this goal for Mo" in [g["label"] for g in by_role["mentor"]["goals"]]
    assert by_role["mentee"]["meetings"] and by_role["mentee"]["history"]
    # Feedback stays private: hers is in, what Alice wrote about her is not.
    assert by_role["mentee"]["feedback_you_gave"] == [
        {"rating": 4, "comments": "Bea's feedback about Alice", "at": by_role["mentee"]["feedback_you_gave"][0]["at"]}
    ]

    # The worksheet both of them see, in full; only the concern she raised.
    (swot,) = by_role["mentee"]["worksheets"]
    assert swot["worksheet"] == "SWOT" and swot["versions"][0]["answers"]["Strengths"] == "Bea's strengths"
    assert (
        swot["comments"][0]["text"] == "Alice's comment on Bea's SWOT" and swot["comments"][0]["by"] == "Alice Kember"
    )
    assert [c["message"] for c in by_role["mentee"]["concerns_you_raised"]] == ["Bea's concern about Alice"]
    assert "Alice's concern about Bea" not in json.dumps(rels)

    conversations = json.loads(archive.read("messages.json"))
    texts = [m["text"] for c in conversations for m in c["messages"]]
    assert "Bea's message" in texts and "Alice's reply" in texts
    # Her upload is in files/; Alice's upload is only named, not included.
    files = [n for n in names if n.startswith("files/")]
    assert len(files) == 1 and files[0].endswith("bea-plan.txt")
    assert archive.read(files[0]) == b"Bea's plan\n"

    notifications = json.loads(archive.read("notifications.json"))
    assert notifications and all("Olive" not in n["text"] for n in notifications)
    support = json.loads(archive.read("support_requests.json"))
    assert [s["subject"] for s in support] == ["Bea needs help"]

    everything = b"".join(archive.read(n) for n in names).decode()
    for stranger in ("Olive", "olive@example.com", "Alice's private feedback", "Alice's notes"):
        assert stranger not in everything


def test_only_the_owner_can_download_others_get_404_and_visitors_sign_in(
    client, both, outsider, mentor, staff, django_capture_on_commit_callbacks
):
    export = request_and_build(client, both, django_capture_on_commit_callbacks)
    url = reverse("data_export_download", args=[export.token])
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("account_login"))
    for other in (outsider, mentor, staff):
        client.force_login(other)
        assert client.get(url).status_code == 404
    client.force_login(both)
    assert client.get(url).status_code == 200
    # The file is in the private store (PRIVATE_MEDIA_ROOT), not under any public URL.
    from django.core.files.storage import storages

    assert DataExport._meta.get_field("file")._storage_callable() is storages["private"]
    assert export.file.name.startswith("exports/")
    for public in (f"/{export.file.name}", f"/media/{export.file.name}", f"/static/{export.file.name}"):
        assert client.get(public).status_code == 404


def test_an_expired_link_says_so_and_the_file_is_removed(client, both, settings, django_capture_on_commit_callbacks):
    from people.exports import remove_expired

    settings.DATA_EXPORT_EXPIRE_DAYS = 2
    export = request_and_build(client, both, django_capture_on_commit_callbacks)
    assert export.expires_at - export.ready_at == timedelta(days=2)
    url = reverse("data_export_download", args=[export.token])
    assert client.get(url).status_code == 200
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    resp = client.get(url)
    assert resp.status_code == 410
    assert "This download link expired on" in resp.content.decode()
    path = export.file.path
    assert remove_expired() == 1
    export.refresh_from_db()
    assert not export.file
    import os

    assert not os.path.exists(path)
    assert "expired" in client.get(url).content.decode()
    assert "Your last copy has expired" in client.get(reverse("account")).content.decode()


def test_asking_twice_while_preparing_does_not_start_a_second_export(client, both):
    client.force_login(both)
    client.post(reverse("data_export_request"))  # on_commit never runs here: stays pending
    resp = client.post(reverse("data_export_request"), follow=True)
    assert "already preparing" in resp.content.decode()
    assert DataExport.objects.filter(user=both).count() == 1


def test_the_request_must_be_a_post(client, both):
    client.force_login(both)
    assert client.get(reverse("data_export_request")).status_code == 405
    assert not DataExport.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_zip_in_the_background_and_emails_the_link(
    client, celery_worker_process, mailbox, monkeypatch
):
    """Through Redis and a real Celery worker: the page answers at once, the email comes later."""
    monkeypatch.undo()  # the worker writes to the real private store, so this process must read it too
    bea = make_mentee(first_name="Bea", last_name="Worker", email="bea.worker@example.com")
    client.force_login(bea)
    resp = client.post(reverse("data_export_request"))
    assert resp.status_code == 302
    email = mailbox.wait_for(to=bea.email, subject_contains="ready to download")
    link = re.search(r"https?://[^/\s]+(/account/my-data/[0-9a-f-]+/)", email.text).group(1)
    archive = open_zip(client.get(link))
    assert json.loads(archive.read("account.json"))["email"] == "bea.worker@example.com"
    export = DataExport.objects.get(user=bea)
    assert export.status == DataExport.Status.READY
    export.file.delete(save=False)


def test_the_zip_holds_her_sign_in_records_and_whether_she_has_a_calendar_address(
    client, both, outsider, settings, django_capture_on_commit_callbacks
):
    """The privacy page lists sign-in records (time, IP address, browser) and the calendar address among
    what is stored: the copy has them too (the secret address itself stays out), and nobody else's."""
    from journeys.services import meetings
    from people.tests.factories import PASSWORD

    settings.AXES_ENABLED = True
    login = reverse("account_login")
    browser = {"REMOTE_ADDR": "203.0.113.7", "HTTP_USER_AGENT": "Bea's Firefox"}
    assert client.post(login, {"login": both.email, "password": PASSWORD}, **browser).status_code == 302
    # Wrong passwords for her account while she is signed in (a sign-in that works clears the count of
    # those before it, AXES_RESET_ON_SUCCESS), from another browser, and one for someone else's.
    elsewhere = Client()
    elsewhere.post(login, {"login": "BEA@example.com", "password": "wrong-password"}, **browser)
    elsewhere.post(login, {"login": outsider.email, "password": "wrong-password"}, REMOTE_ADDR="198.51.100.1")
    feed = meetings.open_calendar_feed(both)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("data_export_request"))
    export = DataExport.objects.get(user=both)
    archive = open_zip(client.get(reverse("data_export_download", args=[export.token])))
    records = json.loads(archive.read("sign_in_records.json"))
    # Hers through the sign-in page.
    (signed_in,) = [r for r in records["sign_ins"] if r["browser"] == "Bea's Firefox"]
    assert (signed_in["ip_address"], signed_in["browser"], signed_in["email_address_tried"]) == (
        "203.0.113.7",
        "Bea's Firefox",
        "bea@example.com",
    )
    assert signed_in["at"] and signed_in["signed_out_at"] is None
    (failed,) = records["failed_sign_ins"]
    assert (failed["ip_address"], failed["browser"], failed["failures"]) == ("203.0.113.7", "Bea's Firefox", 1)
    assert failed["email_address_tried"] == "bea@example.com" and failed["at"]
    assert "198.51.100.1" not in json.dumps(records) and outsider.email not in json.dumps(records)

    account = json.loads(archive.read("account.json"))
    assert account["calendar_address"]["made_at"] == feed.created_at.isoformat()
    everything = b"".join(archive.read(n) for n in archive.namelist()).decode()
    assert feed.secret not in everything and feed.key not in everything
    readme = archive.read("README.txt").decode()
    assert "sign_in_records.json" in readme and "calendar address" in readme


def test_the_email_says_until_when_the_link_works_in_uk_time(client, both, django_capture_on_commit_callbacks):
    """The link stops working at a time of day, so the email names the time zone, as meeting emails do."""
    export = request_and_build(client, both, django_capture_on_commit_callbacks)
    note = Notification.objects.get(recipient=both, event="data_export_ready")
    until = timezone.localtime(export.expires_at)
    expected = f"The link works until {until.day} {until:%B %Y, %H:%M} (UK time) and only when you are signed in"
    assert expected in note.body_text
    assert expected in note.body_html
