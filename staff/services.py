"""Everything staff do with a case, and the ways cases open: one function each, in one transaction.

Participants are told only what is meant for them (a nudge, suggested mentors, the closing of
their relationship); staff notes never leave the inbox.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from journeys import rules
from journeys.flows.timing import days_setting
from journeys.models import MATCHED_STATES, Feedback, Relationship, State, StateChange
from journeys.services import concerns, relationships
from journeys.services.base import Refused, lock, why_not
from notifications.events import EVENTS
from notifications.models import Notification
from notifications.services import notify, notify_staff
from people import search
from project.dates import long_date
from support import services as support_services
from support.services import set_support_request_status

from . import flows as case_flow
from .models import CaseKind, StaffCase, StaffNote

OPEN_TASK = rules.OPEN_TASK_STATUSES
FINISHED = [PROCESS.DONE, PROCESS.CANCELED]
MAX_SNOOZE_DAYS = 90


def _require_staff(user) -> None:
    if user is None or not getattr(user, "is_staff", False) or not user.is_active:
        raise Refused(_("Only programme staff can do that."))


def open_cases():
    """Every case not yet resolved or cancelled, snoozed or not: the caseload the reports count."""
    return StaffCase.objects.exclude(status__in=FINISHED)


def snoozed_q(today: date) -> Q:
    """A case put aside until a day still to come (it comes back to the Open tab on that day)."""
    return Q(snoozed_until__gt=today)


def is_snoozed(case: StaffCase, today: date) -> bool:
    """``snoozed_q`` for one case."""
    return case.snoozed_until is not None and case.snoozed_until > today


def awake(cases, today: date):
    """The cases not snoozed (or whose snooze is over): the inbox's Open tab and the staff home."""
    return cases.exclude(snoozed_q(today))


def snoozed(cases, today: date):
    return cases.filter(snoozed_q(today))


# A case's number and a member's reference are database ids (PostgreSQL integers): a larger number is none.
LARGEST_NUMBER = 2**31 - 1


def cases_numbered(number: int) -> list[tuple[str, StaffCase]]:
    """What a number a member or a colleague quotes may mean, each case with what matched: the case of
    that number, and the cases of the Contact message and of the concern with that reference number (the
    one their confirmation email gave the member: a ``SupportRequest`` or ``Concern`` id). One message or
    concern may have had several cases (an answer after its case was resolved opens another): newest first."""
    if not 0 < number <= LARGEST_NUMBER:
        return []
    meanings = [
        (_("Case %(number)d"), Q(pk=number)),
        (_("The Contact message with reference number %(number)d"), Q(support_request_id=number)),
        (_("The concern with reference number %(number)d"), Q(concern_id=number)),
    ]
    related = ("relationship__mentee", "relationship__mentor", "support_request", "concern")
    found = []
    for why, matches in meanings:
        for case in StaffCase.objects.select_related(*related).filter(matches).order_by("-pk"):
            found.append((why % {"number": number}, case))
    return found


def handle_task(case: StaffCase) -> Task | None:
    """The case's waiting "Handle the case" task, if it is still open."""
    return case_flow.waiting_task(case)


def _lock_case(case: StaffCase) -> StaffCase:
    Process.objects.select_for_update().filter(pk=case.pk).exists()  # the flow's own lock, same order
    case.refresh_from_db()
    if case.status in FINISHED:
        raise Refused(_("This case has already been resolved."))
    return case


# -- opening cases -------------------------------------------------------------------


def open_case(
    kind: CaseKind,
    *,
    summary: str,
    relationship=None,
    support_request=None,
    concern=None,
    tell_staff: bool = True,
) -> StaffCase:
    """Open a case, unless one of the same kind is already open about the same thing."""
    with transaction.atomic():
        if relationship is not None:  # one sweep or timer at a time per relationship
            Relationship.objects.select_for_update().filter(pk=relationship.pk).exists()
        existing = (
            open_cases()
            .filter(kind=kind, relationship=relationship, support_request=support_request, concern=concern)
            .first()
        )
        if existing is not None:
            return existing
        case = case_flow.case_opened(
            kind=kind, summary=summary, relationship=relationship, support_request=support_request, concern=concern
        )
        if tell_staff:
            notify_staff("staff_case_opened", case=case)
    return case


