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
        # Our own greeting and sign-off, as every notification has, not allauth's ("Hello from …!",
        # "Thank you for using …!" and a bare domain).
        assert "Hello from" not in part and "Thank you for using" not in part
        assert part.replace("&#x27;", "'").count(settings.SITE_NAME) >= 1
        assert settings.SITE_URL in part
        assert "example.com!" not in part
    assert re.match(r"Hello( [^,\n]+)?,\n\n", text), text[:80]
    assert text.rstrip().endswith(f"{settings.SITE_NAME}\n{settings.SITE_URL}")
    assert f'<a href="{settings.SITE_URL}"' in html  # a link, where the domain alone was plain text
    assert "<b>" not in html and "</b>" not in html
    assert "<script" not in html
    # a page of its own that names its language, as every other email's HTML part does
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en-gb">' in html


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
    assert sent[0].message()["Auto-Submitted"] == "auto-generated"  # no out-of-office answers (RFC 3834)
    # The text part shows the name as typed; the HTML part shows the same characters, escaped.
    assert text.startswith(f"Hello {NAME},\n")  # greeted by first name, as every notification
    assert "Hello &lt;b&gt;Eve&lt;/b&gt;," in html
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
    assert message.message()["Auto-Submitted"] == "auto-generated"
    assert "/accounts/password/reset/key/" in html and 'href="' in html
    # in our words, not allauth's ("Password Reset Email", "You're receiving this email because ...")
    assert message.subject.endswith("Choose a new password")
    assert "asked to choose a new password for the account with this email address" in text
    assert "the link works once, for three days" in text and "your password stays as it is" in text
    assert "receiving this email" not in text


def test_site_row_follows_settings_after_migrate(settings):
    site = Site.objects.get(pk=settings.SITE_ID)
    assert (site.name, site.domain) == (settings.SITE_NAME, DOMAIN)
    settings.SITE_NAME = "Northern Mentoring"
    settings.SITE_URL = "https://mentoring.example.net"
    sync_site()
    site = Site.objects.get(pk=settings.SITE_ID)
    assert (site.name, site.domain) == ("Northern Mentoring", "mentoring.example.net")


def _add_address(client, capture, user, address):
    client.force_login(user)
    with capture(execute=True):
        resp = client.post(reverse("account_email"), {"action_add": "", "email": address})
    assert resp.status_code == 302
    return [m for m in mail.outbox if m.to == [address.lower()]]


def test_an_address_added_to_an_account_is_confirmed_by_its_owner_in_our_words(
    client, django_capture_on_commit_callbacks
):
    from people.tests.factories import make_mentee

    adding = make_mentee(email="ada@example.org", first_name="Ada", last_name="Byron")
    sent = _add_address(client, django_capture_on_commit_callbacks, adding, "ada.work@example.org")
    assert len(sent) == 1
    text, html = parts(sent[0])
    assert sent[0].subject.endswith("Confirm your email address")
    assert "Ada Byron asked to change the email address of their account on" in text
    assert "register an account" not in text
    link = re.search(r"http\S+/accounts/confirm-email/\S+/", text).group(0)
    assert "Until it is confirmed, their account keeps its current address." in text
    # The promises: unconfirmed, the account keeps its address; the link makes the new one its address.
    from allauth.account.models import EmailAddress

    assert not EmailAddress.objects.get(email="ada.work@example.org").verified
    adding.refresh_from_db()
    assert adding.email == "ada@example.org"
    client.post(urlsplit(link).path)
    assert EmailAddress.objects.get(email="ada.work@example.org", user=adding).verified
    adding.refresh_from_db()
    assert adding.email == "ada.work@example.org"


def test_an_address_that_is_another_accounts_is_not_offered_to_its_owner_to_confirm(
    client, django_capture_on_commit_callbacks
):
    from allauth.account.models import EmailAddress

    from people.tests.factories import make_mentee, make_mentor

    owner = make_mentor(email="owner@example.org")
    EmailAddress.objects.create(user=owner, email="owner.home@example.org", verified=True)
    trying = make_mentee(email="eve@example.org", first_name="Eve")
    for address in ("owner@example.org", "OWNER.home@example.org"):
        sent = _add_address(client, django_capture_on_commit_callbacks, trying, address)
        assert len(sent) == 1, address
        text, html = parts(sent[0])
        assert sent[0].subject.endswith("Someone tried to use your email address for another account")
        assert "/accounts/confirm-email/" not in text and "/accounts/confirm-email/" not in html
        assert f"asked to change its email address to {address.lower()}." in text
        assert "This address belongs to your account, so it cannot be confirmed on theirs" in text
        # To the address's owner, who is not the person signed in who tried: greeted by nobody's name.
        assert text.startswith("Hello,\n") and "Eve" not in text and "Eve" not in html
        assert settings.SITE_URL + reverse("account_reset_password") in text
        assert_reads_right(text, html)
        # What the email says: it cannot be confirmed on theirs (allauth refuses a second confirmed owner).
        pending = EmailAddress.objects.get(user=trying, email=address.lower())
        assert not pending.verified and not pending.can_set_verified()
        mail.outbox.clear()
    trying.refresh_from_db()
    assert trying.email == "eve@example.org"


