"""`manage.py bench_round_trip`: a mentoring request sent and accepted, timed on the server.

Like ``bench_search`` (whose database handling it shares), it makes its own PostgreSQL database,
runs itself again there (``--here``), fills it with 100,000 generated mentors and 100,000 past
(completed) relationships, then, ``--runs`` times, signs a fresh mentee in, sends a request to an
open mentor and signs that mentor in to accept it, through the same pages people use (Django's
test client, every middleware). Each request's server time is read from its ``Server-Timing``
header (``total``); a trivial signed-in page (``/account/``) is timed the same way for scale, and so is
a signed-in POST that does nothing but redirect (``EMPTY_POST``, the benchmark's own view behind every
middleware): the part of each POST that is Django's request cycle, not the journey. Each request's SQL
time (its statements in the driver, ``SqlTimer``) is recorded beside it, so the block can say how much
of the target's time the two POSTs' floor and SQL already take (``budget``).
It writes the "Request round trip" block of BENCHMARKS.md (the search's block is left as it is).

``--what-if`` also times the round trip as it would be if a worker moved the flow and rendered the
emails after the request (``without_flow_and_rendering``: the flow's events, the onboarding step, the
answer links and the templates are left out of the timed POSTs; the notification rows are still
written, and each POST writes the row that would tell the worker what to do): an estimate of that
design's POSTs, written to a block of its own. It is not the product.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser
from django.db import connection, transaction
from django.http import HttpResponseRedirect
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse
from django.utils import timezone

from people.management.commands.bench_search import Command as SearchBench
from people.management.commands.bench_search import percentile
from project.benchmarks import replace_block
from project.server_timing import parse

START, END = "<!-- bench:round-trip:start -->", "<!-- bench:round-trip:end -->"
WHAT_IF_START, WHAT_IF_END = "<!-- bench:round-trip-what-if:start -->", "<!-- bench:round-trip-what-if:end -->"
TARGET_RATIO = 3.0  # the round trip's p95 against a trivial page's p95 (issue 8)
QUERY_TARGETS = {"send": 20, "accept": 20}
BENCH_QUEUE = "bench-round-trip"
EMPTY_POST = "/bench/empty-post/"


# The tables a request's round trip reads and writes (their statistics refreshed before timing).
JOURNEY_TABLES = (
    "people_user",
    "people_profile",
    "journeys_conversation",
    "journeys_relationship",
    "journeys_statechange",
    "journeys_mentoringprocess",
    "journeys_onboardingprocess",
    "viewflow_process",
    "viewflow_task",
    "viewflow_task_previous",
    "notifications_notification",
    "staff_relationshipwaiting",
)


class Command(SearchBench):
    help = "Time sending and accepting a mentoring request at 100,000 mentors; write BENCHMARKS.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mentors", type=int, default=100_000)
        parser.add_argument("--past", type=int, default=100_000, help="Completed relationships already there.")
        parser.add_argument("--runs", type=int, default=40, help="Round trips timed.")
        parser.add_argument("--warmup", type=int, default=5)
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "BENCHMARKS.md"))
        parser.add_argument("--database", default="mentoring_bench_round_trip")
        parser.add_argument("--keep-database", action="store_true")
        parser.add_argument("--here", action="store_true", help="Measure in the current database (the child).")
        parser.add_argument(
            "--what-if",
            action="store_true",
            help="Also time the round trip without the flow's moves and the emails' rendering (not the product: "
            "a lower bound for doing them in the worker).",
        )

    def handle(self, *args, **options) -> None:
        os.environ.setdefault("CELERY_TASK_DEFAULT_QUEUE", BENCH_QUEUE)  # the child inherits it
        if options["here"]:
            self.measure_round_trips(options)
            return
        self.run_in_bench_database(
            options,
            "bench_round_trip",
            [
                f"--mentors={options['mentors']}",
                f"--past={options['past']}",
                f"--runs={options['runs']}",
                f"--warmup={options['warmup']}",
                *(["--what-if"] if options["what_if"] else []),
            ],
        )

    # -- the child: fill, time, write ----------------------------------------------------

    def measure_round_trips(self, options: dict) -> None:
        from people.management import demo_data

        name = connection.settings_dict["NAME"]
        if connection.vendor != "postgresql" or ("bench" not in name and not name.startswith("test")):
            raise CommandError(f"Refusing to fill {name!r}: the benchmark runs in its own PostgreSQL database.")
        call_command("migrate", verbosity=0, interactive=False)
        t0 = time.monotonic()
        demo_data.ensure_generated_mentors(options["mentors"])
        past = self.ensure_past_relationships(options["past"])
        self.stdout.write(
            f"{options['mentors']:,} mentors and {past:,} past relationships ready in {time.monotonic() - t0:.0f} s"
        )
        total = options["runs"] + options["warmup"]
        mentors = self.open_mentors(total + 1)  # the last one's round trip is counted, not timed
        timed: list[dict[str, float]] = []
        # The emails go to the broker as in production (a queue of the benchmark's own, emptied
        # afterwards): nothing is delivered inside the timed requests.
        # What autovacuum does on a live database within a minute of a bulk load (outside the timed requests).
        demo_data.refresh_statistics(JOURNEY_TABLES)
        with override_settings(SERVER_TIMING=True, REQUESTS_PER_DAY=0, ROOT_URLCONF=bench_urlconf()):
            for n, mentor in enumerate(mentors[:total]):
                if n == options["warmup"]:
                    demo_data.refresh_statistics(JOURNEY_TABLES)  # the warm-up's flows: their tables' first rows
                times = self.round_trip(self.fresh_mentee(n), mentor)
                if n >= options["warmup"]:
                    timed.append(times)
            queries = self.count_queries(self.fresh_mentee(total), mentors[total])
        self.empty_queue()
        result = summary(timed)
        for label, (p50, p95) in result.items():
            self.stdout.write(f"  {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        self.stdout.write(f"  queries: {queries}")
        self.write_block(Path(options["output"]), result, queries, options, past)
        if options["what_if"]:
            self.measure_what_if(options, result)
        self.stdout.write(self.style.SUCCESS(f"Wrote {options['output']}"))

    def measure_what_if(self, options: dict, product: dict) -> None:
        """The round trip with the flow's moves and the emails' rendering left out of the timed POSTs.

        Each time: a fresh mentee sends a request as the product does (not timed), its mentor accepts
        it without them (timed), and a second fresh mentee sends a request to another mentor without
        them (timed)."""
        from journeys.models import Relationship
        from people.models import AreaOfSupport

        total = options["runs"] + options["warmup"]
        ensure_moves_table()
        mentors = self.open_mentors(2 * total)
        area = AreaOfSupport.objects.order_by("position").first()
        timed: list[dict[str, float]] = []
        with override_settings(SERVER_TIMING=True, REQUESTS_PER_DAY=0):
            for n in range(total):
                answering, asked = mentors[2 * n], mentors[2 * n + 1]
                mentee, other = self.fresh_mentee(n, "what-if"), self.fresh_mentee(n, "what-if-send")
                as_mentee, as_mentor, as_other = (Client(SERVER_NAME="localhost") for _ in range(3))
                as_mentee.force_login(mentee)
                as_mentor.force_login(answering)
                as_other.force_login(other)
                times = {"trivial": self._total(as_mentee.get(reverse("account")))}
                self._send(as_mentee, answering, area)
                rel = Relationship.objects.filter(mentee=mentee, mentor=answering).latest("pk")
                task_url = as_mentor.get(reverse("next_step", args=[rel.pk])).url
                with without_flow_and_rendering():
                    times["accept"] = self._total(self._accept(as_mentor, task_url))
                    times["send"] = self._total(self._send(as_other, asked, area))
                if n >= options["warmup"]:
                    timed.append(times)
        self.empty_queue()
        result = summary(timed)
        self.stdout.write("  without the flow's moves and the emails' rendering (what if):")
        for label, (p50, p95) in result.items():
            self.stdout.write(f"    {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        self.write_what_if_block(Path(options["output"]), result, product, options)

    def ensure_past_relationships(self, total: int) -> int:
        """``total`` completed relationships between generated mentees and mentors (bulk-written)."""
        from django.contrib.auth import get_user_model

        from journeys.models import Conversation, Relationship, State
        from people.management.demo_data import GENERATED_DOMAIN, GENERATED_PREFIX
        from people.models import AreaOfSupport

        existing = Relationship.objects.filter(state=State.COMPLETED).count()
        if existing >= total:
            return existing
        User = get_user_model()
        mentor_ids = list(
            User.objects.filter(email__startswith=GENERATED_PREFIX, email__endswith=GENERATED_DOMAIN)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        # Each past mentee had up to 100 mentors (one conversation per pair), the last one fewer.
        per_mentee = min(100, len(mentor_ids))
        needed = total - existing
        area = AreaOfSupport.objects.order_by("position").first()
        now = timezone.now()
        start = User.objects.filter(email__startswith="past-mentee-").count()
        for i in range(start, start + (needed + per_mentee - 1) // per_mentee):
            count = min(per_mentee, needed)
            needed -= count
            chosen = [mentor_ids[(i * per_mentee + k) % len(mentor_ids)] for k in range(count)]
            with transaction.atomic():
                mentee = User.objects.create(email=f"past-mentee-{i}@bench.example", first_name="Past")
                conversations = Conversation.objects.bulk_create(
                    [Conversation(mentee=mentee, mentor_id=pk) for pk in chosen]
                )
                by_mentor = {c.mentor_id: c.pk for c in conversations}
                Relationship.objects.bulk_create(
                    [
                        Relationship(
                            mentee=mentee,
                            mentor_id=pk,
                            conversation_id=by_mentor[pk],
                            area=area,
                            statement="A past relationship (benchmark data).",
                            state=State.COMPLETED,
                            matched_at=now,
                            ended_at=now,
                        )
                        for pk in chosen
                    ]
                )
        return Relationship.objects.filter(state=State.COMPLETED).count()

    def open_mentors(self, count: int) -> list:
        """``count`` mentors who take requests now (``journeys.rules``), one per round trip, with no
        open relationship, so every request is new and every acceptance has a place."""
        from journeys import rules
        from journeys.states import OPEN_STATES
        from people.models import Profile

        profiles = (
            Profile.objects.filter(rules.mentor_takes_requests_q())
            .exclude(user__relationships_as_mentor__state__in=OPEN_STATES)
            .select_related("user")
            .order_by("-pk")[:count]
        )
        chosen = [p.user for p in profiles]
        if len(chosen) < count:
            raise CommandError(f"Only {len(chosen)} open mentors to ask; need {count}.")
        return chosen

    def fresh_mentee(self, n: int, prefix: str = "round-trip"):
        from allauth.account.models import EmailAddress
        from django.contrib.auth import get_user_model

        from people.models import AreaOfSupport, Profile

        user, _ = get_user_model().objects.get_or_create(
            email=f"{prefix}-{n}-{int(time.time())}@bench.example",
            defaults={"first_name": "Rita", "last_name": "Trip"},
        )
        EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        profile, _ = Profile.objects.get_or_create(user=user)
        profile.is_mentee, profile.completed_at = True, timezone.now()
        profile.save()
        profile.areas.set(AreaOfSupport.objects.order_by("position")[:1])
        return user

    @staticmethod
    def _signed_in(mentee, mentor) -> tuple[Client, Client]:
        as_mentee, as_mentor = Client(SERVER_NAME="localhost"), Client(SERVER_NAME="localhost")
        as_mentee.force_login(mentee)
        as_mentor.force_login(mentor)
        return as_mentee, as_mentor

    def round_trip(self, mentee, mentor) -> dict[str, float]:
        from people.models import AreaOfSupport

        area = AreaOfSupport.objects.order_by("position").first()
        as_mentee, as_mentor = self._signed_in(mentee, mentor)
        trivial = self._total(as_mentee.get(reverse("account")))
        empty = self._total(as_mentee.post(EMPTY_POST, {"nothing": "1"}))
        with SqlTimer() as send_sql:
            send = self._total(self._send(as_mentee, mentor, area))
        task_url = self._task_url(as_mentor, mentee, mentor)
        with SqlTimer() as accept_sql:
            accept = self._total(self._accept(as_mentor, task_url))
        return {
            "trivial": trivial,
            "empty": empty,
            "send": send,
            "accept": accept,
            "send sql": send_sql.ms,
            "accept sql": accept_sql.ms,
        }

    def count_queries(self, mentee, mentor) -> dict[str, int]:
        """A round trip's SQL queries as Django's query-count tests count them (BEGIN and COMMIT
        included), in a round trip of its own: the capture slows the requests it watches."""
        from people.models import AreaOfSupport

        area = AreaOfSupport.objects.order_by("position").first()
        as_mentee, as_mentor = self._signed_in(mentee, mentor)
        with CaptureQueriesContext(connection) as sent:
            self._send(as_mentee, mentor, area)
        task_url = self._task_url(as_mentor, mentee, mentor)
        with CaptureQueriesContext(connection) as accepted:
            self._accept(as_mentor, task_url)
        return {"send": len(sent.captured_queries), "accept": len(accepted.captured_queries)}

    @staticmethod
    def _task_url(as_mentor: Client, mentee, mentor) -> str:
        from journeys.models import Relationship

        rel = Relationship.objects.filter(mentee=mentee, mentor=mentor).latest("pk")
        return as_mentor.get(reverse("next_step", args=[rel.pk])).url

    @staticmethod
    def _send(client: Client, mentor, area):
        data = {"area": area.pk, "statement": "I would like help building my professional network.", "send": "1"}
        response = client.post(reverse("request_new", args=[mentor.pk]), data)
        if response.status_code != 302:
            raise CommandError(f"Sending failed ({response.status_code}): {response.content[:500]!r}")
        return response

    @staticmethod
    def _accept(client: Client, task_url: str):
        response = client.post(task_url, {"message": "Happy to help.", "accept": "1"})
        if response.status_code != 302:
            raise CommandError(f"Accepting failed ({response.status_code}) at {task_url}")
        return response

    @staticmethod
    def empty_queue() -> None:
        """Drop what the timed requests queued (no worker consumes the benchmark's queue)."""
        import redis

        if settings.CELERY_TASK_DEFAULT_QUEUE != BENCH_QUEUE or not settings.CELERY_BROKER_URL.startswith("redis"):
            return
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        try:
            client.delete(BENCH_QUEUE)
        finally:
            client.close()

    @staticmethod
    def _total(response) -> float:
        return parse(response.get("Server-Timing", ""))["total"]

    def write_block(self, path: Path, result: dict, queries: dict, options: dict, past: int) -> None:
        p95 = {label: values[1] for label, values in result.items()}
        ratio = p95["round trip"] / p95["trivial"]
        commit = os.popen("git rev-parse --short HEAD 2>/dev/null").read().strip() or "?"

        def row(label: str, key: str, sql: str = "", count="") -> str:
            sql_p50 = f"{result[sql][0]:.1f}" if sql else ""
            return f"| {label} | {result[key][0]:.1f} | {result[key][1]:.1f} | {sql_p50} | {count} |"

        lines = [
            START,
            f"_Measured {timezone.localtime():%Y-%m-%d %H:%M} by `make bench` (`python manage.py bench_round_trip "
            f"--runs {options['runs']}`), commit {commit}, at {options['mentors']:,} mentors and {past:,} past "
            "relationships._",
            "",
            "| Request | Server p50 (ms) | Server p95 (ms) | SQL time p50 (ms) | SQL queries |",
            "|---|---:|---:|---:|---:|",
            row("trivial signed-in page (`/account/`)", "trivial"),
            row("signed-in POST that does nothing (the request cycle)", "empty"),
            row("send a request", "send", "send sql", queries.get("send", "?")),
            row("accept it", "accept", "accept sql", queries.get("accept", "?")),
            row("round trip (send + accept)", "round trip", "round trip sql"),
            "",
            "Targets (issue 8), checked on these numbers:",
            "",
            f"- round trip p95 {ratio:.1f}× the trivial page's "
            f"({'meets' if ratio <= TARGET_RATIO else 'misses'} ≤ {TARGET_RATIO:.0f}×);",
        ]
        for what, target in QUERY_TARGETS.items():
            n = queries.get(what)
            verdict = "?" if n is None else ("meets" if n <= target else "misses")
            lines.append(f"- {what}: {n} SQL queries ({verdict} ≤ {target});")
        lines += ["", *budget(result), END]
        replace_block(path, START, END, "\n".join(lines), "## Request round trip\n\n" + DESCRIPTION + "\n\n")

    def write_what_if_block(self, path: Path, result: dict, product: dict, options: dict) -> None:
        commit = os.popen("git rev-parse --short HEAD 2>/dev/null").read().strip() or "?"
        ratio = result["round trip"][1] / result["trivial"][1]
        ratio_p50 = result["round trip"][0] / result["trivial"][0]
        saved = product["round trip"][0] - result["round trip"][0]
        lines = [
            WHAT_IF_START,
            f"_Measured {timezone.localtime():%Y-%m-%d %H:%M} by `make bench` (`python manage.py bench_round_trip --runs "
            f"{options['runs']} --what-if`), commit {commit}, in the same run as the round trip's block, on the same data._",
            "",
            "| The flow's moves and the emails' rendering left to a worker | Server p50 (ms) | Server p95 (ms) |",
            "|---|---:|---:|",
            f"| trivial signed-in page (`/account/`) | {result['trivial'][0]:.1f} | {result['trivial'][1]:.1f} |",
            f"| send a request | {result['send'][0]:.1f} | {result['send'][1]:.1f} |",
            f"| accept it | {result['accept'][0]:.1f} | {result['accept'][1]:.1f} |",
            f"| round trip (send + accept) | {result['round trip'][0]:.1f} | {result['round trip'][1]:.1f} |",
            "",
            f"- round trip p95 {ratio:.1f}× the trivial page's (p50 {ratio_p50:.1f}×), "
            f"{'within' if ratio <= TARGET_RATIO else 'still over'} {TARGET_RATIO:.0f}× with nothing of the flow "
            f"or the templates left in the two POSTs but the row for the worker; {saved:.1f} ms less than the "
            "product's round trip at p50.",
            WHAT_IF_END,
        ]
        replace_block(path, WHAT_IF_START, WHAT_IF_END, "\n".join(lines), "### What if\n\n" + WHAT_IF + "\n\n")


def budget(result: dict) -> list[str]:
    """What the ratio target leaves, at p50, for the journey's own work in Python once the two POSTs'
    request cycle (twice the empty POST) and their SQL are paid: the arithmetic behind the verdict."""
    allowed = TARGET_RATIO * result["trivial"][0]
    floor = 2 * result["empty"][0]
    sql = result["round trip sql"][0]
    left = allowed - floor - sql
    spent = result["round trip"][0] - floor - sql
    return [
        f"The target's arithmetic at p50: {TARGET_RATIO:.0f}× the trivial page allows the two POSTs {allowed:.1f} ms. "
        f"Their request cycle (twice the empty POST) takes {floor:.1f} ms and their SQL {sql:.1f} ms, which leaves "
        f"{left:.1f} ms for everything else they do in Python (the ORM building the statements, the guards, the "
        f"flow, the notifications); today that is {spent:.1f} ms.",
    ]


class SqlTimer:
    """The time the block's SQL takes in the driver (``ms``): each statement, and the commit.

    A cursor wrapper, not Django's query capture: that turns on the debug cursor, which records each
    statement's text and would slow the very requests being timed (the queries are counted that way
    once, in an untimed round trip: ``count_queries``)."""

    def __init__(self) -> None:
        self.ms = 0.0

    def __enter__(self) -> SqlTimer:
        self._wrapping = connection.execute_wrapper(self)
        self._wrapping.__enter__()
        commit = connection._commit

        def timed_commit():
            started = time.perf_counter()
            try:
                return commit()
            finally:
                self.ms += (time.perf_counter() - started) * 1000

        connection._commit = timed_commit
        return self

    def __exit__(self, *exc) -> None:
        del connection._commit  # the class's own again
        self._wrapping.__exit__(*exc)

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - started) * 1000