def escalate_unanswered_request(relationship: Relationship) -> StaffCase | None:
    """REQUEST_ESCALATE_DAYS after a request, if the mentor still has not answered."""
    if relationship.state != State.REQUESTED:
        return None
    sent = long_date(relationship.created_at)
    if relationship.reinstated_at:
        # Translators: completes "%(mentor)s has not answered %(mentee)s's mentoring request %(summary)s."
        summary = _("of %(date)s (reinstated on %(reinstated)s)") % {
            "date": sent,
            "reinstated": long_date(relationship.reinstated_at),
        }
    else:
        # Translators: completes "%(mentor)s has not answered %(mentee)s's mentoring request %(summary)s."
        summary = _("of %(date)s") % {"date": sent}
    return open_case(CaseKind.UNANSWERED_REQUEST, relationship=relationship, summary=summary)


def escalate_no_first_meeting(relationship: Relationship) -> StaffCase | None:
    """FIRST_MEETING_ESCALATE_DAYS after a match, if no first meeting exists yet."""
    if relationship.state != State.ARRANGING:
        return None
    return open_case(
        CaseKind.NO_FIRST_MEETING,
        relationship=relationship,
        # Translators: completes "%(mentee)s and %(mentor)s %(summary)s."
        summary=_("were matched on %(date)s and have not arranged a first meeting")
        % {"date": long_date(relationship.matched_at or relationship.created_at)},
    )


def asked_for_feedback_expr():
    """When the two were asked for feedback: the relationship's last move to Feedback (its history), or its
    last activity for one with no such line. An expression on ``Relationship``."""
    moved = (
        StateChange.objects.filter(relationship=OuterRef("pk"), to_state=State.FEEDBACK)
        .exclude(from_state=State.FEEDBACK)  # (feedback given is a line of the history too, in Feedback)
        .order_by("-at", "-pk")
    )
    return Coalesce(Subquery(moved.values("at")[:1]), "last_activity_at")


def _feedback_case_since(relationship_pk, asked):
    """The "Feedback not given" cases about the relationship opened since the two were asked (open or resolved)."""
    return StaffCase.objects.filter(kind=CaseKind.NO_FEEDBACK, relationship=relationship_pk, created__gte=asked)


def escalate_no_feedback(relationship: Relationship) -> StaffCase | None:
    """FEEDBACK_ESCALATE_DAYS after the two were asked for feedback, if one of them or both have not given
    it: one case, saying whose is missing (each feedback step's timer asks, and the hourly sweep for
    relationships whose steps have no such timer, ``open_feedback_cases``; whichever comes second finds
    the case). One case each time they are asked: once staff resolved it, it is not opened again."""
    if relationship.state != State.FEEDBACK:
        return None
    given = set(relationship.feedback.values_list("author_id", flat=True))
    missing = [role for role in ("mentee", "mentor") if getattr(relationship, f"{role}_id") not in given]
    if not missing:
        return None
    asked = Relationship.objects.filter(pk=relationship.pk).values_list(asked_for_feedback_expr(), flat=True).get()
    if (already := _feedback_case_since(relationship.pk, asked).order_by("-pk").first()) is not None:
        return already
    asked_on = long_date(asked)
    if missing == ["mentee"]:
        # Translators: completes "%(mentee)s and %(mentor)s %(summary)s."
        summary = _("were asked for feedback on %(date)s; the mentee has not given it")
    elif missing == ["mentor"]:
        # Translators: completes "%(mentee)s and %(mentor)s %(summary)s."
        summary = _("were asked for feedback on %(date)s; the mentor has not given it")
    else:
        # Translators: completes "%(mentee)s and %(mentor)s %(summary)s."
        summary = _("were asked for feedback on %(date)s and neither has given it")
    return open_case(CaseKind.NO_FEEDBACK, relationship=relationship, summary=summary % {"date": asked_on})


