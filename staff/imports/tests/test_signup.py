"""Sign-up modes: open, by invitation only, or limited to email domains, set by programme managers."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from people.tests.factories import make_staff
from staff.imports import services
from staff.imports.models import SignupSettings

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "a long and unusual passphrase 42"


def sign_up(client, email):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "first_name": "Ann",
            "last_name": "Other",
            "register_as": "mentee",
        },
    )


def test_sign_up_is_open_by_default(client):
    assert SignupSettings.current().mode == SignupSettings.Mode.OPEN
    sign_up(client, "ann@anywhere.org")
    assert User.objects.filter(email="ann@anywhere.org").exists()


def test_by_invitation_only_the_sign_up_page_is_closed(client):
    services.set_signup_mode(staff_user=make_staff(), mode="invitation", domains=[])
    page = client.get(reverse("account_signup"))
    assert "Registration is by invitation only" in page.content.decode()
    sign_up(client, "ann@anywhere.org")
    assert not User.objects.filter(email="ann@anywhere.org").exists()


def test_limited_to_domains_other_addresses_are_refused_with_the_domains_named(client):
    services.set_signup_mode(staff_user=make_staff(), mode="domains", domains=["Example.ORG", "@nhs.uk"])
    assert SignupSettings.current().domains == ["example.org", "nhs.uk"]
    response = sign_up(client, "ann@anywhere.org")
    assert "Registering is open only to addresses at example.org, nhs.uk." in response.content.decode()
    assert not User.objects.filter(email="ann@anywhere.org").exists()
    sign_up(client, "bea@leeds.nhs.uk")
    assert User.objects.filter(email="bea@leeds.nhs.uk").exists()


def test_the_settings_page_saves_and_checks_the_domains(client):
    client.force_login(make_staff())
    url = reverse("staff_signup_settings")
    assert client.get(url).status_code == 200
    response = client.post(url, {"mode": "domains", "domains": ""})
    assert response.status_code == 400 and "List at least one email domain" in response.content.decode()
    response = client.post(url, {"mode": "domains", "domains": "not a domain"})
    assert "These are not email domains" in response.content.decode()
    client.post(url, {"mode": "domains", "domains": "example.org\nacme.co.uk"})
    assert SignupSettings.current().domains == ["acme.co.uk", "example.org"]


def test_support_staff_cannot_change_sign_up(client):
    client.force_login(make_staff(role="support"))
    assert client.post(reverse("staff_signup_settings"), {"mode": "invitation"}).status_code == 403
    assert SignupSettings.current().mode == SignupSettings.Mode.OPEN
