"""The relationship directory (/staff/relationships/): every relationship, filtered and sorted.

The filters read the rules where they live: the stages and their groups from ``journeys.states``
(and the three working stages' titles from ``journeys.stages``), who the journey waits on from the
open flow tasks (``journeys.rules.waits_on_q``), a stalled relationship as the stalled sweep sees it
(``journeys.rules.stalled_q``, no activity for N days). A page is two queries whatever the
data size: the count and the page's rows (with both people, the area, who it waits on and its
open cases computed in the same statement).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from journeys import rules
from journeys.models import Relationship
from journeys.stages import STAGES
from journeys.states import ENDED_STATES, MATCHED_STATES, OPEN_REQUEST_STATES, WORKING_STATES, State

from .models import StaffCase
from .services import FINISHED

PAGE_SIZE = 50

# Stage: a group of states (journeys.states) or one state. The working stages are named as the
# journey names them (journeys.stages); the rest by their state's label.
GROUPS = {
    "open_requests": (_("Requests not yet accepted (any)"), OPEN_REQUEST_STATES),
    "matched": (_("Matched and under way (any stage)"), MATCHED_STATES),
    "working": (_("Working together (first conversation to completion)"), WORKING_STATES),
    "ended": (_("Ended (any way)"), ENDED_STATES),
}


def _state_label(state: State):
    stage = STAGES.get(state.value)
    return stage.step_title_lazy if stage else state.label


STAGE_CHOICES = [
    (_("Groups"), [(f"group:{key}", label) for key, (label, _states) in GROUPS.items()]),
    (_("Stages"), [(state.value, _state_label(state)) for state in State if state not in ENDED_STATES]),
]
ENDED_CHOICES = [(state.value, state.label) for state in ENDED_STATES]

WAITING_CHOICES = [
    ("mentor", _("The mentor")),
    ("mentee", _("The mentee")),
    ("both", _("Both of them")),
    ("nobody", _("Nobody")),
]


def _person_q(prefix: str, text: str) -> Q:
    """Each word of ``text`` in the person's first name, last name or email address."""
    q = Q()
    for word in text.split()[:5]:
        q &= (
            Q(**{f"{prefix}__first_name__icontains": word})
            | Q(**{f"{prefix}__last_name__icontains": word})
            | Q(**{f"{prefix}__email__icontains": word})
        )
    return q


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class Ordering(django_filters.OrderingFilter):
    """Sorting by a date: relationships not ended yet come last when sorting by the end, either way."""

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        name = self.param_map[param.removeprefix("-")]
        if name != "ended_at":  # never empty: a plain sort, which the column's index serves
            return f"-{name}" if descending else name
        return F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)


class RelationshipFilter(django_filters.FilterSet):
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=STAGE_CHOICES, method="filter_stage")
    waiting = django_filters.ChoiceFilter(
        label=_("Waiting on"),
        choices=WAITING_CHOICES,
        method="filter_waiting",
        help_text=_("Whose step the journey is waiting for."),
    )
    stalled = django_filters.NumberFilter(
        label=_("Stalled for at least (days)"),
        method="filter_stalled",
        min_value=1,
        max_value=3650,
        help_text=_(
            "Relationships between the first conversation and completion with no message, meeting or goal "
            "update for this many days."
        ),
    )
    ended = django_filters.ChoiceFilter(label=_("How it ended"), choices=ENDED_CHOICES, field_name="state")
    mentor = django_filters.CharFilter(
        label=_("Mentor"), method="filter_mentor", max_length=100, help_text=_("Name or email address.")
    )
    mentee = django_filters.CharFilter(
        label=_("Mentee"), method="filter_mentee", max_length=100, help_text=_("Name or email address.")
    )
    started_from = django_filters.DateFilter(
        label=_("Started on or after"), field_name="created_at", lookup_expr="date__gte", widget=DateInput
    )
    started_to = django_filters.DateFilter(
        label=_("Started on or before"), field_name="created_at", lookup_expr="date__lte", widget=DateInput
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

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        days = int(settings.REMINDERS.get("STALLED_AFTER_DAYS", 0) or 0)
        if days:
            self.form.fields["stalled"].widget.attrs["placeholder"] = str(days)

    def filter_stage(self, queryset, name, value):
        if value.startswith("group:"):
            group = GROUPS.get(value.removeprefix("group:"))
            return queryset.filter(state__in=group[1]) if group else queryset
        return queryset.filter(state=value)

    def filter_waiting(self, queryset, name, value):
        mentee, mentor = rules.waits_on_q("mentee"), rules.waits_on_q("mentor")
        wanted = {
            "mentor": Q(mentor) & ~Q(mentee),
            "mentee": Q(mentee) & ~Q(mentor),
            "both": Q(mentee) & Q(mentor),
            "nobody": ~Q(mentee) & ~Q(mentor),
        }[value]
        return queryset.filter(wanted)

    def filter_stalled(self, queryset, name, value):
        return queryset.filter(rules.stalled_q(timezone.now(), days=int(value)))

    def filter_mentor(self, queryset, name, value):
        return queryset.filter(_person_q("mentor", value))

    def filter_mentee(self, queryset, name, value):
        return queryset.filter(_person_q("mentee", value))


def base_queryset():
    return Relationship.objects.select_related("mentee", "mentor", "area").order_by("-created_at", "-pk")


def directory(params, page_number=None):
    """The filter set (its form shows the filters) and the page of relationships, each row with who
    the journey waits on (``waiting_on``) and its open cases (``open_case_count``): three queries
    (the count, the rows, then the open tasks and the open cases of just those rows)."""
    filterset = RelationshipFilter(params or None, queryset=base_queryset())
    queryset = filterset.qs if filterset.is_bound else filterset.queryset
    if filterset.is_bound and filterset.form.is_valid() and filterset.form.cleaned_data.get("sort"):
        queryset = queryset.order_by(*queryset.query.order_by, "-pk")
    else:
        queryset = queryset.order_by("-created_at", "-pk")
    page = Paginator(queryset, PAGE_SIZE).get_page(page_number)
    rows = list(page.object_list)
    page.object_list = rows
    ids = [rel.pk for rel in rows]
    owners: dict[int, set[int]] = {}
    for rel_id, owner_id in rules.open_task_owners(ids):
        owners.setdefault(rel_id, set()).add(owner_id)
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
    for rel in rows:
        mine = owners.get(rel.pk, set())
        rel.waiting_on = waiting_label(rel.mentee_id in mine, rel.mentor_id in mine)
        rel.open_case_count = cases.get(rel.pk, 0)
    return filterset, page


def waiting_label(mentee: bool, mentor: bool):
    key = "both" if mentee and mentor else "mentee" if mentee else "mentor" if mentor else "nobody"
    return dict(WAITING_CHOICES)[key]
