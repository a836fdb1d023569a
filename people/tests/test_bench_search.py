"""`manage.py bench_search --here` measures and writes its table, keeping the rest of the file."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the benchmark is PostgreSQL's"),
]


def test_bench_writes_its_table_between_the_markers(tmp_path):
    output = tmp_path / "BENCHMARKS.md"
    output.write_text(
        "# Benchmarks\n\nWritten by hand.\n\n<!-- bench:results:start -->\nold\n<!-- bench:results:end -->\n\nNotes.\n"
    )
    out = StringIO()

    call_command("bench_search", here=True, sizes="15,30", runs=2, warmup=1, output=str(output), stdout=out)

    text = output.read_text()
    assert text.startswith("# Benchmarks\n\nWritten by hand.") and text.endswith("\nNotes.\n")
    assert "old" not in text
    assert "| 15 | 1 criterion (an area of support) |" in text
    assert "| 30 | 3 criteria + keywords (area, role, community, “customs”) |" in text
    assert "harder: 3 criteria + keywords, page 10" in text
    assert "CPU:" in text and "PostgreSQL" in text
    assert "30 mentors:" in text  # the verdicts at the largest size
    assert "SQL queries per page:" in text


def test_the_parent_refuses_to_recreate_a_database_not_named_for_the_benchmark():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="must contain 'bench'"):
        call_command("bench_search", database="mentoring")


def test_measuring_here_refuses_a_database_not_named_for_the_benchmark(monkeypatch):
    """``--here`` writes generated mentors where it runs: never into a real database."""
    from django.core.management.base import CommandError

    monkeypatch.setitem(connection.settings_dict, "NAME", "mentoring")
    with pytest.raises(CommandError, match="Refusing to fill 'mentoring'"):
        call_command("bench_search", here=True, sizes="15", runs=1, warmup=0, output="/dev/null")
