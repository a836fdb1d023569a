"""Reads for people: mentors as mentees see them.

Anything fetched by an id from a URL goes through an ``access_*`` function that takes the
viewer and answers 404 for what they may not see.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import DurationField, ExpressionWrapper, F, Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from journeys import rules
from journeys.states import OPEN_STATES

from . import rules as people_rules
from .models import AreaOfSupport, ProfessionalCommunity, Profile, Region, Role

User = get_user_model()

# Responsiveness is shown only once a mentor has answered this many requests.
RESPONSIVENESS_MIN_ANSWERS = 3
RESPONSIVENESS_SAMPLE = 20


def profile_of(user) -> Profile | None:
    """The user's own profile, or None (staff accounts may have none)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


@dataclass
class MentorCard:
    """What a Find Mentor result shows about a mentor, read without building model objects."""

    pk: int
    user_id: int
    first_name: str
    last_name: str
    email: str
    job_title: str
    organisation: str
    role_id: int | None
    role_name: str
    community_id: int | None
    community_name: str
    region: str
    capacity: int
    accepting_requests: bool
    away_until: object | None
    area_ids: frozenset[int] = frozenset()
    keyword_hit: bool = False
    taken: int = 0
    relationship_id: int | None = None
    relationship_state: str | None = None
    region_name: str = ""  # the region's name (read with the card: retired regions are still named)

    @property
    def places_left(self) -> int:
        return rules.places_left(self.capacity, self.taken)

    @property
    def relationship_label(self) -> str:
        from journeys.models import State

        return State(self.relationship_state).label if self.relationship_state else ""

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email

    @property
    def initials(self) -> str:
        parts = [p for p in (self.first_name, self.last_name) if p]
        return "".join(p[0] for p in parts).upper() if parts else (self.email[:1] or "?").upper()

    @property
    def subtitle(self) -> str:
        """Job title · organisation."""
        return " · ".join(part for part in (self.job_title, self.organisation) if part)

    @property
    def details(self) -> str:
        """Role · professional community · region."""
        return " · ".join(part for part in (self.role_name, self.community_name, self.region_label) if part)

    @property
    def region_label(self) -> str:
        return self.region_name or ""

    @property
    def is_away(self) -> bool:
        return people_rules.mentor_away(self)


def card_columns(mentee_id: int | None, keyword_sql: tuple[str, tuple] | None = None) -> tuple[str, tuple]:
    """The select list that reads a ``MentorCard`` (see ``card_from_row``), and its parameters.

    For a profile aliased ``p``, joined as ``CARD_JOINS`` says. Besides the profile, its user,
    role and community, a card carries its areas' ids, the places its mentor has taken, the
    mentee's open request or current relationship with them (if any), and, given
    ``keyword_sql`` (a condition on ``p``), whether their text matches the mentee's keywords,
    so the explanation agrees with the database.
    """
    from journeys.models import Relationship

    rel = Relationship._meta.db_table
    taken, taken_params = rules.places_taken_sql("p.user_id")
    open_states = [str(s) for s in OPEN_STATES]
    keyword, keyword_params = keyword_sql or ("FALSE", ())

    def states(values: list[str]) -> str:
        return ", ".join(["%s"] * len(values))

    if connection.vendor == "postgresql":
        area_ids = "p.area_ids"  # kept in step with the areas by a trigger
    else:
        through = Profile.areas.through._meta.db_table
        area_ids = f"(SELECT group_concat(pa.areaofsupport_id) FROM {through} pa WHERE pa.profile_id = p.id)"
    related = (
        f"(SELECT x.{{col}} FROM {rel} x WHERE x.mentee_id = %s AND x.mentor_id = p.user_id "
        f"AND x.state IN ({states(open_states)}) AND x.ended_at IS NULL ORDER BY x.created_at DESC LIMIT 1)"  # rules.is_open
    )
    columns = (
        "p.id AS pk, p.user_id AS user_id, u.first_name, u.last_name, u.email, p.job_title, p.organisation, "
        "p.role_id, r.name AS role_name, p.community_id, c.name AS community_name, p.region, p.capacity, "
        f"p.accepting_requests, p.away_until, {area_ids} AS areas, "
        f"{taken} AS taken, "
        f"{related.format(col='id')} AS relationship_id, {related.format(col='state')} AS relationship_state, "
        f"{keyword} AS keyword_hit, "
        f"(SELECT g.name FROM {Region._meta.db_table} g WHERE g.code = p.region) AS region_name"
    )
    params = (*taken_params, mentee_id, *open_states, mentee_id, *open_states, *keyword_params)
    return columns, params


CARD_JOINS = (
    f"JOIN {User._meta.db_table} u ON u.id = p.user_id "
    f"LEFT JOIN {Role._meta.db_table} r ON r.id = p.role_id "
    f"LEFT JOIN {ProfessionalCommunity._meta.db_table} c ON c.id = p.community_id"
)
CARD_WIDTH = 21  # the columns of ``card_columns``


