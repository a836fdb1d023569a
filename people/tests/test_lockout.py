"""django-axes: repeated failed log-ins lock the account out for a while, with a clear page."""

import pytest
from django.urls import reverse

from people.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_five_failed_logins_lock_the_account_out(client, mentee, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    url = reverse("account_login")
    for _ in range(5):
        resp = client.post(url, {"login": mentee.email, "password": "wrong-password"})
    resp = client.post(url, {"login": mentee.email, "password": PASSWORD})
    assert resp.status_code == 429
    assert "Too many failed log-in attempts" in resp.content.decode()
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
