"""`manage.py bench_import`: a generated spreadsheet of 10,000 members imported, timed end to end.

Like ``bench_search`` (whose database handling it shares), it makes its own PostgreSQL database
(``mentoring_bench_import``), runs itself again there (``--here``) and drops it afterwards. In the
child it writes an XLSX workbook of ``--rows`` members (varied roles, areas, communities), then
times the same services the Import page and its Celery task use: ``services.preview`` (reading the
workbook with openpyxl, checking every row, writing the batch's rows) and ``services.run`` (creating
the users, profiles, areas, addresses and invitations in chunks, the invitation emails written to
the outbox and published to the broker). The messages go to a queue of their own
(``bench-import``), emptied afterwards, so no email is sent. It then imports the same file again
and checks nothing is created twice, and writes the "Bulk import" block of BENCHMARKS.md.
"""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from people.management.commands.bench_search import Command as SearchBench
from project.benchmarks import replace_block

START, END = "<!-- bench:import:start -->", "<!-- bench:import:end -->"
TARGET_SECONDS = 60.0
QUEUE = "bench-import"
HEADER = ["Email", "First name", "Last name", "Organisation", "Role", "Areas", "Community"]
AREAS = ["Leadership", "Career change", "Confidence", "Networking", "Technical skills", "Work-life balance"]
COMMUNITIES = ["Engineering", "Health", "Education", "Finance", "Public sector"]


class Command(SearchBench):
    help = "Import a generated spreadsheet of 10,000 members through the import service; write BENCHMARKS.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=10_000)
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "BENCHMARKS.md"))
        parser.add_argument("--database", default="mentoring_bench_import")
        parser.add_argument("--keep-database", action="store_true")
        parser.add_argument("--here", action="store_true", help="Measure in the current database (the child).")

    def handle(self, *args, **options) -> None:
        if options["here"]:
            self.measure(options)
            return
        os.environ["CELERY_TASK_DEFAULT_QUEUE"] = QUEUE
        self.run_in_bench_database(options, "bench_import", [f"--rows={options['rows']}"])

    # -- the child ------------------------------------------------------------------------

    def measure(self, options: dict) -> None:
        from people.management.demo_data import ensure_staff
        from people.models import AreaOfSupport, ProfessionalCommunity

        from ... import services
        from ...models import ImportBatch

        name = connection.settings_dict["NAME"]
        if connection.vendor != "postgresql" or ("bench" not in name and not name.startswith("test")):
            raise CommandError(f"Refusing to fill {name!r}: the benchmark runs in its own PostgreSQL database.")
        call_command("migrate", verbosity=0, interactive=False)
        for n in AREAS:
            AreaOfSupport.objects.get_or_create(name=n)
        for n in COMMUNITIES:
            ProfessionalCommunity.objects.get_or_create(name=n)
        staff, _new = ensure_staff()
        rows = options["rows"]
        data = workbook(rows)
        self.stdout.write(f"Workbook: {rows:,} rows, {len(data) / 1024:,.0f} KiB")

        load_before = os.getloadavg()[0]
        c0 = time.process_time()
        t0 = time.monotonic()
        batch = services.preview(staff_user=staff, upload=upload(data))
        t1 = time.monotonic()
        services.confirm(batch, staff_user=staff)
        batch = services.run(batch.pk)
        t2 = time.monotonic()
        c2 = time.process_time()
        if batch.status != ImportBatch.Status.DONE or batch.created_count != rows:
            raise CommandError(f"The import did not create every account: {batch.status}, {batch.created_count}.")
        again = services.preview(staff_user=staff, upload=upload(data))
        t3 = time.monotonic()
        if again.valid_rows:
            raise CommandError("Importing the same file again would create accounts twice.")
        purged = purge_queue()
        result = {
            "rows": rows,
            "preview_s": t1 - t0,
            "import_s": t2 - t1,
            "total_s": t2 - t0,
            "again_s": t3 - t2,
            "size_kib": len(data) / 1024,
            "invitations": batch.invitations.count(),
            "purged": purged,
            "cpu_s": c2 - c0,
            "load": (load_before, os.getloadavg()[0]),
        }
        self.stdout.write(
            f"preview {result['preview_s']:.1f} s, import {result['import_s']:.1f} s, "
            f"total {result['total_s']:.1f} s; the same file again: {result['again_s']:.1f} s, nothing to create"
        )
        self.write_block(Path(options["output"]), result)

    def write_block(self, path: Path, r: dict) -> None:
        commit = os.popen("git rev-parse --short HEAD 2>/dev/null").read().strip() or "?"
        ok = r["total_s"] <= TARGET_SECONDS
        lines = [
            START,
            f"_Measured {timezone.localtime():%Y-%m-%d %H:%M} by `make bench` (`python manage.py bench_import "
            f"--rows {r['rows']}`), commit {commit}, on this machine (2 cores)._",
            "",
            "| Step | Time |",
            "|---|---:|",
            f"| upload and preview (`services.preview`: openpyxl reads the {r['size_kib']:,.0f} KiB workbook, "
            f"every row checked, {r['rows']:,} rows written) | {r['preview_s']:.1f} s |",
            f"| import (`services.run`, the Celery task's work: {r['rows']:,} users, profiles, areas, addresses, "
            f"{r['invitations']:,} invitations and their emails in the outbox) | {r['import_s']:.1f} s |",
            f"| **total, file to invitations queued** | **{r['total_s']:.1f} s** |",
            f"| the same file again (preview: every row already in the programme, nothing to create) "
            f"| {r['again_s']:.1f} s |",
            "",
            f"Python CPU time of the preview and import together: {r['cpu_s']:.1f} s (the rest of the wall time is "
            f"PostgreSQL and waiting for a core). Load average when it started and ended: {r['load'][0]:.1f} and "
            f"{r['load'][1]:.1f} on 2 cores.",
            "",
            f"Target (issue 10): 10,000 rows imported in under {TARGET_SECONDS:.0f} s: "
            f"{'met' if ok else 'missed'} ({r['total_s']:.1f} s).",
            END,
        ]
        replace_block(path, START, END, "\n".join(lines), "## Bulk import\n\n" + INTRO + "\n\n")


INTRO = (
    "`make bench` runs `python manage.py bench_import` too: in a database of its own it imports a generated "
    "XLSX workbook of 10,000 members through the services the Import page and its Celery task use "
    "(`staff/imports/services.py`: `preview`, then `run`), the invitation emails written to the outbox in "
    "bulk and published to a queue of the benchmark's own (emptied afterwards: nothing is sent), then "
    "previews the same file again to check that nothing would be created twice."
)


def workbook(rows: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    roles = ("mentor", "mentee", "both")
    for i in range(rows):
        areas = "; ".join(AREAS[(i + k) % len(AREAS)] for k in range(1 + i % 3))
        sheet.append(
            [
                f"member{i}@bench.example.org",
                f"First{i}",
                f"Last{i}",
                f"Organisation {i % 97}",
                roles[i % 3],
                areas,
                COMMUNITIES[i % len(COMMUNITIES)],
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "members.xlsx", data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def purge_queue() -> int:
    """Empty the benchmark's own queue (the invitation emails' and the task's messages)."""
    from project.celery import app

    if app.conf.task_always_eager or settings.CELERY_TASK_DEFAULT_QUEUE != QUEUE:
        return 0
    with app.connection_for_write() as conn:
        try:
            return conn.default_channel.queue_purge(QUEUE) or 0
        except Exception:  # the queue was never declared (nothing published)
            return 0