@login_required
def empty_post(request):
    """A signed-in POST that does nothing but redirect: Django's request cycle with every middleware."""
    return HttpResponseRedirect(reverse("account"))


def bench_urlconf():
    """The site's URLs and, after them, ``EMPTY_POST`` (the benchmark's own, in no deployed URLconf)."""
    from types import ModuleType

    from project import urls

    module = ModuleType("bench_round_trip_urls")
    module.urlpatterns = [*urls.urlpatterns, path(EMPTY_POST.strip("/") + "/", empty_post)]
    return module


def summary(timed: list[dict[str, float]]) -> dict[str, tuple[float, float]]:
    """Each request's (p50, p95) in ms over the timed round trips, and the round trip's (send + accept)."""
    columns = {label: [times[label] for times in timed] for label in timed[0]}
    columns["round trip"] = [times["send"] + times["accept"] for times in timed]
    if "send sql" in timed[0]:
        columns["round trip sql"] = [times["send sql"] + times["accept sql"] for times in timed]
    return {label: (statistics.median(values), percentile(values, 0.95)) for label, values in columns.items()}


MOVES_TABLE = "bench_flow_moves"


def ensure_moves_table() -> None:
    """The table the what-if writes its rows to: the benchmark's own, in its own database."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MOVES_TABLE} (id bigserial PRIMARY KEY, relationship_id bigint NOT NULL, "
            "events jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
        )


def _record_move(relationship, *events: str) -> None:
    """The row an asynchronous journey would write in the request for the worker: which relationship
    and which of the flow's events (one INSERT, in the request's transaction; its publication would
    go with the outbox's, which publishes the request's notifications already)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {MOVES_TABLE} (relationship_id, events) VALUES (%s, %s)",
            [relationship.pk, json.dumps(list(events))],
        )


