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
