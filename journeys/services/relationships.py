"""Requests and the relationship's stages: one function per thing a person does."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.services import notify, notify_each, notify_staff
from people import rules as people_rules
from people.models import AreaOfSupport
from project import ratelimit
from project.dates import long_date

from .. import answer_links, events
from ..flows import mentoring as mentoring_flow
from ..flows import onboarding
from ..models import (
    CAPACITY_STATES,
    MATCHED_STATES,
    OPEN_REQUEST_STATES,
    OPEN_STATES,
    Conversation,
    Feedback,
    Relationship,
    State,
    StateChange,
)
from ..rules import mentor_has_room, open_q, places_taken_count
from ..stages import STAGES
from ..states import CLOSED_ACTIONS
from .base import RateLimited, Refused, apply, atomic, lock, record, require_party
from .meetings import cancel_meetings_to_come

User = get_user_model()


def conversation_for(mentee, mentor) -> Conversation:
    """The pair's conversation, written the first time they need one.

    One statement, ``INSERT ... ON CONFLICT (mentee, mentor) DO UPDATE ... RETURNING id`` (the update
    sets the mentee it already has: nothing changes), where ``get_or_create`` reads, then inserts in a
    savepoint of its own. ``created_at`` is read from the row if asked for (it may be older than now).
    """
    conversation = Conversation(mentee=mentee, mentor=mentor)
    Conversation.objects.bulk_create(
        [conversation], update_conflicts=True, unique_fields=["mentee", "mentor"], update_fields=["mentee"]
    )
    del conversation.created_at  # deferred: the row's own value, read only when used
    return conversation


def _why_no_room(mentor, *, taken: int) -> str | None:
    """Why a new request to the mentor is refused for want of a place (``taken``: their places in use;
    ``journeys.rules.mentor_has_room`` is the rule), or None."""
    if not mentor_has_room(mentor.profile, taken):
        return _("%(name)s is supporting as many mentees as they can at the moment.") % {"name": mentor.display_name}
    return None


def _why_cannot_request(mentee, mentor, *, open_with_pair: bool) -> str | None:
    """Why ``mentee`` may not send ``mentor`` a request now, room aside (``open_with_pair``: whether the
    two have an open request or relationship), or None."""
    if mentee.pk == mentor.pk:
        return _("You cannot send a mentoring request to yourself.")
    profile = getattr(mentee, "profile", None)
    if not (profile and profile.is_mentee):
        return _("Only mentees can send mentoring requests. Add the mentee role in your profile first.")
    mentor_profile = getattr(mentor, "profile", None)
    if not (mentor_profile and mentor_profile.is_mentor and people_rules.account_open(mentor)):
        return _("This person is not available as a mentor.")
    if not mentor_profile.accepting_requests:
        return _("%(name)s has paused new mentoring requests for now.") % {"name": mentor.display_name}
    if people_rules.mentor_away(mentor_profile):
        return _("%(name)s is away until %(date)s.") % {
            "name": mentor.display_name,
            "date": long_date(mentor_profile.away_until),
        }
    if open_with_pair:
        return _("You already have an open request or relationship with %(name)s.") % {"name": mentor.display_name}
    return None


def _pair_and_places(mentee, mentor) -> dict[str, int]:
    """In one query: the pair's open requests or relationships (``with_pair``), and the mentor's places
    taken (``taken``)."""
    return Relationship.objects.filter(mentor=mentor, state__in={*OPEN_STATES, *CAPACITY_STATES}).aggregate(
        with_pair=Count("pk", filter=Q(mentee=mentee) & open_q()), taken=places_taken_count()
    )


def why_request_refused(mentee, mentor) -> str | None:
    """Why ``send_request`` would refuse ``mentee``'s request to ``mentor`` now, in its own words (None:
    it would not, as far as the mentor's availability, room and the pair go; the daily limit is counted
    only on sending). ``send_request`` and a matching round's ``propose_request`` ask it under the
    mentor's lock; the request page reads it first, to say so before anything is typed."""
    counts = _pair_and_places(mentee, mentor)
    return _why_cannot_request(mentee, mentor, open_with_pair=counts["with_pair"] > 0) or _why_no_room(
        mentor, taken=counts["taken"]
    )


