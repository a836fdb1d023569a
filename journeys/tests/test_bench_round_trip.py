"""`manage.py bench_round_trip --here` walks real round trips and writes its block, keeping the rest."""

from __future__ import annotations

import json
import re
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
    # Every round trip really sent and accepted its request: four timed, and one more whose queries were counted.
    assert accepted.count() == 5
    text = output.read_text()
    assert text.startswith("# Benchmarks\n\nThe search's block.\n\n## Request round trip")
    assert "| send a request |" in text and "| accept it |" in text and "round trip p95" in text
    assert "| signed-in POST that does nothing (the request cycle) |" in text
    assert "The target's arithmetic at p50" in text
    # The queries are counted as the query-count tests count them (BEGIN and COMMIT included) ...
    assert re.search(r"- send: 1\d SQL queries \(meets ≤ 20\)", text)
    # ... and each POST's SQL time is a real, positive measurement, below its server time.
    send_row = next(line for line in text.splitlines() if line.startswith("| send a request |"))
    server_p50, _p95, sql_p50 = (float(cell) for cell in send_row.split("|")[2:5])
    assert 0 < sql_p50 < server_p50

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
    # (three timed and one counted)
    product = Relationship.objects.filter(mentee__email__startswith="round-trip-", state=State.ARRANGING)
    assert product.count() == 4 and all(MentoringProcess.objects.filter(relationship=r).exists() for r in product)


@pytest.mark.django_db(transaction=True)
def test_sql_timer_times_statements_and_the_commit_and_puts_the_commit_back():
    from django.db import connections, transaction

    from journeys.management.commands.bench_round_trip import SqlTimer

    real = connections["default"]
    with connection.cursor() as cursor:  # a table whose rows make the commit itself take 50 ms
        cursor.execute(
            "CREATE TEMP TABLE slow_commit (id int); "
            "CREATE FUNCTION pg_temp.slow_commit() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN PERFORM pg_sleep(0.05); RETURN NULL; END $$; "
            "CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON slow_commit DEFERRABLE INITIALLY DEFERRED "
            "FOR EACH ROW EXECUTE FUNCTION pg_temp.slow_commit()"
        )
    try:
        with SqlTimer() as statements, transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(0.03)")
        assert statements.ms >= 30  # the statement
        with SqlTimer() as commit:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("INSERT INTO slow_commit VALUES (1)")
        assert commit.ms >= 50  # the deferred trigger ran in the commit, and the commit was timed
        assert "_commit" not in vars(real)  # the connection's own commit again
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE slow_commit; DROP FUNCTION pg_temp.slow_commit()")
