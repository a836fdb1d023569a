"""Writes for people: registration, profiles, leaving the programme."""

from __future__ import annotations

import uuid

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from journeys.flows import onboarding
from journeys.services.relationships import leave_programme

from .erasure import Needles, any_of, erase_personal_data
from .models import Profile

User = get_user_model()


def register_participant(user, *, first_name: str, last_name: str, register_as: str) -> Profile:
    """Called by allauth's sign-up: name the user, create their profile, start onboarding."""
    with transaction.atomic():
        user.first_name, user.last_name = first_name.strip(), last_name.strip()
        user.save(update_fields=["first_name", "last_name"])
        profile, _created = Profile.objects.get_or_create(user=user)
        profile.is_mentee = register_as in ("mentee", "both")
        profile.is_mentor = register_as in ("mentor", "both")
        profile.save()
        onboarding.start(user)
    return profile


def save_profile(form, user) -> Profile:
    """Save the profile form; a profile becomes complete once every required part is there."""
    with transaction.atomic():
        user.first_name = form.cleaned_data["first_name"].strip()
        user.last_name = form.cleaned_data["last_name"].strip()
        user.save(update_fields=["first_name", "last_name"])
        profile = form.save(commit=False)
        profile.user = user
        profile.save()
        form.save_m2m()
        if not profile.missing_fields() and profile.completed_at is None:
            profile.completed_at = timezone.now()
            profile.save(update_fields=["completed_at"])
            onboarding.profile_completed(user)
    return profile


def surely_their_addresses(user) -> list[str]:
    """The addresses erasure may look for, besides the account's own: the others the person verified.

    An address someone added and never verified may be anybody's (anyone can type a colleague's
    address on the email page): their own row of it is deleted with their other rows, but nothing
    else is found or removed by it. A verified one is left out too if it is another account's now
    (its sign-in address, or one it verified since), so one person leaving never erases another.
    """
    mine = {e.lower() for e in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)}
    mine.discard(user.email.lower())
    if not mine:
        return []
    same = any_of("email__iexact", mine)
    theirs = {e.lower() for e in User.objects.exclude(pk=user.pk).filter(same).values_list("email", flat=True)}
    theirs |= {
        e.lower()
        for e in EmailAddress.objects.exclude(user=user).filter(same, verified=True).values_list("email", flat=True)
    }
    return sorted(mine - theirs)


def delete_account(user) -> None:
    """Leave the programme: withdraw everywhere (others are told), then erase the person.

    The account row stays, anonymised ("Former participant"), so past relationships remain
    as anonymous records for programme statistics; ``people.erasure`` removes every copy of
    the person's name, e-mail address and phone number and their files.
    """
    leave_programme(user)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        profile = Profile.objects.filter(user=user).first()
        needles = Needles.for_user(user, emails=surely_their_addresses(user), phone=profile.phone if profile else "")
        user.email = f"deleted-{uuid.uuid4().hex[:12]}@deleted.invalid"
        user.first_name = "Former"
        user.last_name = "participant"
        user.is_active = False
        user.anonymised_at = timezone.now()
        user.retention_warned_at = None
        user.set_unusable_password()
        user.save()
        Profile.objects.filter(user=user).update(
            job_title="",
            organisation="",
            phone="",
            biography="",
            experience="",
            region="",
            away_until=None,
            role=None,
            community=None,
            accepting_requests=False,
            is_mentor=False,
            is_mentee=False,
        )
        if profile:
            profile.areas.clear()
        erase_personal_data(user, needles)
