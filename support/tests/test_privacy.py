"""The privacy page: linked from every page, written by staff on the platform, read by everyone."""

import pytest
from django.urls import reverse

from support.models import PrivacyNotice
from support.privacy import DEFAULT_PRIVACY_TEXT

pytestmark = pytest.mark.django_db

LINK_TEXT = "See what information is used and stored"


def privacy_link(page: str) -> bool:
    return f'<a href="{reverse("privacy")}">{LINK_TEXT}</a>' in page


def test_every_page_links_to_the_privacy_page(client, mentee, staff):
    for url in (reverse("home"), reverse("help"), reverse("resources"), reverse("account_login"), reverse("privacy")):
        assert privacy_link(client.get(url).content.decode()), url
    client.force_login(mentee)
    for url in (reverse("relationships"), reverse("account"), reverse("profile"), reverse("notifications")):
        assert privacy_link(client.get(url).content.decode()), url
    client.force_login(staff)
    assert privacy_link(client.get(reverse("staff_inbox")).content.decode())


def test_the_default_text_describes_what_the_platform_stores(client):
    page = client.get(reverse("privacy")).content.decode()
    assert "<h1>Privacy: what information is used and stored</h1>" in page
    for heading in ("Your account", "Your profile", "Your mentoring", "Security", "How long we keep it", "Your rights"):
        assert f"<h2>{heading}</h2>" in page
    assert "failed and successful sign-ins" in page and "Download my data" in page
    assert 'href="https://ico.org.uk/"' in page
    assert "Edit the privacy page" not in page


def test_staff_edit_the_text_and_earlier_versions_are_kept(client, staff):
    client.force_login(staff)
    assert "Edit the privacy page" in client.get(reverse("privacy")).content.decode()
    form = client.get(reverse("privacy_edit")).content.decode()
    assert 'for="id_body"' in form and "Your profile" in form  # the current text, ready to edit
    resp = client.post(reverse("privacy_edit"), {"body": "Who we are\n\nWe store your name. Ask us anything."})
    assert resp.status_code == 302 and resp["Location"] == reverse("privacy")
    page = client.get(reverse("privacy")).content.decode()
    assert "<h2>Who we are</h2>" in page and "<p>We store your name. Ask us anything.</p>" in page
    assert "Your profile" not in page and "Last updated" in page
    client.post(reverse("privacy_edit"), {"body": "Second version."})
    assert list(PrivacyNotice.objects.values_list("body", flat=True)) == [
        "Second version.",
        "Who we are\n\nWe store your name. Ask us anything.",
    ]
    assert "Second version." in client.get(reverse("privacy")).content.decode()


def test_an_empty_text_is_refused_on_the_page_and_nothing_changes(client, staff):
    client.force_login(staff)
    resp = client.post(reverse("privacy_edit"), {"body": "   "})
    assert resp.status_code == 200
    page = resp.content.decode()
    assert "This field is required" in page and "has not been saved" in page
    assert not PrivacyNotice.objects.exists()


def test_participants_and_visitors_cannot_edit(client, mentee):
    for who in (None, mentee):
        if who:
            client.force_login(who)
        resp = client.post(reverse("privacy_edit"), {"body": "Hacked"})
        if who is None:  # to the sign-in page, and back after
            assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]
        else:  # a participant: refused, saying the page is the programme team's
            assert resp.status_code == 403
            assert client.get(reverse("privacy_edit")).status_code == 403
        assert "Edit the privacy page" not in client.get(reverse("privacy")).content.decode()
    assert not PrivacyNotice.objects.exists()
    assert DEFAULT_PRIVACY_TEXT.splitlines()[0] in client.get(reverse("privacy")).content.decode()
