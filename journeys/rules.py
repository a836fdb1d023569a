"""The relationship's rules, each in one place: guards, capacity, open tasks.

A guard is a plain predicate over the relationship (what django-fsm calls a
condition) with a ``refusal`` sentence that the services show to people.

A rule that is also asked of the database is written here (or, for who may be found
as a mentor, in ``people.rules``) as a Python predicate and, side by side, as the
matching ``Q`` / expression (and SQL, for the search's hand-written ranking), so guards,
services, selectors, cards and the search all read the same rule.
``people/tests/test_rules_agree.py`` checks that the two sides agree.

Nothing here imports ``journeys.models`` (which imports this module for its guards):
the states come from ``journeys.states``, the relationships through the mentor's
reverse relation or the app registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow.workflow.status import STATUS

from people import rules as people_rules
from project.dates import long_date

from .states import (
    CAPACITY_STATES,
    CLOSED_ACTIONS,
    ENDED_STATES,
    NOT_SUGGESTED_AGAIN,
    OPEN_STATES,
    WORKING_STATES,
    State,
)


def guard(refusal: str, *, explain: Callable | None = None) -> Callable:
    """``refusal``: the sentence a refused action shows; ``explain(relationship)``, when the reason
    depends on where the relationship stands: the sentence that fits it (``services.base.why_not``)."""

    def decorate(func):
        func.refusal = refusal
        func.explain = explain
        return func

    return decorate


def _relationships():
    return apps.get_model("journeys", "Relationship")


# -- capacity: the mentor has a place left ---------------------------------------------
#
# A mentor's places are taken by their relationships in CAPACITY_STATES (matched, not ended).


def active_mentee_count(mentor) -> int:
    """How many of the mentor's places are taken."""
    return mentor.relationships_as_mentor.filter(state__in=CAPACITY_STATES).count()


def places_taken_count() -> Count:
    """``active_mentee_count`` as an aggregate over one mentor's relationships (beside other counts)."""
    return Count("pk", filter=Q(state__in=CAPACITY_STATES))


def places_taken_by(mentor_user_ids: Iterable[int]) -> dict[int, int]:
    """``active_mentee_count`` for many mentors in one query (absent: none taken)."""
    rows = (
        _relationships()
        .objects.filter(mentor_id__in=list(mentor_user_ids), state__in=CAPACITY_STATES)
        .values("mentor_id")
        .annotate(taken=Count("pk"))
    )
    return {row["mentor_id"]: row["taken"] for row in rows}


def has_room(capacity: int, taken: int) -> bool:
    """The capacity rule itself: fewer places taken than the mentor offers."""
    return taken < capacity


def places_left(capacity: int, taken: int) -> int:
    return max(0, capacity - taken)


def mentor_has_room(profile, taken: int | None = None) -> bool:
    """The mentor (given by their profile) has a place left."""
    taken = active_mentee_count(profile.user) if taken is None else taken
    return has_room(profile.capacity, taken)