def feedback_overdue(now, days: int):
    """Relationships in Feedback asked more than ``days`` ago, with one feedback or both missing and no
    "Feedback not given" case since they were asked: what ``escalate_no_feedback`` would open a case for."""
    both_given = Exists(Feedback.objects.filter(relationship=OuterRef("pk"), author=OuterRef("mentee_id"))) & Exists(
        Feedback.objects.filter(relationship=OuterRef("pk"), author=OuterRef("mentor_id"))
    )
    case_since = StaffCase.objects.filter(
        kind=CaseKind.NO_FEEDBACK, relationship=OuterRef("pk"), created__gte=OuterRef("asked")
    )
    return (
        Relationship.objects.filter(state=State.FEEDBACK)
        .annotate(asked=asked_for_feedback_expr())
        .filter(asked__lte=now - timedelta(days=days))
        .exclude(both_given)
        .exclude(Exists(case_since))
    )


def open_feedback_cases(now=None) -> int:
    """The hourly sweep's part for feedback: a "Feedback not given" case for every relationship waiting
    in Feedback longer than FEEDBACK_ESCALATE_DAYS without one (``feedback_overdue``). Each feedback step
    has its own timer for this, armed when the step starts; relationships that reached Feedback before
    those timers existed have none, and a timer armed while the setting was 0 waits for ever: the sweep
    opens their case as the timer would. Each relationship is looked at again under the journey's locks
    (``journeys.services.base.lock``: its process rows, then the relationship), so feedback given or a
    timer's case opened meanwhile is seen, and two sweeps open one case. Answers how many it opened."""
    days = days_setting("FEEDBACK_ESCALATE_DAYS")
    if days <= 0:
        return 0
    now = now or timezone.now()
    opened = 0
    for pk in feedback_overdue(now, days).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            relationship = lock(pk)
            if not feedback_overdue(now, days).filter(pk=pk).exists():
                continue
            opened += escalate_no_feedback(relationship) is not None
    return opened


def _settle(case: StaffCase, resolution: str) -> StaffCase:
    """Resolve ``case`` (locked) by nobody, with ``resolution`` saying what settled it: its step finishes,
    claimed or snoozed; whoever had it open is told it was resolved on their next click
    (``flows.CaseStep``), and the case page shows the resolution."""
    case.resolution = resolution
    case.resolved_by, case.resolved_at = None, timezone.now()
    case.save(update_fields=["resolution", "resolved_by", "resolved_at"])
    case_flow.case_settled(case)
    return case


# -- cases the journey settles ---------------------------------------------------------
#
# A case about a request not answered, a first meeting not arranged, a quiet relationship or feedback
# not given is about something the pair may then settle themselves, or that ends by itself (the request
# expired). The platform resolves it then, with a sentence saying what happened. Not when staff closed
# the relationship or the request (from its case, they are told to resolve it when done).

SETTLED_BY_THE_JOURNEY = (
    CaseKind.UNANSWERED_REQUEST,
    CaseKind.NO_FIRST_MEETING,
    CaseKind.STALLED,
    CaseKind.NO_FEEDBACK,
)

# How the request the case is about stopped waiting (the history's action): what the case resolves with.
REQUEST_SETTLED = {
    "accept": gettext_lazy("The mentor accepted the request on %(date)s."),
    "decline": gettext_lazy("The mentor declined the request on %(date)s."),
    "withdraw_request": gettext_lazy("The mentee withdrew the request on %(date)s."),
    "expire": gettext_lazy("The request expired unanswered on %(date)s; the mentor and the mentee were told."),
}


def _ended(relationship: Relationship) -> str:
    """'The relationship ended on …', or "" if it has not (or staff closed it: theirs to resolve)."""
    if not rules.has_ended(relationship) or relationship.state == State.CLOSED:
        return ""
    return _("The relationship ended on %(date)s.") % {"date": long_date(relationship.ended_at)}


