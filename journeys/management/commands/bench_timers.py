"""`manage.py bench_timers` (part of ``make bench``): the timer sweep's cost against a long history.

Every minute Celery beat runs ``journeys.tasks.fire_workflow_timers``, which asks
(``journeys.flows.timers.due_timers``) for the due timers (``flow_task_type = 'TIMER' AND status = 'SCHEDULED' AND scheduled <=
now()``). Its cost must follow what is due, not how many tasks the platform has ever run.

Like ``bench_search``, the command makes its own PostgreSQL database (``mentoring_bench_timers``
on the server of ``DATABASE_URL``, or ``BENCH_DATABASE_URL`` when set), runs itself again
against it in a child process, writes its section of BENCHMARKS.md and drops the database.
The child writes ``--rows`` finished task rows (50,000 finished mentoring journeys of 20
steps each, 7 of them timers that fired or were cancelled) and ``--waiting`` timers not yet
due, in SQL (``INSERT ... SELECT generate_series``), then times the empty sweep: the Celery
task's own function, called ``--runs`` times, with and without the index of
``journeys/migrations/0003_timer_sweep_index.py``, and shows PostgreSQL's plan for each.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import subprocess
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from project.benchmarks import replace_block

START = "<!-- bench:timers:start -->"
END = "<!-- bench:timers:end -->"
INDEX = "journeys_timer_due_idx"
TARGET_MS = 5.0
STEPS_PER_JOURNEY = 20
MENTORING = "journeys/flows.mentoring.MentoringFlow"

# One finished mentoring journey, step by step: (node, task type, status, timer due after days).
# The timers are the flow's own (review_request__timeout... see journeys/flows/mentoring.py):
# the first request reminder fired, the other request timers were cancelled by the answer, and
# so on. 7 of the 20 rows are timers, all of them finished.
JOURNEY = [
    ("start", "START", "DONE", None),
    ("review_request", "HUMAN", "DONE", None),
    ("review_request__timeout", "TIMER", "DONE", 3),
    ("review_request__timeout_2", "TIMER", "CANCELED", 7),
    ("review_request__timeout_3", "TIMER", "CANCELED", 10),
    ("remind_mentor", "FUNCTION", "DONE", None),
    ("reminded", "END", "DONE", None),
    ("after_review", "SWITCH", "DONE", None),
    ("arrange_first_meeting", "HUMAN", "DONE", None),
    ("arrange_first_meeting__timeout", "TIMER", "CANCELED", 7),
    ("arrange_first_meeting__timeout_2", "TIMER", "CANCELED", 14),
    ("first_conversation", "HUMAN", "DONE", None),
    ("progression", "HUMAN", "DONE", None),
    ("completion", "HUMAN", "DONE", None),
    ("feedback", "PARALLEL_GATEWAY", "DONE", None),
    ("mentee_feedback", "HUMAN", "DONE", None),
    ("mentee_feedback__timeout", "TIMER", "CANCELED", 7),
    ("mentor_feedback", "HUMAN", "DONE", None),
    ("mentor_feedback__timeout", "TIMER", "DONE", 7),
    ("completed", "END", "DONE", None),
]
assert len(JOURNEY) == STEPS_PER_JOURNEY


def seed_history(finished_rows: int, waiting_timers: int) -> None:
    """Write ``finished_rows`` finished task rows (finished journeys, at least 31 days old, so
    every finished timer's ``scheduled`` is in the past) and ``waiting_timers`` open journeys
    each waiting on a request-reminder timer due in 1 to 30 days. Plain SQL, no flow code."""
    journeys = max(1, finished_rows // STEPS_PER_JOURNEY)
    steps = ", ".join(
        f"({k}, '{MENTORING}.{name}', '{kind}', '{status}', {'NULL' if due is None else due})"
        for k, (name, kind, status, due) in enumerate(JOURNEY)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH p AS (
                INSERT INTO viewflow_process (flow_class, status, created, finished, data)
                SELECT %s, 'DONE', now() - (31 + j %% 730) * interval '1 day',
                       now() - (1 + j %% 730) * interval '1 day', '{{}}'::jsonb
                FROM generate_series(1, %s) AS j
                RETURNING id, created
            )
            INSERT INTO viewflow_task (flow_task, flow_task_type, status, created, started, finished,
                                       token, process_id, data, scheduled)
            SELECT s.name, s.kind, s.status,
                   p.created + s.k * interval '12 hours',
                   p.created + s.k * interval '12 hours',
                   p.created + s.k * interval '12 hours' + interval '1 hour',
                   'start', p.id, '{{}}'::jsonb,
                   p.created + s.k * interval '12 hours' + s.due * interval '1 day'
            FROM p CROSS JOIN (VALUES {steps}) AS s(k, name, kind, status, due)
            """,
            [MENTORING, journeys],
        )
        if waiting_timers:
            cursor.execute(
                """
                WITH p AS (
                    INSERT INTO viewflow_process (flow_class, status, created, data)
                    SELECT %s, 'NEW', now() - interval '1 hour', '{}'::jsonb
                    FROM generate_series(1, %s) AS j
                    RETURNING id, created
                )
                INSERT INTO viewflow_task (flow_task, flow_task_type, status, created, token,
                                           process_id, data, scheduled)
                SELECT %s, 'TIMER', 'SCHEDULED', p.created, 'start', p.id, '{}'::jsonb,
                       now() + (1 + p.id %% 30) * interval '1 day'
                FROM p
                """,
                [MENTORING, waiting_timers, f"{MENTORING}.review_request__timeout"],
            )


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.4999))
    return ordered[min(rank, len(ordered)) - 1]


