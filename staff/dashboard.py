"""The staff home: what needs attention now, and the programme's shape over a chosen period.

Every figure here is read with a fixed number of queries, whatever the size of the programme
(``staff/tests/test_home.py`` checks it). The rules it reads have their homes elsewhere: the states
and their groups in ``journeys.states``, stalling and capacity in ``journeys.rules``, who is
waiting in ``journeys.selectors``; the request figures come from the reports (``staff.reports``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Sum
from django.db.models.functions import Least, TruncWeek
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from journeys import rules, selectors
from journeys.models import Feedback, Goal, Meeting, Relationship
from journeys.states import STAGES_DONE_STATES
from people import rules as people_rules
from people.models import Profile
from project.dates import long_date

from . import charts as drawing
from . import reports, services
from .models import StaffCase

ATTENTION_ROWS = 5  # how many of each list the home page shows (the inbox and directories show the rest)


def days_since(moment: datetime, today: date) -> int:
    return max(0, (today - timezone.localdate(moment)).days)


@dataclass
class Attention:
    """What needs the team now: open cases, requests waiting longest, relationships gone quiet.

    ``open_cases`` are the open cases not snoozed, as the inbox's Open tab lists them: a snoozed case
    was put aside until a day, so it does not need the team now. ``snoozed_cases`` says how many more
    there are (the reports count both: ``staff.reports``)."""

    open_cases: int
    cases: list[StaffCase]
    waiting: int
    requests: list[dict] = field(default_factory=list)  # {"relationship", "days"}
    stalled: int = 0
    quiet: list[dict] = field(default_factory=list)  # {"relationship", "days"}
    stalled_after_days: int = 0
    snoozed_cases: int = 0


def attention(now: datetime | None = None) -> Attention:
    """Seven queries: a count and the first rows of each list (the cases' count is awake and snoozed
    at once), and the listed cases' meetings."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    snoozed = services.snoozed_q(today)
    case_counts = services.open_cases().aggregate(
        awake=Count("pk", filter=~snoozed), snoozed=Count("pk", filter=snoozed)
    )
    cases = services.awake(services.open_cases(), today)
    waiting = selectors.waiting_requests()
    stalled = selectors.stalled_relationships(now)
    return Attention(
        open_cases=case_counts["awake"],
        snoozed_cases=case_counts["snoozed"],
        cases=list(
            cases.select_related("relationship__mentee", "relationship__mentor", "concern")
            .prefetch_related("relationship__meetings")  # StaffCase.moved_on
            .order_by("created", "pk")[:ATTENTION_ROWS]
        ),
        waiting=waiting.count(),
        requests=[{"relationship": r, "days": days_since(r.created_at, today)} for r in waiting[:ATTENTION_ROWS]],
        stalled=stalled.count(),
        quiet=[{"relationship": r, "days": days_since(r.quiet_since, today)} for r in stalled[:ATTENTION_ROWS]],
        stalled_after_days=rules.stalled_after_days(),
    )


# -- the period the charts show --------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        """The first moment after the period (its end day included)."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def q(self, path: str) -> Q:
        return Q(**{f"{path}__gte": self.since, f"{path}__lt": self.until})


def default_period(today: date | None = None) -> Period:
    """The last 12 months, today included."""
    today = today or timezone.localdate()
    return Period(today - timedelta(days=364), today)


# -- the charts ---------------------------------------------------------------------------


@dataclass
class Chart:
    """One picture of the programme: its SVG and, from the same numbers, its table and CSV."""

    key: str
    title: str
    summary: str  # a sentence under the heading: what is counted, and the headline figure
    columns: list[str]
    rows: list[list]
    svg: SafeString
    table_open: bool = True  # a long table is folded away in a <details>

    @property
    def filename(self) -> str:
        return f"{self.key}.csv"


CHART_KEYS = ("funnel", "weekly", "answers", "ratings", "capacity")


