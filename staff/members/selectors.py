"""Reading members for the staff directory and member pages.

A *member* is a participant's account: not programme staff and not erased ("Former participant").
Whether a mentor is open, full, paused or away is read from the rules' one home
(``people.rules`` and, for places, ``journeys.rules``); ``mentor_status`` and ``mentor_status_q``
only put those rules in order, so a deactivated mentor counts as deactivated whatever else holds
(a closed account takes no requests: ``people.rules.account_open``), and a paused mentor who is also
away counts as paused.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet, TextChoices
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from journeys import rules as journey_rules
from journeys.models import Relationship, StateChange
from people import rules as people_rules
from people.models import Profile
from staff.models import StaffCase

from .models import MemberAction, MemberExport, MemberNote

User = get_user_model()


class MentorStatus(TextChoices):
    DEACTIVATED = "deactivated", _("Deactivated: takes no requests")
    INCOMPLETE = "incomplete", _("Not listed: profile not complete")
    OPEN = "open", _("Open to requests")
    FULL = "full", _("Full")
    PAUSED = "paused", _("Paused")
    AWAY = "away", _("Away")


def mentor_status(profile, taken: int, today: date | None = None) -> str | None:
    """The mentor's status (None for someone who is not a mentor); ``taken``: their places taken."""
    if profile is None or not profile.is_mentor:
        return None
    if not people_rules.account_open(profile.user):
        return MentorStatus.DEACTIVATED
    if not people_rules.mentor_listed(profile):  # not in Find Mentor until the profile is complete
        return MentorStatus.INCOMPLETE
    if people_rules.mentor_paused(profile):
        return MentorStatus.PAUSED
    if people_rules.mentor_away(profile, today):
        return MentorStatus.AWAY
    if not journey_rules.has_room(profile.capacity, taken):
        return MentorStatus.FULL
    return MentorStatus.OPEN


def mentor_status_q(status: str, today: date | None = None) -> Q:
    """``mentor_status(profile) == status`` as a filter on ``Profile``."""
    if status == MentorStatus.DEACTIVATED:
        return Q(is_mentor=True) & ~people_rules.account_open_q()
    if status == MentorStatus.INCOMPLETE:
        return Q(is_mentor=True) & people_rules.account_open_q() & ~people_rules.mentor_listed_q()
    mentor = people_rules.mentor_listed_q()
    if status == MentorStatus.PAUSED:
        return mentor & people_rules.mentor_paused_q()
    if status == MentorStatus.AWAY:
        return mentor & ~people_rules.mentor_paused_q() & people_rules.mentor_away_q(today)
    open_to_requests = mentor & people_rules.mentor_open_to_requests_q(today)
    if status == MentorStatus.FULL:
        return open_to_requests & ~Q(journey_rules.has_room_q())
    if status == MentorStatus.OPEN:
        return open_to_requests & Q(journey_rules.has_room_q())
    raise ValueError(status)


def members() -> QuerySet:
    """Every member's account (deactivated ones too)."""
    return User.objects.filter(is_staff=False, anonymised_at__isnull=True)


def directory_rows(queryset: QuerySet) -> QuerySet:
    """What a row of the directory (and of its CSV) shows, read in the same query as the rows."""
    return queryset.select_related("profile", "profile__community").annotate(
        places_taken=journey_rules.places_taken_expression("pk")
    )


def access_member(pk: int):
    """The member with this id, for staff pages (404 for staff accounts, erased ones and unknown ids)."""
    member = members().select_related("profile", "profile__community", "profile__role").filter(pk=pk).first()
    if member is None:
        raise Http404("No such member.")
    return member


def profile_of(member) -> Profile | None:
    try:
        return member.profile
    except Profile.DoesNotExist:
        return None


def role_label(profile) -> str:
    if profile is None:
        return ""
    if profile.is_mentor and profile.is_mentee:
        return str(_("Mentor and mentee"))
    if profile.is_mentor:
        return str(_("Mentor"))
    if profile.is_mentee:
        return str(_("Mentee"))
    return ""


def relationship_url(relationship_pk: int) -> str:
    """The staff view of a relationship when the platform has one, else the relationship's summary page."""
    try:
        return reverse("staff_relationship", args=[relationship_pk])
    except NoReverseMatch:
        return reverse("relationship", args=[relationship_pk])


def relationships_of(member) -> dict[str, list]:
    """The member's relationships (requests included), as mentee and as mentor, newest first."""
    rows = (
        Relationship.objects.filter(Q(mentee=member) | Q(mentor=member))
        .select_related("mentee", "mentor", "area")
        .order_by("-created_at", "-pk")
    )
    found = {"mentee": [], "mentor": []}
    for rel in rows:
        rel.staff_url = relationship_url(rel.pk)
        found["mentee" if rel.mentee_id == member.pk else "mentor"].append(rel)
    return found


def cases_of(member) -> QuerySet:
    """Staff cases about the member's relationships or messages they sent, newest first."""
    return (
        StaffCase.objects.filter(
            Q(relationship__mentee=member) | Q(relationship__mentor=member) | Q(support_request__user=member)
        )
        .select_related("relationship__mentee", "relationship__mentor")
        .order_by("-created", "-pk")
        .distinct()[:20]
    )


def recent_activity(member, limit: int = 15) -> list:
    """What the member did lately in their relationships (their history rows), newest first."""
    return list(
        StateChange.objects.filter(actor=member)
        .select_related("relationship__mentee", "relationship__mentor")
        .order_by("-at", "-pk")[:limit]
    )


def notes_of(member) -> QuerySet:
    return MemberNote.objects.filter(member=member).select_related("author")


def actions_on(member, limit: int = 20) -> QuerySet:
    return MemberAction.objects.filter(member=member).select_related("by")[:limit]


def recent_exports(limit: int = 10) -> QuerySet:
    return MemberExport.objects.select_related("by")[:limit]


def today() -> date:
    return timezone.localdate()