def test_confirming_the_accounts_own_address_again_is_not_called_a_change(client, django_capture_on_commit_callbacks):
    """The same email confirms an unconfirmed sign-in address (sent again from the Email page, or at
    sign-in): it asks to confirm the account's address, and does not speak of a change."""
    from allauth.account.models import EmailAddress

    from people.tests.factories import make_mentee

    user = make_mentee(email="unconfirmed@example.org")
    EmailAddress.objects.filter(user=user).update(verified=False)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"action_send": "", "email": "unconfirmed@example.org"})
    (sent,) = [m for m in mail.outbox if m.to == ["unconfirmed@example.org"]]
    text, html = parts(sent)
    assert text.startswith("Hello Test,\n\nPlease confirm that this is the email address of your account on")
    assert "change" not in text and "If that was you" not in text
    assert "Confirm it here:" in text and "If you have no account there, ignore this email." in text
    assert "/accounts/confirm-email/" in text


# Security notices: a change to how someone signs in is told to them, in our words, with what to do if
# it was not them. allauth sends them (ACCOUNT_EMAIL_NOTIFICATIONS) through our outbox (people.adapter).


def _notice_to(address):
    (sent,) = [m for m in mail.outbox if m.to == [address]]
    text, html = parts(sent)
    assert_reads_right(text, html)
    return sent.subject, text, html


def _says_what_to_do_if_it_was_not_them(text: str, html: str, reset_works: bool = True) -> None:
    contact = settings.SITE_URL + reverse("contact")
    reset = settings.SITE_URL + reverse("account_reset_password")
    assert contact in text and f'href="{contact}"' in html
    if reset_works:
        assert reset in text and f'href="{reset}"' in html
    else:
        assert reset not in text
    assert "You are receiving this mail because" not in text  # allauth's words
    assert "IP address" not in text


def test_a_password_change_is_told_to_the_account_address(client, django_capture_on_commit_callbacks):
    from people.tests.factories import PASSWORD, make_mentee

    user = make_mentee(email="ada@example.org", first_name="Ada", last_name="Byron")
    client.force_login(user)
    new = "a-Long-passphrase-9"
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": new, "password2": new}
        )
    assert resp.status_code == 302
    subject, text, html = _notice_to("ada@example.org")
    assert subject.endswith("Your password was changed")
    assert text.startswith(f"Hello Ada,\n\nThe password of your account on {settings.SITE_NAME} has just been changed.")
    assert "If it was you, you do not need to do anything." in text
    assert "If it was not you, someone else may know your password" in text
    _says_what_to_do_if_it_was_not_them(text, html)
    # The outbox row, not in the in-app list (no recipient), delivered by the worker like every email.
    from notifications.models import Notification

    note = Notification.objects.get(event="account_password_changed")
    assert note.recipient is None and note.email == "ada@example.org"


def test_a_password_chosen_from_a_reset_link_is_told_too(client, django_capture_on_commit_callbacks):
    from people.tests.factories import make_mentee

    make_mentee(email="ada@example.org", first_name="Ada", last_name="Byron")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "ada@example.org"})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[-1].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    mail.outbox.clear()
    new = "Another-long-passphrase-7"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(set_url, {"password1": new, "password2": new}).status_code == 302
    subject, text, html = _notice_to("ada@example.org")
    assert subject.endswith("Your password was changed")
    assert "has just been changed, with a password reset link sent to this address." in text
    _says_what_to_do_if_it_was_not_them(text, html)


def test_an_email_change_is_told_to_the_old_address(client, django_capture_on_commit_callbacks):
    from people.tests.factories import make_mentee

    user = make_mentee(email="ada@example.org", first_name="Ada", last_name="Byron")
    (confirm,) = _add_address(client, django_capture_on_commit_callbacks, user, "ada.work@example.org")
    path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", confirm.body).group(1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path)
    user.refresh_from_db()
    assert user.email == "ada.work@example.org"
    # The old address is told (whoever now holds the account can no longer read it there); the new one,
    # which has just confirmed, gets nothing more.
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]
    subject, text, html = _notice_to("ada@example.org")
    assert subject.endswith("Your account's email address was changed")
    assert (
        f"Hello Ada,\n\nThe email address of your account on {settings.SITE_NAME} has been changed "
        "from ada@example.org to ada.work@example.org." in text
    )
    assert "emails from the programme go there, not to this address" in text
    assert "If it was not you, someone else may be using your account" in text
    # A reset link would go to the new address, so the notice does not offer one: it offers the contact form.
    _says_what_to_do_if_it_was_not_them(text, html, reset_works=False)