def settled_by(case: StaffCase, relationship: Relationship, now, active_at=None) -> str:
    """What has settled what ``case`` is about since it opened, in a sentence (its resolution), or "".
    ``active_at``: the moment of the activity the journey told of, if any (``settle_cases``)."""
    if case.kind == CaseKind.UNANSWERED_REQUEST:
        if relationship.state == State.REQUESTED:
            return ""
        left = (
            relationship.history.filter(from_state=State.REQUESTED, at__gte=case.created)
            .exclude(to_state=State.REQUESTED)
            .order_by("-at", "-pk")
            .first()
        )
        if left is None or left.action not in REQUEST_SETTLED:
            return ""
        return REQUEST_SETTLED[left.action] % {"date": long_date(left.at)}
    if case.kind == CaseKind.NO_FIRST_MEETING:
        first = relationship.meetings.filter(rules.held_q(now)).order_by("starts_at", "pk").first()
        if first is not None:
            if first.outcome == "held":
                return _("The first meeting was recorded as held on %(date)s.") % {"date": long_date(first.starts_at)}
            return _(
                "The first meeting took place on %(date)s: its time came and neither of them said it did not happen."
            ) % {"date": long_date(first.starts_at)}
        return _ended(relationship)
    if case.kind == CaseKind.NO_FEEDBACK:
        if relationship.state == State.COMPLETED:
            done = relationship.history.filter(to_state=State.COMPLETED).order_by("-at", "-pk").first()
            return _("Both have given their feedback: the relationship was completed on %(date)s.") % {
                "date": long_date(done.at if done else now)
            }
        return "" if relationship.state == State.FEEDBACK else _ended(relationship)
    if case.kind == CaseKind.STALLED:
        if rules.has_ended(relationship):
            return _ended(relationship)  # (closed by staff: their own last step counts as no activity)
        # the stalled sweep's own measure of activity: its first since the case opened
        if active := rules.active_again_at(relationship, case.created, now, seen=active_at):
            return _("The pair were active again on %(date)s.") % {"date": long_date(active)}
    return ""


def settle_cases(relationship_pk: int, now=None, active_at=None) -> list[StaffCase]:
    """Resolve, by nobody, the cases about this relationship that what happened since has settled
    (``settled_by``); run once the journey's step has committed (``tasks.settle_cases``, with the moment
    of the activity it told of: ``active_at``) and by the stalled sweep.

    A case that looks settled is then locked as staff's own actions lock it (``_lock_case``) and
    resolved, unless it was resolved meanwhile (by a colleague, or a second settling). The relationship
    is read, not locked: what settles a case is never undone (a request answered or withdrawn, a meeting
    held, the pair active again, the relationship ended: each stays true of that day), so the journey's
    steps never wait on staff cases and its lock order (``journeys.services.base.lock``) is untouched."""
    now = now or timezone.now()
    relationship = Relationship.objects.filter(pk=relationship_pk).first()
    if relationship is None:
        return []
    settled = []
    for case in open_cases().filter(kind__in=SETTLED_BY_THE_JOURNEY, relationship=relationship).order_by("pk"):
        resolution = settled_by(case, relationship, now, active_at)
        if not resolution:
            continue
        with transaction.atomic():
            try:
                case = _lock_case(case)
            except Refused:
                continue
            settled.append(_settle(case, resolution))
    return settled


def settle_open_cases(now=None) -> int:
    """``settle_cases`` for every relationship with an open case the journey may settle (the stalled
    sweep runs it): what no step of the journey tells (a meeting whose time came, nothing being written
    then: a first meeting held, a quiet pair's meeting), and what a lost ``settle_cases`` task would have
    done (the pair's own activity is told at once: ``journeys.events.relationship_moved_on``). Answers
    how many it resolved."""
    pks = (
        open_cases()
        .filter(kind__in=SETTLED_BY_THE_JOURNEY, relationship__isnull=False)
        .values_list("relationship_id", flat=True)
        .distinct()
    )
    return sum(len(settle_cases(pk, now)) for pk in sorted(set(pks)))


def open_concern_case(concern) -> StaffCase:
    """A participant raised a concern about their relationship: a case of its own, and staff told.

    The other participant is not told; staff may involve them with a nudge from the case.
    """
    return open_case(
        CaseKind.CONCERN, relationship=concern.relationship, concern=concern, summary=_concern_summary(concern)
    )


