"""Guards of the relationship's transitions, each with the reason it refuses.

A guard is a plain predicate over the relationship (what django-fsm calls a
condition) with a ``refusal`` sentence that the services show to people.
"""

from __future__ import annotations

from collections.abc import Callable


def guard(refusal: str) -> Callable:
    def decorate(func):
        func.refusal = refusal
        return func

    return decorate


def active_mentee_count(mentor) -> int:
    from .models import CAPACITY_STATES, Relationship

    return Relationship.objects.filter(mentor=mentor, state__in=CAPACITY_STATES).count()


@guard("The mentor already supports as many mentees as they have room for.")
def mentor_has_capacity(relationship) -> bool:
    profile = getattr(relationship.mentor, "profile", None)
    capacity = profile.capacity if profile else 0
    return active_mentee_count(relationship.mentor) < capacity


@guard("The mentor is not taking new mentoring requests for now (paused or away).")
def mentor_open_to_requests(relationship) -> bool:
    from django.utils import timezone

    profile = getattr(relationship.mentor, "profile", None)
    away = bool(profile and profile.away_until and profile.away_until > timezone.localdate())
    return bool(profile and profile.accepting_requests and relationship.mentor.is_active and not away)


@guard("Arrange or record the first meeting before moving on.")
def has_meeting(relationship) -> bool:
    return relationship.meetings.filter(cancelled_at__isnull=True).exists()


@guard("Set at least one SMART goal before completing the first conversation.")
def has_goal(relationship) -> bool:
    return relationship.goals.exists()


@guard("Both of you need to give feedback before the relationship is completed.")
def both_gave_feedback(relationship) -> bool:
    authors = set(relationship.feedback.values_list("author_id", flat=True))
    return {relationship.mentee_id, relationship.mentor_id} <= authors
