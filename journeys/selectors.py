"""Reads. Every object reached from a URL goes through an ``access_*`` function
that takes the user and answers 404 for anything they may not see."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from viewflow.workflow.models import Task

from people import search
from project.roles import SEE_FEEDBACK_AUTHORS

from . import rules, worksheets
from .models import (
    Attachment,
    Concern,
    Conversation,
    Goal,
    GoalEntry,
    Meeting,
    Relationship,
    State,
    StateChange,
    Worksheet,
    WorksheetComment,
    WorksheetVersion,
)


def _visible_relationships(user):
    if user.is_staff:
        return Relationship.objects.all()
    return Relationship.objects.filter(Q(mentee=user) | Q(mentor=user))


def access_relationship(user, pk: int) -> Relationship:
    try:
        return _visible_relationships(user).select_related("mentee__profile", "mentor__profile", "area").get(pk=pk)
    except Relationship.DoesNotExist:
        raise Http404("No such relationship") from None


def access_my_concern(user, pk: int) -> Concern:
    """A concern the signed-in person raised ("Raise a concern"): 404 for anyone else, the other person
    in the relationship and staff included (staff read it on its case)."""
    if not user.is_authenticated:
        raise Http404("No such concern")
    found = (
        Concern.objects.select_related("relationship__mentee", "relationship__mentor")
        .filter(pk=pk, raised_by=user)
        .first()
    )
    if found is None:
        raise Http404("No such concern")
    return found


def access_party_relationship(user, pk: int) -> Relationship:
    """Like access_relationship, but only for the two participants (not staff)."""
    rel = access_relationship(user, pk)
    if rel.role_of(user) is None:
        raise Http404("No such relationship")
    return rel


def access_conversation(user, pk: int) -> Conversation:
    # With the profiles: the email telling of a message says what its reader takes part as.
    qs = Conversation.objects.select_related("mentee__profile", "mentor__profile").filter(pk=pk)
    conversation = qs.filter(Q(mentee=user) | Q(mentor=user)).first()
    if conversation is None:
        raise Http404("No such conversation")
    return conversation


def access_meeting(user, pk: int) -> Meeting:
    meeting = Meeting.objects.select_related("relationship").filter(pk=pk).first()
    if meeting is None or meeting.relationship.role_of(user) is None:
        raise Http404("No such meeting")
    return meeting


def access_goal(user, pk: int) -> Goal:
    goal = (
        Goal.objects.select_related("relationship", "relationship__mentee", "relationship__mentor")
        .filter(pk=pk)
        .first()
    )
    if goal is None or (goal.relationship.role_of(user) is None and not user.is_staff):
        raise Http404("No such goal")
    return goal


def access_attachment(user, pk: int) -> Attachment:
    attachment = Attachment.objects.select_related("message__conversation").filter(pk=pk).first()
    message = getattr(attachment, "message", None) if attachment else None
    if message is None or not message.conversation.has_member(user):
        raise Http404("No such file")
    return attachment


def open_tasks_for(user, relationships) -> dict[int, Task]:
    """The task the declared flow waits on from ``user``, per relationship id."""
    tasks = (
        Task.objects.filter(
            rules.open_task_q(),
            owner=user,
            process__mentoringprocess__relationship__in=relationships,
        )
        .select_related("process__mentoringprocess")
        .order_by("pk")
    )
    result: dict[int, Task] = {}
    for task in tasks:
        result.setdefault(task.process.mentoringprocess.relationship_id, task)
    return result


task_url = rules.task_url  # the one rule for a task's page (journeys.rules), read here too


def relationships_for(user):
    """The Relationships page: my mentors (I am mentee) and my mentees (I am mentor)."""
    base = Relationship.objects.select_related("mentee__profile", "mentor__profile", "area")
    as_mentee = list(base.filter(mentee=user).order_by("-created_at"))
    as_mentor = list(base.filter(mentor=user).order_by("-created_at"))
    tasks = open_tasks_for(user, [r.pk for r in as_mentee + as_mentor])
    for rel in as_mentee + as_mentor:
        task = tasks.get(rel.pk)
        rel.next_task = task
        rel.next_url = task_url(task) if task else None
    return as_mentee, as_mentor


def next_step_url(user, relationship: Relationship) -> str | None:
    task = open_tasks_for(user, [relationship.pk]).get(relationship.pk)
    return task_url(task) if task else None


def goals_for(relationship: Relationship):
    return relationship.goals.select_related("owner").prefetch_related(
        Prefetch("entries", queryset=GoalEntry.objects.select_related("author"))
    )


def onboarding_task_url(user) -> str | None:
    step = onboarding_step(user)
    return step["url"] if step else None


def onboarding_step(user) -> dict | None:
    """The person's onboarding step still to do, as the Relationships page names it: ``name`` (the
    flow's node: "complete_profile", "find_mentor") and ``url``; None when there is none."""
    task = (
        Task.objects.filter(
            rules.not_started_task_q(),
            owner=user,
            process__onboardingprocess__participant=user,
        )
        .order_by("pk")
        .first()
    )
    return {"name": task.flow_task.name, "url": task_url(task)} if task else None


def question_threads(user):
    """Conversations (Ask Question) not yet attached to any request, newest first."""
    return (
        Conversation.objects.filter(Q(mentee=user) | Q(mentor=user), relationships__isnull=True)
        .select_related("mentee", "mentor")
        .order_by("-created_at")
    )