def card_from_row(row) -> MentorCard:
    """A ``MentorCard`` from the ``CARD_WIDTH`` columns of ``card_columns``, in order."""
    card = MentorCard(*row[:15])
    card.role_name, card.community_name = card.role_name or "", card.community_name or ""
    card.away_until = _as_date(card.away_until)
    areas = row[15]
    if isinstance(areas, str):  # SQLite: "3,7,12"
        areas = [int(pk) for pk in areas.split(",") if pk]
    card.area_ids = frozenset(areas or ())
    card.taken, card.relationship_id, card.relationship_state = row[16] or 0, row[17], row[18]
    card.keyword_hit = bool(row[19])
    card.region_name = row[20] or ""
    return card


def _as_date(value):
    """SQLite hands dates back as text from raw SQL."""
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


def places_taken(mentor_user_ids: Iterable[int]) -> dict[int, int]:
    """How many matched relationships each mentor has (they count against capacity)."""
    return rules.places_taken_by(mentor_user_ids)


def open_relationships_with(mentee, mentor_user_ids: Iterable[int]) -> dict[int, object]:
    """The mentee's open request or current relationship with each of these mentors."""
    from journeys.models import Relationship

    if mentee is None or not getattr(mentee, "pk", None):
        return {}
    rows = Relationship.objects.filter(
        rules.open_q(),
        mentee=mentee,
        mentor_id__in=list(mentor_user_ids),
    ).order_by("created_at")
    return {rel.mentor_id: rel for rel in rows}


def why_question_closed(mentee, mentor_user) -> str | None:
    """Why Ask Question is not offered to ``mentee`` on ``mentor_user``'s profile (``journeys.rules``)."""
    return rules.why_question_closed(mentee, mentor_user)


def access_mentor(viewer, user_id: int, *, areas: bool = True) -> Profile:
    """A mentor's profile as the viewer may see it: listed mentors, or the viewer's own.

    ``areas=False``: without reading their areas of support ahead (a page that does not show them).
    """
    profiles = Profile.objects.select_related("user", "role", "community")
    if areas:
        profiles = profiles.prefetch_related(
            Prefetch("areas", queryset=AreaOfSupport.objects.order_by("position", "name"))
        )
    profile = profiles.filter(user_id=user_id, is_mentor=True).first()
    if profile is None:
        raise Http404("No such mentor")
    is_self = viewer is not None and viewer.pk == profile.user_id
    if not (people_rules.mentor_listed(profile) or is_self):
        raise Http404("No such mentor")
    return profile


@dataclass(frozen=True)
class Responsiveness:
    typical: timedelta
    answered: int

    @property
    def in_words(self) -> str:
        hours = self.typical.total_seconds() / 3600
        if hours < 1:
            return _("within an hour")
        if hours < 24:
            whole = max(1, round(hours))
            return ngettext("within %(n)d hour", "within %(n)d hours", whole) % {"n": whole}
        days = max(1, round(hours / 24))
        if days <= 1:
            return _("within a day")
        if days >= 14:
            weeks = round(days / 7)
            return ngettext("within %(n)d week", "within %(n)d weeks", weeks) % {"n": weeks}
        return ngettext("within %(n)d day", "within %(n)d days", days) % {"n": days}


def responsiveness(mentor) -> Responsiveness | None:
    """How long the mentor typically takes to answer a request (the median of their last 20).

    Measured from the request to the mentor's accept or decline in the relationship's
    history. None until they have answered enough requests to say.
    """
    from journeys.models import StateChange

    delays = list(
        StateChange.objects.filter(relationship__mentor=mentor, action__in=["accept", "decline"])
        .annotate(delay=ExpressionWrapper(F("at") - F("relationship__created_at"), output_field=DurationField()))
        .order_by("-at")
        .values_list("delay", flat=True)[:RESPONSIVENESS_SAMPLE]
    )
    delays = [d for d in delays if d is not None and d >= timedelta(0)]
    if len(delays) < RESPONSIVENESS_MIN_ANSWERS:
        return None
    return Responsiveness(typical=statistics.median(delays), answered=len(delays))


@dataclass(frozen=True)
class Availability:
    """Whether a mentor takes new requests now, and if not, why."""

    state: str  # "open", "full", "away" or "paused"
    places_left: int
    away_until: object | None = None

    @property
    def is_open(self) -> bool:
        return self.state == "open"


def availability(profile: Profile) -> Availability:
    taken = places_taken([profile.user_id]).get(profile.user_id, 0)
    left = rules.places_left(profile.capacity, taken)
    away = people_rules.mentor_away(profile)
    if not profile.accepting_requests:
        return Availability("paused", left, profile.away_until if away else None)
    if away:
        return Availability("away", left, profile.away_until)
    if not rules.has_room(profile.capacity, taken):
        return Availability("full", 0)
    return Availability("open", left)