def _concern_summary(concern) -> str:
    message = " ".join(concern.message.split())
    return message if len(message) <= 200 else message[:199] + "…"


def raise_case(relationship: Relationship, user, reason: str) -> StaffCase:
    """Staff open a case about any relationship themselves, and take it.

    When a case staff raised about it is still open, no second one is opened: the typed reason is
    added to that case as a note (never dropped), a snoozed case is woken, and the case comes back
    with ``raised_again`` True and ``woken`` saying whether it was snoozed (the page says both)."""
    _require_staff(user)
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Please say what needs attention."))
    with transaction.atomic():
        Relationship.objects.select_for_update().filter(pk=relationship.pk).exists()  # as open_case
        existing = open_cases().filter(kind=CaseKind.RAISED_BY_STAFF, relationship=relationship).first()
        if existing is not None:
            existing = _lock_case(existing)
            note(existing, user, _("Raised again: %(reason)s") % {"reason": reason}, lock=False)
            woken = is_snoozed(existing, timezone.localdate())
            if woken:
                existing.snoozed_until = None
                existing.save(update_fields=["snoozed_until"])
                note(existing, user, _("Woken from its snooze: raised again."), lock=False)
            claim(existing, user)
            existing.raised_again, existing.woken = True, woken
            return existing
    case = open_case(
        CaseKind.RAISED_BY_STAFF,
        relationship=relationship,
        summary=reason,
        tell_staff=False,
    )
    claim(case, user)
    case.raised_again, case.woken = False, False
    return case


def open_stalled_cases(now=None) -> int:
    """The sweep (Celery beat): relationships with no message, meeting or goal update, and no meeting
    held, for STALLED_AFTER_DAYS (``rules.stalled_q``). One case per quiet spell: activity after a case
    (a meeting held included) allows a new one later. Each is looked at again under the journey's locks
    (``journeys.services.base.lock``), which the pair's activity takes too: activity committed as the
    sweep runs is seen, and activity after the case opened settles it (``settle_cases``)."""
    if rules.stalled_after_days() <= 0:
        return 0
    now = now or timezone.now()
    already = StaffCase.objects.filter(
        kind=CaseKind.STALLED, relationship=OuterRef("pk"), created__gte=OuterRef("quiet_since")
    )
    quiet = (
        Relationship.objects.filter(rules.stalled_q(now))
        .annotate(quiet_since=rules.quiet_since_expr(now))
        .exclude(Exists(already))
    )
    opened = 0
    for pk in quiet.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            lock(pk)
            relationship = quiet.select_related("mentee", "mentor").filter(pk=pk).first()
            if relationship is None:  # active again, or ended, meanwhile
                continue
            open_case(
                CaseKind.STALLED,
                relationship=relationship,
                # Translators: completes "Nothing has happened between %(mentee)s and %(mentor)s %(summary)s."
                summary=_("since %(date)s (%(stage)s)")
                % {"date": long_date(relationship.quiet_since), "stage": State(relationship.state).label.lower()},
            )
        opened += 1
    return opened


