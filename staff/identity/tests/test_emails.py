"""Every email uses the programme's identity: notifications and allauth's account emails alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.services import notify
from people.tests.factories import make_staff
from project import identity

from .test_settings_page import URL, form_data

pytestmark = pytest.mark.django_db


def html_of(message) -> str:
    return next(body for body, mime in message.alternatives if mime == "text/html")


@pytest.fixture
def rebranded(db):
    manager = Client()
    manager.force_login(make_staff())
    resp = manager.post(
        URL,
        form_data(
            programme_name="Northern Mentoring",
            brand_colour="#0b5e3f",
            sender_name="Northern Mentoring Team",
            reply_to="programme@northern.example",
            support_email="help@northern.example",
        ),
    )
    assert resp.status_code == 302
    return identity.current()


def test_a_fresh_install_sends_as_before(mentee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(mentee, "retention_warning", anonymise_on=timezone.now() + timedelta(days=30))
    (message,) = mail.outbox
    assert message.subject.startswith(f"[{settings.SITE_NAME}] ")
    assert message.from_email == f"{settings.SITE_NAME} <{settings.DEFAULT_FROM_EMAIL}>"
    assert message.reply_to == ([settings.SUPPORT_EMAIL] if settings.SUPPORT_EMAIL else [])
    assert "background:#4b2a85;color:#ffffff" in html_of(message)


def test_a_notification_email_uses_the_new_name_colour_sender_and_reply_to(
    rebranded, mentee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(mentee, "retention_warning", anonymise_on=timezone.now() + timedelta(days=30))
    (message,) = mail.outbox
    assert message.subject.startswith("[Northern Mentoring] ")
    assert message.from_email == f"Northern Mentoring Team <{settings.DEFAULT_FROM_EMAIL}>"
    assert message.reply_to == ["programme@northern.example"]
    html = html_of(message)
    assert "background:#0b5e3f;color:#ffffff" in html  # the button, in the brand colour
    for part in (message.body, html):
        assert "your Northern Mentoring account" in part  # the event's own words
        assert "Institute of Northern Engineers" in part  # the footer
        assert "help@northern.example" in part
        assert settings.SITE_NAME not in part
    # the message as sent: the headers are one line, encoded
    raw = message.message().as_string()
    assert "Reply-To: programme@northern.example" in raw
    assert "From: Northern Mentoring Team <" in raw


def test_the_reply_to_falls_back_to_the_support_email(mentee, django_capture_on_commit_callbacks):
    manager = Client()
    manager.force_login(make_staff())
    manager.post(URL, form_data(reply_to="", support_email="help@northern.example"))
    with django_capture_on_commit_callbacks(execute=True):
        notify(mentee, "retention_warning", anonymise_on=timezone.now() + timedelta(days=30))
    assert mail.outbox[0].reply_to == ["help@northern.example"]
    assert mail.outbox[0].from_email == f"Northern Mentoring <{settings.DEFAULT_FROM_EMAIL}>"


def test_the_password_reset_email_uses_the_new_name(rebranded, mentee, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("account_reset_password"), {"email": mentee.email})
    assert resp.status_code == 302
    (message,) = mail.outbox
    assert message.subject.startswith("[Northern Mentoring] ")
    assert message.from_email == f"Northern Mentoring Team <{settings.DEFAULT_FROM_EMAIL}>"
    assert message.reply_to == ["programme@northern.example"]
    for part in (message.body, html_of(message)):
        assert f"Hello {mentee.first_name}," in part  # greeted by name, as every notification
        assert "on Northern Mentoring" in part  # "... for the account with this email address on Northern Mentoring"
        assert "Questions about the programme?" in part and "help@northern.example" in part
        assert settings.SITE_NAME not in part


def test_the_confirmation_email_at_sign_up_uses_the_new_name(rebranded, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            reverse("account_signup"),
            {
                "email": "new@example.org",
                "password1": "a-Long-passphrase-9",
                "password2": "a-Long-passphrase-9",
                "first_name": "Nia",
                "last_name": "New",
                "register_as": "mentee",
            },
        )
    assert resp.status_code == 302
    (message,) = [m for m in mail.outbox if m.to == ["new@example.org"]]
    assert message.subject.startswith("[Northern Mentoring] ")
    assert message.body.startswith("Hello Nia,\n")
    assert "\nNorthern Mentoring\n" in message.body  # signed off with the programme's name


def test_the_help_page_shows_the_support_email(rebranded, client):
    assert "help@northern.example" in client.get(reverse("help")).content.decode()
