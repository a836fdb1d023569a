"""Matching rounds with the task queue down: refused (nothing listens), or silent (it takes the connection
and never answers; Celery's own ``.delay()`` waited on it for ever). A mentor's decline and staff's Publish
answer at once with no error, and the sweep (``tasks.resume_waiting_work``) does what their lost queue
message would have done, once however often it runs."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from journeys.models import Relationship, State, StateChange
from journeys.services import relationships
from notifications.tests.broker_down import broker_down, in_thread, post_in_thread
from people.tests.factories import make_staff
from staff.matching import services, tasks
from staff.matching.models import PAST_STATUSES, Proposal, Round

from .world import small_world

pytestmark = pytest.mark.django_db(transaction=True)


def a_published_round(w, on_decline):
    w["maya"].profile.capacity = 2  # room left: Ben's next best after Noor is Maya
    w["maya"].profile.save()
    round_ = services.open_round(
        staff_user=w["staff"],
        name="September graduates",
        mentee_ids=[w["ada"].pk, w["ben"].pk],
        mentor_ids=[w["maya"].pk, w["noor"].pk],
        min_score=1,
        on_decline=on_decline,
    )
    services.run_proposal(round_, w["staff"])
    services.publish(round_, w["staff"])
    return Round.objects.get(pk=round_.pk)


def current(round_, mentee):
    return Proposal.objects.filter(round=round_, mentee=mentee).exclude(status__in=PAST_STATUSES).first()


def sweep() -> dict:
    return tasks.resume_waiting_work.apply().get()


@pytest.mark.parametrize("kind", ["refused", "silent"])
def test_with_the_queue_down_a_decline_answers_at_once_and_the_sweep_proposes_and_publishes_once(kind, settings):
    w = small_world()
    round_ = a_published_round(w, Round.OnDecline.PUBLISH)
    ben = current(round_, w["ben"])
    first_mentor = ben.mentor
    other = w["maya"] if first_mentor == w["noor"] else w["noor"]
    with broker_down(kind, settings):
        declined, took = in_thread(lambda: relationships.decline_request(ben.relationship, first_mentor, "Full up"))
    assert took < 5, f"declining waited {took:.1f}s for the task queue"
    assert declined.state == State.DECLINED  # the decline stands
    assert current(round_, w["ben"]) is None  # not followed up yet: its message was never queued

    mail.outbox.clear()
    assert sweep() == {"resumed": 0, "followed_up": 1}
    assert sweep() == {"resumed": 0, "followed_up": 0}  # run twice: followed up once
    nxt = current(round_, w["ben"])
    assert nxt.status == Proposal.Status.PUBLISHED and nxt.mentor == other
    assert Relationship.objects.filter(mentee=w["ben"], mentor=other).count() == 1
    assert len([m for m in mail.outbox if m.to == [other.email]]) == 1  # the mentor is asked once


def test_the_sweep_follows_up_a_lost_decline_for_staff_to_publish_and_leaves_rounds_that_do_nothing(settings):
    w = small_world()
    proposing = a_published_round(w, Round.OnDecline.PROPOSE)
    ben = current(proposing, w["ben"])
    with broker_down("refused", settings):
        in_thread(lambda: relationships.decline_request(ben.relationship, ben.mentor, ""))
    assert sweep() == {"resumed": 0, "followed_up": 1}
    assert current(proposing, w["ben"]).status == Proposal.Status.PROPOSED  # staff publish it
    # A round that does nothing after a decline marks the mentee unmatched at once: nothing waits.
    Round.objects.filter(pk=proposing.pk).update(status=Round.Status.CLOSED)
    assert services.waiting_follow_ups() == []


def test_a_follow_up_run_twice_at_once_proposes_and_publishes_once(settings):
    """The sweep and the follow-up's own (late) message at the same moment: the second, waiting for the
    round's lock, finds the mentee's new row and leaves it."""
    w = small_world()
    round_ = a_published_round(w, Round.OnDecline.PUBLISH)
    ben = current(round_, w["ben"])
    with broker_down("refused", settings):  # the follow-up's message is lost
        in_thread(lambda: relationships.decline_request(ben.relationship, ben.mentor, ""))
    relationships_before = Relationship.objects.count()
    gate, errors = threading.Barrier(2), []

    def follow_up():
        try:
            gate.wait()
            services.after_decline(ben.pk)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=follow_up) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert current(round_, w["ben"]).status == Proposal.Status.PUBLISHED
    assert Relationship.objects.count() == relationships_before + 1


@pytest.mark.parametrize("kind", ["refused", "silent"])
def test_with_the_queue_down_publish_answers_at_once_and_the_sweep_publishes_each_pair_once(kind, client, settings):
    w = small_world()
    round_ = services.open_round(
        staff_user=w["staff"],
        name="September graduates",
        mentee_ids=[w["ada"].pk, w["ben"].pk],
        mentor_ids=[w["maya"].pk, w["noor"].pk],
        min_score=1,
    )
    services.run_proposal(round_, w["staff"])
    publisher = make_staff(email="publisher@example.com")  # not the round's creator
    client.force_login(publisher)
    with broker_down(kind, settings):
        response, took = post_in_thread(client, reverse("staff_matching_publish", args=[round_.pk]))
    assert took < 5, f"Publish waited {took:.1f}s for the task queue"
    page = response.content.decode()
    assert response.status_code == 200
    assert "Publishing will start within a few minutes: 2 requests will be sent." in page
    assert "Publishing has started" not in page
    assert not Relationship.objects.filter(proposed_by_programme=True).exists()

    assert sweep() == {"resumed": 0, "followed_up": 0}  # its run may still be on its way
    Round.objects.filter(pk=round_.pk).update(
        publish_seen_at=timezone.now() - timedelta(seconds=services.PUBLISH_STALE_SECONDS + 1)
    )
    page = client.get(reverse("staff_matching_round", args=[round_.pk])).content.decode()
    assert "Publishing stopped after 0 of 2 pairs. It carries on by itself within a few minutes" in page
    mail.outbox.clear()
    assert sweep() == {"resumed": 1, "followed_up": 0}
    assert sweep() == {"resumed": 0, "followed_up": 0}  # run twice: each pair sent once
    round_.refresh_from_db()
    assert round_.status == Round.Status.PUBLISHED and round_.publishing_since is None
    assert (round_.publish_sent, round_.publish_refused) == (2, 0)
    sent = Relationship.objects.filter(proposed_by_programme=True)
    assert sent.count() == 2
    actors = set(
        StateChange.objects.filter(relationship__in=sent, action="propose_request").values_list("actor", flat=True)
    )
    assert actors == {publisher.pk}  # sent as the one who pressed Publish
    for mentor in (w["maya"], w["noor"]):
        assert len([m for m in mail.outbox if m.to == [mentor.email]]) == 1
    page = client.get(reverse("staff_matching_round", args=[round_.pk])).content.decode()
    assert "Publishing stopped" not in page
