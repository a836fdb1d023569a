"""What goes into a person's CPD evidence pack and a mentor's hours (reads only; the PDFs are in
``journeys.pdf``).

The pack is one person's record of one relationship: its dates, the meetings held (the one rule,
``journeys.rules.held_q``, read through ``selectors.held``), the goals set and completed with their milestones and outcomes, and the
person's own reflections: the reviews and outcomes they wrote on goals, and the feedback they
gave. Never the other person's feedback, which stays private (``selectors.visible_feedback``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Max, Min, Prefetch, Sum
from django.utils import timezone

from people.models import Profile

from . import selectors
from .models import Feedback, Goal, GoalEntry, Meeting, Relationship

RECORDED_ON_GOALS = (GoalEntry.Kind.MILESTONE, GoalEntry.Kind.OUTCOME)  # both people's, on each goal
REFLECTIONS = (GoalEntry.Kind.REVIEW, GoalEntry.Kind.OUTCOME)  # the person's own


@dataclass
class CpdRecord:
    person: object
    role: str  # "mentee" or "mentor"
    other: object
    relationship: Relationship
    meetings: list[Meeting]
    goals: list[Goal]
    reflections: list[GoalEntry]
    feedback: Feedback | None
    generated_at: datetime = field(default_factory=timezone.now)

    @property
    def total_minutes(self) -> int:
        return sum(m.duration_minutes for m in self.meetings)

    @property
    def goals_completed(self) -> list[Goal]:
        return [g for g in self.goals if g.completed_at]


def cpd_record(user, relationship: Relationship) -> CpdRecord:
    """The pack for ``user``, one of the relationship's two people (callers use an access_* selector)."""
    role = relationship.role_of(user)
    if role is None:
        raise ValueError("A CPD record is for one of the relationship's two people.")
    goals = list(
        relationship.goals.select_related("owner")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=GoalEntry.objects.filter(kind__in=RECORDED_ON_GOALS).select_related("author"),
                to_attr="recorded",
            )
        )
        .order_by("created_at", "pk")
    )
    reflections = list(
        GoalEntry.objects.filter(goal__relationship=relationship, author=user, kind__in=REFLECTIONS)
        .select_related("goal")
        .order_by("at", "pk")
    )
    return CpdRecord(
        person=user,
        role=role,
        other=relationship.other(user),
        relationship=relationship,
        meetings=list(selectors.meetings_held(relationship)),
        goals=goals,
        reflections=reflections,
        feedback=relationship.feedback.filter(author=user).first(),
    )


@dataclass
class HoursRow:
    relationship: Relationship
    meetings: int
    minutes: int
    first: datetime | None
    last: datetime | None


@dataclass
class MentoringHours:
    mentor: object
    rows: list[HoursRow]
    generated_at: datetime = field(default_factory=timezone.now)

    @property
    def total_minutes(self) -> int:
        return sum(r.minutes for r in self.rows)

    @property
    def total_meetings(self) -> int:
        return sum(r.meetings for r in self.rows)


def hours_are_theirs(user, *, is_mentor: bool | None = None, as_mentor: list[Relationship] | None = None) -> bool:
    """Whether the mentoring hours statement is for ``user``: a mentor now, or someone who has had a
    mentee (a relationship as mentor that was matched). For anyone else it would be a false
    "<name>, as a mentor" of nothing, so it is neither offered nor served.

    ``is_mentor`` (their profile's) and ``as_mentor`` (their relationships as mentor) when the caller
    has them already, to save the queries.
    """
    if is_mentor is None:
        is_mentor = Profile.objects.filter(user=user, is_mentor=True).exists()
    if is_mentor:
        return True
    if as_mentor is not None:
        return any(rel.is_matched for rel in as_mentor)
    return Relationship.objects.filter(mentor=user, matched_at__isnull=False).exists()


def mentoring_hours(user) -> MentoringHours:
    """The hours ``user`` gave as a mentor: meetings held, per mentee relationship, and in all."""
    sums = {
        row["relationship"]: row
        for row in selectors.meetings_held_as_mentor(user)
        .order_by()
        .values("relationship")
        .annotate(count=Count("pk"), minutes=Sum("duration_minutes"), first=Min("starts_at"), last=Max("starts_at"))
    }
    relationships = Relationship.objects.filter(mentor=user, matched_at__isnull=False).select_related("mentee", "area")
    rows = []
    for rel in relationships.order_by("matched_at", "pk"):
        found = sums.get(rel.pk, {})
        rows.append(
            HoursRow(rel, found.get("count", 0), found.get("minutes") or 0, found.get("first"), found.get("last"))
        )
    return MentoringHours(mentor=user, rows=rows)


def hours_and_minutes(minutes: int) -> str:
    """90 → "1 hour 30 minutes" style, for the PDFs."""
    from django.utils.translation import ngettext

    hours, rest = divmod(int(minutes), 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if rest or not hours:
        parts.append(ngettext("%(count)d minute", "%(count)d minutes", rest) % {"count": rest})
    return " ".join(parts)