def send_request(mentee, mentor, area: AreaOfSupport, statement: str) -> Relationship:
    """Mentor Request → Send Request: create the request and start its journey."""
    try:
        with ratelimit.spend(ratelimit.REQUESTS, mentee.pk):
            return _create_request(mentee, mentor, area, statement)
    except ratelimit.LimitReached:
        allowed = ratelimit.REQUESTS.allowed
        raise RateLimited(
            ngettext(
                "You have sent %(count)d mentoring request in the last day, which is as many as we allow. "
                "This one has not been sent: please try again tomorrow.",
                "You have sent %(count)d mentoring requests in the last day, which is as many as we allow. "
                "This one has not been sent: please try again tomorrow.",
                allowed,
            )
            % {"count": allowed}
        ) from None


def lock_mentor(mentor):
    """The mentor's account row, locked, read with their profile (the checks read it under the lock):
    requests to one mentor, and accepts by them, are checked one at a time, so capacity holds."""
    return User.objects.select_for_update(of=("self",)).select_related("profile").get(pk=mentor.pk)


def _create_request(mentee, mentor, area: AreaOfSupport, statement: str) -> Relationship:
    # A second open request for the pair is refused by the check under the mentor's lock; the
    # database's constraint is the last word (a refusal too): the whole transaction is rolled back.
    try:
        with atomic():
            mentor = lock_mentor(mentor)
            if refusal := why_request_refused(mentee, mentor):  # counted under the mentor's lock
                raise Refused(refusal)
            relationship = Relationship.objects.create(
                mentee=mentee,
                mentor=mentor,
                area=area,
                statement=statement.strip(),
                conversation=conversation_for(mentee, mentor),
            )
            StateChange.objects.create(
                relationship=relationship, actor=mentee, action="send_request", to_state=relationship.state
            )
            review = mentoring_flow.request_sent(relationship)
            onboarding.first_request_sent(mentee)
            notify_each(
                (
                    mentor,
                    "request_sent",
                    {
                        "relationship": relationship,
                        "answer": answer_links.urls(relationship, review.pk if review else None),
                    },
                ),
                (mentee, "request_sent_confirmation", {"relationship": relationship}),
            )
    except IntegrityError as exc:
        if "one_open_relationship_per_pair" not in str(exc):
            raise
        raise Refused(_("You already have an open request with %(name)s.") % {"name": mentor.display_name}) from None
    return relationship


def edit_request(relationship: Relationship, mentee, area: AreaOfSupport, statement: str) -> Relationship:
    with atomic():
        rel = lock(relationship)
        require_party(rel, mentee, "mentee")
        if rel.area_id == area.pk and rel.statement == statement.strip():
            raise Refused(_("Nothing was changed: your request is as it was, so your mentor was not told again."))
        rel.area = area
        rel.statement = statement.strip()
        apply(rel, "edit", mentee, _("Request details changed"))
        _tell_both_about_request(rel, "edited")
    return rel


def _tell_both_about_request(rel: Relationship, what: str, **to_mentor) -> None:
    # A request waiting for the mentor again (reinstated) can be answered from the email.
    # ``to_mentor``: what the mentor's email says besides (the reason for withdrawing it).
    notify_each(
        (rel.mentor, f"request_{what}", {"relationship": rel, "answer": answer_links.urls(rel), **to_mentor}),
        (rel.mentee, f"request_{what}_confirmation", {"relationship": rel}),
    )


# Why a request is closed for someone rather than by their own choice (``because=``): they left the
# programme (account deletion), or the programme team stopped their taking part for now (deactivation).
# The other person is told so (``request_closed_for_mentee`` / ``request_closed_for_mentor``), never
# that the mentor declined or the mentee withdrew, and the note in the history is not quoted as theirs.
# The history names it (``CLOSED_ACTIONS``, worded by ``StateChange.ACTION_LABELS``), except for a mentee
# who leaves: leaving is their own act, and withdraws their requests ("withdraw_request", the note says why).
LEFT, DEACTIVATED = "left", "deactivated"