def sweep_query() -> str:
    """The SQL the sweep runs when nothing is due (captured from a real run, parameters inlined)."""
    from journeys.tasks import fire_workflow_timers

    with CaptureQueriesContext(connection) as captured:
        fired = fire_workflow_timers()
    if fired:
        raise CommandError(f"The sweep fired {fired} timers: the benchmark expects none due.")
    [query] = [q["sql"] for q in captured.captured_queries if "viewflow_task" in q["sql"]]
    return query


def explain(sql: str, analyze: bool = True) -> str:
    options = "ANALYZE, BUFFERS, COSTS OFF" if analyze else "COSTS OFF"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({options}) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


class Command(BaseCommand):
    help = "Benchmark the empty timer sweep over 1,000,000 finished task rows on PostgreSQL; write BENCHMARKS.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=1_000_000, help="Finished task rows (default: %(default)s).")
        parser.add_argument("--waiting", type=int, default=2_000, help="Timers waiting, not yet due.")
        parser.add_argument("--runs", type=int, default=300, help="Timed sweeps, with and without the index.")
        parser.add_argument("--warmup", type=int, default=20, help="Untimed sweeps first.")
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "BENCHMARKS.md"))
        parser.add_argument("--database", default="mentoring_bench_timers", help="The benchmark's own database.")
        parser.add_argument("--keep-database", action="store_true", help="Leave the benchmark database behind.")
        parser.add_argument(
            "--here",
            action="store_true",
            help="Measure in the current database instead of making one (the child process).",
        )

    # -- the parent: make a database, run the child, clean up (bench_search's helpers) ----

    def handle(self, *args, **options) -> None:
        if options["here"]:
            self.measure(options)
            return
        from people.management.commands.bench_search import Command as SearchBench

        helper = SearchBench(stdout=self.stdout, stderr=self.stderr)
        helper.run_in_bench_database(
            options,
            "bench_timers",
            [
                f"--rows={options['rows']}",
                f"--waiting={options['waiting']}",
                f"--runs={options['runs']}",
                f"--warmup={options['warmup']}",
            ],
        )

    # -- the child: seed, measure, write ------------------------------------------------

    def measure(self, options: dict) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark runs on PostgreSQL only.")
        name = connection.settings_dict["NAME"]
        if "bench" not in name:
            raise CommandError(f"Refusing to fill {name!r} with generated tasks: its name must contain 'bench'.")
        began = time.monotonic()
        load_before = os.getloadavg()
        call_command("migrate", verbosity=0, interactive=False)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM viewflow_task")
            existing = cursor.fetchone()[0]
        seconds = 0.0
        if existing < options["rows"]:
            self.stdout.write(
                f"Writing {options['rows']:,} finished task rows and {options['waiting']:,} waiting timers…"
            )
            started = time.monotonic()
            seed_history(options["rows"] - existing, options["waiting"])
            seconds = time.monotonic() - started
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE viewflow_task")  # what autovacuum does after a bulk load
            cursor.execute(
                "SELECT count(*) FILTER (WHERE status IN ('DONE', 'CANCELED')),"
                " count(*) FILTER (WHERE flow_task_type = 'TIMER' AND status IN ('DONE', 'CANCELED')),"
                " count(*) FILTER (WHERE flow_task_type = 'TIMER' AND status = 'SCHEDULED'),"
                " count(*) FILTER (WHERE flow_task_type = 'TIMER' AND status = 'SCHEDULED' AND scheduled <= now())"
                " FROM viewflow_task"
            )
            finished, finished_timers, waiting, due = cursor.fetchone()
        if due:
            raise CommandError(f"{due} timers are due: the benchmark measures the empty sweep.")

        with_index = self.time_sweeps(options)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"DROP INDEX {INDEX}")  # rolled back below
            without_index = self.time_sweeps(options)
            transaction.set_rollback(True)

        data = {
            "finished": finished,
            "finished_timers": finished_timers,
            "waiting": waiting,
            "seeded": f"written in {seconds:.0f} s" if seconds else "already there (--keep-database)",
        }
        machine = self.machine(load_before, os.getloadavg(), time.monotonic() - began)
        self.write(Path(options["output"]), with_index, without_index, data, machine, options)
        median, p95 = with_index["median"], with_index["p95"]
        self.stdout.write(
            f"Empty sweep over {finished:,} finished task rows: median {median:.2f} ms, p95 {p95:.2f} ms "
            f"(without the index: median {without_index['median']:.2f} ms, p95 {without_index['p95']:.2f} ms)."
        )
        if p95 >= TARGET_MS:
            raise CommandError(f"The empty sweep's p95 is {p95:.2f} ms, over the {TARGET_MS:.0f} ms target.")

    def time_sweeps(self, options: dict) -> dict:
        from journeys.tasks import fire_workflow_timers

        for _ in range(options["warmup"]):
            fire_workflow_timers()
        timings = []
        for _ in range(options["runs"]):
            started = time.perf_counter()
            fired = fire_workflow_timers()
            timings.append((time.perf_counter() - started) * 1000)
            if fired:
                raise CommandError("The sweep fired a timer: the benchmark expects none due.")
        sql = sweep_query()
        bare = []
        for _ in range(min(50, options["runs"])):
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) {sql}")
                [plan] = cursor.fetchone()[0]
            bare.append(plan["Planning Time"] + plan["Execution Time"])
        return {
            "min": min(timings),
            "median": statistics.median(timings),
            "p95": percentile(timings, 0.95),
            "max": max(timings),
            "sql_median": statistics.median(bare),
            "sql": sql,
            "plan": explain(sql),
        }

    def machine(self, load_before, load_after, elapsed: float) -> dict:
        import django

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        try:
            commit = subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"],
                capture_output=True,
                text=True,
                cwd=settings.BASE_DIR,
                check=False,
            ).stdout.strip()
        except OSError:
            commit = ""
        return {
            "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
            "cores": os.cpu_count(),
            "os": platform.platform(),
            "postgresql": version,
            "python": platform.python_version(),
            "django": django.get_version(),
            "commit": commit,
            "load": f"{load_before[0]:.2f} before, {load_after[0]:.2f} after (1-minute load average)",
            "elapsed": f"{elapsed / 60:.1f} minutes",
        }

    def write(self, path: Path, with_index: dict, without_index: dict, data: dict, machine: dict, options: dict):
        def row(label: str, t: dict) -> str:
            return (
                f"| {label} | {t['min']:.2f} | {t['median']:.2f} | {t['p95']:.2f} | {t['max']:.2f} "
                f"| {t['sql_median']:.2f} |"
            )

        verdict = "meets" if with_index["p95"] < TARGET_MS else "misses"
        lines = [
            START,
            f"_Measured {machine['date']} by `make bench` (`python manage.py bench_timers --rows {options['rows']} "
            f"--waiting {options['waiting']} --runs {options['runs']}`), commit {machine['commit'] or 'unknown'}._",
            "",
            f"{data['finished']:,} finished task rows ({data['finished_timers']:,} of them finished timers), "
            f"{data['waiting']:,} timers waiting (due in 1 to 30 days), none due; {options['runs']} sweeps "
            f"after {options['warmup']} untimed ones.",
            "",
            "| Empty sweep | min (ms) | median (ms) | p95 (ms) | max (ms) | bare SQL median (ms) |",
            "|---|---:|---:|---:|---:|---:|",
            row(f"with `{INDEX}`", with_index),
            row("without it (dropped in a transaction, rolled back)", without_index),
            "",
            f"Target: an empty sweep under {TARGET_MS:.0f} ms with 1,000,000 finished task rows: p95 "
            f"{with_index['p95']:.2f} ms ({verdict}).",
            "",
            "The sweep's query (`journeys.flows.timers.due_timers`, as sent):",
            "",
            "```sql",
            with_index["sql"],
            "```",
            "",
            "Its plan with the index (`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)`):",
            "",
            "```",
            with_index["plan"],
            "```",
            "",
            "And without it:",
            "",
            "```",
            without_index["plan"],
            "```",
            "",
            "Machine and run:",
            "",
            f"- {machine['cores']} cores; {machine['os']}; PostgreSQL {machine['postgresql']}; "
            f"Python {machine['python']}, Django {machine['django']}",
            f"- Load: {machine['load']}; the whole run took {machine['elapsed']}",
            f"- Data: generated in SQL (`INSERT ... SELECT generate_series`), {data['seeded']}, then "
            "`VACUUM ANALYZE viewflow_task`",
            "- Sweep time: `journeys.tasks.fire_workflow_timers` called in the same process (the task's own "
            "function, no broker): Django building the query, the round trip, PostgreSQL planning and running it; "
            "bare SQL: PostgreSQL's own planning + execution time (EXPLAIN ANALYZE, TIMING OFF) of that statement.",
            END,
        ]
        intro = (
            "## Timer sweep\n\n"
            "`make bench` also runs `python manage.py bench_timers`: in a database of its own "
            "(`mentoring_bench_timers`, or `BENCH_DATABASE_URL`) it writes 1,000,000 finished task rows "
            "(50,000 finished mentoring journeys of 20 steps, 7 of them timers) and 2,000 timers not yet due, "
            "then times the sweep Celery beat runs every minute when nothing is due, with the partial index "
            f"`{INDEX}` (journeys migration 0003) and without it. Options: `--rows`, `--waiting`, `--runs`, "
            "`--warmup`, `--output`, `--keep-database`.\n\n"
        )
        replace_block(path, START, END, "\n".join(lines), intro)
