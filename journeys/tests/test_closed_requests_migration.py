"""Migration 0015: requests the old code recorded as the mentor's decline (or a deactivated mentee's
withdrawal) when they were closed for someone who stopped taking part are mended, only where the
history's note and the notification sent with it both say so; nothing else moves."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps

from journeys.models import Relationship, State, StateChange
from journeys.services import relationships
from journeys.tests.helpers import send
from notifications.models import Notification
from notifications.services import notify
from people.tests.factories import make_mentee, make_mentor

pytestmark = pytest.mark.django_db

migration = importlib.import_module("journeys.migrations.0015_mend_requests_closed_for_someone")
LEFT = "Ended: the mentor left the programme."
DEACTIVATED = "Closed by the programme team: this person is no longer taking part for now."


def declined_the_old_way(mentor, note: str, *, told: bool = True) -> Relationship:
    """A request closed for its mentor as the code before this fix did it: a decline with the reason as
    its note, and the mentee told it was closed (``told``: the notification is still there)."""
    mentee = make_mentee()
    rel = relationships.decline_request(send(mentee, mentor), mentor, note)
    Notification.objects.filter(recipient=mentee, event="request_declined").delete()
    if told:
        notify(mentee, "request_closed_for_mentee", relationship=rel, because="left")
    return rel


def test_declines_that_were_closings_become_closings_and_nothing_else_moves(mentor):
    left = declined_the_old_way(mentor, LEFT)
    deactivated = declined_the_old_way(make_mentor(email="deactivated.mentor@example.com"), DEACTIVATED)
    # Cannot be told apart, so left alone: the notification is gone (its recipient was erased since) ...
    untold = declined_the_old_way(make_mentor(email="untold.mentor@example.com"), LEFT)
    declined_the_old_way(mentor, LEFT, told=False)
    # ... the mentor's own words, though the mentee was told of another closing at that moment ...
    own_words = declined_the_old_way(make_mentor(email="busy.mentor@example.com"), "Sorry, my diary is full.")
    # ... or the notification came long after (another request, another time).
    late = declined_the_old_way(make_mentor(email="late.mentor@example.com"), DEACTIVATED)
    Notification.objects.filter(recipient=late.mentee).update(
        created_at=StateChange.objects.get(relationship=late, action="decline").at + timedelta(hours=1)
    )
    untold_pk = untold.pk
    Notification.objects.filter(recipient=untold.mentee).delete()

    migration.forwards(apps, None)

    for rel, action in ((left, "request_closed_mentor_left"), (deactivated, "request_closed_mentor_deactivated")):
        rel.refresh_from_db()
        assert rel.state == State.REQUEST_CLOSED and rel.is_ended
        closing = rel.history.last()
        assert (closing.action, closing.from_state, closing.to_state) == (action, State.REQUESTED, State.REQUEST_CLOSED)
    assert not StateChange.objects.filter(relationship__in=[left, deactivated], action="decline").exists()
    for pk in (untold_pk, own_words.pk, late.pk):
        assert Relationship.objects.get(pk=pk).state == State.DECLINED
    assert StateChange.objects.filter(action="decline").count() == 4  # the four left alone

    migration.backwards(apps, None)
    for rel in (left, deactivated):
        rel.refresh_from_db()
        assert rel.state == State.DECLINED
        assert (rel.history.last().action, rel.history.last().to_state) == ("decline", State.DECLINED)


def test_a_deactivated_mentees_withdrawal_becomes_a_closing_a_leavers_stays_theirs(mentor):
    """The old code recorded both as the mentee's "withdraw_request"; only the deactivation was not theirs."""
    deactivated, leaver = make_mentee(), make_mentee()
    closed = relationships.withdraw_request(send(deactivated, mentor), deactivated, DEACTIVATED, because="left")
    left = relationships.withdraw_request(
        send(leaver, make_mentor(email="second.mentor@example.com")),
        leaver,
        "Ended: the mentee left the programme.",
        because="left",
    )
    for rel in (closed, left):
        assert rel.history.last().action == "withdraw_request"

    migration.forwards(apps, None)

    closed.refresh_from_db()
    assert closed.history.last().action == "request_closed_mentee_deactivated"
    assert closed.state == State.REQUEST_WITHDRAWN and closed.is_ended  # still a withdrawn request that ended
    assert left.history.last().action == "withdraw_request"

    migration.backwards(apps, None)
    assert closed.history.last().action == "withdraw_request"
