"""A Contact message is the account's it was sent from while signed in, never the account of an
address someone typed: its list, conversation, answers, export, emails and erasure follow that."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse

from notifications.models import Notification
from people.exports import _support_requests
from people.services import delete_account
from people.tests.factories import make_mentee, make_staff
from staff.models import StaffCase
from support import services
from support.models import SupportRequest

from .helpers import text

pytestmark = pytest.mark.django_db

MESSAGE = {"name": "Hannah Wright", "subject": "About my mentor", "message": "Hannah's private question."}


@pytest.fixture(autouse=True)
def _no_extra_staff(settings):
    settings.STAFF_NOTIFICATION_EMAILS = []
    settings.SUPPORT_INBOUND_DOMAIN = ""


@pytest.fixture
def hannah():
    return make_mentee(first_name="Hannah", last_name="Wright", email="hannah@example.com")


@pytest.fixture
def john():
    return make_mentee(first_name="John", last_name="Smith", email="john.smith@example.com")


def send(client, capture, **data):
    with capture(execute=True):
        return client.post(reverse("contact"), {**MESSAGE, **data})


def test_a_signed_in_sender_typing_another_address_keeps_the_message_their_own(
    client, hannah, john, django_capture_on_commit_callbacks
):
    make_staff(email="staff@example.com")
    client.force_login(hannah)

    response = send(client, django_capture_on_commit_callbacks, email="john.smith@example.com")

    assert response.status_code == 302
    request = SupportRequest.objects.get()
    assert (request.user, request.email) == (hannah, "hannah@example.com")
    (confirmation,) = [m for m in mail.outbox if "staff@example.com" not in m.to]
    assert confirmation.to == ["hannah@example.com"] and "Hello Hannah" in confirmation.body
    assert all("john.smith@example.com" not in m.to for m in mail.outbox)
    assert Notification.objects.get(recipient=hannah).email == "hannah@example.com"
    followed = client.get(reverse("help"))
    assert "We will reply to hannah@example.com" in text(followed.content.decode())

    # John sees nothing of it, cannot answer it, and his export does not carry it.
    client.force_login(john)
    assert "About my mentor" not in client.get(reverse("support_messages")).content.decode()
    assert client.get(reverse("support_message", args=[request.pk])).status_code == 404
    assert client.post(reverse("support_message", args=[request.pk]), {"body": "Mine now"}).status_code == 404
    assert request.replies.count() == 0
    assert _support_requests(john) == []
    assert [s["subject"] for s in _support_requests(hannah)] == ["About my mentor"]

    # The programme's reply goes to Hannah's account address, greeting Hannah.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_as_staff(request, make_staff(email="s2@example.com"), "Here is the answer.")
    (reply,) = mail.outbox
    assert reply.to == ["hannah@example.com"] and "Hello Hannah" in reply.body


def test_the_form_shows_the_account_address_and_ignores_a_typed_one(client, hannah):
    client.force_login(hannah)

    html = client.get(reverse("contact")).content.decode()

    field = html.split('name="email"', 1)[0].rsplit("<input", 1)[1] + html.split('name="email"', 1)[1].split(">", 1)[0]
    assert "disabled" in field and 'value="hannah@example.com"' in field
    assert "Your account&#x27;s address" in html or "Your account's address" in html


def test_a_signed_out_message_is_nobodys_whatever_address_was_typed(client, django_capture_on_commit_callbacks):
    priya = make_mentee(first_name="Priya", last_name="Patel", email="priya.patel@example.com")

    send(client, django_capture_on_commit_callbacks, name="Someone", email="PRIYA.PATEL@example.com")

    request = SupportRequest.objects.get()
    assert request.user is None
    client.force_login(priya)
    assert "About my mentor" not in client.get(reverse("support_messages")).content.decode()
    assert client.get(reverse("support_message", args=[request.pk])).status_code == 404
    assert _support_requests(priya) == []


def test_the_staff_case_says_whose_account_sent_it(client, hannah, django_capture_on_commit_callbacks):
    client.force_login(hannah)
    send(client, django_capture_on_commit_callbacks, email="john.smith@example.com")
    case = StaffCase.objects.get(support_request__isnull=False)
    manager = make_staff(email="manager@example.com")
    client.force_login(manager)

    page = text(client.get(reverse("staff_case", args=[case.pk])).content.decode())

    assert "Sent while signed in as Hannah Wright (hannah@example.com)." in page
    assert "john.smith@example.com" not in page


def test_erasure_takes_the_leavers_messages_and_nobody_elses(hannah, john):
    # Hannah's, sent signed in (one from before the mend, still carrying John's typed address).
    hannahs = SupportRequest.objects.create(
        user=hannah, name="H", email="hannah@example.com", subject="H1", message="a"
    )
    typed = SupportRequest.objects.create(
        user=hannah, name="H", email="john.smith@example.com", subject="H2", message="b"
    )
    johns = SupportRequest.objects.create(
        user=john, name="J", email="john.smith@example.com", subject="J1", message="c"
    )
    johns_signed_out = SupportRequest.objects.create(
        name="J", email="john.smith@example.com", subject="J2", message="d"
    )

    delete_account(john)

    for row in (hannahs, typed, johns, johns_signed_out):
        row.refresh_from_db()
    assert (hannahs.user, hannahs.message, typed.user, typed.message) == (hannah, "a", hannah, "b")
    assert johns.message != "c" and johns_signed_out.message != "d"

    delete_account(hannah)

    hannahs.refresh_from_db()
    typed.refresh_from_db()
    assert hannahs.message != "a" and typed.message != "b"


def test_the_migration_gives_signed_in_messages_their_accounts_address(hannah, john):
    typed = SupportRequest.objects.create(
        user=hannah, name="H", email="john.smith@example.com", subject="H", message="a"
    )
    same = SupportRequest.objects.create(user=john, name="J", email="John.Smith@example.com", subject="J", message="b")
    guest = SupportRequest.objects.create(name="P", email="priya.patel@example.com", subject="P", message="c")
    migration = importlib.import_module("support.migrations.0010_signed_in_messages_use_the_account_address")

    migration.mend(apps, None)

    for row in (typed, same, guest):
        row.refresh_from_db()
    assert typed.email == "hannah@example.com"
    assert same.email == "John.Smith@example.com"
    assert guest.email == "priya.patel@example.com"