def withdraw_request(
    relationship: Relationship,
    mentee,
    reason: str = "",
    *,
    matched_elsewhere: bool = False,
    because: str | None = None,
) -> Relationship:
    """The mentee withdraws a request still waiting for the mentor.

    ``matched_elsewhere``: another mentor has accepted them, and they withdraw it from the page of
    their other open requests; the mentor is thanked and told so (``request_withdrawn_matched``),
    and the mentee, who did it on that page, is not emailed about each one.
    ``because``: closed for the mentee (LEFT, DEACTIVATED): only the mentor is told, and why.
    """
    with atomic():
        rel = lock(relationship)
        require_party(rel, mentee, "mentee")
        if matched_elsewhere and rel.state != State.REQUESTED:
            raise Refused(
                _("Your request to %(name)s is no longer waiting, so there is nothing to withdraw.")
                % {"name": rel.mentor.display_name}
            )
        if not because and (refusal := _why_not_withdrawn(rel)):
            raise Refused(refusal)
        if because:
            # Closed for the mentee, not by them: it ends here and can no longer be reinstated
            # (``rules.has_ended``), and its journey ends with it (no "Reinstate your request" step).
            rel.ended_at = timezone.now()
        # Closed for them by the programme team (deactivated): the history does not say the mentee withdrew it.
        action = CLOSED_ACTIONS["mentee", DEACTIVATED] if because == DEACTIVATED else ""
        apply(rel, "withdraw_request", mentee, reason.strip(), action=action)
        if because:
            mentoring_flow.ended(rel)
            notify(rel.mentor, "request_closed_for_mentor", relationship=rel, because=because)
            return rel
        mentoring_flow.request_answered(rel)
        if matched_elsewhere:
            notify(rel.mentor, "request_withdrawn_matched", relationship=rel)
        else:
            # The mentor reads the reason, if one was given, in their email as in the history.
            _tell_both_about_request(rel, "withdrawn", reason=reason.strip())
    return rel


def _why_not_withdrawn(rel: Relationship) -> str | None:
    """Why the mentee's request cannot be withdrawn now, in words that say what became of it (the same
    form sent twice finds it withdrawn already; the mentor may have answered while the page was open)."""
    name = {"name": rel.mentor.display_name}
    if rel.state == State.REQUEST_WITHDRAWN and not rel.is_ended:
        return _("Nothing was changed: you have already withdrawn your request to %(name)s.") % name
    if rel.state in MATCHED_STATES:
        return (
            _(
                "Nothing was changed: %(name)s accepted your request before it could be withdrawn, so you are now "
                "matched. If you do not want to go ahead, end the relationship with Withdraw under Actions."
            )
            % name
        )
    if rel.state == State.DECLINED:
        return _("Nothing was changed: %(name)s declined your request before it could be withdrawn.") % name
    return None


def reinstate_request(relationship: Relationship, mentee) -> Relationship:
    with atomic():
        rel = lock(relationship, mentor=True)
        require_party(rel, mentee, "mentee")
        apply(rel, "reinstate", mentee)
        mentoring_flow.request_reinstated(rel)
        _tell_both_about_request(rel, "reinstated")
    return rel


def accept_request(relationship: Relationship | int, mentor, message: str = "") -> Relationship:
    with atomic():
        # Accepts for one mentor run one at a time (the mentor's row is locked), so capacity holds.
        rel = lock(relationship, mentor=True)
        require_party(rel, mentor, "mentor")
        apply(rel, "accept", mentor, message)
        mentoring_flow.request_answered(rel)
        # The mentee's other requests still waiting: the email offers to withdraw them (one page, one click each).
        others = Relationship.objects.filter(mentee_id=rel.mentee_id, state=State.REQUESTED).exclude(pk=rel.pk)
        other_mentors = [r.mentor.display_name for r in others.select_related("mentor").order_by("created_at")]
        notify(rel.mentee, "request_accepted", relationship=rel, message=message, other_mentors=other_mentors)
    return rel


def decline_request(relationship: Relationship | int, mentor, message: str = "") -> Relationship:
    """The mentor declines a request (``message``: theirs, quoted to the mentee)."""
    with atomic():
        rel = lock(relationship)
        require_party(rel, mentor, "mentor")
        apply(rel, "decline", mentor, message)
        mentoring_flow.request_answered(rel)
        notify(rel.mentee, "request_declined", relationship=rel, message=message)
        if rel.proposed_by_programme:
            events.proposed_request_declined.send(sender=Relationship, relationship=rel)
    return rel


