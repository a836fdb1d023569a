"""Confirming an email address moves a sign-up's onboarding on; it never starts one for an account
made outside sign-up (demo data, createsuperuser, the admin, staff)."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.test import RequestFactory
from django.urls import reverse

from journeys.models import OnboardingProcess
from people.tests.factories import make_mentee, make_mentor, make_staff

pytestmark = pytest.mark.django_db


def confirm(user, email="changed@example.com"):
    address = EmailAddress.objects.create(user=user, email=email, verified=True, primary=False)
    email_confirmed.send(sender=EmailAddress, request=RequestFactory().get("/"), email_address=address)


@pytest.mark.parametrize("make", [make_mentor, make_staff, make_mentee], ids=["mentor", "staff", "mentee"])
def test_confirming_an_address_starts_no_onboarding_on_an_account_made_outside_sign_up(client, make):
    user = make()
    confirm(user)
    assert not OnboardingProcess.objects.filter(participant=user).exists()
    client.force_login(user)
    page = client.get(reverse("relationships")).content.decode()
    assert "Your next step" not in page


def test_a_sign_up_is_moved_on_and_told_the_step_it_is_at(client):
    client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "password1": "a-Long-passphrase-9",
            "password2": "a-Long-passphrase-9",
            "first_name": "Nia",
            "last_name": "New",
            "register_as": "mentee",
        },
    )
    process = OnboardingProcess.objects.get(participant__email="new@example.com")
    user = process.participant
    confirm(user, email="new2@example.com")
    client.force_login(user)
    page = client.get(reverse("relationships")).content.decode()
    assert "complete your profile</a>" in page and "find a mentor and send a request" not in page
