"""The privacy page: linked from every page, written by staff on the platform, read by everyone."""

import pytest
from django.urls import reverse

from support import privacy
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
    assert "Write the page&#x27;s text: an empty privacy page would tell people nothing." in page
    # The form's error box says why and takes the focus; no message above it takes the focus instead.
    assert page.count("autofocus") == 1 and 'class="form-errors" role="alert" tabindex="-1" autofocus' in page
    assert 'class="messages"' not in page
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


CHANGED = "The platform's standard text has changed"
ON_PAGE = "the platform's standard privacy text has changed since this page was last saved"


def test_staff_are_told_when_the_standard_text_changes_after_they_saved_their_own(client, staff, mentee, monkeypatch):
    """A programme with its own wording is not left describing less than the platform does: when the
    standard text changes (a new cookie, say), staff see it on the privacy page and on its edit page, with
    the standard text to compare; publishing again records that they have seen it. Participants see none of it."""
    client.force_login(staff)
    client.post(reverse("privacy_edit"), {"body": "Our own words about your data."})
    assert CHANGED not in client.get(reverse("privacy_edit")).content.decode()
    assert ON_PAGE not in client.get(reverse("privacy")).content.decode()

    monkeypatch.setattr(privacy, "DEFAULT_PRIVACY_TEXT", str(DEFAULT_PRIVACY_TEXT) + "\n\nA new cookie: tea.")
    edit = client.get(reverse("privacy_edit")).content.decode()
    assert CHANGED in edit and "has changed since this page was last saved, on" in edit
    assert "A new cookie: tea.</textarea>" in edit  # the standard text, to copy from
    assert "Our own words about your data.</textarea>" in edit  # their own, still the one being edited
    assert ON_PAGE in client.get(reverse("privacy")).content.decode()
    client.force_login(mentee)
    assert ON_PAGE not in client.get(reverse("privacy")).content.decode()

    client.force_login(staff)
    client.post(reverse("privacy_edit"), {"body": "Our own words about your data, and the tea cookie."})
    assert CHANGED not in client.get(reverse("privacy_edit")).content.decode()
    assert ON_PAGE not in client.get(reverse("privacy")).content.decode()


def test_a_page_saved_before_changes_were_tracked_asks_staff_to_compare(client, staff):
    PrivacyNotice.objects.create(body="Words saved long ago.", updated_by=staff)  # no standard_seen
    client.force_login(staff)
    edit = client.get(reverse("privacy_edit")).content.decode()
    assert CHANGED in edit and "before the platform kept track of changes to its standard privacy text" in edit


def test_the_standard_text_itself_is_never_said_to_have_changed(client, staff):
    """Until staff save their own wording the page is the standard text: nothing to compare."""
    client.force_login(staff)
    assert CHANGED not in client.get(reverse("privacy_edit")).content.decode()
    assert ON_PAGE not in client.get(reverse("privacy")).content.decode()
