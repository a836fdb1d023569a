"""Deleting an account erases what is surely the person's, and never someone else's.

Anyone can add any address on the email page (allauth) without verifying it: a leaver who had added
a colleague's address must not take the colleague's address, notifications, support messages or
sign-in records with them.
"""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from notifications.models import Notification
from notifications.services import notify
from people.services import delete_account, surely_their_addresses
from people.tests.factories import PASSWORD, make_mentee, make_user
from support.models import SupportRequest

pytestmark = pytest.mark.django_db


def test_an_address_added_but_not_verified_erases_nothing_of_its_owner():
    alice = make_user(email="alice.kember@example.com", first_name="Alice", last_name="Kember")
    hannah = make_mentee(email="hannah@example.com", first_name="Hannah", last_name="Wright")
    EmailAddress.objects.create(user=hannah, email="Alice.Kember@example.com", verified=False, primary=False)
    notify(alice, "retention_warning")
    guest = SupportRequest.objects.create(
        name="Alice Kember", email="alice.kember@example.com", subject="Hi", message="Hello"
    )

    assert surely_their_addresses(hannah) == []
    delete_account(hannah)

    assert EmailAddress.objects.filter(user=alice, email="alice.kember@example.com", verified=True).exists()
    assert Notification.objects.filter(recipient=alice).count() == 1
    guest.refresh_from_db()
    assert guest.email == "alice.kember@example.com" and guest.message == "Hello"
    assert not EmailAddress.objects.filter(user=hannah).exists()  # the leaver's own row of it is gone
    assert Client().login(email="alice.kember@example.com", password=PASSWORD)  # Alice still signs in


def test_a_verified_second_address_is_erased_unless_another_account_has_it_now():
    hannah = make_mentee(email="hannah@example.com", first_name="Hannah", last_name="Wright")
    EmailAddress.objects.create(user=hannah, email="hannah.home@example.org", verified=True, primary=False)
    EmailAddress.objects.create(user=hannah, email="shared@example.org", verified=True, primary=False)
    bob = make_user(email="bob@example.com", first_name="Bob", last_name="Stone")
    EmailAddress.objects.create(user=bob, email="Shared@example.org", verified=True, primary=False)
    home = SupportRequest.objects.create(name="H W", email="hannah.home@example.org", subject="Hi", message="Mine")
    shared = SupportRequest.objects.create(name="B S", email="shared@example.org", subject="Hi", message="Bob's")

    assert surely_their_addresses(hannah) == ["hannah.home@example.org"]
    delete_account(hannah)

    home.refresh_from_db()
    shared.refresh_from_db()
    assert home.email != "hannah.home@example.org" and home.message != "Mine"
    assert shared.email == "shared@example.org" and shared.message == "Bob's"
    assert EmailAddress.objects.filter(user=bob, email__iexact="shared@example.org").exists()
