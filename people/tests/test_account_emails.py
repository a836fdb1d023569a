"""Account emails (allauth: confirm address, reset password) name the site and escape everything.

The site's name and address come from SITE_NAME / SITE_URL; a name written with markup
arrives as the characters typed, in the text part and the HTML part alike.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.sites.models import Site
from django.core import mail
from django.urls import reverse

from people.sites import sync_site

pytestmark = pytest.mark.django_db

NAME = "<b>Eve</b>"
DOMAIN = urlsplit(settings.SITE_URL).netloc


def parts(message):
    html = next(body for body, mime in message.alternatives if mime == "text/html")
    return message.body, html


def assert_reads_right(text: str, html: str) -> None:
    for part in (text, html):
        assert "Hello from !" not in part and "Thank you for using !" not in part
        assert f"Hello from {settings.SITE_NAME}!" in part.replace("&#x27;", "'")
        assert f"Thank you for using {settings.SITE_NAME}!" in part
        assert DOMAIN in part
        assert "example.com!" not in part
    assert "<b>" not in html and "</b>" not in html
    assert "<script" not in html


def sign_up(client, capture, first_name=NAME, email="eve@example.org"):
    with capture(execute=True):
        resp = client.post(
            reverse("account_signup"),
            {
                "email": email,
                "password1": "a-Long-passphrase-9",
                "password2": "a-Long-passphrase-9",
                "first_name": first_name,
                "last_name": "<script>alert(1)</script>",
                "register_as": "mentee",
            },
        )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    return [m for m in mail.outbox if m.to == [email]]


def test_confirmation_email_names_the_site_and_escapes_the_name(client, django_capture_on_commit_callbacks):
    sent = sign_up(client, django_capture_on_commit_callbacks)
    assert len(sent) == 1
    text, html = parts(sent[0])
    assert_reads_right(text, html)
    # The text part shows the name as typed; the HTML part shows the same characters, escaped.
    assert NAME in text
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # The confirmation link still works from the HTML part (made a link, with the key intact).
    link = re.search(r'href="([^"]+/accounts/confirm-email/[^"]+)"', html).group(1)
    assert link.rstrip("/").split("/")[-1] in text


def test_password_reset_email_names_the_site_and_escapes(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("account_reset_password"), {"email": "eve@example.org"})
    assert resp.status_code == 302
    (message,) = mail.outbox
    text, html = parts(message)
    assert_reads_right(text, html)
    assert "/accounts/password/reset/key/" in html and 'href="' in html


def test_site_row_follows_settings_after_migrate(settings):
    site = Site.objects.get(pk=settings.SITE_ID)
    assert (site.name, site.domain) == (settings.SITE_NAME, DOMAIN)
    settings.SITE_NAME = "Northern Mentoring"
    settings.SITE_URL = "https://mentoring.example.net"
    sync_site()
    site = Site.objects.get(pk=settings.SITE_ID)
    assert (site.name, site.domain) == ("Northern Mentoring", "mentoring.example.net")