# -- working on a case ---------------------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    """A claimed case's task, and who had it before: nobody (from the queue), a colleague (taken
    over), or the same person (it was already theirs: nothing changed)."""

    task: Task
    had_it: object | None = None

    @property
    def already_yours(self) -> bool:
        return self.had_it is not None and self.had_it.pk == self.task.owner_id


ANYONE = object()  # claim(): take the case from whoever has it now


def claim(case: StaffCase, user, *, from_owner=ANYONE) -> Claimed:
    """Take the case's task (from the queue, or over from a colleague). ``from_owner``: the id of who
    had it when the staff member's page was shown (None: nobody); if someone else has it by now, it is
    not taken from them unasked: the claim is refused with who has it."""
    _require_staff(user)
    with transaction.atomic():
        case = _lock_case(case)
        task = handle_task(case)
        if task is None:
            raise Refused(_("This case has no open task."))
        if task.owner_id == user.pk:
            return Claimed(task, had_it=user)
        if from_owner is not ANYONE and task.owner_id is not None and task.owner_id != from_owner:
            raise Refused(
                _(
                    "%(name)s has claimed this case since your page was shown, so it is still theirs. "
                    "To work on it, take it over below."
                )
                % {"name": task.owner.display_name}
            )
        had_it = task.owner
        with task.activation() as activation:
            if task.status == STATUS.NEW:
                activation.assign(user)
            else:
                activation.reassign(user)
        note(case, user, _("Claimed the case."), lock=False)
        return Claimed(task, had_it=had_it)


def release(case: StaffCase, user) -> None:
    """Put the case back in the queue."""
    _require_staff(user)
    with transaction.atomic():
        case = _lock_case(case)
        task = handle_task(case)
        if task is None or task.owner_id is None:
            return
        with task.activation() as activation:
            activation.unassign()
        note(case, user, _("Put the case back in the queue."), lock=False)


def note(case: StaffCase, user, body: str, *, lock: bool = True) -> StaffNote:
    _require_staff(user)
    body = (body or "").strip()
    if not body:
        raise Refused(_("Please write the note first."))
    with transaction.atomic():
        if lock:
            _lock_case(case)
        return StaffNote.objects.create(case=case, author=user, body=body[:5000])


# Who a nudge goes to (the form's choices), and the note it leaves on the case.
NUDGE_WHO = {
    "mentee": gettext_lazy("The mentee"),
    "mentor": gettext_lazy("The mentor"),
    "both": gettext_lazy("Both of them"),
}
NUDGED = {
    "mentee": gettext_lazy("Nudged the mentee."),
    "mentor": gettext_lazy("Nudged the mentor."),
    "both": gettext_lazy("Nudged both of them."),
}


def _nudge_situation(relationship: Relationship, person, case: StaffCase | None = None) -> str:
    """Which nudge fits this person at this stage (templates/notifications/events/staff_nudge/).

    On a participant's concern the nudge is a neutral check-in from the team: it says nothing of
    the concern itself, so staff choose what the other person learns (their own line, if any).
    "Things have been quiet between you" is said only on a stalled-relationship case, the one case
    that knows they have; any other (one staff opened by hand, a support request) checks in neutrally.
    """
    if case is not None and case.kind == CaseKind.CONCERN:
        return "check_in"
    state, is_mentor = relationship.state, person == relationship.mentor
    if state == State.REQUESTED:
        return "answer_request" if is_mentor else "request_waiting"
    if state == State.ARRANGING and not is_mentor:
        return "arrange_first_meeting"
    if state == State.FEEDBACK:
        # Only both people's feedback completes it: one who gave theirs waits on the other.
        given = Feedback.objects.filter(relationship=relationship, author=person).exists()
        return "feedback_given" if given else "feedback"
    if case is None or case.kind == CaseKind.STALLED:
        return "quiet"
    return "check_in"


def mentor_reminded(relationship: Relationship) -> bool:
    """Whether the mentor has been sent a reminder to answer this request since it was sent (or
    reinstated): the platform's own (none when they stopped them) or a staff nudge, this one included.
    Only then does the mentee's "request waiting" nudge say "We have reminded them"."""
    since = relationship.reinstated_at or relationship.created_at
    link = EVENTS["reminder_review_request"].link({"relationship": relationship})  # a staff nudge's too
    return (
        Notification.objects.filter(
            recipient=relationship.mentor_id,
            event__in=("reminder_review_request", "staff_nudge"),
            link=link,
            created_at__gte=since,
        )
        .exclude(email_status__in=(Notification.Email.SKIPPED, Notification.Email.DISCARDED))
        .exists()
    )


def _nudge(relationship: Relationship, person, personal: str, case: StaffCase | None = None):
    situation = _nudge_situation(relationship, person, case)
    return notify(
        person,
        "staff_nudge",
        relationship=relationship,
        other=relationship.other(person),
        situation=situation,
        personal=personal,
        reminded=situation == "request_waiting" and mentor_reminded(relationship),
    )


