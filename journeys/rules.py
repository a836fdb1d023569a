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


# -- ended relationships are read-only -------------------------------------------


def why_read_only(relationship) -> str | None:
    """Why nothing new can be written into this relationship, or None while it is open.

    A relationship that was declined, withdrawn, closed or completed keeps its
    messages, meetings, goals and history for both people to read, but takes no
    new message, meeting, goal, milestone or note. Every writing service refuses
    with this sentence and every page hides its forms and shows it instead.
    """
    from django.utils.translation import gettext as _

    from .models import State

    ended = {
        State.DECLINED: _("This request was declined"),
        State.WITHDRAWN: _("This relationship was withdrawn"),
        State.CLOSED: _("This relationship was closed by programme staff"),
        State.COMPLETED: _("This relationship is completed"),
    }
    what = ended.get(relationship.state)
    if what is None:
        return None
    return _("%(what)s, so nothing new can be added to it. You can still read everything in it.") % {"what": what}


def why_conversation_read_only(conversation) -> str | None:
    """Why nothing new can be written into this conversation, or None when it is open.

    A conversation belongs to every request between one mentee and one mentor.
    It is open while any of them is open (or while it is only a question thread,
    before any request); once every relationship between the two has ended, it
    reads as the latest one: read-only, with that relationship's reason.
    """
    from .models import ENDED_STATES

    relationships = list(conversation.relationships.order_by("-created_at", "-pk").only("state", "created_at"))
    if not relationships or any(rel.state not in ENDED_STATES for rel in relationships):
        return None
    return why_read_only(relationships[0])
