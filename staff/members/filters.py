"""The member directory's search, filters and order (django-filter), shared by the page and its CSV."""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Case, Exists, F, OuterRef, Q, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.models import AreaOfSupport, ProfessionalCommunity, Profile, Region

from ..filter_fields import DaysFilter
from .selectors import MentorStatus, mentor_status_q

ROLE_CHOICES = [
    ("mentor", _("Mentors (including those who are both)")),
    ("mentee", _("Mentees (including those who are both)")),
    ("both", _("Both mentor and mentee")),
]
PROFILE_CHOICES = [("complete", _("Complete")), ("incomplete", _("Not complete"))]
JOINED_CHOICES = [
    ("invited", _("Invited but not joined (never signed in)")),
    ("joined", _("Has signed in")),
]
ACCOUNT_CHOICES = [("active", _("Active")), ("deactivated", _("Deactivated"))]
SORT_CHOICES = [
    # By last name, then first name: the list shows "First Last", so the option says which name it sorts by.
    ("name", _("Last name (A to Z)")),
    ("-name", _("Last name (Z to A)")),
    ("-joined", _("Joined (newest first)")),
    ("joined", _("Joined (oldest first)")),
    ("-active", _("Last active (most recent first)")),
    ("active", _("Last active (longest ago first)")),
]
# Last active as the list shows it: nobody who never signed in has been active (their profile's date is the
# day the account was made), so they sort as "never", first when the longest ago comes first.
LAST_ACTIVE = Case(When(last_login__isnull=True, then=None), default=F("profile__last_active_at"))
SORTS = {
    "name": [F("last_name").asc(), F("first_name").asc(), F("pk").asc()],
    "-name": [F("last_name").desc(), F("first_name").desc(), F("pk").desc()],
    "joined": [F("date_joined").asc(), F("pk").asc()],
    "-joined": [F("date_joined").desc(), F("pk").desc()],
    "active": [LAST_ACTIVE.asc(nulls_first=True), F("pk").asc()],
    "-active": [LAST_ACTIVE.desc(nulls_last=True), F("pk").desc()],
}
MAX_SEARCH_TERMS = 6


def region_choices() -> list[tuple[str, str]]:
    """Every region staff manage (retired ones too: old profiles still name them)."""
    return list(Region.objects.order_by("position", "name").values_list("code", "name"))


MAX_INACTIVE_DAYS = 36500


class MemberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=200,
        help_text=_("Part of a name, an email address or an organisation."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    role = django_filters.ChoiceFilter(
        label=_("Role in the programme"), choices=ROLE_CHOICES, method="by_role", empty_label=_("Anyone")
    )
    profile = django_filters.ChoiceFilter(
        label=_("Profile"), choices=PROFILE_CHOICES, method="by_profile", empty_label=_("Complete or not")
    )
    community = django_filters.ModelChoiceFilter(
        label=_("Professional community"),
        field_name="profile__community",
        queryset=ProfessionalCommunity.objects.all(),
        empty_label=_("Any community"),
    )
    area = django_filters.ModelChoiceFilter(
        label=_("Area of support"), queryset=AreaOfSupport.objects.all(), method="by_area", empty_label=_("Any area")
    )
    region = django_filters.ChoiceFilter(
        label=_("Region"), field_name="profile__region", choices=region_choices, empty_label=_("Any region")
    )
    mentor_status = django_filters.ChoiceFilter(
        label=_("Mentor status"), choices=MentorStatus.choices, method="by_mentor_status", empty_label=_("Any")
    )
    joined = django_filters.ChoiceFilter(
        label=_("Signed in"), choices=JOINED_CHOICES, method="by_joined", empty_label=_("Either")
    )
    inactive_days = DaysFilter(
        max_value=MAX_INACTIVE_DAYS,
        label=_("Inactive for at least (days)"),
        method="by_inactivity",
        help_text=_("Members who have not used the platform for this many days."),
    )
    account = django_filters.ChoiceFilter(
        label=_("Account"), choices=ACCOUNT_CHOICES, method="by_account", empty_label=_("Active or deactivated")
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, method="by_sort", empty_label=None, null_label=None
    )

    class Meta:
        model = get_user_model()
        fields: list[str] = []

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(*SORTS["name"])
        return queryset

    def search(self, queryset, name, value):
        for term in value.split()[:MAX_SEARCH_TERMS]:
            queryset = queryset.filter(
                Q(first_name__icontains=term)
                | Q(last_name__icontains=term)
                | Q(email__icontains=term)
                | Q(profile__organisation__icontains=term)
            )
        return queryset

    def by_role(self, queryset, name, value):
        if value == "mentor":
            return queryset.filter(profile__is_mentor=True)
        if value == "mentee":
            return queryset.filter(profile__is_mentee=True)
        return queryset.filter(profile__is_mentor=True, profile__is_mentee=True)

    def by_profile(self, queryset, name, value):
        return queryset.filter(profile__completed_at__isnull=value != "complete")

    def by_area(self, queryset, name, value):
        chosen = Profile.areas.through.objects.filter(profile__user_id=OuterRef("pk"), areaofsupport=value)
        return queryset.filter(Exists(chosen))

    def by_mentor_status(self, queryset, name, value):
        return queryset.filter(pk__in=Profile.objects.filter(mentor_status_q(value)).values("user_id"))

    def by_joined(self, queryset, name, value):
        return queryset.filter(last_login__isnull=value == "invited")

    def by_inactivity(self, queryset, name, value):
        since = timezone.now() - timedelta(days=int(value))
        return queryset.filter(profile__last_active_at__lt=since)

    def by_account(self, queryset, name, value):
        return queryset.filter(is_active=value == "active")

    def by_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS[value])

    def applied(self) -> dict[str, str]:
        """The search and filters in use (the valid ones), each as its label and the value chosen, in
        words: what an export's log records."""
        found = {}
        self.is_valid()
        for key, value in getattr(self.form, "cleaned_data", {}).items():
            if value in (None, ""):
                continue
            field = self.form.fields[key]
            if isinstance(value, str) and isinstance(field, forms.ChoiceField):
                value = dict(field.choices).get(value, value)
            found[str(field.label)] = str(value)
        return found