def nudge(case: StaffCase, user, who: str, personal: str = "") -> list:
    """Email one or both participants a templated nudge, with an optional personal line."""
    _require_staff(user)
    relationship = case.relationship
    if relationship is None:
        raise Refused(_("This case is not about a relationship, so there is nobody to nudge."))
    if who not in NUDGE_WHO:
        raise Refused(_("Choose who to nudge: the mentee, the mentor or both."))
    if relationship.state not in (State.REQUESTED, *MATCHED_STATES):
        raise Refused(
            _("The relationship is “%(stage)s”: there is nothing to nudge them about.")
            % {"stage": State(relationship.state).label}
        )
    personal = (personal or "").strip()[:500]
    # (Both: the mentor first, so that the mentee's email can say the mentor was just reminded.)
    people = {"mentee": [relationship.mentee], "mentor": [relationship.mentor]}.get(
        who, [relationship.mentor, relationship.mentee]
    )
    with transaction.atomic():
        _lock_case(case)
        sent = [_nudge(relationship, p, personal, case) for p in people]
        if personal:
            body = _("%(nudged)s With the line: “%(line)s”") % {"nudged": NUDGED[who], "line": personal}
        else:
            body = str(NUDGED[who])
        note(case, user, body, lock=False)
    return sent


def why_not_suggest(case: StaffCase) -> str | None:
    """Why no mentors can be suggested to the case's mentee (they cannot be emailed), or None."""
    relationship = case.relationship
    if relationship is None:
        return _("This case is not about a relationship, so there is no mentee to suggest mentors to.")
    if relationship.mentee.anonymised_at:
        return _("The mentee has left the programme (their account was deleted): there is nobody to email.")
    if not relationship.mentee.is_active:
        return _("The mentee's account is deactivated, so they cannot be emailed suggestions.")
    return None


def mentor_suggestions(case: StaffCase, limit: int = 5) -> list:
    """Other mentors for the case's mentee: open to requests, from the mentee's profile (none for a
    mentee who cannot be emailed: ``why_not_suggest``)."""
    if why_not_suggest(case):
        return []
    relationship = case.relationship
    mentee = relationship.mentee
    criteria = replace(search.criteria_from_profile(getattr(mentee, "profile", None)), hide_full=True)
    page = search.search(criteria, mentee, page_size=limit + 1)
    return [r for r in page.results if r.mentor.user_id != relationship.mentor_id][:limit]


def suggest_mentors(case: StaffCase, user, mentor_user_ids: list[int]) -> None:
    """Email the mentee the chosen mentors (from ``mentor_suggestions``), each with a profile link."""
    _require_staff(user)
    if refusal := why_not_suggest(case):
        raise Refused(refusal)
    offered = {r.mentor.user_id: r for r in mentor_suggestions(case)}
    chosen = [offered[i] for i in mentor_user_ids if i in offered]
    if not chosen:
        raise Refused(_("Choose at least one of the suggested mentors."))
    relationship = case.relationship
    with transaction.atomic():
        _lock_case(case)
        notify(relationship.mentee, "staff_suggested_mentors", mentors=chosen)
        names = ", ".join(r.mentor.display_name for r in chosen)
        note(case, user, _("Suggested to the mentee: %(names)s.") % {"names": names}, lock=False)


def why_not_snooze(until: date) -> str | None:
    """Why a case cannot be snoozed until that day (the snooze form says it on its field), or None."""
    today = timezone.localdate()
    if until <= today:
        return _("Choose a day after today.")
    if until > today + timedelta(days=MAX_SNOOZE_DAYS):
        return ngettext(
            "A case can be snoozed for up to %(days)d day.",
            "A case can be snoozed for up to %(days)d days.",
            MAX_SNOOZE_DAYS,
        ) % {"days": MAX_SNOOZE_DAYS}
    return None


def snooze(case: StaffCase, user, until: date) -> None:
    """Hide the case from the open queue until ``until``."""
    _require_staff(user)
    if refusal := why_not_snooze(until):
        raise Refused(refusal)
    with transaction.atomic():
        case = _lock_case(case)
        case.snoozed_until = until
        case.save(update_fields=["snoozed_until"])
        note(case, user, _("Snoozed until %(date)s.") % {"date": long_date(until)}, lock=False)


