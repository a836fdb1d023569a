"""Programme reports for staff: the figures a programme manager asks for, from a few queries.

Everything here is aggregated; the CSV export lists relationships without names or addresses.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from journeys import rules
from journeys.models import Feedback, Meeting, Relationship, State
from journeys.states import MATCHED_STATES
from people import rules as people_rules
from people.models import Profile

from . import services
from .models import CaseKind, StaffCase

# Whole days, as the staff home's period: "the last 30 days" is today and the 29 days before it, each day
# from its midnight (the programme's time zone), never a part of the first day from the hour it is now.
PERIODS = {
    "30": (_("The last 30 days"), 30),
    "90": (_("The last 90 days"), 90),
    "365": (_("The last 12 months"), 365),
    "all": (_("All time"), None),
}


# -- how each request sent stands: one line each ------------------------------------------------


@dataclass(frozen=True)
class Ending:
    """One line of the requests sent: how a request was answered, or how it stands or ended without an
    answer. ``states``: the states of a request in this line (an accepted one: whatever it came to)."""

    key: str
    label: str
    states: tuple[State, ...]
    answered: bool = False  # the mentor answered it: counted in the acceptance rate and the time to answer


# Every request sent is in exactly one line: accepted once the mentor accepted it (``matched_at``, which
# accepting sets and nothing else does), whatever happened since (completed, withdrawn, closed by staff);
# otherwise by its state. Each state is in one line and one only (``staff/tests/test_request_endings.py``
# checks it for every state, so a new state needs its line here). The staff home's chart "Time for
# mentors to answer" and the reports read these lines, their words and this rule (``request_ending``).
ENDINGS = (
    Ending("accepted", _("Accepted"), (*MATCHED_STATES, State.COMPLETED, State.WITHDRAWN), answered=True),
    Ending("declined", _("Declined"), (State.DECLINED,), answered=True),
    Ending("waiting", _("Still waiting for an answer"), (State.REQUESTED,)),
    # The mentee withdrew it (perhaps as they left the programme), or the programme team deactivated them.
    Ending(
        "withdrawn", _("Withdrawn by the mentee, or for them when they were deactivated"), (State.REQUEST_WITHDRAWN,)
    ),
    Ending("expired", _("Expired without an answer"), (State.EXPIRED,)),
    Ending("closed_for_mentor", _("Closed when the mentor left or was deactivated"), (State.REQUEST_CLOSED,)),
    Ending("closed_by_staff", _("Closed by programme staff before an answer"), (State.CLOSED,)),
)
ANSWERED = [ending.key for ending in ENDINGS if ending.answered]


def request_ending() -> Case:
    """The key of the request's line in ENDINGS, as a database expression (NULL for a state no line
    names: none, as the tests check)."""
    return Case(
        When(matched_at__isnull=False, then=Value("accepted")),
        *(When(state__in=ending.states, then=Value(ending.key)) for ending in ENDINGS),
        output_field=CharField(),
    )


def answered_at() -> Case:
    """When the mentor answered the request (NULL: they have not): accepting it sets ``matched_at``,
    declining it ``ended_at`` (``journeys.models.Relationship``)."""
    return Case(
        When(matched_at__isnull=False, then=F("matched_at")),
        When(state=State.DECLINED, then=F("ended_at")),
        output_field=DateTimeField(),
    )


def requests_sent(sent: Q):
    """The requests sent (``sent``: a filter on ``created_at``), each with its line (``ending``) and
    when it was answered (``answered_at``)."""
    return Relationship.objects.filter(sent).annotate(ending=request_ending(), answered_at=answered_at())


def typical_answer(requests) -> timedelta | None:
    """The median time from sending to the mentor's answer, of the answered ones of ``requests_sent``
    (one query)."""
    delays = requests.filter(ending__in=ANSWERED).annotate(
        delay=ExpressionWrapper(F("answered_at") - F("created_at"), output_field=DurationField())
    )
    return _median(list(delays.values_list("delay", flat=True)))


@dataclass
class Report:
    period_key: str
    period_label: str
    first_day: date | None  # the period's first day (None: all time); its last day is today
    last_day: date
    mentors: int
    mentees: int
    places_left: int
    requests: int
    # Of ``requests``, those the programme proposed in a matching round (``proposed_by_programme``): the
    # staff home's funnel leaves them out of its "Request sent", so the page says how many are included.
    proposed: int
    # One figure per line of ENDINGS: together they make ``requests``, each request counted once. Only
    # the answered ones (accepted, declined) make the acceptance rate and the typical time to answer.
    accepted: int
    declined: int
    waiting: int
    withdrawn: int
    expired: int
    closed_for_mentor: int
    closed_by_staff: int
    acceptance_rate: int | None
    typical_answer: timedelta | None
    completed: int
    meetings_held: int
    hours_held: float
    feedback_count: int
    feedback_average: float | None
    by_state: list[tuple[str, int]]
    # (kind, open cases snoozed included, of them snoozed): the caseload, not what needs the team now
    # (the staff home and the inbox's Open tab leave the snoozed ones out, and say so).
    open_cases: list[tuple[str, int, int]]
    open_cases_total: int
    snoozed_cases_total: int
    resolved_cases: int
    typical_resolution: timedelta | None

    @property
    def awake_cases_total(self) -> int:
        """The open cases not snoozed: the figure the staff home and the inbox's Open tab show."""
        return self.open_cases_total - self.snoozed_cases_total

    @property
    def request_lines(self) -> list[tuple[str, int]]:
        """(label, number) for each line of ENDINGS, in its order: the requests sent, each once."""
        return [(ending.label, getattr(self, ending.key)) for ending in ENDINGS]

    @property
    def typical_answer_words(self) -> str:
        return _duration_words(self.typical_answer)

    @property
    def typical_resolution_words(self) -> str:
        return _duration_words(self.typical_resolution)