def all_charts(period: Period, now: datetime | None = None) -> list[Chart]:
    """Every chart of the staff home, in its order (CHART_KEYS): seven queries in all."""
    now = now or timezone.now()
    return [funnel(period, now), weekly(period), answers(period), ratings(period), capacity()]


def chart(key: str, period: Period, now: datetime | None = None) -> Chart:
    builders = {
        "funnel": lambda: funnel(period, now or timezone.now()),
        "weekly": lambda: weekly(period),
        "answers": lambda: answers(period),
        "ratings": lambda: ratings(period),
        "capacity": capacity,
    }
    return builders[key]()


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "–"


# Someone invited (an import, "Invite one person") has an account before they join: they count from
# accepting the invitation, as the Import page counts them "joined".
JOINED = Q(invitation__isnull=True) | Q(invitation__accepted_at__isnull=False)


def funnel(period: Period, now: datetime) -> Chart:
    """The people who joined in the period (an invited person once they accepted), and how far each has come since (one query).

    A request sent counts for the mentee who sent it (the mentor it went to sent nothing; nor did the
    mentee of a pair the programme proposed in a matching round, ``proposed_by_programme``). From
    Matched on, a participant counts at a step when one of their relationships, as mentee or mentor,
    reached it: matched, a meeting that took place (``journeys.rules``), a goal set, its three
    stages done (``journeys.states.STAGES_DONE_STATES``); feedback given is their own. So Matched
    can be higher than Request sent: a matched pair is two people, its request one.
    """
    person = OuterRef("pk")
    theirs = Relationship.objects.filter(Q(mentee=person) | Q(mentor=person))
    via = Q(relationship__mentee=person) | Q(relationship__mentor=person)
    steps = [
        ("registered", _("Registered"), None),
        ("profile", _("Profile complete"), Exists(Profile.objects.filter(user=person, completed_at__isnull=False))),
        (
            "requested",
            _("Request sent"),
            Exists(Relationship.objects.filter(mentee=person, proposed_by_programme=False)),
        ),
        ("matched", _("Matched"), Exists(theirs.filter(matched_at__isnull=False))),
        ("met", _("First meeting held"), Exists(Meeting.objects.filter(via, rules.held_q(now)))),
        ("goals", _("Goals set"), Exists(Goal.objects.filter(via))),
        ("completed", _("Completed"), Exists(theirs.filter(state__in=STAGES_DONE_STATES))),
        ("feedback", _("Feedback given"), Exists(Feedback.objects.filter(author=person))),
    ]
    people = get_user_model().objects.filter(period.q("date_joined"), JOINED, is_staff=False)
    people = people.annotate(**{f"reached_{key}": flag for key, _label, flag in steps if flag is not None})
    counts = people.aggregate(
        **{
            key: Count("pk", filter=Q(**{f"reached_{key}": True})) if flag is not None else Count("pk")
            for key, _l, flag in steps
        }
    )
    registered = counts["registered"]
    rows = [[str(label), counts[key], _percent(counts[key], registered)] for key, label, _flag in steps]
    title = gettext("The journey funnel")
    desc = gettext(
        "People who joined from %(start)s to %(end)s, and how many of them reached each step: %(steps)s. "
        "Request sent counts only the requests mentees sent themselves, not those the programme proposed."
    ) % {
        "start": long_date(period.start),
        "end": long_date(period.end),
        "steps": "; ".join(f"{label} {n}" for label, n, _p in rows),
    }
    if registered:
        summary = gettext(
            "Of the people who joined in the period (not staff), how many have reached each step since. "
            "A request sent counts for the mentee who sent it, not a request the programme proposed in a "
            "matching round; Matched and the steps after it count either "
            "side of a relationship, so they can be higher. A first meeting counts once it took place "
            "(marked held, or its time passed and nobody said it did not happen)."
        )
    else:
        summary = gettext("Nobody joined in the period (staff aside), so there is nobody to follow through the steps.")
    return Chart(
        key="funnel",
        title=title,
        summary=summary,
        columns=[gettext("Step"), gettext("People"), gettext("Of those registered")],
        rows=rows,
        svg=drawing.horizontal_bars("chart-funnel", title, desc, [(label, n) for label, n, _p in rows]),
    )


