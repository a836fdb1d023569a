"""`manage.py bench_staff_lists --here` fills relationships with their tasks and writes its block."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from journeys.models import Relationship
from people.tests.factories import make_staff

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the benchmark is PostgreSQL's"),
]


def test_the_bench_fills_times_and_writes_between_the_markers(tmp_path, client):
    output = tmp_path / "BENCHMARKS.md"
    output.write_text("# Benchmarks\n\nThe search's block.\n")
    call_command(
        "bench_staff_lists", here=True, relationships=400, runs=2, warmup=0, output=str(output), stdout=StringIO()
    )
    assert Relationship.objects.count() == 400
    text = output.read_text()
    assert text.startswith("# Benchmarks\n\nThe search's block.\n\n## Staff lists")
    assert "| waiting on the mentor |" in text and "| stalled for 30 days |" in text and "× the trivial" in text
    # the seeded tasks say whom the journey waits on, as the directory reads it
    client.force_login(make_staff(email="reader@example.com"))
    page = client.get(reverse("staff_relationships"), {"waiting": "mentor", "stage": "requested"}).context["page"]
    requested = Relationship.objects.filter(state="requested").count()
    assert requested and page.paginator.count == requested
    call_command(
        "bench_staff_lists", here=True, relationships=400, runs=1, warmup=0, output=str(output), stdout=StringIO()
    )
    assert output.read_text().count("<!-- bench:staff-lists:start -->") == 1
