"""What the journey tells matching rounds, and what rounds add to a participant's pages.

Connected once, in ``MatchingConfig.ready``; journeys never imports staff (``journeys.events``).
"""

from __future__ import annotations

from django.db import transaction

from journeys import events as journey

from . import selectors, services, tasks


def _proposed_request_declined(sender, relationship, **kwargs):
    _follow_up(services.proposal_declined(relationship))


def _proposed_request_closed(sender, relationship, **kwargs):
    _follow_up(services.proposal_closed(relationship))


def _follow_up(ended) -> None:
    if ended is not None:
        transaction.on_commit(lambda: tasks.propose_after_decline.delay(ended.pk))


def _invitations(sender, user, **kwargs):
    return selectors.invitations_for(user)


def connect() -> None:
    journey.proposed_request_declined.connect(_proposed_request_declined, dispatch_uid="matching.declined")
    journey.proposed_request_closed.connect(_proposed_request_closed, dispatch_uid="matching.closed")
    journey.relationships_invitations.connect(_invitations, dispatch_uid="matching.invitations")
