"""The relationship directory (/staff/relationships/): every relationship, filtered and sorted.

The filters read the rules where they live: the stages and their groups from ``journeys.states``
(each named by its state's label, as the table names it), who the journey waits on from the
open flow tasks (``journeys.rules.waits_on_q``), a stalled relationship as the stalled sweep sees it
(``journeys.rules.stalled_q``, no activity for N days). Who the journey waits on is
``journeys.rules.waits_on`` as the database keeps it in ``staff.models.RelationshipWaiting`` (a
trigger on the flow's tasks writes it), so filtering on it is a join, not a search of the open tasks.
A page is three queries whatever the data size (four past the first page, whose ids are found
before their rows): the count (up to ``COUNT_CAP``), the page's rows (with both people and who
the journey waits on), then the open cases of just those rows. Each row is handed to the template as plain text (``Row``): the page lists 50 of them,
and resolving names, labels and dates in the template cost more than the queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from journeys import rules
from journeys.models import Relationship
from journeys.states import ENDED_STATES, MATCHED_STATES, OPEN_REQUEST_STATES, WORKING_STATES, State
from project.dates import FIRST_YEAR, LAST_YEAR, why_range_reversed, within_programme_years

from .filter_fields import DaysFilter
from .models import StaffCase
from .services import FINISHED

PAGE_SIZE = 50
# The directory counts no further than this many relationships and pages through them only ("more than
# 1,000 match: narrow the filters"), as Find Mentor does: counting and skipping 100,000 rows on every
# page would cost more than the rest of the page, and nobody reads page 200 of a list.
COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """A paginator that counts at most ``COUNT_CAP + 1`` rows: ``count`` is at most ``COUNT_CAP``
    (the pages stop there) and ``capped`` says that more match."""

    @cached_property
    def matched(self) -> int:
        return self.object_list.order_by()[: COUNT_CAP + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.matched, COUNT_CAP)

    @property
    def capped(self) -> bool:
        return self.matched > COUNT_CAP

    @property
    def cap_label(self) -> str:
        return f"{COUNT_CAP:,}"


# Stage: a group of states (journeys.states) or one state, each state named by its label, as the
# table's Stage column and the relationship's staff page name it.
GROUPS = {
    "open_requests": (_("Requests not yet accepted (any)"), OPEN_REQUEST_STATES),
    "matched": (_("Matched and under way (any stage)"), MATCHED_STATES),
    "working": (_("Working together (first conversation to completion)"), WORKING_STATES),
    "ended": (_("Ended (any way)"), ENDED_STATES),
}


STAGE_CHOICES = [
    (_("Groups"), [(f"group:{key}", label) for key, (label, _states) in GROUPS.items()]),
    (_("Stages"), [(state.value, state.label) for state in State if state not in ENDED_STATES]),
]
ENDED_CHOICES = [(state.value, state.label) for state in ENDED_STATES]

WAITING_CHOICES = [
    ("mentor", _("The mentor")),
    ("mentee", _("The mentee")),
    ("both", _("Both of them")),
    ("nobody", _("Nobody")),
]


def _person_q(prefix: str, text: str) -> Q:
    """Each word of ``text`` in the person's first name, last name or email address. The people are
    found first (a few among the members) and their relationships by the person's index after, which
    PostgreSQL plans far better than a join filtered row by row."""
    people = Q()
    for word in text.split()[:5]:
        people &= Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
    return Q(**{f"{prefix}_id__in": get_user_model().objects.filter(people).values("pk")})


class DateInput(forms.DateInput):
    """A browser's date picker, offering the programme's years only (the field checks them too)."""

    input_type = "date"

    def __init__(self, attrs=None):
        bounds = {"min": f"{FIRST_YEAR}-01-01", "max": f"{LAST_YEAR}-12-31"}
        super().__init__({**bounds, **(attrs or {})}, format="%Y-%m-%d")


class Ordering(django_filters.OrderingFilter):
    """Sorting by a date: relationships not ended yet come last when sorting by the end, either way."""

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        name = self.param_map[param.removeprefix("-")]
        if name != "ended_at":  # never empty: a plain sort, which the column's index serves
            return f"-{name}" if descending else name
        return F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)


class DirectoryForm(forms.Form):
    """The filters' form: a range of start days that ends before it begins is said on its end field
    (as the staff home says it), and that end is then left out like any bad value."""

    def clean(self):
        data = super().clean()
        if reversed_range := why_range_reversed(data.get("started_from"), data.get("started_to")):
            self.add_error("started_to", reversed_range)
        return data


DEFAULT_SORT = "-started"


class RelationshipFilter(django_filters.FilterSet):
    stage = django_filters.ChoiceFilter(
        label=_("Stage"), choices=STAGE_CHOICES, method="filter_stage", empty_label=_("Any stage")
    )
    waiting = django_filters.ChoiceFilter(
        label=_("Waiting on"),
        choices=WAITING_CHOICES,
        method="filter_waiting",
        empty_label=_("Anyone or nobody"),
        help_text=_("Whose step the journey is waiting for."),
    )
    stalled = DaysFilter(
        label=_("Stalled for at least (days)"),
        method="filter_stalled",
        max_value=3650,
        help_text=_(
            "Relationships between the first conversation and completion with no message, meeting or goal "
            "update for this many days."
        ),
    )
    ended = django_filters.ChoiceFilter(
        label=_("How it ended"), choices=ENDED_CHOICES, field_name="state", empty_label=_("Ended or not")
    )
    mentor = django_filters.CharFilter(
        label=_("Mentor"), method="filter_mentor", max_length=100, help_text=_("Name or email address.")
    )
    mentee = django_filters.CharFilter(
        label=_("Mentee"), method="filter_mentee", max_length=100, help_text=_("Name or email address.")
    )
    # By the instant the day starts in the programme's time zone, not by the date of each row (which
    # no index serves). A day outside the programme's years is the field's error (the day after
    # 31 December 9999 cannot be computed), and the filter is left out like any bad value.
    started_from = django_filters.DateFilter(
        label=_("Started on or after"),
        method="filter_started_from",
        widget=DateInput,
        validators=[within_programme_years],
    )
    started_to = django_filters.DateFilter(
        label=_("Started on or before"),
        method="filter_started_to",
        widget=DateInput,
        validators=[within_programme_years],
    )
    sort = Ordering(
        label=_("Sort by"),
        fields=(("created_at", "started"), ("last_activity_at", "activity"), ("ended_at", "ended")),
        field_labels={
            "created_at": _("Started"),
            "last_activity_at": _("Last activity"),
            "ended_at": _("Ended"),
        },
        empty_label=None,
        null_label=None,
    )

    class Meta:
        model = Relationship
        fields: list[str] = []
        form = DirectoryForm

    def __init__(self, data=None, *args, **kwargs):
        # The list's own order (the newest first) is what "Sort by" shows, so sending the filters
        # without touching it keeps the order on screen.
        if data is not None and not data.get("sort"):
            data = data.copy()
            data["sort"] = DEFAULT_SORT
        super().__init__(data, *args, **kwargs)
        self.form.fields["sort"].initial = DEFAULT_SORT
        days = int(settings.REMINDERS.get("STALLED_AFTER_DAYS", 0) or 0)
        if days:
            self.form.fields["stalled"].widget.attrs["placeholder"] = str(days)

    def filter_stage(self, queryset, name, value):
        if value.startswith("group:"):
            group = GROUPS.get(value.removeprefix("group:"))
            return queryset.filter(state__in=group[1]) if group else queryset
        return queryset.filter(state=value)

    def filter_waiting(self, queryset, name, value):
        # Who the journey waits on, as the database keeps it (staff.models.RelationshipWaiting: every
        # relationship has its row from the transaction that sends the request).
        wanted = {
            "mentor": Q(waiting__mentor=True, waiting__mentee=False),
            "mentee": Q(waiting__mentee=True, waiting__mentor=False),
            "both": Q(waiting__mentee=True, waiting__mentor=True),
            "nobody": Q(waiting__mentee=False, waiting__mentor=False),
        }[value]
        return queryset.filter(wanted)

    def filter_started_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=_day_starts(value))

    def filter_started_to(self, queryset, name, value):
        return queryset.filter(created_at__lt=_day_starts(value + timedelta(days=1)))

    def filter_stalled(self, queryset, name, value):
        return queryset.filter(rules.stalled_q(timezone.now(), days=int(value)))

    def filter_mentor(self, queryset, name, value):
        return queryset.filter(_person_q("mentor", value))

    def filter_mentee(self, queryset, name, value):
        return queryset.filter(_person_q("mentee", value))


def base_queryset():
    return Relationship.objects.order_by("-created_at", "-pk")


# What a row shows, read as plain values (no model instances: the page lists 50 of them).
ROW_COLUMNS = (
    "pk", "state", "created_at", "last_activity_at", "ended_at",
    "mentee__first_name", "mentee__last_name", "mentee__email",
    "mentor__first_name", "mentor__last_name", "mentor__email",
    "waiting__mentee", "waiting__mentor",
)  # fmt: skip


@dataclass(frozen=True)
class Row:
    """One relationship as the directory shows it, every cell already text."""

    pk: int
    url: str
    mentee: str
    mentor: str
    also_named: str  # " and <the mentor>", read after the mentee's name by screen readers
    stage: str
    waiting_on: str
    started: str
    last_activity: str
    ended: str
    open_case_count: int


def _day_starts(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _day_formatter():
    """``date:"j M Y"`` for many dates at once: the month names are translated once, not per date."""
    months = [""] + [str(MONTHS_3[month]).title() for month in range(1, 13)]
    zone = timezone.get_current_timezone()

    def day(value: datetime | None) -> str:
        if value is None:
            return ""
        local = value.astimezone(zone)
        return f"{local.day} {months[local.month]} {local.year}"

    return day


def directory(params, page_number=None):
    """The filter set (its form shows the filters) and the page of relationships (``Row``s), each with
    who the journey waits on (``waiting_on``) and its open cases (``open_case_count``): three queries
    (the count, the rows, then the open cases of just those rows), four past the first page."""
    filterset = RelationshipFilter(params or None, queryset=base_queryset())
    queryset = filterset.qs if filterset.is_bound else filterset.queryset
    if filterset.is_bound and filterset.form.is_valid() and filterset.form.cleaned_data.get("sort"):
        queryset = queryset.order_by(*queryset.query.order_by, "-pk")
    else:
        queryset = queryset.order_by("-created_at", "-pk")
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(page_number)
    if page.number == 1:
        rels = [dict(zip(ROW_COLUMNS, values, strict=True)) for values in page.object_list.values_list(*ROW_COLUMNS)]
    else:
        # A later page skips rows: find its ids first (the skipped rows are only counted through the
        # sort's index), then read just those rows' people and states.
        page_ids = list(page.object_list.values_list("pk", flat=True))
        found = {values[0]: values for values in Relationship.objects.filter(pk__in=page_ids).values_list(*ROW_COLUMNS)}
        rels = [dict(zip(ROW_COLUMNS, found[pk], strict=True)) for pk in page_ids if pk in found]
    ids = [rel["pk"] for rel in rels]
    cases = (
        dict(
            StaffCase.objects.filter(relationship_id__in=ids)
            .exclude(status__in=FINISHED)
            .order_by()
            .values("relationship_id")
            .annotate(n=Count("pk"))
            .values_list("relationship_id", "n")
        )
        if ids
        else {}
    )
    stages = {state.value: str(state.label) for state in State}
    waiting = {key: str(label) for key, label in WAITING_CHOICES}
    url = reverse("staff_relationship", args=[0])
    and_mentor = gettext(" and %(mentor)s")
    day = _day_formatter()
    name = get_user_model().name_to_show
    rows = []
    for rel in rels:
        mentee = name(rel["mentee__first_name"], rel["mentee__last_name"], rel["mentee__email"])
        mentor = name(rel["mentor__first_name"], rel["mentor__last_name"], rel["mentor__email"])
        rows.append(
            Row(
                pk=rel["pk"],
                url=url.replace("/0/", f"/{rel['pk']}/"),
                mentee=mentee,
                mentor=mentor,
                also_named=and_mentor % {"mentor": mentor},
                stage=stages.get(rel["state"], rel["state"]),
                # No row yet (only inside the transaction that sends the request): nobody.
                waiting_on=waiting[_waiting_key(bool(rel["waiting__mentee"]), bool(rel["waiting__mentor"]))],
                started=day(rel["created_at"]),
                last_activity=day(rel["last_activity_at"]),
                ended=day(rel["ended_at"]),
                open_case_count=cases.get(rel["pk"], 0),
            )
        )
    page.object_list = rows
    return filterset, page


def _waiting_key(mentee: bool, mentor: bool) -> str:
    return "both" if mentee and mentor else "mentee" if mentee else "mentor" if mentor else "nobody"


def waiting_label(mentee: bool, mentor: bool):
    return dict(WAITING_CHOICES)[_waiting_key(mentee, mentor)]
