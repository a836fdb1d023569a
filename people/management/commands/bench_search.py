"""`manage.py bench_search` (``make bench``): how fast Find Mentor is at 1,000 to 100,000 mentors.

By default the command makes its own PostgreSQL database (``mentoring_bench`` on the server
of ``DATABASE_URL``, or ``BENCH_DATABASE_URL`` when set), runs itself again against it in a
child process, writes the results into BENCHMARKS.md and drops the database. It never touches
the development or test databases, and it stops by itself.

For each size it adds generated mentors (``seed_demo``'s bulk writer) up to that size, then
for two searches, one criterion, and three criteria plus keywords, measures:

* the server time of the Find Mentor page (Django's test client, a logged-in mentee, the
  whole request from middleware to rendered HTML): p50 and p95 over ``--runs`` requests;
* the server time of the search inside those same requests (the view's ``search`` part of
  the ``Server-Timing`` header: running the search's query and explaining its results);
* the SQL queries per page;
* the bare SQL of the same search, timed by PostgreSQL itself (EXPLAIN ANALYZE, planning
  plus execution of the one statement the search runs): p50 and p95.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlparse, urlunparse

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from project.benchmarks import replace_block

START = "<!-- bench:results:start -->"
END = "<!-- bench:results:end -->"
BENCH_MENTEE = "bench-mentee@example.com"
KEYWORDS = "customs"
RARE_KEYWORDS = "hydrogen"
DEEP_PAGE = 10
REQUIRED = 2  # the first searches are the ones the targets are about
FLOOR_PAGE = "a trivial logged-in page (`/account/`)"


@dataclass
class Row:
    size: int
    search: str
    matches: str
    page_p50: float
    page_p95: float
    search_p50: float
    search_p95: float
    queries: int
    sql_p50: float
    sql_p95: float


@dataclass
class Timings:
    page: list[float] = field(default_factory=list)
    search: list[float] = field(default_factory=list)
    sql: list[float] = field(default_factory=list)
    queries: int = 0


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.4999))
    return ordered[min(rank, len(ordered)) - 1]


class Command(BaseCommand):
    help = "Benchmark Find Mentor at 1,000, 10,000 and 100,000 mentors on PostgreSQL; write BENCHMARKS.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--sizes", default="1000,10000,100000", help="Mentor counts, ascending (default: %(default)s)."
        )
        parser.add_argument("--runs", type=int, default=60, help="Timed requests per search and size.")
        parser.add_argument("--warmup", type=int, default=8, help="Untimed requests first.")
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "BENCHMARKS.md"))
        parser.add_argument("--database", default="mentoring_bench", help="Name of the benchmark's own database.")
        parser.add_argument("--keep-database", action="store_true", help="Leave the benchmark database behind.")
        parser.add_argument(
            "--here",
            action="store_true",
            help="Measure in the current database instead of making one (the child process; also for tests).",
        )

    # -- the parent: make a database, run the child, clean up ---------------------------

    def handle(self, *args, **options) -> None:
        if options["here"]:
            self.measure(options)
            return
        self.run_in_bench_database(
            options,
            "bench_search",
            [f"--sizes={options['sizes']}", f"--runs={options['runs']}", f"--warmup={options['warmup']}"],
        )

    def run_in_bench_database(self, options: dict, command_name: str, args: list[str]) -> None:
        """Recreate the benchmark database, run ``command_name --here`` on it in a child process
        (so its settings point there), and drop it afterwards unless --keep-database."""
        url = self.bench_url(options["database"])
        name = urlparse(url).path.lstrip("/").split("?", 1)[0]
        if "bench" not in name:
            raise CommandError(f"Refusing to recreate {name!r}: the benchmark database's name must contain 'bench'.")
        self.stdout.write(f"Benchmark database: {name} (recreated)")
        self.recreate(url, name)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DEBUG": "false",
            "ALLOW_DEV_SECRET": os.environ.get("ALLOW_DEV_SECRET", "true"),
            "DB_CONN_MAX_AGE": "600",
        }
        command = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            command_name,
            "--here",
            *args,
            f"--output={Path(options['output']).resolve()}",
        ]
        try:
            code = subprocess.call(command, env=env, cwd=settings.BASE_DIR)
        finally:
            if not options["keep_database"]:
                self.drop(url, name)
        if code:
            raise CommandError(f"The benchmark failed (exit code {code}).")

    def bench_url(self, database: str) -> str:
        explicit = os.environ.get("BENCH_DATABASE_URL")
        if explicit:
            return explicit
        source = os.environ.get("DATABASE_URL", "")
        if not source.startswith(("postgres://", "postgresql://")):
            source = "postgres://postgres@127.0.0.1:5432/postgres"
        parsed = urlparse(source)
        return urlunparse(parsed._replace(path=f"/{database}"))

    def _maintenance(self, url: str):
        import psycopg2

        parsed = urlparse(url)
        conn = psycopg2.connect(
            dbname="postgres",
            user=parsed.username or "postgres",
            password=parsed.password or None,
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or 5432,
        )
        conn.autocommit = True
        return conn

    def _run(self, url: str, *statements) -> None:
        # No ``with conn``: psycopg2 would open a transaction, and CREATE DATABASE refuses one.
        conn = self._maintenance(url)
        try:
            with conn.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        finally:
            conn.close()

    def recreate(self, url: str, name: str) -> None:
        from psycopg2 import sql

        self._run(
            url,
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)),
            sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)),
        )

    def drop(self, url: str, name: str) -> None:
        from psycopg2 import sql

        self._run(url, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    # -- the child: seed, measure, write ------------------------------------------------

    def measure(self, options: dict) -> None:
        from people.management import demo_data

        if connection.vendor != "postgresql":
            raise CommandError("The benchmark runs on PostgreSQL only.")
        name = connection.settings_dict["NAME"]
        if "bench" not in name and not name.startswith("test"):
            # --here fills the current database with generated mentors: never a real one.
            raise CommandError(
                f"Refusing to fill {name!r} with generated mentors: --here measures in a database whose "
                "name contains 'bench' (or a test database)."
            )
        sizes = sorted(int(size) for size in str(options["sizes"]).split(",") if size.strip())
        call_command("migrate", verbosity=0, interactive=False)
        mentee = self.bench_mentee()
        load_before = os.getloadavg()
        started = time.monotonic()
        rows: list[Row] = []
        seeding: list[tuple[int, float]] = []
        for size in sizes:
            t0 = time.monotonic()
            created = demo_data.ensure_generated_mentors(size)
            if created:
                seeding.append((created, time.monotonic() - t0))
            self.stdout.write(f"{size:,} mentors ready ({created:,} added in {time.monotonic() - t0:.1f} s)")
            for label, criteria, page in self.searches():
                row = self.measure_search(size, label, criteria, page, mentee, options["runs"], options["warmup"])
                rows.append(row)
                self.stdout.write(
                    f"  {label}: page p50 {row.page_p50:.1f} ms, p95 {row.page_p95:.1f} ms, "
                    f"search p50 {row.search_p50:.1f} ms, p95 {row.search_p95:.1f} ms, "
                    f"{row.queries} queries; SQL p50 {row.sql_p50:.1f} ms, p95 {row.sql_p95:.1f} ms"
                )
        floor = self.measure_floor(mentee, options["runs"], options["warmup"])
        self.stdout.write(f"  {FLOOR_PAGE}: page p50 {floor.page_p50:.1f} ms, p95 {floor.page_p95:.1f} ms")
        machine = self.machine(load_before, os.getloadavg(), time.monotonic() - started, seeding)
        self.write(Path(options["output"]), rows, machine, options, floor)
        self.stdout.write(self.style.SUCCESS(f"Wrote {options['output']}"))

    def bench_mentee(self):
        from allauth.account.models import EmailAddress
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from people.models import AreaOfSupport, ProfessionalCommunity, Profile, Role

        user, _ = get_user_model().objects.get_or_create(
            email=BENCH_MENTEE, defaults={"first_name": "Bench", "last_name": "Mentee"}
        )
        EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        profile, _ = Profile.objects.get_or_create(user=user)
        profile.is_mentee = True
        profile.job_title = "Graduate Analyst"
        profile.role = Role.objects.order_by("position").last()
        profile.community = ProfessionalCommunity.objects.order_by("position").first()
        profile.completed_at = profile.completed_at or timezone.now()
        profile.save()
        profile.areas.set(AreaOfSupport.objects.order_by("position")[:2])
        return user

    def searches(self) -> list[tuple[str, object, int]]:
        """(label, criteria, page): the two searches the issue asks for, then two harder cases."""
        from people.models import AreaOfSupport, ProfessionalCommunity, Role
        from people.search import Criteria

        networking = AreaOfSupport.objects.get(name="Networking and networking skills")
        three = dict(
            areas=(networking,),
            role=Role.objects.get(name="Operations"),
            community=ProfessionalCommunity.objects.get(name="Logistics"),
        )
        return [
            ("1 criterion (an area of support)", Criteria(areas=(networking,)), 1),
            (f"3 criteria + keywords (area, role, community, “{KEYWORDS}”)", Criteria(**three, keywords=KEYWORDS), 1),
            (
                f"harder: 3 criteria + a rarer keyword (“{RARE_KEYWORDS}”)",
                Criteria(**three, keywords=RARE_KEYWORDS),
                1,
            ),
            (f"harder: 3 criteria + keywords, page {DEEP_PAGE}", Criteria(**three, keywords=KEYWORDS), DEEP_PAGE),
        ]

    def time_page(self, url: str, mentee, runs: int, warmup: int, between=None) -> Timings:
        """Server times (ms) of ``runs`` requests for ``url`` as ``mentee``, the search's part of
        each (from the ``Server-Timing`` header; none on pages without a search), and the
        page's queries. ``between``, if given, runs after each request and its result (the
        bare SQL's time) is kept: alternating the two lets both see the same machine."""
        from project.server_timing import parse

        client = Client(SERVER_NAME="localhost")
        client.force_login(mentee)
        timings = Timings()
        with override_settings(SERVER_TIMING=True):
            for _ in range(warmup):
                assert client.get(url).status_code == 200
                if between is not None:
                    between()
            for _ in range(runs):
                t0 = time.perf_counter()
                response = client.get(url)
                timings.page.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200
                parts = parse(response.get("Server-Timing", ""))
                if "search" in parts:
                    timings.search.append(parts["search"])
                if between is not None:
                    timings.sql.append(between())
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200
        timings.queries = len(captured.captured_queries)
        return timings

    def measure_floor(self, mentee, runs: int, warmup: int) -> Row:
        """A trivial logged-in page, for scale: what every page costs before it does anything."""
        timings = self.time_page(reverse("account"), mentee, runs, warmup)
        return Row(
            0,
            FLOOR_PAGE,
            "",
            statistics.median(timings.page),
            percentile(timings.page, 0.95),
            0,
            0,
            timings.queries,
            0,
            0,
        )

    def measure_search(self, size: int, label: str, criteria, page: int, mentee, runs: int, warmup: int) -> Row:
        from people.search import COUNT_CAP, PAGE_SIZE, Ranking

        params = {**criteria.query_params(), **({"page": [str(page)]} if page > 1 else {})}
        url = reverse("find_mentor") + "?" + urlencode(params, doseq=True)
        ranking = Ranking(criteria, mentee)
        total = ranking.count()
        matches = f"more than {COUNT_CAP:,}" if total > COUNT_CAP else f"{total:,}"
        shown_page = min(page, max(1, -(-min(total, COUNT_CAP) // PAGE_SIZE)))
        offset = (shown_page - 1) * PAGE_SIZE
        timings = self.time_page(url, mentee, runs, warmup, between=lambda: self.bare_sql(ranking, offset, PAGE_SIZE))
        if len(timings.search) != len(timings.page):
            raise CommandError(f"{url} did not report its search in a Server-Timing header.")
        return Row(
            size=size,
            search=label,
            matches=matches,
            page_p50=statistics.median(timings.page),
            page_p95=percentile(timings.page, 0.95),
            search_p50=statistics.median(timings.search),
            search_p95=percentile(timings.search, 0.95),
            queries=timings.queries,
            sql_p50=statistics.median(timings.sql),
            sql_p95=percentile(timings.sql, 0.95),
        )

    def bare_sql(self, ranking, offset: int, limit: int) -> float:
        """Planning plus execution time, as PostgreSQL reports them, of the search's statement."""
        from people.search import PAGE_SETTINGS

        sql = ranking.search_sql(offset, limit)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(PAGE_SETTINGS)
            cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + sql.text, sql.params)
            plan = cursor.fetchone()[0][0]
        return plan["Planning Time"] + plan["Execution Time"]

    def keyword_share(self, keywords: str) -> str:
        from django.contrib.postgres.search import SearchQuery

        from people.models import Profile
        from people.search.keywords import websearch_query

        total = Profile.objects.filter(is_mentor=True).count()
        hits = Profile.objects.filter(
            is_mentor=True,
            search_vector=SearchQuery(websearch_query(keywords), config="english", search_type="websearch"),
        ).count()
        return f"{hits:,} of {total:,} mentors ({100 * hits / max(total, 1):.1f}%)"

    def machine(self, load_before, load_after, elapsed: float, seeding: list[tuple[int, float]]) -> dict:
        import django

        cpu = "unknown"
        try:
            for line in Path("/proc/cpuinfo").read_text().splitlines():
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        except OSError:
            pass
        memory = ""
        try:
            for line in Path("/proc/meminfo").read_text().splitlines():
                if line.startswith("MemTotal"):
                    memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
        except OSError:
            pass
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
            cursor.execute(
                "SELECT current_setting('shared_buffers'), current_setting('work_mem'), current_setting('jit')"
            )
            shared_buffers, work_mem, jit = cursor.fetchone()
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
        seeded = sum(n for n, _ in seeding)
        seconds = sum(s for _, s in seeding)
        return {
            "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
            "cpu": cpu,
            "cores": os.cpu_count(),
            "memory": memory,
            "os": platform.platform(),
            "postgresql": f"{version} (shared_buffers {shared_buffers}, work_mem {work_mem}, jit {jit} on the server)",
            "python": platform.python_version(),
            "django": django.get_version(),
            "commit": commit,
            "load": f"{load_before[0]:.2f} before, {load_after[0]:.2f} after (1-minute load average)",
            "elapsed": f"{elapsed / 60:.1f} minutes",
            "seeding": f"{seeded:,} generated mentors written in {seconds:.0f} s by seed_demo's bulk writer"
            if seeded
            else "no new mentors",
            "keywords": self.keyword_share(KEYWORDS),
            "rare_keywords": self.keyword_share(RARE_KEYWORDS),
        }

    def write(self, path: Path, rows: list[Row], machine: dict, options: dict, floor: Row | None = None) -> None:
        lines = [
            START,
            f"_Measured {machine['date']} by `make bench` (`python manage.py bench_search "
            f"--sizes {options['sizes']} --runs {options['runs']}`), commit {machine['commit'] or 'unknown'}._",
            "",
            "| Mentors | Search | Matches | Page p50 (ms) | Page p95 (ms) | SQL queries per page "
            "| Search p50 (ms) | Search p95 (ms) | Bare SQL p50 (ms) | Bare SQL p95 (ms) "
            "| Search p95 ÷ SQL p95 | Page p95 ÷ SQL p95 |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in rows:
            sql = max(row.sql_p95, 0.001)
            lines.append(
                f"| {row.size:,} | {row.search} | {row.matches} | {row.page_p50:.1f} | {row.page_p95:.1f} "
                f"| {row.queries} | {row.search_p50:.1f} | {row.search_p95:.1f} | {row.sql_p50:.1f} "
                f"| {row.sql_p95:.1f} | {row.search_p95 / sql:.1f}× | {row.page_p95 / sql:.1f}× |"
            )
        lines += ["", "Targets, checked on these numbers:", ""]
        lines += self.verdicts(rows)
        if floor is not None:
            lines.append(
                f"- For scale, {floor.search} in the same conditions: p50 {floor.page_p50:.1f} ms, "
                f"p95 {floor.page_p95:.1f} ms, {floor.queries} SQL queries (middleware, session, user, "
                "notifications badge); every page pays this before it does any work of its own."
            )
        lines += [
            "",
            "Machine and run:",
            "",
            f"- CPU: {machine['cpu']}, {machine['cores']} cores; memory {machine['memory']}; {machine['os']}",
            f"- PostgreSQL {machine['postgresql']}",
            f"- Python {machine['python']}, Django {machine['django']}; DEBUG off",
            f"- Load: {machine['load']}; the whole run took {machine['elapsed']}",
            f"- Data: {machine['seeding']}; at the largest size the keyword “{KEYWORDS}” appears in "
            f"{machine['keywords']}, “{RARE_KEYWORDS}” in {machine['rare_keywords']}",
            "- Page time: Django's test client in the same process, a logged-in mentee, "
            f"{options['warmup']} untimed requests then {options['runs']} timed ones per row; "
            "search time: the `search` entry of the same responses' `Server-Timing` header (the "
            "search's one query, its round trip and reading its rows, and explaining each result); "
            "bare SQL: PostgreSQL's own planning + execution time (EXPLAIN ANALYZE, TIMING OFF) "
            "of that same statement.",
            END,
        ]
        replace_block(path, START, END, "\n".join(lines), "## Find Mentor search\n\n")

    def verdicts(self, rows: list[Row]) -> list[str]:
        if not rows:
            return []
        largest, smallest = max(r.size for r in rows), min(r.size for r in rows)
        out = []
        for search in list(dict.fromkeys(r.search for r in rows))[:REQUIRED]:
            big = next(r for r in rows if r.size == largest and r.search == search)
            small = next(r for r in rows if r.size == smallest and r.search == search)
            ratio_sql = big.search_p95 / max(big.sql_p95, 0.001)
            page_ratio = big.page_p95 / max(big.sql_p95, 0.001)
            growth = big.page_p95 / max(small.page_p95, 0.001)
            out.append(
                f"- {search}, {largest:,} mentors: page p95 {big.page_p95:.1f} ms "
                f"({'meets' if big.page_p95 <= 50 else 'misses'} ≤ 50 ms); "
                f"search p95 {big.search_p95:.1f} ms, {ratio_sql:.1f}× the bare SQL "
                f"({'meets' if ratio_sql <= 2 else 'misses'} ≤ 2×; the whole page is {page_ratio:.1f}×); "
                f"page p95 {growth:.1f}× the {smallest:,}-mentor one ({'meets' if growth <= 3 else 'misses'} ≤ 3×)."
            )
        queries = {r.queries for r in rows}
        out.append(
            f"- SQL queries per page: {', '.join(str(q) for q in sorted(queries))} "
            f"({'the same at every size' if len({(r.search, r.queries) for r in rows}) == len({r.search for r in rows}) else 'they vary'})."
        )
        return out
