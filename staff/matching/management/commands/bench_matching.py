"""`manage.py bench_matching`: a matching round of 2,000 mentees and 5,000 mentors, proposed and timed.

Like ``bench_search`` (whose database handling it shares), it makes its own PostgreSQL database
(``mentoring_bench_matching``), runs itself again there (``--here``), fills it with 100,000
generated mentors (``seed_demo``'s bulk writer), 2,000 generated mentees (varied areas, roles,
communities, regions and organisations; some with keywords and a shortlist of three) and some
declined pairs between them, opens a round of the 2,000 mentees and 5,000 of the mentors open to
requests, then times ``services.run_proposal`` (everything: reading the round, scoring every pair,
the candidates, the solver, writing the 2,000 proposal rows) ``--runs`` times.

It compares the proposal with a greedy "best available mentor first" assignment of the same round
(each mentee in turn, in the order they joined, takes the best-scoring allowed mentor who still has
a place), and writes the "Matching rounds" block of BENCHMARKS.md.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from people.management.commands.bench_search import Command as SearchBench
from project.benchmarks import replace_block

START, END = "<!-- bench:matching:start -->", "<!-- bench:matching:end -->"
TARGET_SECONDS = 10.0
MENTEE_PREFIX = "round-mentee-"
KEYWORDS = ["rail", "freight", "planning", "safety", "leadership", "network", "promotion", "budget", "ports", "customs"]


class Command(SearchBench):
    help = (
        "Propose a matching round of 2,000 mentees and 5,000 mentors (100,000 in the programme); write BENCHMARKS.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme-mentors", type=int, default=100_000)
        parser.add_argument("--mentees", type=int, default=2_000)
        parser.add_argument("--mentors", type=int, default=5_000, help="Mentors in the round.")
        parser.add_argument("--min-score", type=float, default=5)
        parser.add_argument("--mentor-cap", type=int, default=1, help="Most mentees per mentor in the round (0: none).")
        parser.add_argument("--runs", type=int, default=3)
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "BENCHMARKS.md"))
        parser.add_argument("--database", default="mentoring_bench_matching")
        parser.add_argument("--keep-database", action="store_true")
        parser.add_argument("--here", action="store_true", help="Measure in the current database (the child).")

    def handle(self, *args, **options) -> None:
        if options["here"]:
            self.measure(options)
            return
        self.run_in_bench_database(
            options,
            "bench_matching",
            [
                f"--programme-mentors={options['programme_mentors']}",
                f"--mentees={options['mentees']}",
                f"--mentors={options['mentors']}",
                f"--min-score={options['min_score']}",
                f"--mentor-cap={options['mentor_cap']}",
                f"--runs={options['runs']}",
            ],
        )

    # -- the child ------------------------------------------------------------------------

    def measure(self, options: dict) -> None:
        from people.management import demo_data
        from people.management.demo_data import ensure_staff

        from ... import loading, proposal, services

        name = connection.settings_dict["NAME"]
        if connection.vendor != "postgresql" or ("bench" not in name and not name.startswith("test")):
            raise CommandError(f"Refusing to fill {name!r}: the benchmark runs in its own PostgreSQL database.")
        call_command("migrate", verbosity=0, interactive=False)
        t0 = time.monotonic()
        demo_data.ensure_generated_mentors(options["programme_mentors"])
        mentee_ids = self.ensure_mentees(options["mentees"])
        mentor_ids = self.round_mentors(options["mentors"])
        declined = self.ensure_declined_pairs(mentee_ids, mentor_ids, count=len(mentee_ids) // 4)
        demo_data.refresh_statistics()
        self.stdout.write(
            f"{options['programme_mentors']:,} mentors, {len(mentee_ids):,} mentees and {declined:,} declined pairs "
            f"ready in {time.monotonic() - t0:.0f} s"
        )
        staff, _new = ensure_staff()
        round_ = services.open_round(
            staff_user=staff,
            name="Benchmark intake",
            mentee_ids=mentee_ids,
            mentor_ids=mentor_ids,
            min_score=options["min_score"],
            mentor_cap=options["mentor_cap"] or None,
            shortlist_weight=2,
        )
        shortlisted = self.fill_shortlists(round_, mentee_ids, mentor_ids)

        times = []
        for _run in range(options["runs"]):
            started = time.perf_counter()
            services.run_proposal(round_, staff)
            times.append(time.perf_counter() - started)
            self.stdout.write(f"  proposed in {times[-1]:.2f} s")

        # The parts, and the comparison, on the same round's numbers.
        started = time.perf_counter()
        loaded = loading.load(round_)
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        result = proposal.propose(loaded.data)
        propose_s = time.perf_counter() - started
        greedy = best_available_first(loaded.data, result.round_scores, result.allowed)
        optimum = result.assignment
        rows = {
            "mentees": len(loaded.mentees),
            "mentors": len(loaded.mentors),
            "places": int(loaded.data.capacity.sum()),
            "pairs": len(loaded.mentees) * len(loaded.mentors),
            "candidates": len(result.candidates),
            "shortlisted": shortlisted,
            "keywords": len(loaded.keywords),
            "declined": declined,
            "load_s": load_s,
            "propose_s": propose_s,
            "solver": (optimum.total, optimum.matched),
            "greedy": (greedy.total, greedy.matched),
        }
        self.stdout.write(f"  {rows}")
        self.write_block(Path(options["output"]), times, rows, options)
        self.stdout.write(self.style.SUCCESS(f"Wrote {options['output']}"))

    def ensure_mentees(self, total: int) -> list[int]:
        """``total`` generated mentees with complete, varied profiles (bulk-written)."""
        from allauth.account.models import EmailAddress
        from django.contrib.auth import get_user_model

        from people.management.demo_data import FIRST_NAMES, LAST_NAMES, ORGANISATIONS, REGION_WEIGHTS
        from people.models import AreaOfSupport, ProfessionalCommunity, Profile, Role

        User = get_user_model()
        existing = User.objects.filter(email__startswith=MENTEE_PREFIX).count()
        areas = list(AreaOfSupport.objects.filter(active=True))
        roles = list(Role.objects.filter(active=True))
        communities = list(ProfessionalCommunity.objects.filter(active=True))
        now = timezone.now()
        people = []
        for n in range(existing, total):
            rng = random.Random(10_000_000 + n)
            people.append(
                {
                    "user": User(
                        email=f"{MENTEE_PREFIX}{n:05d}@bench.example",
                        first_name=rng.choice(FIRST_NAMES),
                        last_name=rng.choice(LAST_NAMES),
                        date_joined=now - timedelta(minutes=total - n),
                    ),
                    "profile": {
                        "is_mentee": True,
                        "job_title": "Graduate",
                        "organisation": rng.choice(ORGANISATIONS),
                        "role_id": rng.choice(roles).pk,
                        "community_id": rng.choice(communities).pk,
                        "region": rng.choices(list(REGION_WEIGHTS), weights=list(REGION_WEIGHTS.values()))[0],
                        "completed_at": now,
                    },
                    "areas": [a.pk for a in rng.sample(areas, k=min(len(areas), rng.choice([1, 2, 2, 3, 3, 4])))],
                }
            )
        if people:
            with transaction.atomic():
                users = User.objects.bulk_create([p["user"] for p in people])
                EmailAddress.objects.bulk_create(
                    [EmailAddress(user_id=u.pk, email=u.email, verified=True, primary=True) for u in users]
                )
                profiles = Profile.objects.bulk_create(
                    [Profile(user_id=u.pk, **p["profile"]) for u, p in zip(users, people, strict=True)]
                )
                Through = Profile.areas.through
                Through.objects.bulk_create(
                    [
                        Through(profile_id=profile.pk, areaofsupport_id=area)
                        for profile, p in zip(profiles, people, strict=True)
                        for area in p["areas"]
                    ]
                )
        return list(
            User.objects.filter(email__startswith=MENTEE_PREFIX)
            .order_by("date_joined", "pk")
            .values_list("pk", flat=True)[:total]
        )

    def round_mentors(self, count: int) -> list[int]:
        """``count`` mentors open to requests with a place left, spread over the programme."""
        from journeys import rules
        from people.models import Profile

        ids = list(
            Profile.objects.filter(rules.mentor_takes_requests_q())
            .order_by("user_id")
            .values_list("user_id", flat=True)
        )
        if len(ids) < count:
            raise CommandError(f"Only {len(ids)} mentors take requests; need {count}.")
        step = len(ids) / count
        return [ids[int(k * step)] for k in range(count)]

    def ensure_declined_pairs(self, mentee_ids: list[int], mentor_ids: list[int], count: int) -> int:
        """Declined requests between some of the round's mentees and mentors (the "never again" rule's work)."""
        from journeys.models import Conversation, Relationship, State
        from people.models import AreaOfSupport

        existing = Relationship.objects.filter(state=State.DECLINED, mentee_id__in=mentee_ids).count()
        if existing >= count:
            return existing
        rng = random.Random(7)
        area = AreaOfSupport.objects.order_by("position").first()
        pairs = {(rng.choice(mentee_ids), rng.choice(mentor_ids)) for _ in range(count - existing)}
        now = timezone.now()
        with transaction.atomic():
            conversations = Conversation.objects.bulk_create(
                [Conversation(mentee_id=a, mentor_id=b) for a, b in pairs], ignore_conflicts=True
            )
            by_pair = dict(
                ((a, b), pk)
                for a, b, pk in Conversation.objects.filter(mentee_id__in=mentee_ids).values_list(
                    "mentee_id", "mentor_id", "pk"
                )
            )
            del conversations
            Relationship.objects.bulk_create(
                [
                    Relationship(
                        mentee_id=a,
                        mentor_id=b,
                        conversation_id=by_pair[(a, b)],
                        area=area,
                        statement="A declined request (benchmark data).",
                        state=State.DECLINED,
                        ended_at=now,
                    )
                    for a, b in pairs
                ]
            )
        return Relationship.objects.filter(state=State.DECLINED, mentee_id__in=mentee_ids).count()

    def fill_shortlists(self, round_, mentee_ids: list[int], mentor_ids: list[int]) -> int:
        """Half the mentees shortlist three of the round's mentors; a third give keywords."""
        from ...models import RoundMentee, ShortlistChoice

        rng = random.Random(11)
        entries = list(RoundMentee.objects.filter(round=round_).order_by("pk"))
        choices = []
        for entry in entries:
            if rng.random() < 0.5:
                for rank, mentor in enumerate(rng.sample(mentor_ids, 3), start=1):
                    choices.append(ShortlistChoice(entry=entry, mentor_id=mentor, rank=rank))
            if rng.random() < 0.33:
                entry.keywords = rng.choice(KEYWORDS)
        RoundMentee.objects.bulk_update(entries, ["keywords"], batch_size=2000)
        ShortlistChoice.objects.bulk_create(choices, batch_size=5000)
        return len(choices)

    def write_block(self, path: Path, times: list[float], rows: dict, options: dict) -> None:
        p50, worst = statistics.median(times), max(times)
        (s_total, s_matched), (g_total, g_matched) = rows["solver"], rows["greedy"]
        better = (s_total - g_total) / g_total * 100 if g_total else 0.0
        commit = os.popen("git rev-parse --short HEAD 2>/dev/null").read().strip() or "?"
        command = (
            f"python manage.py bench_matching --programme-mentors {options['programme_mentors']} --mentees "
            f"{options['mentees']} --mentors {options['mentors']} --min-score {options['min_score']:g} "
            f"--mentor-cap {options['mentor_cap']} --runs {options['runs']}"
        )
        lines = [
            START,
            f"_Measured {timezone.localtime():%Y-%m-%d %H:%M} by `make bench` (`{command}`), commit {commit}, "
            f"on this machine (2 cores)._",
            "",
            f"Round: {rows['mentees']:,} mentees, {rows['mentors']:,} mentors open to requests "
            f"({options['programme_mentors']:,} in the programme), {rows['places']:,} places in the round "
            f"(cap {options['mentor_cap'] or 'none'} per mentor), minimum score {options['min_score']:g}, "
            f"{rows['keywords']:,} mentees with keywords, {rows['shortlisted']:,} shortlist choices, "
            f"{rows['declined']:,} pairs declined before (never proposed again); "
            f"{rows['pairs']:,} pairs scored, {rows['candidates']:,} candidate pairs given to the solver.",
            "",
            "| Measure | Value |",
            "|---|---:|",
            f"| proposal, whole service (`run_proposal`), p50 of {len(times)} | {p50:.2f} s |",
            f"| proposal, whole service, slowest | {worst:.2f} s |",
            f"| of which: reading and scoring the round (`loading.load`) | {rows['load_s']:.2f} s |",
            f"| of which: rules, candidates, solver, reasons (`proposal.propose`) | {rows['propose_s']:.2f} s |",
            f"| total score, solver (min-cost flow) | {s_total / 100:,.2f} |",
            f"| total score, greedy best available mentor first | {g_total / 100:,.2f} |",
            f"| mentees matched above the minimum, solver | {s_matched:,} |",
            f"| mentees matched above the minimum, greedy | {g_matched:,} |",
            "",
            f"Target (issue 11): proposed within {TARGET_SECONDS:.0f} s: "
            f"{'met' if worst <= TARGET_SECONDS else 'missed'} (slowest run {worst:.2f} s). "
            f"The solver's total is {better:.1f}% higher than greedy's, "
            f"with {s_matched - g_matched:+,} mentees matched above the minimum.",
            END,
        ]
        replace_block(path, START, END, "\n".join(lines))


def best_available_first(data, scores: np.ndarray, allowed: np.ndarray):
    """Greedy: each mentee in turn (in the order they joined) takes their best allowed mentor with a
    place left (ties broken as the proposal breaks them)."""
    from ... import proposal, solver

    left = np.asarray(data.capacity, dtype=np.int64).copy()
    key = np.where(allowed, scores.astype(np.int64) * proposal.TIE_RANGE + proposal.tie_break(data), -1)
    mentor_of = np.full(data.n, -1, dtype=np.int64)
    score_of = np.zeros(data.n, dtype=np.int64)
    for i in range(data.n):
        row = np.where(left > 0, key[i], -1)
        j = int(row.argmax()) if len(row) else -1
        if j >= 0 and row[j] >= 0:
            mentor_of[i], score_of[i] = j, int(scores[i, j])
            left[j] -= 1
    return solver.Assignment(mentor_of, score_of, int(score_of.sum()), int((mentor_of >= 0).sum()))