@contextmanager
def without_flow_and_rendering() -> Iterator[None]:
    """Leave out of the requests what a worker would do if the flow moved after them: the flow's
    events (``request_sent``, ``request_answered``), the mentee's onboarding step, the answer links
    (they name the flow's review task) and the emails' templates (the rows are still written, with
    the event's name for a subject). In their place each request writes the row that would tell the
    worker what to do (``_record_move``: the request's events in one row, in ``MOVES_TABLE``, which
    ``ensure_moves_table`` makes). For ``--what-if`` only: the product is never run this way."""
    from journeys import answer_links
    from journeys.flows import mentoring, onboarding
    from notifications import services

    def unrendered(cls, event, /, **context):
        return cls(subject=event)

    def row_fields(recipient, message, why="") -> dict:
        return {"subject": message.subject, "body_text": "", "body_html": "", "link": "", "ics": "", "stop_url": ""}

    with ExitStack() as stack:
        for target, name, stand_in in (
            (
                mentoring,
                "request_sent",
                lambda relationship: _record_move(relationship, "request_sent", "first_request"),
            ),
            (mentoring, "request_answered", lambda relationship: _record_move(relationship, "request_answered")),
            (onboarding, "first_request_sent", lambda user: None),
            (answer_links, "urls", lambda relationship, task_id=None: {}),
            (services.Message, "for_event", classmethod(unrendered)),
            (services, "_fields", row_fields),
        ):
            stack.enter_context(mock.patch.object(target, name, stand_in))
        yield


