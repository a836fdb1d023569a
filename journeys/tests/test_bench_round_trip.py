"""`manage.py bench_round_trip --here` walks real round trips and writes its block, keeping the rest."""

from __future__ import annotations

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