def _duration_words(value: timedelta | None) -> str:
    if value is None:
        return gettext("not enough data yet")
    hours = value.total_seconds() / 3600
    if hours < 1:
        return gettext("under an hour")
    if hours < 48:
        return ngettext("%(n)d hour", "%(n)d hours", round(hours)) % {"n": round(hours)}
    return ngettext("%(n)d day", "%(n)d days", round(hours / 24)) % {"n": round(hours / 24)}


duration_words = _duration_words  # "3 days", "under an hour": the staff home says durations the same way


def _median(values) -> timedelta | None:
    values = [v for v in values if v is not None and v >= timedelta(0)]
    return statistics.median(values) if values else None


def build(period_key: str = "90") -> Report:
    period_key = period_key if period_key in PERIODS else "90"
    label, days = PERIODS[period_key]
    today = timezone.localdate()
    first_day = today - timedelta(days=days - 1) if days else None
    since = timezone.make_aware(datetime.combine(first_day, time.min)) if first_day else None
    in_period = (lambda field: Q(**{f"{field}__gte": since})) if since else (lambda field: Q())
    requests = _request_figures(in_period)
    feedback = Feedback.objects.filter(in_period("at")).aggregate(n=Count("pk"), average=Avg("rating"))
    cases = _case_figures(in_period)
    return Report(
        period_key=period_key,
        period_label=label,
        first_day=first_day,
        last_day=today,
        **_people_figures(),
        **requests,
        completed=Relationship.objects.filter(in_period("ended_at"), state=State.COMPLETED).count(),
        **_meeting_figures(in_period),
        feedback_count=feedback["n"],
        feedback_average=round(feedback["average"], 1) if feedback["average"] is not None else None,
        by_state=_relationships_by_state(),
        **cases,
    )


def _people_figures() -> dict:
    """Mentors and mentees with a completed profile and an open account, and the places left
    with the mentors among them who take requests (away or not)."""
    people = Profile.objects.filter(people_rules.account_open_q(), completed_at__isnull=False)
    counts = people.aggregate(
        mentors=Count("pk", filter=Q(is_mentor=True)), mentees=Count("pk", filter=Q(is_mentee=True))
    )
    offering = people.filter(is_mentor=True, accepting_requests=True).annotate(taken=rules.places_taken_expression())
    places_left = sum(
        rules.places_left(capacity, taken) for capacity, taken in offering.values_list("capacity", "taken")
    )
    return {"mentors": counts["mentors"], "mentees": counts["mentees"], "places_left": places_left}


def _request_figures(in_period) -> dict:
    """The requests sent in the period: how many, how many in each line of ENDINGS, and, of those the
    mentor answered, how many were accepted and how fast (two queries)."""
    requests = requests_sent(in_period("created_at"))
    counts = requests.aggregate(
        requests=Count("pk"),
        proposed=Count("pk", filter=Q(proposed_by_programme=True)),
        **{ending.key: Count("pk", filter=Q(ending=ending.key)) for ending in ENDINGS},
    )
    answered = counts["accepted"] + counts["declined"]
    return {
        **counts,
        "acceptance_rate": round(100 * counts["accepted"] / answered) if answered else None,
        "typical_answer": typical_answer(requests),
    }


