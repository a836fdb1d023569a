"""`manage.py bench_staff_lists`: the staff relationship directory at 100,000 relationships.

Like ``bench_search`` and ``bench_round_trip`` (whose database handling it shares), it makes its own
PostgreSQL database (``mentoring_bench_staff_lists``), runs itself again there (``--here``) and
refuses any database whose name does not say it is a benchmark's. There it bulk-writes
``--relationships`` relationships between generated mentees and mentors, in every state (most of
them ended, as in a programme a few years old), each with its mentoring process and the flow tasks
it would have (finished ones, and for the open ones the task the journey waits on), then signs a
programme manager in and times the directory's pages (each filter, a deep page, a sort) and one
relationship's staff view, ``--runs`` times each, from their ``Server-Timing`` header (``total``),
against a trivial signed-in page (``/account/``). It writes the "Staff lists" block of
BENCHMARKS.md.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from people.management.commands.bench_search import Command as SearchBench
from people.management.commands.bench_search import percentile
from project.benchmarks import replace_block
from project.server_timing import parse

START, END = "<!-- bench:staff-lists:start -->", "<!-- bench:staff-lists:end -->"
TARGET_RATIO = 3.0  # each list page's p95 against the trivial page's p95 (issue 10)
PREFIX = "staff-bench-"
DOMAIN = "@bench.example"
PER_MENTEE = 5  # relationships per generated mentee, each with a different mentor

# (state, share of the relationships): a programme a few years old, most relationships ended.
MIX = [
    ("completed", 0.55),
    ("declined", 0.08),
    ("withdrawn", 0.08),
    ("closed", 0.03),
    ("request_withdrawn", 0.02),
    ("requested", 0.04),
    ("arranging", 0.04),
    ("first_conversation", 0.05),
    ("progression", 0.05),
    ("completion", 0.03),
    ("feedback", 0.03),
]
# The open task of each open state, and whose it is (journeys.flows.mentoring).
OPEN_TASK = {
    "requested": (("review_request", "mentor"),),
    "request_withdrawn": (("reinstate_request", "mentee"),),
    "arranging": (("arrange_first_meeting", "mentee"),),
    "first_conversation": (("first_conversation", "mentee"),),
    "progression": (("progression", "mentee"),),
    "completion": (("completion", "mentee"),),
    "feedback": (("mentee_feedback", "mentee"), ("mentor_feedback", "mentor")),
}

PAGES = [
    ("the directory, first page", {}),
    ("page 20 (the last one listed)", {"page": 20}),
    ("stage: matched and under way", {"stage": "group:matched"}),
    ("waiting on the mentor", {"waiting": "mentor"}),
    ("waiting on nobody", {"waiting": "nobody"}),
    ("stalled for 30 days", {"stalled": 30}),
    ("how it ended: withdrawn, latest first", {"ended": "withdrawn", "sort": "-ended"}),
    ("started in the last 90 days", {"started_from": "{90_days_ago}"}),
    ("mentee by email", {"mentee": f"{PREFIX}mentee-1234{DOMAIN}"}),
    ("mentor by name", {"mentor": "Mentor 321"}),
    ("sorted by last activity", {"sort": "-activity"}),
]


class Command(SearchBench):
    help = "Time the staff relationship directory at 100,000 relationships; write BENCHMARKS.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--relationships", type=int, default=100_000)
        parser.add_argument("--runs", type=int, default=30, help="Requests timed per page.")
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "BENCHMARKS.md"))
        parser.add_argument("--database", default="mentoring_bench_staff_lists")
        parser.add_argument("--keep-database", action="store_true")
        parser.add_argument("--here", action="store_true", help="Measure in the current database (the child).")

    def handle(self, *args, **options) -> None:
        if options["here"]:
            self.measure(options)
            return
        self.run_in_bench_database(
            options,
            "bench_staff_lists",
            [
                f"--relationships={options['relationships']}",
                f"--runs={options['runs']}",
                f"--warmup={options['warmup']}",
            ],
        )

    # -- the child: fill, time, write ----------------------------------------------------

    def measure(self, options: dict) -> None:
        name = connection.settings_dict["NAME"]
        if connection.vendor != "postgresql" or ("bench" not in name and not name.startswith("test")):
            raise CommandError(f"Refusing to fill {name!r}: the benchmark runs in its own PostgreSQL database.")
        call_command("migrate", verbosity=0, interactive=False)
        t0 = time.monotonic()
        total = self.ensure_relationships(options["relationships"])
        with connection.cursor() as cursor:
            # What autovacuum does after a bulk load: statistics, the visibility map (index-only scans)
            # and the trigram indexes' pending entries merged (a GIN index filled in bulk is slow until).
            # (VACUUM cannot run inside a transaction: the test that runs this bench in its own has ANALYZE.)
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write(f"{total:,} relationships ready in {time.monotonic() - t0:.0f} s")
        staff = self.staff_user()
        client = Client(SERVER_NAME="localhost")
        client.force_login(staff)
        since = (timezone.localdate() - timedelta(days=90)).isoformat()
        pages = [
            (label, {k: (since if v == "{90_days_ago}" else v) for k, v in params.items()}) for label, params in PAGES
        ]
        from journeys.models import Relationship

        one = Relationship.objects.filter(state="progression").order_by("pk").first()
        directory = reverse("staff_relationships")
        targets = [("trivial signed-in page (`/account/`)", reverse("account"), {})]
        targets += [(label, directory, params) for label, params in pages]
        targets.append(("one relationship's staff view", reverse("staff_relationship", args=[one.pk]), {}))
        times: dict[str, list[float]] = {label: [] for label, _url, _params in targets}
        queries: dict[str, int] = {}
        rows: dict[str, int] = {}
        with override_settings(SERVER_TIMING=True):
            for run in range(options["warmup"] + options["runs"]):
                for label, url, params in targets:  # interleaved, so a slow moment hits every page alike
                    with CaptureQueriesContext(connection) as captured:
                        response = client.get(url, params)
                    if response.status_code != 200:
                        raise CommandError(f"{label}: {response.status_code}")
                    if run >= options["warmup"]:
                        times[label].append(parse(response.get("Server-Timing", ""))["total"])
                    queries[label] = len(captured.captured_queries)
        from django.http import QueryDict

        from staff import directory as staff_directory

        for label, url, params in targets:
            if url == directory:
                query = QueryDict(mutable=True)
                query.update({k: str(v) for k, v in params.items()})
                filterset = staff_directory.RelationshipFilter(query or None, queryset=staff_directory.base_queryset())
                rows[label] = (filterset.qs if filterset.is_bound else filterset.queryset).count()
        result = {label: (statistics.median(v), percentile(v, 0.95)) for label, v in times.items()}
        for label, (p50, p95) in result.items():
            self.stdout.write(f"  {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {queries[label]} queries")
        self.write_block(Path(options["output"]), result, queries, rows, options, total)
        self.stdout.write(self.style.SUCCESS(f"Wrote {options['output']}"))

    def staff_user(self):
        from django.contrib.auth import get_user_model

        from project.roles import set_role

        user, _ = get_user_model().objects.get_or_create(
            email=f"{PREFIX}manager{DOMAIN}", defaults={"first_name": "Bench", "last_name": "Manager", "is_staff": True}
        )
        set_role(user, "manager")
        return user

    def ensure_relationships(self, total: int) -> int:
        """``total`` relationships (bulk-written), with their processes and flow tasks."""
        from journeys.models import Relationship

        existing = Relationship.objects.count()
        if existing >= total:
            return existing
        mentees, mentors = self.people(total)
        rng = random.Random(10)
        now = timezone.now()
        states = [state for state, share in MIX for _ in range(round(share * 1000))]
        batch = 5_000
        for start in range(existing, total, batch):
            with transaction.atomic():
                self.write_batch(range(start, min(total, start + batch)), mentees, mentors, states, rng, now)
            self.stdout.write(f"  {min(total, start + batch):,} relationships")
        return Relationship.objects.count()

    def people(self, total: int) -> tuple[list[int], list[int]]:
        from django.contrib.auth import get_user_model

        User = get_user_model()
        n_mentees = (total + PER_MENTEE - 1) // PER_MENTEE
        n_mentors = max(PER_MENTEE * 200, n_mentees // 4)
        for kind, count, last in (("mentee", n_mentees, "Mentee"), ("mentor", n_mentors, "Mentor")):
            have = User.objects.filter(email__startswith=f"{PREFIX}{kind}-").count()
            for chunk in range(have, count, 10_000):
                User.objects.bulk_create(
                    [
                        User(
                            email=f"{PREFIX}{kind}-{i}{DOMAIN}",
                            first_name=random.Random(i).choice(["Ada", "Ben", "Chi", "Dev", "Eve", "Fin", "Gus"]),
                            last_name=f"{last} {i}",
                            password="!",
                        )
                        for i in range(chunk, min(count, chunk + 10_000))
                    ]
                )
        ids = {}
        for kind in ("mentee", "mentor"):
            rows = User.objects.filter(email__startswith=f"{PREFIX}{kind}-").values_list("pk", "email")
            ordered = sorted(rows, key=lambda r: int(r[1][len(PREFIX) + len(kind) + 1 : -len(DOMAIN)]))
            ids[kind] = [pk for pk, _email in ordered]
        return ids["mentee"], ids["mentor"]

    def write_batch(self, numbers, mentees, mentors, states, rng, now) -> None:
        from viewflow.workflow.models import Process, Task

        from journeys.flows.mentoring import MentoringFlow
        from journeys.models import Conversation, MentoringProcess, Relationship
        from people.models import AreaOfSupport

        areas = list(AreaOfSupport.objects.values_list("pk", flat=True))
        pairs = []
        for k in numbers:  # mentee k // PER_MENTEE, each with PER_MENTEE different mentors
            m = k // PER_MENTEE
            pairs.append((mentees[m], mentors[(m * 13 + (k % PER_MENTEE) * 997) % len(mentors)]))
        conversations = Conversation.objects.bulk_create([Conversation(mentee_id=a, mentor_id=b) for a, b in pairs])
        rels = []
        for (mentee, mentor), conversation in zip(pairs, conversations, strict=True):
            state = rng.choice(states)
            created = now - timedelta(days=rng.uniform(0, 3 * 365))
            matched = created + timedelta(days=rng.uniform(1, 10)) if state not in ("requested", "declined") else None
            ended = None
            if state in ("completed", "declined", "withdrawn", "closed"):
                ended = min(now, (matched or created) + timedelta(days=rng.uniform(1, 200)))
            activity = min(now, created + timedelta(days=rng.uniform(0, 200)))
            rels.append(
                Relationship(
                    mentee_id=mentee,
                    mentor_id=mentor,
                    conversation_id=conversation.pk,
                    area_id=rng.choice(areas),
                    statement="A relationship (benchmark data).",
                    state=state,
                    created_at=created,
                    matched_at=matched,
                    ended_at=ended,
                    last_activity_at=ended or activity,
                )
            )
        rels = Relationship.objects.bulk_create(rels)
        open_states = set(OPEN_TASK)
        processes = Process.objects.bulk_create(
            [
                Process(
                    flow_class=MentoringFlow, status="NEW" if r.state in open_states else "DONE", created=r.created_at
                )
                for r in rels
            ]
        )
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {MentoringProcess._meta.db_table} (process_ptr_id, relationship_id) VALUES (%s, %s)",
                [(p.pk, r.pk) for p, r in zip(processes, rels, strict=True)],
            )
        tasks = []
        for p, r in zip(processes, rels, strict=True):
            # what has been done (the request sent and reviewed), then what the journey waits on
            tasks.append(Task(process_id=p.pk, flow_task=MentoringFlow.start, flow_task_type="START", status="DONE"))
            if r.state != "requested":
                tasks.append(
                    Task(
                        process_id=p.pk,
                        flow_task=MentoringFlow.review_request,
                        flow_task_type="HUMAN",
                        status="DONE",
                        owner_id=r.mentor_id,
                    )
                )
            for node, whose in OPEN_TASK.get(r.state, ()):
                tasks.append(
                    Task(
                        process_id=p.pk,
                        flow_task=getattr(MentoringFlow, node),
                        flow_task_type="HUMAN",
                        status="ASSIGNED",
                        owner_id=r.mentee_id if whose == "mentee" else r.mentor_id,
                    )
                )
        Task.objects.bulk_create(tasks)

    def write_block(self, path: Path, result: dict, queries: dict, rows: dict, options: dict, total: int) -> None:
        trivial_label = next(iter(result))
        trivial = result[trivial_label][1]
        commit = os.popen("git rev-parse --short HEAD 2>/dev/null").read().strip() or "?"
        lines = [
            START,
            f"_Measured {timezone.localtime():%Y-%m-%d %H:%M} by `make bench` (`python manage.py bench_staff_lists "
            f"--runs {options['runs']}`), commit {commit}, at {total:,} relationships._",
            "",
            "| Page | Rows matched | Server p50 (ms) | Server p95 (ms) | p95 ÷ trivial | SQL queries |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        worst = 0.0
        for label, (p50, p95) in result.items():
            ratio = p95 / trivial if trivial else 0.0
            if label != trivial_label:
                worst = max(worst, ratio)
            matched = f"{rows[label]:,}" if label in rows else ""
            lines.append(f"| {label} | {matched} | {p50:.1f} | {p95:.1f} | {ratio:.1f}× | {queries[label]} |")
        verdict = "meets" if worst <= TARGET_RATIO else "misses"
        lines += [
            "",
            f"Target (issue 10): every list page's p95 within {TARGET_RATIO:.0f}× the trivial page's: the slowest is "
            f"{worst:.1f}× ({verdict}).",
            END,
        ]
        replace_block(path, START, END, "\n".join(lines), "## Staff lists\n\n" + DESCRIPTION + "\n\n")


DESCRIPTION = (
    "`make bench` runs `python manage.py bench_staff_lists` too: in a database of its own it bulk-writes\n"
    "100,000 relationships between 20,000 generated mentees and 5,000 mentors, in every state (most ended),\n"
    "each with its mentoring process and flow tasks (the open ones owned by whoever the journey waits on),\n"
    "then times the staff relationship directory (`/staff/relationships/`) with each filter, a deep page and\n"
    "a sort, and one relationship's staff view, as a signed-in programme manager (Django's test client,\n"
    "every middleware). The times are each request's server time from its `Server-Timing` header; a trivial\n"
    "signed-in page is timed the same way, interleaved with the others."
)
