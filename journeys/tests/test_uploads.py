"""A file attached to a message: markup (HTML, SVG, XML) is refused on the field, a file's name must
agree with its content, and plain text is always kept and downloaded under a ".txt" name."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from journeys.models import Attachment, Message
from people.tests.factories import PASSWORD

from .helpers import send

pytestmark = pytest.mark.django_db

PAGE = (
    b"<!DOCTYPE html>\n<html><body><h1>Invoice</h1>\n"
    b'<form action="https://example.net/pay" method="post"><input name="card"></form>\n'
    b"<script>alert(document.cookie)</script></body></html>\n"
)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n'
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)


@pytest.fixture
def rel(client, mentee, mentor):
    rel = send(mentee, mentor)
    assert client.login(email=mentor.email, password=PASSWORD)
    return rel


def attach(client, rel, name: str, content: bytes, content_type="application/octet-stream"):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(reverse("messages", args=[rel.pk]), {"body": "See the file", "attachment": upload})


def field_errors(resp) -> list[str]:
    assert resp.status_code == 400  # refused: the page again, with the error on the field
    return resp.context["form"].errors.get("attachment", [])


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("invoice.html", PAGE),
        ("evil.pdf", PAGE),  # a page named as a PDF
        ("invoice.txt", PAGE),
        ("picture.svg", SVG),
        ("picture.png", SVG),
        ("data.xml", b'<?xml version="1.0"?>\n<note>hello</note>\n'),
        # A page after a screen of ordinary text (past the first 8 KB read for the type).
        ("notes.txt", b"Plain words.\n" * 1000 + b"<script>alert(1)</script>\n"),
    ],
)
def test_markup_is_refused_on_the_field(client, rel, name, content):
    resp = attach(client, rel, name, content, "text/plain")
    [error] = field_errors(resp)
    assert f"“{name}” is a web page or other markup (HTML, SVG or XML)" in error
    assert error in resp.content.decode()
    assert not Message.objects.exists() and not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("report.pdf", b"Just some words, not a PDF.\n", "is named as a “.pdf” file but it is plain text"),
        ("photo.pdf", PNG, "is named as a “.pdf” file but it is a PNG image"),
        ("plan.png", PDF, "is named as a “.png” file but it is a PDF"),
        ("notes.html", b"Ordinary words, no markup.\n", "is named as a “.html” file but it is plain text"),
        ("plan", PDF, "has no ending saying what kind of file it is; it is a PDF"),
    ],
)
def test_a_name_that_disagrees_with_the_content_is_refused(client, rel, name, content, says):
    [error] = field_errors(attach(client, rel, name, content))
    assert says in error
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("name", "kept"),
    [("notes.txt", "notes.txt"), ("NOTES.TXT", "NOTES.TXT"), ("notes.md", "notes.md.txt"), ("readme", "readme.txt")],
)
def test_plain_text_is_kept_and_downloaded_under_a_txt_name(client, rel, name, kept):
    resp = attach(client, rel, name, b"Agenda for our first conversation <3\n", "text/html")
    assert resp.status_code == 302
    attachment = Message.objects.get().attachment
    assert (attachment.original_name, attachment.content_type) == (kept, "text/plain")
    download = client.get(reverse("attachment", args=[attachment.pk]))
    assert download["Content-Type"].startswith("text/plain")
    assert download["Content-Disposition"] == f'attachment; filename="{kept}"'
    assert kept in client.get(reverse("messages", args=[rel.pk])).content.decode()


def test_files_whose_name_agrees_with_their_content_keep_it(client, rel):
    assert attach(client, rel, "Plan.PDF", PDF).status_code == 302
    attachment = Message.objects.get().attachment
    assert (attachment.original_name, attachment.content_type) == ("Plan.PDF", "application/pdf")


def test_a_text_file_stored_before_the_check_downloads_as_txt(client, rel):
    """Files attached before this check kept names such as "invoice.html": they download as text."""
    assert attach(client, rel, "notes.txt", b"Agenda\n").status_code == 302
    attachment = Message.objects.get().attachment
    Attachment.objects.filter(pk=attachment.pk).update(original_name="invoice.html")
    download = client.get(reverse("attachment", args=[attachment.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="invoice.html.txt"'
    assert "invoice.html.txt" in client.get(reverse("messages", args=[rel.pk])).content.decode()


@pytest.mark.parametrize("megabytes", [1, 25])
def test_the_file_field_says_the_size_limit_the_platform_applies(client, rel, settings, megabytes):
    """The hint under "Add file" follows ATTACHMENT_MAX_BYTES, as the refusal of a larger file does."""
    settings.ATTACHMENT_MAX_BYTES = megabytes * 1024 * 1024
    hint = client.get(reverse("messages", args=[rel.pk])).context["form"]["attachment"].help_text
    assert hint == (
        f"Up to {megabytes} MB: a PDF, a Word document, an Excel spreadsheet, a PowerPoint presentation, "
        "an image (PNG, JPEG or GIF) or plain text."
    )
    big = bytes(megabytes * 1024 * 1024 + 1)
    assert f"files can be up to {megabytes} MB" in field_errors(attach(client, rel, "notes.txt", big))[0]


def test_a_name_with_double_quotes_is_kept_as_written_not_as_the_browser_escaped_it(client, rel, mentee):
    """Browsers send a file name's " as %22 (the HTML standard's form encoding): the file keeps its quotes,
    on the page, in the email and in its download."""
    resp = attach(client, rel, "Réunion d'équipe %22final%22 🎉.pdf", PDF)
    assert resp.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.download_name == 'Réunion d\'équipe "final" 🎉.pdf'
    assert "Réunion d&#x27;équipe &quot;final&quot; 🎉.pdf" in client.get(resp.url).content.decode()
    download = client.get(reverse("attachment", args=[attachment.pk]))
    assert "R%C3%A9union%20d%27%C3%A9quipe%20%22final%22%20%F0%9F%8E%89.pdf" in download["Content-Disposition"]


def test_an_empty_file_is_refused_on_the_field_naming_it(client, rel):
    """A zero-byte file: refused in our words, naming the file (not Django's "The submitted file is empty.")."""
    assert field_errors(attach(client, rel, "minutes.txt", b"")) == ["“minutes.txt” is empty."]
    assert not Attachment.objects.exists() and not Message.objects.exists()


def test_the_hint_and_the_refusal_name_the_kinds_the_platform_accepts(client, rel, settings):
    """ATTACHMENT_ALLOWED_TYPES is a setting: the words follow it."""
    settings.ATTACHMENT_ALLOWED_TYPES = ["application/pdf", "image/png", "image/jpeg"]
    hint = client.get(reverse("messages", args=[rel.pk])).context["form"]["attachment"].help_text
    assert hint.endswith("MB: a PDF or an image (PNG or JPEG).")
    refused = field_errors(attach(client, rel, "notes.txt", b"Agenda\n"))[0]
    assert refused == "“notes.txt” is not a type of file we accept. Please attach a PDF or an image (PNG or JPEG)."
