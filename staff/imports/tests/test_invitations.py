"""Invitations: one by hand, accepting (password, verified address, signed in), expiry, resending, tampering."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from journeys.models import OnboardingProcess
from journeys.services.base import Refused
from notifications.models import Notification
from people.tests.factories import make_mentee, make_staff
from staff.imports import services, tokens
from staff.imports.models import Invitation

pytestmark = pytest.mark.django_db
PASSWORD = "a long and unusual passphrase 42"


def invite(**extra):
    data = {"email": "Nia@Example.org", "first_name": "Nia", "last_name": "Jones", "role": "mentor", **extra}
    return services.invite(staff_user=make_staff(), **data)


def link(invitation) -> str:
    return reverse("invitation_accept", args=[tokens.make(invitation)])


def test_staff_invite_one_person_and_they_are_emailed_a_link(settings):
    invitation = invite()
    assert invitation.user.email == "nia@example.org"
    assert invitation.user.profile.is_mentor and not invitation.user.profile.is_mentee
    assert invitation.expires_at - invitation.sent_at == timedelta(days=settings.INVITATION_EXPIRE_DAYS)
    note = Notification.objects.get(recipient=invitation.user, event="invitation")
    assert link(invitation) in note.body_text and link(invitation) in note.body_html


def test_inviting_someone_already_there_is_refused():
    invite()
    with pytest.raises(Refused, match="already been invited"):
        services.invite(
            staff_user=make_staff(email="s2@example.com"),
            email="nia@example.org",
            first_name="N",
            last_name="J",
            role="mentee",
        )
    make_mentee(email="member@example.org")
    with pytest.raises(Refused, match="already has an account"):
        services.invite(
            staff_user=make_staff(email="s3@example.com"),
            email="member@example.org",
            first_name="M",
            last_name="J",
            role="mentee",
        )


def test_accepting_sets_the_password_verifies_the_address_signs_in_and_opens_the_profile(client):
    invitation = invite()
    page = client.get(link(invitation))
    assert page.status_code == 200 and "Choose a password" in page.content.decode()
    response = client.post(link(invitation), {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("profile")
    user = invitation.user
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert EmailAddress.objects.get(user=user).verified
    assert client.get(reverse("profile")).status_code == 200  # signed in
    assert OnboardingProcess.objects.filter(participant=user).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_the_password_validators_apply_and_nothing_changes_on_an_error(client):
    invitation = invite()
    response = client.post(link(invitation), {"password1": "123", "password2": "123"})
    assert response.status_code == 400
    assert "too short" in response.content.decode()
    response = client.post(link(invitation), {"password1": PASSWORD, "password2": PASSWORD + "x"})
    assert "The two passwords are not the same." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None and not invitation.user.has_usable_password()


def _refused(client, url, says):
    response = client.post(url, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 200
    assert says in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_used_link_says_so_and_changes_nothing(client):
    invitation = invite()
    url = link(invitation)
    client.post(url, {"password1": PASSWORD, "password2": PASSWORD})
    client.logout()
    _refused(client, url, "already been used")
    invitation.user.refresh_from_db()
    assert invitation.user.check_password(PASSWORD)


def test_an_expired_link_says_so(client):
    invitation = invite()
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    _refused(client, link(invitation), "This invitation expired on")
    invitation.user.refresh_from_db()
    assert not invitation.user.has_usable_password()


def test_a_tampered_link_says_so(client):
    invitation = invite()
    token = tokens.make(invitation)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    _refused(client, reverse("invitation_accept", args=[forged]), "This invitation link is not valid")
    other = tokens.make(Invitation(pk=invitation.pk, secret="guessed"))  # right format, wrong secret
    _refused(client, reverse("invitation_accept", args=[other]), "This invitation link is not valid")


def test_resending_makes_a_new_link_and_kills_the_old_one(client):
    invitation = invite()
    old = link(invitation)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))
    resent = services.resend(invitation, staff_user=make_staff(email="s2@example.com"))
    assert resent.times_sent == 2 and not resent.is_expired
    assert Notification.objects.filter(recipient=invitation.user, event="invitation").count() == 2
    _refused(client, old, "not valid")
    response = client.post(link(resent), {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302


def test_an_accepted_invitation_is_not_resent():
    invitation = invite()
    services.accept(tokens.make(invitation), password=PASSWORD)
    with pytest.raises(Refused, match="already joined"):
        services.resend(invitation, staff_user=make_staff(email="s2@example.com"))