def close_request_for_mentor(relationship: Relationship | int, mentor, note: str, *, because: str) -> Relationship:
    """A request still waiting for ``mentor`` is closed for them, not by them: they left the programme
    or the programme team deactivated them (``because``: LEFT, DEACTIVATED).

    It is no answer: the request ends as "Request closed: the mentor stopped taking part", never as a
    decline, so the reports do not count it as one and a matching round may propose the pair again.
    The history names why (``CLOSED_ACTIONS``; ``note`` is the history's, not the mentor's words), its
    journey ends with the review step cancelled (the mentor reviewed nothing), the mentee is told why,
    and a round that proposed the request is told it closed (``events.proposed_request_closed``).
    """
    with atomic():
        rel = lock(relationship)
        require_party(rel, mentor, "mentor")
        apply(rel, "close_for_mentor", mentor, note, action=CLOSED_ACTIONS["mentor", because])
        mentoring_flow.ended(rel)
        notify(rel.mentee, "request_closed_for_mentee", relationship=rel, because=because)
        if rel.proposed_by_programme:
            events.proposed_request_closed.send(sender=Relationship, relationship=rel)
    return rel


def complete_stage(relationship: Relationship | int, user, stage: str) -> Relationship:
    """ "Mark stage as completed" (and, at completion, "Ready to give feedback")."""
    transition_name = STAGES[stage].transition
    with atomic():
        rel = lock(relationship)
        require_party(rel, user)
        if rel.state != stage:
            raise Refused(
                _("This stage is not the current one: the relationship is at “%(stage)s”.")
                % {"stage": rel.get_state_display()}
            )
        apply(rel, transition_name, user)
        mentoring_flow.stage_completed(rel, stage)
        other = rel.other(user)
        if stage == "completion":
            notify_each(*((person, "ready_for_feedback", {"relationship": rel}) for person in (rel.mentee, rel.mentor)))
        else:
            open_goals = _open_goal_labels(rel) if stage == "progression" else []
            if open_goals:  # entering completion: both are reminded of the goals still open
                notify(user, "completion_open_goals", relationship=rel, open_goals=open_goals)
            notify(other, "stage_completed", relationship=rel, actor=user, stage=State(stage), open_goals=open_goals)
    return rel


def _open_goal_labels(rel: Relationship) -> list[str]:
    return list(rel.goals.filter(completed_at__isnull=True).order_by("created_at").values_list("label", flat=True))


def give_feedback(relationship: Relationship | int, user, rating: int, comments: str) -> Relationship:
    with atomic():
        rel = lock(relationship)
        require_party(rel, user)
        if rel.state != State.FEEDBACK:
            raise Refused(_("Feedback can be given once the relationship is ready for feedback."))
        # Who has given theirs (read under the relationship's lock): whether this is a second one, and the last.
        given = set(rel.feedback.values_list("author_id", flat=True))
        if user.pk in given:
            raise Refused(_("You have already given your feedback. Thank you!"))
        Feedback.objects.create(relationship=rel, author=user, rating=rating, comments=comments.strip())
        record(rel, user, "give_feedback", "")
        mentoring_flow.feedback_given(rel, by_mentee=rel.role_of(user) == "mentee")
        if len(given | {user.pk}) == 2:
            apply(rel, "complete", user, _("Both gave feedback"))
            notify_each(
                *((person, "relationship_completed", {"relationship": rel}) for person in (rel.mentee, rel.mentor))
            )
        else:
            other = rel.other(user)
            notify(other, "feedback_pending", relationship=rel, actor=user)
    return rel


