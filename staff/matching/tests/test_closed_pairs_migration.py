"""Migration matching 0006: a round's pair marked "Declined by the mentor" whose request journeys 0015
mended (closed because the mentor stopped taking part) is closed, and the mentee's unmatched row that
followed it says why; a real decline stays a decline."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from journeys.models import Relationship, State
from journeys.services import relationships
from staff.matching import services
from staff.matching.models import Proposal, Reason, Round

from .world import small_world

pytestmark = pytest.mark.django_db

migration = importlib.import_module("staff.matching.migrations.0006_mend_pairs_closed_for_the_mentor")


def test_pairs_whose_request_was_mended_are_closed(django_capture_on_commit_callbacks):
    w = small_world()
    round_ = services.open_round(
        staff_user=w["staff"],
        name="Spring",
        mentee_ids=[w["ada"].pk, w["ben"].pk],
        mentor_ids=[w["maya"].pk, w["noor"].pk],
        min_score=1,
        on_decline=Round.OnDecline.NOTHING,
    )
    services.publish(services.run_proposal(round_, w["staff"]), w["staff"])
    ada_rel = Relationship.objects.get(mentee=w["ada"])
    ben_rel = Relationship.objects.get(mentee=w["ben"])
    with django_capture_on_commit_callbacks(execute=True):
        relationships.decline_request(ada_rel, ada_rel.mentor, "Full up")
        # Recorded the old way, then mended by journeys 0015: the request is closed for Noor.
        relationships.decline_request(ben_rel, ben_rel.mentor, "Ended: the mentor left the programme.")
    Relationship.objects.filter(pk=ben_rel.pk).update(state=State.REQUEST_CLOSED)
    unmatched = Proposal.objects.filter(round=round_, status=Proposal.Status.UNMATCHED)
    assert set(unmatched.values_list("reason", flat=True)) == {Reason.DECLINED}

    migration.forwards(apps, None)

    assert Proposal.objects.get(relationship=ben_rel).status == Proposal.Status.CLOSED
    assert Proposal.objects.get(relationship=ada_rel).status == Proposal.Status.DECLINED
    assert unmatched.get(mentee=w["ben"]).reason == Reason.CLOSED_FOR_MENTOR
    assert unmatched.get(mentee=w["ada"]).reason == Reason.DECLINED

    migration.backwards(apps, None)
    assert Proposal.objects.get(relationship=ben_rel).status == Proposal.Status.DECLINED
    assert unmatched.get(mentee=w["ben"]).reason == Reason.DECLINED
