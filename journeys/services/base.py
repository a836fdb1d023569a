from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from .. import events, rules
from ..flows.driver import served_process
from ..models import MentoringProcess, Relationship, State, StateChange

# A second identical submission within this time (a double click, the form sent twice, Back and
# send again) is the same intention: the service answers with what the first one made.
SAME_SUBMISSION_WITHIN = timedelta(minutes=2)


def just_made(queryset, at_field: str, *, within: timedelta = SAME_SUBMISSION_WITHIN):
    """The newest row of ``queryset`` (the same thing, by the same person) made ``within`` the last
    while, or None. Read under a lock the first request held too (the relationship's: ``lock``), so a
    second request waits for the first to commit and then finds its row."""
    since = timezone.now() - within
    return queryset.filter(**{f"{at_field}__gte": since}).order_by(f"-{at_field}", "-pk").first()


class Refused(Exception):
    """An action that is not allowed now; the message is shown to the person."""

    def __init__(self, message: str, *, redirect_to: str | None = None):
        super().__init__(message)
        self.message = message
        self.redirect_to = redirect_to


class RateLimited(Refused):
    """Refused because the person has done this too often lately (project/ratelimit.py); pages
    answer 429 and keep what was typed."""


def lock(relationship: Relationship | int, *, mentor: bool = False) -> Relationship:
    """Re-read the relationship under row locks (call inside a transaction).

    Locks are always taken in one order, so two people acting at once queue
    instead of deadlocking: the relationship's flow process rows first (the
    order viewflow's task pages use), then the mentor's account row when the
    action depends on the mentor's capacity, then the relationship itself. A staff case's process row,
    when staff act on a relationship from its case, comes before all of these (``staff.services``
    locks the case, then calls the journey); so nothing done under these locks locks a case: staff
    settle their cases once the journey's step has committed (``staff.receivers``).

    The relationship returned carries ``locked_processes``: its flow processes, read under their
    locks in this transaction, which the flow's events (``journeys.flows.mentoring``) work with.
    """
    held = isinstance(relationship, Relationship)
    pk = relationship.pk if held else relationship
    # The process rows are read whole as they are locked (the lock is on their base rows only, as
    # before), so the flow's events finish their tasks with them and read none of them again.
    served = served_process()
    if isinstance(served, MentoringProcess) and served.relationship_id == pk:
        # A step's page of this relationship: viewflow locked its process, the relationship's only
        # one, and read it (with a copy of the relationship) under the lock.
        processes = [served]
    else:
        processes = MentoringProcess.objects.select_for_update(of=("process_ptr",)).filter(relationship_id=pk)
        if mentor and not held:
            # Only the mentor's id is wanted from this copy (it never changes): read with the processes, not locked.
            processes = processes.select_related("relationship")
        processes = list(processes.order_by("pk"))
    if mentor:
        # A relationship's mentor never changes: the id the caller holds is the one to lock.
        if held:
            mentor_id = relationship.mentor_id
        elif processes:
            mentor_id = processes[0].relationship.mentor_id
        else:
            mentor_id = Relationship.objects.filter(pk=pk).values_list("mentor_id", flat=True).get()
        list(get_user_model().objects.select_for_update().filter(pk=mentor_id).values_list("pk", flat=True))
    # With both profiles: the mentor's capacity guard reads the mentor's, and every email to either of
    # them says in its footer what they take part as (notifications.services._fields).
    related = ("mentee__profile", "mentor__profile")
    rel = Relationship.objects.select_for_update(of=("self",)).select_related(*related).get(pk=pk)
    for process in processes:
        process.relationship = rel
    rel.locked_processes = processes
    return rel


def require_party(relationship: Relationship, user, role: str | None = None) -> None:
    actual = relationship.role_of(user)
    if actual is None:
        raise Refused(_("Only the two people in this relationship can do that."))
    if role and actual != role:
        if role == "mentee":
            raise Refused(_("Only the mentee in this relationship can do that."))
        raise Refused(_("Only the mentor in this relationship can do that."))


def why_not(relationship: Relationship, name: str) -> str | None:
    """The reason the named transition is refused now, or None when it is allowed."""
    meta = getattr(relationship, name)._django_fsm
    state = relationship.state
    if not meta.has_transition(state):
        # Usually done already (another tab, a second click), or ended meanwhile: say where it is now.
        label = State(state).label
        if rules.has_ended(relationship):
            return _("Nothing was changed: this has ended (%(state)s).") % {"state": label}
        return _("Nothing was changed: this is now at “%(state)s”, so it may have been done already.") % {
            "state": label
        }
    for condition in meta.get_transition(state).conditions:
        if not condition(relationship):
            if explain := getattr(condition, "explain", None):
                return str(explain(relationship))
            return str(getattr(condition, "refusal", _("That is not possible right now.")))
    return None


def apply(relationship: Relationship, name: str, actor, note: str = "", *, action: str = "") -> StateChange:
    """Run transition ``name`` (refusing with its reason), save and record it (as ``action``, when one
    transition happens for several reasons the history tells apart; by default, as ``name``).

    django-fsm checks the transition's guards itself; only when it refuses are they asked again,
    by ``why_not``, for the sentence to show (a guard that counts rows counts once when allowed).
    """
    from_state = relationship.state
    try:
        getattr(relationship, name)()
    except TransitionNotAllowed:
        raise Refused(why_not(relationship, name) or _("That is not possible right now.")) from None
    relationship.last_activity_at = timezone.now()
    relationship.save()
    change = StateChange.objects.create(
        relationship=relationship,
        actor=actor,
        action=action or name,
        from_state=from_state,
        to_state=relationship.state,
        note=note,
    )
    _moved_on(relationship)
    return change


def record(relationship: Relationship, actor, action: str, note: str = "") -> StateChange:
    """Record something that happened without changing the stage (history only)."""
    return StateChange.objects.create(
        relationship=relationship,
        actor=actor,
        action=action,
        from_state=relationship.state,
        to_state=relationship.state,
        note=note,
    )


def touch(relationship: Relationship) -> None:
    """The two did something together (a message, a meeting arranged, changed or recorded, a goal or its
    progress, a worksheet): the relationship's last activity, which the stalled rule reads
    (``rules.quiet_since``), is now."""
    relationship.last_activity_at = timezone.now()
    Relationship.objects.filter(pk=relationship.pk).update(last_activity_at=relationship.last_activity_at)
    _moved_on(relationship)


def _moved_on(relationship: Relationship) -> None:
    """Every change of ``last_activity_at`` (a stage moved by ``apply``, the pair's activity by ``touch``)
    is told, with its moment, to whoever may have a case it settles (``events.relationship_moved_on``):
    the stalled rule's activity is this field, so nothing the rule counts can be missed."""
    events.relationship_moved_on.send(sender=Relationship, relationship=relationship, at=relationship.last_activity_at)


atomic = transaction.atomic