def places_taken_expression(mentor_user_id: str = "user_id"):
    """``active_mentee_count`` as an expression, for a queryset whose ``mentor_user_id`` is the mentor."""
    taken = (
        _relationships()
        .objects.filter(mentor_id=OuterRef(mentor_user_id), state__in=CAPACITY_STATES)
        .order_by()
        .values("mentor_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(taken, output_field=IntegerField()), Value(0))


def has_room_q():
    """``mentor_has_room`` as a filter on ``Profile``."""
    return GreaterThan(F("capacity"), places_taken_expression())


def places_taken_sql(mentor_user_id: str = "p.user_id") -> tuple[str, tuple]:
    """``active_mentee_count`` as a SQL scalar for the mentor whose user id is ``mentor_user_id``."""
    table = _relationships()._meta.db_table
    states = tuple(str(state) for state in CAPACITY_STATES)
    marks = ", ".join(["%s"] * len(states))
    return f"(SELECT count(*) FROM {table} x WHERE x.mentor_id = {mentor_user_id} AND x.state IN ({marks}))", states


def full_mentors_sql(profile_table: str) -> tuple[str, tuple]:
    """The user ids of the mentors with no place left (the negation of ``has_room``), as SQL."""
    table = _relationships()._meta.db_table
    states = tuple(str(state) for state in CAPACITY_STATES)
    return (
        f"SELECT r.mentor_id FROM {table} r JOIN {profile_table} fp ON fp.user_id = r.mentor_id "
        f"WHERE r.state IN ({', '.join(['%s'] * len(states))}) "
        "GROUP BY r.mentor_id, fp.capacity HAVING count(*) >= fp.capacity",
        states,
    )


def not_suggested_again_sql(mentee_user_id: int) -> tuple[str, tuple]:
    """The user ids of the mentors not suggested to this mentee again (``NOT_SUGGESTED_AGAIN``), as SQL."""
    table = _relationships()._meta.db_table
    states = tuple(str(state) for state in NOT_SUGGESTED_AGAIN)
    return (
        f"SELECT ns.mentor_id FROM {table} ns WHERE ns.mentee_id = %s AND ns.state IN ({', '.join(['%s'] * len(states))})",
        (mentee_user_id, *states),
    )


MENTOR_FULL = gettext_lazy("The mentor already supports as many mentees as they have room for.")


def why_no_place_to_accept(relationship) -> str | None:
    """Said to the mentor of a request waiting for them when they have no place left to accept it
    (None: they have one). It says what they can do: make room in their profile, or decline."""
    profile = getattr(relationship.mentor, "profile", None)
    capacity = profile.capacity if profile else 0
    if has_room(capacity, active_mentee_count(relationship.mentor)):
        return None
    return _(
        "You already mentor as many mentees as your profile has room for (Mentees at once: %(capacity)d), so "
        "you cannot accept this request now. To take it on, raise that number in your profile first; if you "
        "cannot, decline it so that %(name)s can ask another mentor."
    ) % {"capacity": capacity, "name": relationship.mentee.display_name}


def _why_mentor_full(relationship) -> str:
    """The capacity guard's sentence: to the mentor accepting a request (it is still waiting), what they
    can do; to the mentee reinstating one, that the mentor is full."""
    if relationship.state == State.REQUESTED:
        return why_no_place_to_accept(relationship) or str(MENTOR_FULL)
    return str(MENTOR_FULL)


@guard(MENTOR_FULL, explain=_why_mentor_full)
def mentor_has_capacity(relationship) -> bool:
    profile = getattr(relationship.mentor, "profile", None)
    capacity = profile.capacity if profile else 0
    return has_room(capacity, active_mentee_count(relationship.mentor))


# -- availability: the mentor may be sent a request now ---------------------------------


@guard(gettext_lazy("The mentor is not taking new mentoring requests for now (paused or away)."))
def mentor_open_to_requests(relationship) -> bool:
    profile = getattr(relationship.mentor, "profile", None)
    return bool(profile and relationship.mentor.is_active and people_rules.mentor_open_to_requests(profile))


def mentor_takes_requests(profile, taken: int | None = None, today: date | None = None) -> bool:
    """Listed, open to requests and with a place left: what Find Mentor lists as available."""
    return people_rules.mentor_available(profile, today) and mentor_has_room(profile, taken)


def mentor_takes_requests_conditions(today: date | None = None) -> list[tuple[str, Q]]:
    """``mentor_takes_requests_q`` one condition at a time, in order, each named by what fails it
    (``people.rules.mentor_available_conditions``, then a place left)."""
    return [*people_rules.mentor_available_conditions(today), ("full", has_room_q())]


def mentor_takes_requests_q(today: date | None = None):
    """``mentor_takes_requests`` as a filter on ``Profile``."""
    return people_rules.all_of(mentor_takes_requests_conditions(today))


# -- open tasks: what the declared flows wait on -----------------------------------------

OPEN_TASK_STATUSES = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]
# Open and not yet started by its owner (a started task is finished, not started again).
NOT_STARTED_TASK_STATUSES = [STATUS.NEW, STATUS.ASSIGNED]


def task_is_open(task) -> bool:
    return task.status in OPEN_TASK_STATUSES


def task_not_started(task) -> bool:
    return task.status in NOT_STARTED_TASK_STATUSES


def open_task_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": OPEN_TASK_STATUSES})


def not_started_task_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": NOT_STARTED_TASK_STATUSES})


def waits_on(tasks, person) -> bool:
    """The flow waits on ``person``: one of the relationship's ``tasks`` is open and theirs."""
    return any(task_is_open(task) and task.owner_id == person.pk for task in tasks)


def waits_on_q(person_field: str, relationship: str = "pk"):
    """``waits_on`` as an expression on ``Relationship``: an open task of its mentoring process
    owned by the person in ``person_field`` ("mentee" or "mentor")."""
    from viewflow.workflow.models import Task

    return Exists(
        Task.objects.filter(
            open_task_q(),
            process__mentoringprocess__relationship=OuterRef(relationship),
            owner=OuterRef(f"{person_field}_id"),
        )
    )


def open_task_owners(relationship_ids) -> list[tuple[int, int]]:
    """``(relationship id, owner id)`` of every open task of those relationships' mentoring
    processes, in one query (``waits_on`` for a page of relationships)."""
    from viewflow.workflow.models import Task

    if not relationship_ids:
        return []
    return list(
        Task.objects.filter(
            open_task_q(), process__mentoringprocess__relationship__in=list(relationship_ids), owner__isnull=False
        ).values_list("process__mentoringprocess__relationship_id", "owner_id")
    )


def task_url(task) -> str:
    """The page where the task's owner does it (the flow node's execute view)."""
    return task.flow_task.reverse("execute", args=[task.process_id, task.pk])


# -- the relationship's stages ----------------------------------------------------------


@guard(gettext_lazy("Arrange or record the first meeting before moving on."))
def has_meeting(relationship) -> bool:
    return relationship.meetings.filter(cancelled_at__isnull=True).exists()


# -- meetings held ------------------------------------------------------------------------
# The one rule for a meeting that counts as held (that "took place"): it was not cancelled, neither
# person said it did not happen, and one of them marked it held or its start time has passed. A
# meeting is taken to have happened unless someone says otherwise: pairs often never record their
# meetings, and "No, it did not happen" (journeys.services.meetings) is there for the ones that did
# not. Everything that asks counts with it: the first conversation's guard below, the "set a goal"
# reminder, staff reports and dashboard, the CPD record and a mentor's hours
# (journeys.selectors.held).


def held_q(now: datetime, prefix: str = "") -> Q:
    """``meeting_held`` as a filter on ``Meeting`` (``prefix``: the path to it, e.g. "meetings__")."""
    # (No negation: across a relation, ~Q would ask about *every* meeting, not the one that matched.)
    return Q(**{f"{prefix}cancelled_at__isnull": True}) & (
        Q(**{f"{prefix}outcome": "held"}) | Q(**{f"{prefix}starts_at__lte": now, f"{prefix}outcome": ""})
    )


def meeting_held(meeting, now: datetime) -> bool:
    if meeting.cancelled_at:
        return False
    return meeting.outcome == "held" or (meeting.starts_at <= now and meeting.outcome == "")


def meeting_to_come_q(now: datetime) -> Q:
    """A filter on ``Meeting``: still to come (not cancelled, its time not come, and nobody said it will
    not happen). On meetings themselves only: across a relation, the negation would ask about every one."""
    return Q(cancelled_at__isnull=True, starts_at__gt=now) & ~Q(outcome="not_held")


def meeting_to_come(meeting, now: datetime) -> bool:
    """``meeting_to_come_q`` for one meeting."""
    return not meeting.cancelled_at and meeting.starts_at > now and meeting.outcome != "not_held"


def why_cancel_refused(meeting, now: datetime) -> str | None:
    """Why the pair cannot cancel ``meeting`` now (None: they can). Only a meeting still to come
    (``meeting_to_come``) can be cancelled: one that has taken place (``meeting_held``: marked held, or
    its time has passed and nobody said it did not happen) is recorded as "did not happen" instead."""
    if meeting.cancelled_at:
        return _("This meeting is already cancelled.")
    if meeting_held(meeting, now):
        return _(
            "This meeting has taken place, so it can no longer be cancelled. If it did not happen, "
            "record that on the meeting's page instead: “No, it did not happen”."
        )
    if not meeting_to_come(meeting, now):
        return _("This meeting is recorded as not having happened, so there is nothing to cancel.")
    return None


def why_change_refused(meeting) -> str | None:
    """Why the pair cannot change ``meeting`` (None: they can): a cancelled meeting stays as it was."""
    if meeting.cancelled_at:
        return _("This meeting was cancelled, so it can no longer be changed.")
    return None


FIRST_MEETING_TO_COME = gettext_lazy(
    "Your first meeting has not taken place yet: you can mark this stage as completed once it has. "
    "If you met earlier than planned, say so on this page."
)
NO_FIRST_MEETING_PLANNED = gettext_lazy(
    "No first meeting is planned now. Arrange one on Meet / Video (if you have already met, add the meeting "
    "there with the day you met): you can mark this stage as completed once it has taken place."
)


def why_first_meeting_not_held(relationship) -> str:
    """Waiting for a meeting still to come (which may have happened earlier), or for one to be arranged
    (none planned: it was cancelled, or did not happen)."""
    if relationship.meetings.filter(meeting_to_come_q(timezone.now())).exists():
        return str(FIRST_MEETING_TO_COME)
    return str(NO_FIRST_MEETING_PLANNED)


@guard(FIRST_MEETING_TO_COME, explain=why_first_meeting_not_held)
def first_meeting_held(relationship) -> bool:
    return relationship.meetings.filter(held_q(timezone.now())).exists()


@guard(gettext_lazy("Set at least one SMART goal on the Goals page before completing the first conversation."))
def has_goal(relationship) -> bool:
    return relationship.goals.exists()


@guard(gettext_lazy("Both of you need to give feedback before the relationship is completed."))
def both_gave_feedback(relationship) -> bool:
    authors = set(relationship.feedback.values_list("author_id", flat=True))
    return {relationship.mentee_id, relationship.mentor_id} <= authors


# -- stalled: a relationship gone quiet -------------------------------------------------
#
# A relationship in one of the WORKING_STATES with no message, meeting or goal update
# (``last_activity_at``) and no meeting held (``held_q``: its time came, and nobody said it did not
# happen; nothing is written then) for STALLED_AFTER_DAYS (settings.REMINDERS; 0 turns the rule off).
# The sweep that opens "stalled relationship" cases and the staff home's list both read it.


def stalled_after_days() -> int:
    return int(settings.REMINDERS.get("STALLED_AFTER_DAYS", 0) or 0)


def _meetings():
    return apps.get_model("journeys", "Meeting")


def quiet_since(relationship, now: datetime) -> datetime:
    """The last thing that happened between the two: their last update, or a meeting held since."""
    held = [m.starts_at for m in relationship.meetings.all() if meeting_held(m, now)]
    return max([relationship.last_activity_at, *held])


def active_again_at(relationship, since: datetime, now: datetime, seen: datetime | None = None) -> datetime | None:
    """The first activity after ``since`` (a stalled case opened), by ``quiet_since``'s measure, or None:
    the first meeting held since then, or an update. Only the last update is kept (``last_activity_at``);
    ``seen`` is the moment of one the journey has just told of (``events.relationship_moved_on``), which
    is the first when staff look at once; without it, the last update stands for the updates since."""
    held = [m.starts_at for m in relationship.meetings.all() if meeting_held(m, now) and m.starts_at > since]
    if relationship.last_activity_at > since:
        first_update = seen if seen is not None and since < seen <= relationship.last_activity_at else None
        held.append(first_update or relationship.last_activity_at)
    return min(held, default=None)


def quiet_since_expr(now: datetime):
    """``quiet_since`` as an expression on ``Relationship``."""
    last_held = _meetings().objects.filter(held_q(now), relationship=OuterRef("pk")).order_by("-starts_at")
    return Greatest("last_activity_at", Coalesce(Subquery(last_held.values("starts_at")[:1]), "last_activity_at"))


def is_stalled(relationship, now: datetime, days: int | None = None) -> bool:
    days = stalled_after_days() if days is None else days
    if days <= 0 or relationship.state not in WORKING_STATES:
        return False
    since = now - timedelta(days=days)
    return relationship.last_activity_at < since and quiet_since(relationship, now) < since


def stalled_q(now: datetime, days: int | None = None) -> Q:
    """``is_stalled`` as a filter on ``Relationship`` (nothing when the rule is off)."""
    days = stalled_after_days() if days is None else days
    if days <= 0:
        return Q(pk__in=[])
    since = now - timedelta(days=days)
    met_since = Exists(_meetings().objects.filter(held_q(now), relationship=OuterRef("pk"), starts_at__gte=since))
    return Q(state__in=WORKING_STATES, last_activity_at__lt=since) & ~Q(met_since)


# -- requests expire: unanswered after REQUEST_EXPIRE_DAYS --------------------------------
#
# Each time the review step starts (the request sent, proposed or reinstated) the relationship is
# given its expiry moment; the review step's interrupting timer fires then (journeys.flows.mentoring)
# and the ``expire`` transition's guard checks the moment has come.


def request_expiry_days() -> int:
    return int(settings.REMINDERS.get("REQUEST_EXPIRE_DAYS", 0) or 0)


def request_expires_at(start=None):
    """When a request waiting from ``start`` (now) expires unanswered; None when requests never expire."""
    days = request_expiry_days()
    if days <= 0:
        return None
    return (start or timezone.now()) + timedelta(days=days)


@guard(gettext_lazy("The request has not reached its expiry date yet."))
def request_past_expiry(relationship) -> bool:
    return relationship.expires_at is not None and relationship.expires_at <= timezone.now()


def why_request_past_its_date(relationship) -> str:
    return _(
        "This request expired on %(date)s, unanswered, so it can no longer be accepted or declined. "
        "The mentee is told, and can ask again."
    ) % {"date": long_date(relationship.expires_at)}


@guard(
    gettext_lazy("This request has expired, so it can no longer be accepted or declined."),
    explain=why_request_past_its_date,
)
def request_within_its_date(relationship) -> bool:
    """Answered before its expiry moment (the date its emails give), even if the timer that ends it
    has not run yet: after it, the request is over for both, as they were told."""
    return relationship.expires_at is None or relationship.expires_at > timezone.now()


# -- ended: by its state, or a withdrawn request that ended ------------------------
#
# A withdrawn request waits for the mentee to reinstate it, until one of the two leaves the
# programme: then it ends (``ended_at`` is set, its journey is over) but stays a withdrawn request
# (``Relationship.leave_programme``), so the figures still count it as one.


def has_ended(relationship) -> bool:
    """Nothing more can happen in this relationship or request: it ended, one way or another."""
    return relationship.state in ENDED_STATES or (
        relationship.state == State.REQUEST_WITHDRAWN and relationship.ended_at is not None
    )


def is_open(relationship) -> bool:
    """An open request or a current relationship: at most one per mentee and mentor (the database's
    ``one_open_relationship_per_pair``). A withdrawn request that ended (closed for the mentee, or
    they left: ``has_ended``) is not open: it no longer stands between the two."""
    return relationship.state in OPEN_STATES and relationship.ended_at is None


def open_q(prefix: str = "") -> Q:
    """``is_open`` as a filter (``prefix``: the path to the relationship)."""
    return Q(**{f"{prefix}state__in": OPEN_STATES, f"{prefix}ended_at__isnull": True})


def ended_q(prefix: str = "") -> Q:
    """``has_ended`` as a filter (``prefix``: the path to the relationship)."""
    return Q(**{f"{prefix}state__in": ENDED_STATES}) | Q(
        **{f"{prefix}state": State.REQUEST_WITHDRAWN, f"{prefix}ended_at__isnull": False}
    )


def why_request_ended(relationship) -> str:
    """Why a withdrawn request that ended can no longer be reinstated: one of the two left, or the programme
    team deactivated the mentee while it waited (its history says so: ``CLOSED_ACTIONS``)."""
    if relationship.history.filter(action=CLOSED_ACTIONS["mentee", "deactivated"]).exists():
        return _(
            "This request was closed when the programme team stopped the mentee's taking part, "
            "so it can no longer be reinstated."
        )
    return str(request_not_ended.refusal)


@guard(
    gettext_lazy("This request ended when one of you left the programme, so it can no longer be reinstated."),
    explain=why_request_ended,
)
def request_not_ended(relationship) -> bool:
    return relationship.ended_at is None


# -- a person not taking part for now ----------------------------------------------


def deactivated(user) -> bool:
    """The programme team deactivated this account for now (not someone who left: their account is
    anonymised). They cannot sign in and the outbox sends them no email, so nothing may promise that
    they "will be told"."""
    return user is not None and not user.is_active and not getattr(user, "anonymised_at", None)


# -- ended relationships are read-only -------------------------------------------


def why_read_only(relationship) -> str | None:
    """Why nothing new can be written into this relationship, or None while it is open.

    A relationship that was declined, withdrawn, closed or completed keeps its
    messages, meetings, goals and history for both people to read, but takes no
    new message, meeting, goal, milestone or note. Every writing service refuses
    with this sentence and every page hides its forms and shows it instead.
    """
    ended = {
        State.DECLINED: _("This request was declined"),
        State.EXPIRED: _("This request expired before the mentor answered it"),
        State.REQUEST_CLOSED: _("This request was closed when the mentor stopped taking part"),
        State.WITHDRAWN: _("This relationship was withdrawn"),
        State.CLOSED: _("This relationship was closed by programme staff"),
        State.COMPLETED: _("This relationship is completed"),
    }
    what = ended.get(relationship.state)
    if relationship.state == State.CLOSED and relationship.matched_at is None:  # closed before it was accepted
        what = _("This request was closed by programme staff")
    if what is None and has_ended(relationship):  # a withdrawn request that ended
        what = _("This request was withdrawn")
    if what is None:
        return None
    return _("%(what)s, so nothing new can be added to it. You can still read everything in it.") % {"what": what}


def why_conversation_read_only(conversation) -> str | None:
    """Why nothing new can be written into this conversation, or None when it is open.

    A conversation belongs to every request between one mentee and one mentor.
    It is open while any of them is open (or while it is only a question thread,
    before any request); once every relationship between the two has ended, it
    reads as the latest one: read-only, with that relationship's reason.
    """
    relationships = list(
        conversation.relationships.order_by("-created_at", "-pk").only("state", "created_at", "ended_at", "matched_at")
    )
    if not relationships or not all(has_ended(rel) for rel in relationships):
        return None
    return why_read_only(relationships[0])


def why_question_closed(mentee, mentor) -> str | None:
    """Why ``mentee`` cannot ask ``mentor`` a question (Ask Question), or None.

    A question goes into the pair's one conversation, which belongs to every request between them
    (``Conversation``). Once every one of those has ended (completed, withdrawn, closed...) the
    conversation is read-only for both (``why_conversation_read_only``: the mentor could not even
    answer), so Ask Question is not offered and says so before anything is typed. A new Mentor
    Request opens the conversation again."""
    conversation = _relationships().conversation.field.related_model.objects.filter(mentee=mentee, mentor=mentor)
    conversation = conversation.first()
    if conversation is None or why_conversation_read_only(conversation) is None:
        return None
    latest = conversation.relationships.order_by("-created_at", "-pk").only("matched_at").first()
    if latest.matched_at is None:  # a request that was never accepted (declined, expired, withdrawn...)
        return _(
            "Your conversation with %(name)s belongs to your request to them, which is over, so a new "
            "question cannot be added to it. You can still read it under Relationships. If you send %(name)s "
            "a new Mentor Request, the conversation opens again with it."
        ) % {"name": mentor.display_name}
    return _(
        "Your conversation with %(name)s belongs to your relationship with them, which has ended, so a new "
        "question cannot be added to it. You can still read it under Relationships. To work with %(name)s "
        "again, send them a new Mentor Request: the conversation opens again with it."
    ) % {"name": mentor.display_name}


# -- dates people enter: a meeting's day, a goal's expected completion ----------------------------

YEARS_AHEAD = 5  # the furthest a meeting or a goal's completion date may be planned


def latest_plannable_day(today: date | None = None) -> date:
    """The same day YEARS_AHEAD years from ``today`` (29 February: the 28th)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def why_meeting_day_refused(day: date, matched_on: date | None, *, keeping: date | None = None) -> str | None:
    """Why a meeting cannot be on ``day`` in a relationship matched on ``matched_on`` (None: it can).

    Not before the day the request was accepted (the two did not mentor each other before that), nor
    more than YEARS_AHEAD years ahead. ``keeping``: the meeting's day as it is, which may stay."""
    if day == keeping:
        return None
    if matched_on and day < matched_on:
        return _("Enter a date on or after %(when)s, the day the request was accepted.") % {
            "when": long_date(matched_on)
        }
    if day > latest_plannable_day():
        return _("Enter a date within the next %(years)d years.") % {"years": YEARS_AHEAD}
    return None


def why_due_date_refused(day: date, *, keeping: date | None = None) -> str | None:
    """Why a goal cannot be expected to be done by ``day`` (None: it can): a day that has passed,
    unless it is the goal's date as it is (``keeping``), or more than YEARS_AHEAD years ahead."""
    if day == keeping:
        return None
    if day < timezone.localdate():
        return _("That day has passed: enter today or a later day, or tick “No completion date”.")
    if day > latest_plannable_day():
        return _("Enter a date within the next %(years)d years.") % {"years": YEARS_AHEAD}
    return None


# -- goals due soon or overdue ----------------------------------------------------------------
#
# A goal still open (not marked complete) in a relationship where the two work together
# (WORKING_STATES: the dated reminders' rule, journeys.services.reminders) is *overdue* once its
# expected completion date has passed, *due today* on the day, and *due soon* from GOAL_DUE_SOON_DAYS
# before it (0: never "due soon"; the owner's reminder comes on the first of those days). A completed
# goal, one with no date, or one in a relationship not yet working or already in feedback or ended, is none
# of these. The Goals page, the relationship's page, the stage pages and the staff view say it in words.

OVERDUE, DUE_TODAY, DUE_SOON = "overdue", "due_today", "due_soon"


def goal_due_soon_days() -> int:
    return int(settings.REMINDERS.get("GOAL_DUE_SOON_DAYS", 0) or 0)


def goal_reminded_q() -> Q:
    """The goals a due date can be reminded of (and marked overdue or due soon), as a filter on ``Goal``."""
    return Q(completed_at__isnull=True, due_date__isnull=False, relationship__state__in=WORKING_STATES)


def goal_due(goal, state: str, today: date | None = None) -> str | None:
    """Where a goal of a relationship in ``state`` stands against its date: OVERDUE, DUE_TODAY, DUE_SOON or None."""
    if goal.completed_at is not None or goal.due_date is None or state not in WORKING_STATES:
        return None
    today = today or timezone.localdate()
    if goal.due_date < today:
        return OVERDUE
    if goal.due_date == today:
        return DUE_TODAY
    soon = goal_due_soon_days()
    if soon > 0 and goal.due_date <= today + timedelta(days=soon):
        return DUE_SOON
    return None
