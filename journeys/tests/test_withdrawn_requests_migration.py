"""Migration 0013: withdrawn requests that the old code ended as "Withdrawn" (or "Closed by programme
staff") when their mentee left are withdrawn requests again; nothing else moves."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from journeys.models import Relationship, State, StateChange
from journeys.services import relationships
from journeys.tests.helpers import send, walk_to
from people.tests.factories import make_mentee

pytestmark = pytest.mark.django_db

migration = importlib.import_module("journeys.migrations.0013_withdrawn_requests_of_leavers")


def left_the_old_way(mentor, to_state: State) -> Relationship:
    """A request withdrawn, then ended by the mentee's leaving as the code before this fix did it."""
    leaver = make_mentee()
    rel = relationships.withdraw_request(send(leaver, mentor), leaver, "Ended: the mentee left the programme.")
    Relationship.objects.filter(pk=rel.pk).update(state=to_state, ended_at=timezone.now())
    StateChange.objects.create(
        relationship=rel,
        actor=leaver,
        action="leave_programme",
        from_state=State.REQUEST_WITHDRAWN,
        to_state=to_state,
        note="Ended: the mentee left the programme.",
    )
    return rel


def test_requests_ended_by_leaving_become_withdrawn_requests_again(mentor, mentee):
    as_withdrawn = left_the_old_way(mentor, State.WITHDRAWN)
    as_closed = left_the_old_way(mentor, State.CLOSED)
    matched = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    relationships.withdraw(matched, mentee, "Ended: the mentee left the programme.")

    migration.forwards(apps, None)

    for rel in (as_withdrawn, as_closed):
        rel.refresh_from_db()
        assert rel.state == State.REQUEST_WITHDRAWN and rel.is_ended
        assert rel.history.last().to_state == State.REQUEST_WITHDRAWN
    matched.refresh_from_db()
    assert matched.state == State.WITHDRAWN  # a relationship that was accepted stays withdrawn

    migration.backwards(apps, None)
    for rel in (as_withdrawn, as_closed):
        rel.refresh_from_db()
        assert rel.state == State.WITHDRAWN and rel.history.last().to_state == State.WITHDRAWN
    matched.refresh_from_db()
    assert matched.state == State.WITHDRAWN
