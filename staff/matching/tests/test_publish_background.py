"""Publishing a round in the background: progress on the round, a run that died can be started
again, and two runs at the same moment never send one request twice."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from journeys.models import Relationship
from journeys.services.base import Refused
from notifications.models import Notification
from staff.matching import services, tasks
from staff.matching.models import Proposal, Round

from .world import small_world


def a_proposed_round(w):
    round_ = services.open_round(
        staff_user=w["staff"],
        name="September graduates",
        mentee_ids=[w["ada"].pk, w["ben"].pk],
        mentor_ids=[w["maya"].pk, w["noor"].pk],
        min_score=1,
    )
    return services.run_proposal(round_, w["staff"])


@pytest.mark.django_db
def test_the_background_run_counts_its_progress_and_ends_published():
    w = small_world()
    round_ = services.start_publishing(a_proposed_round(w), w["staff"])
    assert round_.publish_total == 2 and services.publishing_alive(round_)
    with pytest.raises(Refused, match="already being published"):
        services.start_publishing(round_, w["staff"])
    assert tasks.publish_round(round_.pk, w["staff"].pk) == {"sent": 2, "refused": 0}
    round_.refresh_from_db()
    assert round_.status == Round.Status.PUBLISHED and round_.publishing_since is None
    assert (round_.publish_sent, round_.publish_refused, round_.publish_done) == (2, 0, 2)
    assert Relationship.objects.filter(proposed_by_programme=True).count() == 2
    with pytest.raises(Refused, match="No proposed pair is waiting"):
        services.start_publishing(round_, w["staff"])


@pytest.mark.django_db
def test_a_run_that_died_can_be_started_again_and_sends_nothing_twice():
    w = small_world()
    round_ = services.start_publishing(a_proposed_round(w), w["staff"])
    # The first run sent Ada's request, then its worker died.
    services.publish(round_, w["staff"], only=[w["ada"].pk])
    Round.objects.filter(pk=round_.pk).update(
        publish_seen_at=timezone.now() - timedelta(seconds=services.PUBLISH_STALE_SECONDS + 1)
    )
    round_.refresh_from_db()
    assert not services.publishing_alive(round_)
    round_ = services.start_publishing(round_, w["staff"])
    assert round_.publish_total == 1
    tasks.publish_round(round_.pk, w["staff"].pk)
    for mentee in (w["ada"], w["ben"]):
        assert Relationship.objects.filter(mentee=mentee).count() == 1
    # One "request proposed" notice per pair, to its mentor: none doubled by the second run.
    assert Notification.objects.filter(event="request_proposed").count() == 2


@pytest.mark.django_db
def test_a_closed_round_s_run_stops_and_is_no_longer_publishing():
    w = small_world()
    round_ = services.start_publishing(a_proposed_round(w), w["staff"])
    services.close_round(round_, w["staff"])
    assert "closed" in tasks.publish_round(round_.pk, w["staff"].pk)["refused_because"]
    round_.refresh_from_db()
    assert round_.publishing_since is None
    assert not Relationship.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_send_each_request_once():
    w = small_world()
    round_ = a_proposed_round(w)
    barrier = threading.Barrier(2)
    outcomes: list = [None, None]

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = services.publish(Round.objects.get(pk=round_.pk), w["staff"])
        except Exception as exc:  # anything is a bug here: report it
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(not isinstance(o, Exception) and o is not None for o in outcomes), outcomes
    assert sum(o.sent for o in outcomes) == 2 and sum(o.refused for o in outcomes) == 0
    assert Relationship.objects.count() == 2
    assert Proposal.objects.filter(round=round_, status=Proposal.Status.PUBLISHED).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_rounds_publishing_one_mentee_at_the_same_moment_send_one_request():
    """Ben is in two rounds, proposed to Maya in one and to Noor in the other, and both are published at
    the same moment: each pair locks Ben's places in the rounds before it checks him again, so the second
    waits, finds the first one's request and is refused with why; Ben gets one request, not two."""
    w = small_world()
    rounds = [
        services.run_proposal(
            services.open_round(
                staff_user=w["staff"], name=name, mentee_ids=[w["ben"].pk], mentor_ids=[mentor.pk], min_score=1
            ),
            w["staff"],
        )
        for name, mentor in (("Autumn", w["maya"]), ("Spring", w["noor"]))
    ]
    assert Proposal.objects.filter(mentee=w["ben"], status=Proposal.Status.PROPOSED).count() == 2
    barrier = threading.Barrier(2)
    outcomes: list = [None, None]

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = services.publish(Round.objects.get(pk=rounds[i].pk), w["staff"])
        except Exception as exc:  # anything is a bug here: report it
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(not isinstance(o, Exception) and o is not None for o in outcomes), outcomes
    assert sorted((o.sent, o.refused) for o in outcomes) == [(0, 1), (1, 0)]
    assert Relationship.objects.filter(mentee=w["ben"]).count() == 1
    refused = Proposal.objects.get(mentee=w["ben"], status=Proposal.Status.PROPOSED)
    assert refused.problem == (
        "Not sent: Ben Mentee cannot be matched now (has an open request or relationship as mentee)."
    )
    assert Notification.objects.filter(event="request_proposed_confirmation", recipient=w["ben"]).count() == 1