def withdraw(relationship: Relationship, user, reason: str, *, leaving: bool = False) -> Relationship:
    """Actions → Withdraw: either party ends a matched relationship at any stage.

    Its meetings still to come are cancelled: the other person's email about the end lists them and
    carries their cancellations; the one who withdrew gets those too, in one email, unless they are
    ``leaving`` the programme (their account is erased next).
    """
    if not reason.strip():
        raise Refused(_("Please tell us why you are withdrawing."))
    with atomic():
        rel = lock(relationship)
        require_party(rel, user)
        if rel.state in OPEN_REQUEST_STATES and rel.role_of(user) == "mentee":
            raise Refused(_("Your request has not been accepted yet: withdraw the request instead."))
        apply(rel, "withdraw", user, reason.strip())
        mentoring_flow.ended(rel)
        cancelled = cancel_meetings_to_come(rel, user)
        other = rel.other(user)
        # Someone leaving gave no reason of their own (the history's note is ours): the email says they left.
        notify(
            other,
            "withdrawn",
            relationship=rel,
            actor=user,
            reason="" if leaving else reason.strip(),
            left=leaving,
            cancelled_meetings=cancelled,
        )
        if cancelled and not leaving:
            notify(user, "withdrawn_meetings_cancelled", relationship=rel, cancelled_meetings=cancelled)
        # Someone leaving is erased right after: the emails name them by role ("A mentee left"), not by name.
        notify_staff("withdrawn_staff", relationship=rel, actor=user, reason=reason.strip(), left=leaving)
    return rel


def close_by_staff(relationship: Relationship, staff_user, reason: str) -> Relationship:
    if not staff_user.is_staff:
        raise Refused(_("Only programme staff can close a relationship."))
    if not reason.strip():
        raise Refused(_("Please give a reason for closing the relationship."))
    with atomic():
        rel = lock(relationship)
        if not rel.is_matched:
            # A request the mentor never accepted: no relationship was closed. Each person is told their
            # request (or the request to them) was closed, the mentee pointed to Find Mentor; it had no meetings.
            apply(rel, "close", staff_user, reason.strip(), action="close_request")
            mentoring_flow.ended(rel)
            notify_each(
                (rel.mentee, "request_closed_by_staff_to_mentee", {"relationship": rel, "reason": reason.strip()}),
                (rel.mentor, "request_closed_by_staff_to_mentor", {"relationship": rel, "reason": reason.strip()}),
            )
            return rel
        apply(rel, "close", staff_user, reason.strip())
        mentoring_flow.ended(rel)
        # Its meetings still to come are cancelled; each person's email about the closing carries them.
        cancelled = cancel_meetings_to_come(rel, staff_user)
        notify_each(
            *(
                (
                    person,
                    "closed_by_staff",
                    {"relationship": rel, "reason": reason.strip(), "cancelled_meetings": cancelled},
                )
                for person in (rel.mentee, rel.mentor)
            )
        )
    return rel


def leave_programme(user) -> None:
    """Account deletion: withdraw every open request and relationship, telling the other party.

    The history says the person left (not that staff closed it): "Ended: the mentee left the programme".
    A request of theirs that is withdrawn (now, or earlier) ends as a withdrawn request: it can no
    longer be reinstated, and it is never counted as a withdrawn relationship (it was not accepted).
    """

    def reason(rel: Relationship) -> str:
        if rel.role_of(user) == "mentee":
            return _("Ended: the mentee left the programme.")
        return _("Ended: the mentor left the programme.")

    for rel in Relationship.objects.filter(mentee=user, state=State.REQUESTED):
        withdraw_request(rel, user, reason(rel), because=LEFT)
    for rel in Relationship.objects.filter(mentor=user, state=State.REQUESTED):
        close_request_for_mentor(rel, user, reason(rel), because=LEFT)
    withdrawn = Relationship.objects.filter(
        Q(mentee=user) | Q(mentor=user), state=State.REQUEST_WITHDRAWN, ended_at__isnull=True
    )
    for rel in withdrawn:
        _end_withdrawn_request(rel, user, reason(rel))
    for rel in Relationship.objects.filter(Q(mentee=user) | Q(mentor=user), state__in=MATCHED_STATES):
        withdraw(rel, user, reason(rel), leaving=True)


def _end_withdrawn_request(relationship: Relationship, user, reason: str) -> Relationship:
    """A withdrawn request of someone who leaves: its journey ends (the mentee's "Reinstate your request"
    step goes), and it stays a withdrawn request. Nobody is told: the mentee withdrew it already."""
    with atomic():
        rel = lock(relationship)
        apply(rel, "leave_programme", user, reason)
        mentoring_flow.ended(rel)
    return rel