def _meeting_figures(in_period) -> dict:
    """Meetings held in the period (the one rule: journeys.rules.held_q) and their hours."""
    held = Meeting.objects.filter(rules.held_q(timezone.now()), in_period("starts_at"))
    figures = held.aggregate(n=Count("pk"), minutes=Sum("duration_minutes"))
    return {"meetings_held": figures["n"], "hours_held": round((figures["minutes"] or 0) / 60, 1)}


def _relationships_by_state() -> list[tuple[str, int]]:
    by_state = dict(Relationship.objects.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    return [(s.label, by_state.get(s.value, 0)) for s in State]


def _case_figures(in_period) -> dict:
    """Staff cases still open (by kind, snoozed included, with how many of them are snoozed), and those
    resolved in the period with how long they took."""
    snoozed = services.snoozed_q(timezone.localdate())
    by_kind = {
        kind: (n, asleep)
        for kind, n, asleep in services.open_cases()
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"), asleep=Count("pk", filter=snoozed))
        .values_list("kind", "n", "asleep")
    }
    open_cases = [(k.label, *by_kind.get(k.value, (0, 0))) for k in CaseKind]
    resolved = StaffCase.objects.filter(in_period("resolved_at"), resolved_at__isnull=False)
    resolution_times = resolved.annotate(
        took=ExpressionWrapper(F("resolved_at") - F("created"), output_field=DurationField())
    ).values_list("took", flat=True)
    return {
        "open_cases": open_cases,
        "open_cases_total": sum(n for _label, n, _asleep in open_cases),
        "snoozed_cases_total": sum(asleep for _label, _n, asleep in open_cases),
        "resolved_cases": resolved.count(),
        "typical_resolution": _median(list(resolution_times)),
    }


CSV_HEADER = [
    _("relationship"),
    _("area of support"),
    _("stage"),
    _("requested on"),
    _("matched on"),
    _("ended on"),
    _("meetings arranged"),  # not cancelled, past or to come
    _("meetings held"),
    _("hours held"),
    _("goals"),
    _("goals achieved"),
    _("rating given by the mentee"),
    _("rating given by the mentor"),
    _("request outcome"),
]


def relationship_rows():
    """One row per relationship, no names or addresses: for the programme's own reporting. Its request's
    line of the reports (ENDINGS) comes last."""
    now = timezone.now()
    labels = {ending.key: ending.label for ending in ENDINGS}
    rows = (
        Relationship.objects.select_related("area")
        .annotate(
            ending=request_ending(),
            n_meetings=Count("meetings", filter=Q(meetings__cancelled_at__isnull=True), distinct=True),
            n_held=Count("meetings", filter=rules.held_q(now, "meetings__"), distinct=True),
            # (a subquery: a Sum over the meetings join would be counted again for every goal)
            minutes_held=Subquery(
                Meeting.objects.filter(rules.held_q(now), relationship=OuterRef("pk"))
                .order_by()
                .values("relationship")
                .annotate(total=Sum("duration_minutes"))
                .values("total")
            ),
            n_goals=Count("goals", distinct=True),
            n_achieved=Count("goals", filter=Q(goals__completed_at__isnull=False), distinct=True),
        )
        .order_by("pk")
    )
    ratings: dict[tuple[int, int], int] = {
        (rel_id, author_id): rating
        for rel_id, author_id, rating in Feedback.objects.values_list("relationship_id", "author_id", "rating")
    }
    for rel in rows.iterator(chunk_size=500):
        yield [
            rel.pk,
            rel.area.name,
            State(rel.state).label,
            timezone.localdate(rel.created_at).isoformat(),
            timezone.localdate(rel.matched_at).isoformat() if rel.matched_at else "",
            timezone.localdate(rel.ended_at).isoformat() if rel.ended_at else "",
            rel.n_meetings,
            rel.n_held,
            round((rel.minutes_held or 0) / 60, 2),
            rel.n_goals,
            rel.n_achieved,
            ratings.get((rel.pk, rel.mentee_id), ""),
            ratings.get((rel.pk, rel.mentor_id), ""),
            labels.get(rel.ending, ""),
        ]