def visible_feedback(user, relationship):
    """Feedback is private: its author sees their own, programme staff see all of it, and the
    other person never sees what was said about them (the feedback form promises this)."""
    feedback = relationship.feedback.select_related("author")
    if user.is_staff:
        if not feedback_authors_visible(user, relationship):
            return feedback.order_by("rating", "pk")  # not in the order given: that would tell who
        return feedback
    return feedback.filter(author=user)


def feedback_authors_visible(user, relationship) -> bool:
    """Whether the page names who wrote each piece of feedback: to a participant (who sees only
    their own), and to staff with ``project.see_feedback_authors``; other staff see the ratings and
    comments without names, as on the staff relationship page."""
    return relationship.role_of(user) is not None or user.has_perm(SEE_FEEDBACK_AUTHORS)


# -- worksheets (SWOT, G-STAR) -------------------------------------------------------


def access_worksheet(
    user, relationship_pk: int, kind: str
) -> tuple[Relationship, worksheets.WorksheetKind, Worksheet | None]:
    """The relationship, the worksheet's definition and its row (None until first saved).

    Only the two people of the relationship: a worksheet is their own preparation, like their
    messages, so programme staff get 404 too.
    """
    rel = access_party_relationship(user, relationship_pk)
    definition = worksheets.KINDS.get(kind)
    if definition is None:
        raise Http404("No such worksheet")
    return rel, definition, Worksheet.objects.filter(relationship=rel, kind=kind).first()


def access_worksheet_by_id(user, pk: int) -> Worksheet:
    """A worksheet by its own id (the link in its emails), for its two people only."""
    sheet = Worksheet.objects.select_related("relationship").filter(pk=pk).first()
    if sheet is None or sheet.relationship.role_of(user) is None:
        raise Http404("No such worksheet")
    return sheet


def worksheet_versions(sheet: Worksheet | None) -> list[WorksheetVersion]:
    """Every version, oldest first, with its author and answers."""
    if sheet is None:
        return []
    return list(sheet.versions.select_related("author", "worksheet").prefetch_related("answers"))


def worksheet_comments(sheet: Worksheet | None) -> list[WorksheetComment]:
    if sheet is None:
        return []
    return list(sheet.comments.select_related("author", "version"))


# -- meetings held (the CPD record) ----------------------------------------------------


def held(meetings: QuerySet[Meeting], now: datetime | None = None) -> QuerySet[Meeting]:
    """The meetings that count as held: the one rule, ``journeys.rules.held_q`` (not cancelled, nobody
    said it did not happen, and marked held or its start time has passed).

    The CPD record and the mentor's hours count these (``meetings_held``, ``meetings_held_as_mentor``).
    """
    return meetings.filter(rules.held_q(now or timezone.now()))


def meetings_held(relationship: Relationship) -> QuerySet[Meeting]:
    return held(Meeting.objects.filter(relationship=relationship)).order_by("starts_at", "pk")


def meetings_held_as_mentor(user) -> QuerySet[Meeting]:
    """Every meeting held in the relationships where ``user`` is the mentor."""
    return held(Meeting.objects.filter(relationship__mentor=user)).order_by("starts_at", "pk")


# -- for programme staff: what needs attention -------------------------------------------


def waiting_requests() -> QuerySet[Relationship]:
    """Requests the mentor has not answered yet, the longest waiting first."""
    return (
        Relationship.objects.filter(state=State.REQUESTED)
        .select_related("mentee", "mentor", "area")
        .order_by("created_at", "pk")
    )


def stalled_relationships(now=None) -> QuerySet[Relationship]:
    """Relationships gone quiet (``journeys.rules.stalled_q``), each with when it went quiet
    (``quiet_since``: its last update, or a meeting held since), the quietest first."""
    now = now or timezone.now()
    return (
        Relationship.objects.filter(rules.stalled_q(now))
        .annotate(quiet_since=rules.quiet_since_expr(now))
        .select_related("mentee", "mentor", "area")
        .order_by("quiet_since", "pk")
    )


def other_open_requests(relationship: Relationship) -> list[Relationship]:
    """The mentee's other requests still waiting for a mentor (offered for withdrawal once matched)."""
    return list(
        Relationship.objects.filter(mentee_id=relationship.mentee_id, state=State.REQUESTED)
        .exclude(pk=relationship.pk)
        .select_related("mentor", "area")
        .order_by("created_at", "pk")
    )


def open_relationship_between(mentee, mentor) -> Relationship | None:
    """The pair's open request or current relationship, if any (a request sent twice finds the first)."""
    return Relationship.objects.filter(rules.open_q(), mentee=mentee, mentor=mentor).order_by("created_at").first()


def last_decline(mentee, mentor) -> StateChange | None:
    """The mentor's latest decline of a request from this mentee (``at``; ``note``: what they wrote to
    them), or None: the request page says so before the mentee asks again. Asking again is allowed."""
    return (
        StateChange.objects.filter(relationship__mentee=mentee, relationship__mentor=mentor, action="decline")
        .order_by("-at", "-pk")
        .first()
    )


def suggested_mentors(mentee, limit: int = 3) -> list:
    """Mentors open to requests who match the mentee's profile (Find Mentor's ranking), for their
    Relationships page and the email saying a request expired: the same few in both, and first in Find
    Mentor's "Suggested for you", each leaving out the mentors not suggested again (``NOT_SUGGESTED_AGAIN``)."""
    criteria = replace(search.criteria_from_profile(getattr(mentee, "profile", None)), hide_full=True)
    return search.search(criteria, mentee, page_size=limit, suggestions=True).results
