"""Programme reports for staff: the figures a programme manager asks for, from a few queries.

Everything here is aggregated; the CSV export lists relationships without names or addresses.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from journeys import rules
from journeys.models import Feedback, Meeting, Relationship, State, StateChange
from people import rules as people_rules
from people.models import Profile

from . import services
from .models import CaseKind, StaffCase

PERIODS = {
    "30": (_("The last 30 days"), 30),
    "90": (_("The last 90 days"), 90),
    "365": (_("The last 12 months"), 365),
    "all": (_("All time"), None),
}


@dataclass
class Report:
    period_key: str
    period_label: str
    mentors: int
    mentees: int
    places_left: int
    requests: int
    accepted: int
    declined: int
    withdrawn: int
    waiting: int
    # Closed because the mentor left the programme or was deactivated: not an answer (neither accepted
    # nor declined), so in neither the acceptance rate nor the typical time to answer.
    closed_for_mentor: int
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
    since = timezone.now() - timedelta(days=days) if days else None
    in_period = (lambda field: Q(**{f"{field}__gte": since})) if since else (lambda field: Q())
    requests = _request_figures(in_period)
    feedback = Feedback.objects.filter(in_period("at")).aggregate(n=Count("pk"), average=Avg("rating"))
    cases = _case_figures(in_period)
    return Report(
        period_key=period_key,
        period_label=label,
        **_people_figures(),
        **requests,
        completed=Relationship.objects.filter(in_period("ended_at"), state=State.COMPLETED).count(),
        **_meeting_figures(in_period),
        feedback_count=feedback["n"],
        feedback_average=round(feedback["average"], 1) if feedback["average"] is not None else None,
        by_state=_relationships_by_state(),
        **cases,
    )


def between(since, until):
    """The ``in_period`` filter of a period with both ends: from ``since`` up to (not including) ``until``."""
    return lambda field: Q(**{f"{field}__gte": since, f"{field}__lt": until})


def request_figures(since, until) -> dict:
    """The requests sent in a period with both ends (the staff home's chosen dates), as ``build`` counts them."""
    return _request_figures(between(since, until))


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
    """The requests of the period: how many, how they were answered, and how fast. A request closed because
    its mentor stopped taking part (``State.REQUEST_CLOSED``) was not answered: it is counted apart."""
    requests = Relationship.objects.filter(in_period("created_at"))
    answers = StateChange.objects.filter(in_period("relationship__created_at"), action__in=["accept", "decline"])
    outcome = answers.aggregate(
        accepted=Count("relationship", filter=Q(action="accept"), distinct=True),
        declined=Count("relationship", filter=Q(action="decline"), distinct=True),
    )
    request_counts = requests.aggregate(
        total=Count("pk"),
        withdrawn=Count("pk", filter=Q(state=State.REQUEST_WITHDRAWN)),
        waiting=Count("pk", filter=Q(state=State.REQUESTED)),
        closed_for_mentor=Count("pk", filter=Q(state=State.REQUEST_CLOSED)),
    )
    answered = outcome["accepted"] + outcome["declined"]
    delays = answers.annotate(
        delay=ExpressionWrapper(F("at") - F("relationship__created_at"), output_field=DurationField())
    ).values_list("delay", flat=True)
    return {
        "requests": request_counts["total"],
        "accepted": outcome["accepted"],
        "declined": outcome["declined"],
        "withdrawn": request_counts["withdrawn"],
        "waiting": request_counts["waiting"],
        "closed_for_mentor": request_counts["closed_for_mentor"],
        "acceptance_rate": round(100 * outcome["accepted"] / answered) if answered else None,
        "typical_answer": _median(list(delays)),
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
    _("meetings"),
    _("meetings held"),
    _("hours held"),
    _("goals"),
    _("goals achieved"),
    _("mentee rating"),
    _("mentor rating"),
]


def relationship_rows():
    """One row per relationship, no names or addresses: for the programme's own reporting."""
    now = timezone.now()
    rows = (
        Relationship.objects.select_related("area")
        .annotate(
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
        ]
