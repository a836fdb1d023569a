"""A request nobody answered: it expires REQUEST_EXPIRE_DAYS after it was sent (or reinstated).

Run by the review step's interrupting timer (``journeys.flows.mentoring``), which has already
stopped the step: this ends the request (the ``expire`` transition, whose guard checks the moment
has come), tells both people (the mentee with a few suggested mentors) and tells the rest of the
platform (``journeys.events.request_expired``: staff close the case about the request, if open).
"""

from __future__ import annotations

from notifications.services import notify

from .. import events, selectors
from ..models import Relationship, State
from .base import Refused, apply, atomic, lock


def expire_request(relationship: Relationship) -> Relationship:
    """End the unanswered request, if it still waits and its moment has come; the relationship as saved."""
    with atomic():
        rel = lock(relationship)
        if rel.state != State.REQUESTED:
            return rel
        try:
            apply(rel, "expire", None)
        except Refused:
            return rel  # not due yet (its expiry was moved later): the flow waits again
        notify(rel.mentor, "request_expired", relationship=rel)
        notify(
            rel.mentee,
            "request_expired_confirmation",
            relationship=rel,
            mentors=selectors.suggested_mentors(rel.mentee),
        )
        events.request_expired.send(sender=Relationship, relationship=rel)
    return rel
