"""What the journey tells matching rounds, and what rounds add to a participant's pages.

Connected once, in ``MatchingConfig.ready``; journeys never imports staff (``journeys.events``).
"""

from __future__ import annotations

from django.db import transaction

from journeys import events as journey
from notifications.tasks import queue_soon

from . import selectors, services, tasks


def _proposed_request_declined(sender, relationship, **kwargs):
    _follow_up(services.proposal_declined(relationship))


def _proposed_request_closed(sender, relationship, **kwargs):
    _follow_up(services.proposal_closed(relationship))


def _follow_up(ended) -> None:
    """Queued once the decline commits, as the outbox queues emails: the decline never waits on (or fails
    for) the broker, and a follow-up whose message is lost is done by ``tasks.resume_waiting_work``."""
    if ended is not None:
        transaction.on_commit(lambda: queue_soon(tasks.propose_after_decline, ended.pk))


def _invitations(sender, user, **kwargs):
    return selectors.invitations_for(user)


def connect() -> None:
    journey.proposed_request_declined.connect(_proposed_request_declined, dispatch_uid="matching.declined")
    journey.proposed_request_closed.connect(_proposed_request_closed, dispatch_uid="matching.closed")
    journey.relationships_invitations.connect(_invitations, dispatch_uid="matching.invitations")