def why_not_close(case: StaffCase) -> str | None:
    """Why the case's relationship cannot be closed now (it ended, perhaps by a colleague's hand a
    moment ago: read afresh), or None when it can."""
    if case.relationship_id is None:
        return _("This case is not about a relationship.")
    return why_not(Relationship.objects.get(pk=case.relationship_id), "close")


def close_relationship(case: StaffCase, user, reason: str) -> Relationship:
    """Close the case's relationship, or its request if the mentor never accepted it (the note says
    which); answers the relationship as it was closed."""
    _require_staff(user)
    if case.relationship is None:
        raise Refused(_("This case is not about a relationship."))
    with transaction.atomic():
        _lock_case(case)
        closed = relationships.close_by_staff(case.relationship, user, reason)
        if closed.is_matched:
            said = _("Closed the relationship. Reason given to both: “%(reason)s”")
        else:
            said = _("Closed the request. Reason given to both: “%(reason)s”")
        note(case, user, said % {"reason": reason.strip()}, lock=False)
    return closed


def resolve(case: StaffCase, user, resolution: str) -> StaffCase:
    """Finish the case's task: the case leaves the queue for the archive."""
    _require_staff(user)
    resolution = (resolution or "").strip()
    if not resolution:
        raise Refused(_("Please say how the case was resolved."))
    with transaction.atomic():
        case = _lock_case(case)
        case.resolution, case.resolved_by, case.resolved_at = resolution[:5000], user, timezone.now()
        case.save(update_fields=["resolution", "resolved_by", "resolved_at"])
        if case.support_request_id:
            set_support_request_status([case.support_request], "resolved")
        task = handle_task(case)
        if task is not None and task.owner_id != user.pk:
            claim(case, user)
        case_flow.case_resolved(case)
    case.refresh_from_db()
    return case


# -- the conversation after a Contact message --------------------------------------------


def reply_to_sender(case: StaffCase, user, body: str):
    """Answer the Contact message the case is about: emailed to the sender, kept on the case."""
    _require_staff(user)
    if case.support_request_id is None:
        raise Refused(_("This case is not about a message from the Contact form."))
    with transaction.atomic():
        case = _lock_case(case)
        reply = support_services.reply_as_staff(case.support_request, user, body)
        if not getattr(reply, "already_sent", False):
            note(case, user, _("Replied to the sender."), lock=False)
    return reply


def sender_replied(support_request, reply) -> StaffCase:
    """The sender answered: their case again if it is still open (its owner and staff told), else a
    new case about the same message in the queue."""
    existing = open_cases().filter(kind=CaseKind.SUPPORT_REQUEST, support_request=support_request).first()
    case = existing or open_case(
        CaseKind.SUPPORT_REQUEST,
        support_request=support_request,
        summary=f"{support_request.name}: {support_request.subject}",
        tell_staff=False,
    )
    notify_staff("support_reply_staff", support_request=support_request, reply=reply, case=case)
    return case


# -- the conversation after a concern ---------------------------------------------------------


def reply_to_raiser(case: StaffCase, user, body: str):
    """Answer the concern the case is about: emailed to whoever raised it, kept on the case. The other
    person in the relationship is not told (``journeys.services.concerns``)."""
    _require_staff(user)
    if case.concern_id is None:
        raise Refused(_("This case is not about a concern."))
    with transaction.atomic():
        case = _lock_case(case)
        reply = concerns.reply_as_staff(case.concern, user, body)
        if getattr(reply, "already_sent", False):
            return reply
        note(
            case,
            user,
            _("Replied to %(name)s about their concern.") % {"name": case.concern.raised_by.display_name},
            lock=False,
        )
    return reply


def raiser_answered(concern, reply) -> StaffCase:
    """The person who raised a concern answered: its case again if it is still open (staff told), else
    a new case about the same concern in the queue."""
    existing = open_cases().filter(kind=CaseKind.CONCERN, concern=concern).first()
    case = existing or open_case(
        CaseKind.CONCERN,
        relationship=concern.relationship,
        concern=concern,
        summary=_concern_summary(concern),
        tell_staff=False,
    )
    notify_staff("concern_answer_staff", concern=concern, reply=reply, case=case)
    return case
