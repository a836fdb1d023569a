"""`manage.py bench_round_trip --here` walks real round trips and writes its block, keeping the rest."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from journeys.models import Relationship, State

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the benchmark is PostgreSQL's"),
]


def test_round_trips_are_sent_accepted_and_written_between_the_markers(tmp_path):
    output = tmp_path / "BENCHMARKS.md"
    output.write_text("# Benchmarks\n\nThe search's block.\n")
    call_command(
        "bench_round_trip", here=True, mentors=20, past=30, runs=3, warmup=1, output=str(output), stdout=StringIO()
    )

    assert Relationship.objects.filter(state=State.COMPLETED).count() >= 30  # the past relationships
    accepted = Relationship.objects.filter(mentee__email__startswith="round-trip-", state=State.ARRANGING)
    assert accepted.count() == 4  # every round trip really sent and accepted its request
    text = output.read_text()
    assert text.startswith("# Benchmarks\n\nThe search's block.\n\n## Request round trip")
    assert "| send a request |" in text and "| accept it |" in text and "round trip p95" in text

    # Run again: the block is replaced, not added.
    call_command(
        "bench_round_trip", here=True, mentors=20, past=30, runs=2, warmup=0, output=str(output), stdout=StringIO()
    )
    assert output.read_text().count("<!-- bench:round-trip:start -->") == 1


def test_what_if_leaves_the_flow_and_rendering_out_of_its_timed_posts_only(tmp_path):
    from journeys.flows import mentoring, onboarding
    from journeys.models import MentoringProcess
    from notifications import services
    from notifications.models import Notification

    originals = (mentoring.request_sent, mentoring.request_answered, onboarding.first_request_sent, services._fields)
    output = tmp_path / "BENCHMARKS.md"
    call_command(
        "bench_round_trip",
        here=True,
        what_if=True,
        mentors=30,
        past=10,
        runs=2,
        warmup=1,
        output=str(output),
        stdout=StringIO(),
    )

    text = output.read_text()
    assert text.count("<!-- bench:round-trip-what-if:start -->") == 1
    assert "| round trip (send + accept) |" in text.split("<!-- bench:round-trip-what-if:start -->")[1]
    # Its accepts really ran (the request was sent as the product sends it, with its flow) ...
    answered = Relationship.objects.filter(mentee__email__startswith="what-if-", state=State.ARRANGING)
    assert answered.count() == 3
    assert all(MentoringProcess.objects.filter(relationship=rel).exists() for rel in answered)
    # ... and its timed sends had no flow and unrendered emails: what the worker would do later.
    sent = Relationship.objects.filter(mentee__email__startswith="what-if-send-", state=State.REQUESTED)
    assert sent.count() == 3
    assert not MentoringProcess.objects.filter(relationship__in=sent).exists()
    unrendered = Notification.objects.filter(recipient__in=[r.mentor_id for r in sent], event="request_sent")
    assert unrendered.count() == 3 and set(unrendered.values_list("body_text", flat=True)) == {""}
    # In their place each timed POST wrote the one row that would tell the worker what to do.
    with connection.cursor() as cursor:
        cursor.execute("SELECT relationship_id, events FROM bench_flow_moves ORDER BY id")
        moves = [(pk, json.loads(events)) for pk, events in cursor.fetchall()]
    timed_accepts = [r.pk for r in answered.order_by("pk")]
    assert sorted(pk for pk, events in moves if events == ["request_answered"]) == timed_accepts
    assert sorted(pk for pk, events in moves if events == ["request_sent", "first_request"]) == sorted(
        r.pk for r in sent
    )
    assert len(moves) == 6
    # The product is itself again afterwards.
    assert (
        mentoring.request_sent,
        mentoring.request_answered,
        onboarding.first_request_sent,
        services._fields,
    ) == originals
    product = Relationship.objects.filter(mentee__email__startswith="round-trip-", state=State.ARRANGING)
    assert product.count() == 3 and all(MentoringProcess.objects.filter(relationship=r).exists() for r in product)