def _weeks(period: Period) -> list[date]:
    first = period.start - timedelta(days=period.start.weekday())
    return [first + timedelta(weeks=k) for k in range((period.end - first).days // 7 + 1)]


def _per_week(queryset, path: str, period: Period) -> dict[date, int]:
    rows = (
        queryset.filter(period.q(path))
        .annotate(week=TruncWeek(path))
        .order_by()
        .values("week")
        .annotate(n=Count("pk"))
        .values_list("week", "n")
    )
    return {timezone.localtime(week).date(): n for week, n in rows}


# The weekly chart's column: every request, the programme's proposals from matching rounds included (the
# funnel's "Request sent" counts only the requests mentees sent themselves).
SENT_WITH_PROPOSALS = _("Requests sent (proposals included)")


def weekly(period: Period) -> Chart:
    """Requests sent and relationships matched, per week (Monday to Sunday): two queries."""
    weeks = _weeks(period)
    sent = _per_week(Relationship.objects.all(), "created_at", period)
    matched = _per_week(Relationship.objects.all(), "matched_at", period)
    rows = [[week.isoformat(), sent.get(week, 0), matched.get(week, 0)] for week in weeks]
    total_sent, total_matched = sum(r[1] for r in rows), sum(r[2] for r in rows)
    title = gettext("Requests and matches per week")
    peak = max((r[1] for r in rows), default=0)
    sent_words = ngettext("%(n)s request sent", "%(n)s requests sent", total_sent) % {"n": total_sent}
    desc = gettext(
        "%(weeks)s from %(start)s to %(end)s: %(sent)s and %(matched)s in all; the busiest week had %(peak)s. "
        "The table beside the chart lists every week."
    ) % {
        "weeks": ngettext("%(n)s week", "%(n)s weeks", len(weeks)) % {"n": len(weeks)},
        "start": long_date(period.start),
        "end": long_date(period.end),
        "sent": sent_words,
        "matched": ngettext("%(n)s match", "%(n)s matches", total_matched) % {"n": total_matched},
        "peak": ngettext("%(n)s request", "%(n)s requests", peak) % {"n": peak},
    }
    labels = [date_format(week, "j M") for week in weeks]
    if total_sent or total_matched:
        summary = gettext(
            "%(sent)s and %(matched)s matched (accepted by the mentor), by the week they happened in. "
            "A week starts on Monday; the first and last weeks may be partly outside the period. "
            "Requests sent include those the programme proposed in a matching round, which the journey "
            "funnel leaves out."
        ) % {"sent": sent_words, "matched": total_matched}
    else:
        summary = gettext("No request was sent and nobody was matched in the period.")
    return Chart(
        key="weekly",
        title=title,
        summary=summary,
        columns=[gettext("Week starting"), str(SENT_WITH_PROPOSALS), gettext("Matches")],
        rows=rows,
        svg=drawing.columns(
            "chart-weekly",
            title,
            desc,
            labels,
            [(str(SENT_WITH_PROPOSALS), [r[1] for r in rows]), (gettext("Matches"), [r[2] for r in rows])],
            axis_label=gettext("Week starting"),
        ),
        table_open=False,
    )


def answers(period: Period) -> Chart:
    """Every request sent in the period, in one row each (two queries): those the mentor answered by
    how long the answer took, the others by how they stand or ended without an answer (the lines of
    the reports, ``staff.reports.ENDINGS``); and the typical time to answer, as the reports give it."""
    requests = reports.requests_sent(period.q("created_at"))

    def within(low_days: int | None, high_days: int | None) -> Q:
        q = Q(ending__in=reports.ANSWERED)
        if low_days is not None:
            q &= Q(answered_at__gte=F("created_at") + timedelta(days=low_days))
        if high_days is not None:
            q &= Q(answered_at__lt=F("created_at") + timedelta(days=high_days))
        return q

    rows_q = [
        (_("Within a day"), within(None, 1)),
        (_("1 to 3 days"), within(1, 3)),
        (_("3 to 7 days"), within(3, 7)),
        (_("1 to 2 weeks"), within(7, 14)),
        (_("2 weeks or more"), within(14, None)),
        *((ending.label, Q(ending=ending.key)) for ending in reports.ENDINGS if not ending.answered),
    ]
    counts = requests.aggregate(
        sent=Count("pk"), **{f"row{k}": Count("pk", filter=q) for k, (_l, q) in enumerate(rows_q)}
    )
    rows = [[str(label), counts[f"row{k}"]] for k, (label, _q) in enumerate(rows_q)]
    sent = counts["sent"]
    typical = reports.duration_words(reports.typical_answer(requests))
    title = gettext("Time for mentors to answer")
    desc = gettext(
        "Requests sent from %(start)s to %(end)s (%(sent)s in all), by how long the mentor took to answer, "
        "or how they stand or ended without an answer: %(rows)s."
    ) % {
        "start": long_date(period.start),
        "end": long_date(period.end),
        "sent": sent,
        "rows": "; ".join(f"{label} {n}" for label, n in rows),
    }
    if not sent:
        summary = gettext("No request was sent in the period.")
    else:
        summary = ngettext(
            "%(n)s request sent in the period: if the mentor answered it (accepted or declined), by the time "
            "from sending to the answer; if not, by how it stands or ended without an answer. Typical time to "
            "answer: %(typical)s.",
            "%(n)s requests sent in the period, each in one row: those the mentor answered (accepted or "
            "declined) by the time from sending to the answer, the others by how they stand or ended without "
            "an answer. Typical time to answer: %(typical)s.",
            sent,
        ) % {"n": sent, "typical": typical}
        summary += " " + gettext(
            "Requests sent include those the programme proposed in a matching round, which the journey "
            "funnel leaves out."
        )
    return Chart(
        key="answers",
        title=title,
        summary=summary,
        columns=[gettext("Time to answer"), gettext("Requests")],
        rows=rows,
        svg=drawing.horizontal_bars("chart-answers", title, desc, rows),
    )


def ratings(period: Period) -> Chart:
    """The feedback given in the period, by rating and by who gave it (one query)."""
    by_rating = {
        row["rating"]: row
        for row in Feedback.objects.filter(period.q("at"))
        .order_by()
        .values("rating")
        .annotate(
            mentees=Count("pk", filter=Q(author=F("relationship__mentee"))),
            mentors=Count("pk", filter=Q(author=F("relationship__mentor"))),
            total=Count("pk"),
        )
    }
    rows = []
    for rating in range(1, 6):
        row = by_rating.get(rating, {"mentees": 0, "mentors": 0, "total": 0})
        rows.append([rating, row["mentees"], row["mentors"], row["total"]])
    given = sum(r[3] for r in rows)
    average = round(sum(r[0] * r[3] for r in rows) / given, 1) if given else None
    title = gettext("Feedback ratings")
    desc = gettext(
        "Ratings from 1 (lowest) to 5 given from %(start)s to %(end)s, by mentees and by mentors: %(rows)s."
    ) % {
        "start": long_date(period.start),
        "end": long_date(period.end),
        "rows": "; ".join(
            gettext("%(rating)s: %(mentees)s from mentees, %(mentors)s from mentors")
            % {"rating": r[0], "mentees": r[1], "mentors": r[2]}
            for r in rows
        ),
    }
    if average is None:
        summary = gettext("No feedback was given in the period.")
    else:
        summary = ngettext(
            "%(n)s rating given in the period, %(average)s out of 5 on average.",
            "%(n)s ratings given in the period, %(average)s out of 5 on average.",
            given,
        ) % {"n": given, "average": average}
    return Chart(
        key="ratings",
        title=title,
        summary=summary,
        columns=[gettext("Rating"), gettext("From mentees"), gettext("From mentors"), gettext("All")],
        rows=rows,
        svg=drawing.columns(
            "chart-ratings",
            title,
            desc,
            [str(r[0]) for r in rows],
            [(gettext("From mentees"), [r[1] for r in rows]), (gettext("From mentors"), [r[2] for r in rows])],
            axis_label=gettext("Rating (1 to 5)"),
        ),
    )


def capacity() -> Chart:
    """Mentors listed now, by how many of their places are taken (one query; the capacity rule is
    ``journeys.rules``: a mentor has room while places taken < capacity)."""
    mentors = Profile.objects.filter(people_rules.mentor_listed_q()).annotate(taken=rules.places_taken_expression())
    room = Q(capacity__gt=F("taken"))  # journeys.rules.has_room, on the annotated places taken
    figures = mentors.aggregate(
        mentors=Count("pk"),
        places=Sum("capacity"),
        used=Sum(Least("taken", "capacity", output_field=IntegerField())),
        free=Count("pk", filter=room & Q(taken=0)),
        some=Count("pk", filter=room & Q(taken__gt=0)),
        full=Count("pk", filter=~room),
    )
    rows = [
        [str(_("Room for mentees, none yet")), figures["free"]],
        [str(_("Room for more, some places taken")), figures["some"]],
        [str(_("Full")), figures["full"]],
    ]
    places, used = figures["places"] or 0, figures["used"] or 0
    title = gettext("Mentor capacity used")
    desc = gettext("Mentors listed today, by how many of their places are taken: %(rows)s.") % {
        "rows": "; ".join(f"{label} {n}" for label, n in rows)
    }
    return Chart(
        key="capacity",
        title=title,
        summary=gettext(
            "Today, not over the period: %(used)s of the %(places)s places the %(mentors)s listed mentors offer "
            "are taken (%(percent)s). Mentors who paused requests or are away count with the others."
        )
        % {"used": used, "places": places, "mentors": figures["mentors"], "percent": _percent(used, places)},
        columns=[gettext("Mentors"), gettext("Number")],
        rows=rows,
        svg=drawing.horizontal_bars("chart-capacity", title, desc, rows),
    )


# -- feedback comments, for staff to read in a spreadsheet -------------------------------------


def feedback_export(period: Period, *, with_names: bool) -> list[list]:
    """The feedback given in the period, oldest first, with its comments (one query). Who wrote it
    and about whom only ``with_names`` (``project.roles.SEE_FEEDBACK_AUTHORS``); otherwise the
    rows say the writer's side (mentee or mentor) and nothing more about them."""
    header = [
        gettext("relationship"),
        gettext("area of support"),
        gettext("given on"),
        gettext("given by"),
        gettext("rating"),
        gettext("comments"),
    ]
    if with_names:
        header += [gettext("written by"), gettext("about")]
    given = (
        Feedback.objects.filter(period.q("at"))
        .select_related("relationship__area", "author", "relationship__mentee", "relationship__mentor")
        .order_by("at", "pk")
    )
    rows = [header]
    for feedback in given.iterator(chunk_size=500):
        rel = feedback.relationship
        side = {rel.mentee_id: gettext("mentee"), rel.mentor_id: gettext("mentor")}.get(feedback.author_id, "")
        row = [
            rel.pk,
            rel.area.name,
            timezone.localdate(feedback.at).isoformat(),
            side,
            feedback.rating,
            feedback.comments,
        ]
        if with_names:
            other = rel.mentor if feedback.author_id == rel.mentee_id else rel.mentee
            row += [feedback.author.display_name if feedback.author else "", other.display_name]
        rows.append(row)
    return rows
