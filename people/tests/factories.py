"""Factories for people: complete profiles ready for the journey."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from people.models import AreaOfSupport, ProfessionalCommunity, Profile, Role

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"


def make_user(*, email: str | None = None, first_name: str = "Test", last_name: str | None = None, **extra):
    n = next(_seq)
    user = get_user_model().objects.create_user(
        email=email or f"user{n}@example.com",
        password=PASSWORD,
        first_name=first_name,
        last_name=last_name or f"Person{n}",
        **extra,
    )
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def make_profile(user, *, mentor=False, mentee=False, areas=None, role=None, community=None, capacity=2, **extra):
    profile, _ = Profile.objects.get_or_create(user=user)
    profile.is_mentor = mentor
    profile.is_mentee = mentee
    profile.job_title = extra.pop("job_title", "Transport Co-ordinator")
    profile.organisation = extra.pop("organisation", "Mango Logistics")
    profile.role = role or Role.objects.order_by("position").first()
    profile.community = community or ProfessionalCommunity.objects.order_by("position").first()
    profile.capacity = capacity
    profile.completed_at = timezone.now()
    for key, value in extra.items():
        setattr(profile, key, value)
    profile.save()
    profile.areas.set(areas or AreaOfSupport.objects.order_by("position")[:2])
    return profile


def make_mentor(**kwargs):
    profile_kwargs = {
        k: kwargs.pop(k)
        for k in list(kwargs)
        if k
        in (
            "areas",
            "role",
            "community",
            "capacity",
            "accepting_requests",
            "biography",
            "experience",
            "job_title",
            "organisation",
        )
    }
    user = make_user(**kwargs)
    make_profile(user, mentor=True, **profile_kwargs)
    return user


def make_mentee(**kwargs):
    profile_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in ("areas", "role", "community")}
    user = make_user(**kwargs)
    make_profile(user, mentee=True, **profile_kwargs)
    return user


def make_staff(*, role: str | None = "manager", **kwargs):
    """A programme staff account; ``role``: "manager" (everything), "support" (inbox, read-only) or None
    (in neither group: treated as support staff). See ``project.roles``."""
    from project.roles import set_role

    user = make_user(
        email=kwargs.pop("email", "staff@example.com"), first_name="Sam", last_name="Staff", is_staff=True, **kwargs
    )
    set_role(user, role)
    return user


def profile_form_data(first_name: str, last_name: str, *, mentor: bool = False, mentee: bool = False, **extra) -> dict:
    """A complete Profile page submission, as a browser would post it."""
    data = {
        "first_name": first_name,
        "last_name": last_name,
        "job_title": "Planner",
        "organisation": "Acme",
        "role": Role.objects.order_by("position").first().pk,
        "community": ProfessionalCommunity.objects.order_by("position").first().pk,
        "areas": [AreaOfSupport.objects.order_by("position").first().pk],
        "capacity": 2,
        "region": "",
    }
    if mentor:
        data.update(is_mentor="on", accepting_requests="on")
    if mentee:
        data["is_mentee"] = "on"
    data.update(extra)
    return data