DESCRIPTION = (
    "`make bench` runs `python manage.py bench_round_trip` too: in a database of its own it fills\n"
    "100,000 generated mentors and 100,000 completed relationships, then times a fresh mentee sending\n"
    "a request to an open mentor and that mentor accepting it, through the same pages people use\n"
    "(Django's test client, every middleware; the emails are queued to Redis, as in production). The times are each request's\n"
    "server time from its `Server-Timing` header; a trivial signed-in page is timed the same way, and so is a\n"
    "signed-in POST that does nothing but redirect (the benchmark's own view, behind every middleware: the part\n"
    "of any POST that is Django's request cycle). Each POST's SQL time is its statements' and its commit's time\n"
    "in the driver; the SQL queries are counted as the query-count tests count them (BEGIN and COMMIT\n"
    "included), in one more round trip that is not timed, since Django's capture slows the requests it watches."
)

WHAT_IF = (
    "`make bench` runs `python manage.py bench_round_trip --what-if`, which then times the round trip again\n"
    "with the flow's moves (the request's journey started, the review finished, the mentee's onboarding step) and the emails'\n"
    "rendering (templates and answer links) left out of the two POSTs, as if a worker did them after each\n"
    "request; the notification rows are still written, and each POST writes the one row that would tell the\n"
    "worker what to do (its publication would go with the outbox's, which the POSTs make already). It\n"
    "estimates that design's two POSTs (the worker's own time, and the pages catching up when it is late,\n"
    "come on top for the people, not in these POSTs); it is not the product."
)
