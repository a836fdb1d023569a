"""Helpers for the Find Mentor tests: mentors with exactly the attributes a test needs."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from people.models import AreaOfSupport, ProfessionalCommunity, Profile, Role
from people.tests.factories import make_mentor


def area(name: str) -> AreaOfSupport:
    return AreaOfSupport.objects.get(name=name)


def role(name: str) -> Role:
    return Role.objects.get(name=name)


def community(name: str) -> ProfessionalCommunity:
    return ProfessionalCommunity.objects.get(name=name)


NETWORKING = "Networking and networking skills"
CAREER = "Career progression"
LEADERSHIP = "Leadership and management"
PROCUREMENT = "Procurement"


def mentor_with(
    first_name: str,
    *,
    areas: tuple[str, ...] = (),
    role_name: str = "Consultancy",
    community_name: str = "Aviation",
    region: str = "",
    biography: str = "",
    experience: str = "",
    active_days_ago: float = 1,
    accepting: bool = True,
    away_until: dt.date | None = None,
    capacity: int = 2,
    **extra,
):
    """A listed mentor. By default they match nothing a test searches for (Consultancy, Aviation)."""
    user = make_mentor(
        first_name=first_name,
        last_name=extra.pop("last_name", "Mentor"),
        role=role(role_name),
        community=community(community_name),
        biography=biography,
        experience=experience,
        capacity=capacity,
        accepting_requests=accepting,
        **extra,
    )
    profile = user.profile
    profile.areas.set([area(name) for name in areas])
    Profile.objects.filter(pk=profile.pk).update(
        region=region,
        away_until=away_until,
        last_active_at=timezone.now() - dt.timedelta(days=active_days_ago),
    )
    user.profile.refresh_from_db()
    return user


def names(page) -> list[str]:
    """First names of a search page's results, in order."""
    return [result.mentor.first_name for result in page.results]


def fill_capacity(mentor, capacity: int | None = None) -> None:
    """Give the mentor matched relationships up to their capacity (no flows: rows only)."""
    from journeys.models import Conversation, Relationship
    from people.tests.factories import make_mentee

    places = capacity if capacity is not None else mentor.profile.capacity
    for _ in range(places):
        mentee = make_mentee()
        Relationship.objects.create(
            mentee=mentee,
            mentor=mentor,
            conversation=Conversation.objects.create(mentee=mentee, mentor=mentor),
            area=AreaOfSupport.objects.first(),
            statement="Matched for a test.",
            state="progression",
        )
