"""Who the journey waits on, as the database keeps it (``staff.models.RelationshipWaiting``, written by
a trigger on the flow's tasks), agrees with ``journeys.rules.waits_on`` (read from the open tasks)
after every kind of journey step, and the relationship directory filters and shows it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse
from viewflow.workflow.models import Task

from journeys import rules
from journeys.models import Relationship
from journeys.services import relationships
from journeys.tests.helpers import send, walk_to
from people.tests.factories import make_mentee, make_mentor, make_staff
from staff.models import RelationshipWaiting

STAGES = ["requested", "arranging", "first_conversation", "progression", "completion", "feedback", "completed"]


def from_tasks(rel: Relationship) -> tuple[bool, bool]:
    tasks = list(Task.objects.filter(rules.open_task_q(), process__mentoringprocess__relationship=rel))
    return rules.waits_on(tasks, rel.mentee), rules.waits_on(tasks, rel.mentor)


def kept(rel: Relationship) -> tuple[bool, bool]:
    row = RelationshipWaiting.objects.get(relationship=rel)
    return row.mentee, row.mentor


def assert_agree(rels):
    for rel in rels:
        rel.refresh_from_db()
        assert kept(rel) == from_tasks(rel), f"{rel.state}: kept {kept(rel)}, open tasks say {from_tasks(rel)}"


@pytest.fixture
def population(db):
    """One relationship at each stage of the journey and at each way of ending, one feedback half given."""
    staff = make_staff()
    rels = {}
    for i, stage in enumerate(STAGES):
        mentee, mentor = make_mentee(email=f"w-mentee-{i}@example.com"), make_mentor(email=f"w-mentor-{i}@example.com")
        rels[stage] = walk_to(send(mentee, mentor), mentee, mentor, stage)
    pairs = [
        (make_mentee(email=f"e-mentee-{i}@example.com"), make_mentor(email=f"e-mentor-{i}@example.com"))
        for i in range(5)
    ]
    rels["declined"] = relationships.decline_request(send(*pairs[0]), pairs[0][1], "Full")
    rels["request_withdrawn"] = relationships.withdraw_request(send(*pairs[1]), pairs[1][0], "Changed my mind")
    arranging = walk_to(send(*pairs[2]), *pairs[2], "arranging")
    rels["withdrawn"] = relationships.withdraw(arranging, pairs[2][0], "Moving abroad")
    progression = walk_to(send(*pairs[3]), *pairs[3], "progression")
    rels["closed"] = relationships.close_by_staff(progression, staff, "Asked to by both")
    half = walk_to(send(*pairs[4]), *pairs[4], "feedback")
    relationships.give_feedback(half, pairs[4][0], 5, "Thank you")
    rels["feedback, the mentee's given"] = half
    return rels


@pytest.mark.django_db
def test_the_kept_row_agrees_with_the_open_tasks_at_every_stage_and_end(population):
    assert_agree(population.values())
    # The population covers each answer the directory can give, so the agreement means something.
    answers = {kept(rel) for rel in population.values()}
    assert answers == {(False, True), (True, False), (True, True), (False, False)}
    assert kept(population["requested"]) == (False, True)  # the mentor is to answer
    assert kept(population["completed"]) == (False, False)
    assert kept(population["feedback, the mentee's given"]) == (False, True)


@pytest.mark.django_db
def test_every_relationship_has_its_row_from_the_transaction_that_sends_the_request(mentee, mentor):
    rel = send(mentee, mentor)
    assert RelationshipWaiting.objects.filter(relationship=rel).exists()
    assert Relationship.objects.count() == RelationshipWaiting.objects.count()


@pytest.mark.django_db
def test_the_directory_filters_and_shows_who_it_waits_on(client, population):
    client.force_login(make_staff(email="reader@example.com"))
    url = reverse("staff_relationships")
    for key, label in (
        ("mentor", "The mentor"),
        ("mentee", "The mentee"),
        ("both", "Both of them"),
        ("nobody", "Nobody"),
    ):
        listed = client.get(url, {"waiting": key}).context["page"].object_list
        expected = {
            rel.pk
            for rel in population.values()
            if kept(rel)
            == {"mentor": (False, True), "mentee": (True, False), "both": (True, True), "nobody": (False, False)}[key]
        }
        assert {row.pk for row in listed} == expected, key
        assert {row.waiting_on for row in listed} == {label}


def _recomputed() -> int:
    """How often this transaction ran the trigger's function (PostgreSQL counts it with track_functions)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(calls), 0) FROM pg_stat_xact_user_functions WHERE funcname = 'staff_relationship_waiting'"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_row_is_recomputed_only_when_a_task_opens_closes_or_changes_owner(mentee, mentor):
    """Sending writes the start task (done), the mentor's step and its timers at once: one of them is
    open, so one recomputation; accepting closes the step, cancels its timers and opens the mentee's."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL track_functions = 'pl'")
    rel = send(mentee, mentor)
    assert Task.objects.filter(process__mentoringprocess__relationship=rel).count() > 2  # the timers too
    assert _recomputed() == 1
    relationships.accept_request(rel, mentor)
    assert _recomputed() == 3  # the mentor's step done, the mentee's opened; the timers cancelled silently
    assert_agree([rel])
    assert kept(rel) == (True, False)
