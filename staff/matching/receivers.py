"""What the journey tells matching rounds, and what rounds add to a participant's pages.

Connected once, in ``MatchingConfig.ready``; journeys never imports staff (``journeys.events``).
"""

from __future__ import annotations

from django.db import transaction

from journeys import events as journey

from . import selectors, services, tasks


def _proposed_request_declined(sender, relationship, **kwargs):
    declined = services.proposal_declined(relationship)
    if declined is not None:
        transaction.on_commit(lambda: tasks.propose_after_decline.delay(declined.pk))


def _invitations(sender, user, **kwargs):
    return selectors.invitations_for(user)


def connect() -> None:
    journey.proposed_request_declined.connect(_proposed_request_declined, dispatch_uid="matching.declined")
    journey.relationships_invitations.connect(_invitations, dispatch_uid="matching.invitations")
