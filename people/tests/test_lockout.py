"""django-axes: repeated failed sign-ins lock the account out for a while, with a clear page."""

import re

import pytest
from django.urls import reverse

from people.tests.factories import PASSWORD
from project import settings as platform_settings

pytestmark = pytest.mark.django_db


def test_five_failed_logins_lock_the_account_out(client, mentee, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    url = reverse("account_login")
    for _ in range(5):
        resp = client.post(url, {"login": mentee.email, "password": "wrong-password"})
    resp = client.post(url, {"login": mentee.email, "password": PASSWORD})
    assert resp.status_code == 429
    assert "Too many failed sign-in attempts" in resp.content.decode()
    assert "_auth_user_id" not in client.session


def _fail(client, email, times=5):
    for _ in range(times):
        client.post(reverse("account_login"), {"login": email, "password": "wrong-password"})


def test_one_accounts_failures_do_not_lock_other_accounts_on_the_same_address(client, mentee, mentor, settings):
    """Five wrong passwords for one account used to lock every account behind that IP address."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    _fail(client, mentee.email)
    other = client.post(reverse("account_login"), {"login": mentor.email, "password": PASSWORD})
    assert other.status_code == 302
    assert client.session["_auth_user_id"] == str(mentor.pk)


def test_the_lockout_counts_per_account_whatever_the_case_and_says_what_happened(client, mentee, settings):
    from axes.models import AccessAttempt

    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    _fail(client, mentee.email.upper(), times=3)
    _fail(client, mentee.email, times=2)
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {mentee.email.lower()}
    resp = client.post(reverse("account_login"), {"login": mentee.email, "password": PASSWORD})
    assert resp.status_code == 429
    page = resp.content.decode()
    assert mentee.email.lower() in page
    assert "30 minutes" in page
    assert "Other accounts are not affected" in page


def test_the_same_account_is_locked_from_another_address_too(client, mentee, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    _fail(client, mentee.email)
    resp = client.post(
        reverse("account_login"), {"login": mentee.email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    assert resp.status_code == 429
    assert "_auth_user_id" not in client.session


def _reset_password(client, capture, email, new_password):
    """Forgot your password? → the email's link → a new password, as a signed-out person does."""
    from django.core import mail

    with capture(execute=True):
        client.post(reverse("account_reset_password"), {"email": email})
    link = re.search(r"http\S+/password/reset/key/\S+/", mail.outbox[-1].body).group(0)
    form_url = client.get(link).url  # allauth moves the key into the session, then shows the form
    resp = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert resp.status_code == 302, resp.content.decode()[:2000]


def test_a_locked_out_person_who_resets_their_password_can_sign_in_with_it(
    client, mentee, settings, django_capture_on_commit_callbacks
):
    """The lockout page offers 'reset your password now': the new password must then let them in,
    not show the same page again for the rest of the half hour."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    _fail(client, mentee.email)
    assert client.post(reverse("account_login"), {"login": mentee.email, "password": PASSWORD}).status_code == 429

    _reset_password(client, django_capture_on_commit_callbacks, mentee.email, "a-Fresh-passphrase-7")
    resp = client.post(reverse("account_login"), {"login": mentee.email, "password": "a-Fresh-passphrase-7"})
    assert resp.status_code == 302
    assert client.session["_auth_user_id"] == str(mentee.pk)


def test_a_reset_does_not_unlock_other_accounts(client, mentee, mentor, settings, django_capture_on_commit_callbacks):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    _fail(client, mentee.email)
    _fail(client, mentor.email)
    _reset_password(client, django_capture_on_commit_callbacks, mentee.email, "a-Fresh-passphrase-7")
    assert client.post(reverse("account_login"), {"login": mentor.email, "password": PASSWORD}).status_code == 429


def test_a_successful_sign_in_starts_the_count_again(client, mentee, settings):
    """The page says 'wrong passwords in a row': failures before a successful sign-in no longer count."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    _fail(client, mentee.email, times=3)
    assert client.post(reverse("account_login"), {"login": mentee.email, "password": PASSWORD}).status_code == 302
    client.post(reverse("account_logout"))
    _fail(client, mentee.email, times=2)
    resp = client.post(reverse("account_login"), {"login": mentee.email, "password": PASSWORD})
    assert resp.status_code == 302
    assert client.session["_auth_user_id"] == str(mentee.pk)


def test_every_try_while_locked_out_shows_the_lockout_page(client, mentee, settings):
    """With the platform's own rate limits on: allauth's per-address limit used to answer every try
    after the lockout page with 'Too many failed login attempts. Try again later.' for five minutes,
    saying neither how long nor that a reset lets the person back in."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.ACCOUNT_RATE_LIMITS = platform_settings.ACCOUNT_RATE_LIMITS
    _fail(client, mentee.email)
    for password in ("wrong-again", PASSWORD):
        resp = client.post(reverse("account_login"), {"login": mentee.email, "password": password})
        page = resp.content.decode()
        assert resp.status_code == 429
        assert "30 minutes" in page and "reset your password" in page
        assert "Try again later" not in page


def test_many_wrong_passwords_from_one_network_say_to_wait_a_minute(client, mentee, mentor, outsider, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.ACCOUNT_RATE_LIMITS = platform_settings.ACCOUNT_RATE_LIMITS
    for person in (mentee, mentor):
        _fail(client, person.email, times=5)
    resp = client.post(reverse("account_login"), {"login": outsider.email, "password": "wrong-password"})
    assert "from your network in the last minute" in resp.content.decode()
