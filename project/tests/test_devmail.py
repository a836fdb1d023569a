"""Development email: what the backend stores is readable at /dev/emails/, only with DEBUG on."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.core.mail import EmailMultiAlternatives, get_connection

import project.urls
from project import devmail

pytestmark = pytest.mark.django_db

BACKEND = "project.devmail.DevMailBackend"


@pytest.fixture
def mail_dir(settings, tmp_path):
    settings.DEVMAIL_DIR = tmp_path / "devmail"
    return settings.DEVMAIL_DIR


DEBUG_URLS = "project.tests.debug_urls"


@pytest.fixture
def debug_urls(settings):
    """The URLs as a DEBUG server has them (restored afterwards by pytest-django's settings)."""
    settings.DEBUG = True
    settings.ROOT_URLCONF = DEBUG_URLS


def send(subject, text, html=None, to="ada@example.com"):
    message = EmailMultiAlternatives(subject, text, "mentoring@localhost", [to], connection=get_connection(BACKEND))
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


def test_the_page_lists_the_emails_newest_first_with_clickable_links(client, mail_dir, debug_urls):
    assert send("Welcome aboard", "Start here: http://127.0.0.1:8123/profile/") == 1
    assert send(
        "Alice accepted your request",
        "See it at http://127.0.0.1:8123/relationships/7/ today.",
        html='<p>See <a href="http://127.0.0.1:8123/relationships/7/">your relationship</a>.</p>',
        to="john@example.com",
    )
    assert len(list(mail_dir.glob("*.json"))) == 2

    page = client.get("/dev/emails/")
    assert page.status_code == 200
    body = page.content.decode()
    assert body.index("Alice accepted your request") < body.index("Welcome aboard")  # newest first
    assert "john@example.com" in body

    link = re.search(r'<a href="(/dev/emails/[^"]+/)">Alice accepted your request</a>', body).group(1)
    detail = client.get(link).content.decode()
    assert '<a href="http://127.0.0.1:8123/relationships/7/"' in detail  # the text's URL, clickable
    # the HTML part, as sent, in a sandboxed frame whose links open a new tab
    srcdoc = unescape(re.search(r'<iframe[^>]*sandbox="[^"]*"[^>]*srcdoc="([^"]*)"', detail).group(1))
    assert srcdoc.startswith('<base target="_blank">')
    assert '<a href="http://127.0.0.1:8123/relationships/7/">your relationship</a>' in srcdoc


def test_the_text_is_escaped_not_rendered_as_html(client, mail_dir, debug_urls):
    send("Tricky", "<script>alert(1)</script> http://example.com/x")
    [record] = devmail.sent_messages()
    detail = client.get(f"/dev/emails/{record['id']}/").content.decode()
    assert "<script>alert(1)</script>" not in detail
    assert "&lt;script&gt;" in detail


def test_an_unknown_or_malformed_id_is_a_404(client, mail_dir, debug_urls):
    assert client.get("/dev/emails/00000000000000000000-" + "0" * 32 + "/").status_code == 404
    assert client.get("/dev/emails/..%2F..%2Fsettings/").status_code == 404


def test_no_email_yet_says_so(client, mail_dir, debug_urls):
    page = client.get("/dev/emails/")
    assert page.status_code == 200 and "No email has been sent yet." in page.content.decode()


def test_without_debug_there_is_no_page(client, mail_dir, settings):
    send("Secret", "http://example.com/")
    settings.DEBUG = False
    assert not any("dev/emails" in str(p.pattern) for p in project.urls.urlpatterns)
    assert client.get("/dev/emails/").status_code == 404
    # and even where the URLs are included, the views refuse without DEBUG
    settings.ROOT_URLCONF = DEBUG_URLS
    assert client.get("/dev/emails/").status_code == 404
    with pytest.raises(devmail.Http404):
        devmail.inbox(None)


def test_reply_to_cc_and_bcc_are_recorded_and_shown(client, mail_dir, debug_urls):
    """The programme's reply-to setting can be checked here, as can copies to others."""
    message = EmailMultiAlternatives(
        "Your answer",
        "Thanks.",
        "mentoring@localhost",
        ["ada@example.com"],
        cc=["coordinator@example.com"],
        bcc=["archive@example.com"],
        reply_to=["help@programme.example.org"],
        connection=get_connection(BACKEND),
    )
    assert message.send() == 1
    [record] = devmail.sent_messages()
    assert record["reply_to"] == ["help@programme.example.org"]
    assert record["cc"] == ["coordinator@example.com"] and record["bcc"] == ["archive@example.com"]
    detail = client.get(f"/dev/emails/{record['id']}/").content.decode()
    for name, value in (
        ("Reply-To", "help@programme.example.org"),
        ("Cc", "coordinator@example.com"),
        ("Bcc", "archive@example.com"),
    ):
        assert re.search(rf"<dt>{name}</dt>\s*<dd>{re.escape(value)}</dd>", detail), name


def test_a_reply_to_header_is_shown_once_as_the_recipient_gets_it(client, mail_dir, debug_urls):
    """A Reply-To given as a header wins over ``reply_to`` (as in the message sent): one line, its value."""
    message = EmailMultiAlternatives(
        "Header",
        "Hi.",
        "mentoring@localhost",
        ["ada@example.com"],
        reply_to=["ignored@example.org"],
        headers={"Reply-To": "replies@example.org", "X-Mentoring-Event": "invitation"},
        connection=get_connection(BACKEND),
    )
    message.send()
    assert "Reply-To: replies@example.org" in message.message().as_string()
    [record] = devmail.sent_messages()
    detail = client.get(f"/dev/emails/{record['id']}/").content.decode()
    assert detail.count("<dt>Reply-To</dt>") == 1 and "ignored@example.org" not in detail
    assert re.search(r"<dt>Reply-To</dt>\s*<dd>replies@example.org</dd>", detail)
    assert re.search(r"<dt>X-Mentoring-Event</dt>\s*<dd>invitation</dd>", detail)


def test_a_message_recorded_before_reply_to_was_kept_still_shows(client, mail_dir, debug_urls):
    send("Old", "Hello.")
    [path] = mail_dir.glob("*.json")
    record = json.loads(path.read_text())
    del record["reply_to"], record["bcc"]
    path.write_text(json.dumps(record))
    detail = client.get(f"/dev/emails/{record['id']}/")
    assert detail.status_code == 200 and "<dt>Reply-To</dt>" not in detail.content.decode()
