"""Requests and the relationship's stages: one function per thing a person does."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.services import Message, notify, notify_staff
from people import rules as people_rules
from people.models import AreaOfSupport
from project import ratelimit

from ..flows import driver
from ..flows import mentoring as mentoring_flow
from ..models import (
    MATCHED_STATES,
    OPEN_REQUEST_STATES,
    OPEN_STATES,
    Conversation,
    Feedback,
    Relationship,
    State,
    StateChange,
)
from .base import RateLimited, Refused, apply, atomic, lock, record, require_party

User = get_user_model()


def _url(name: str, relationship: Relationship) -> str:
    return reverse(name, args=[relationship.pk])


def conversation_for(mentee, mentor) -> Conversation:
    conversation, _ = Conversation.objects.get_or_create(mentee=mentee, mentor=mentor)
    return conversation


def _check_can_request(mentee, mentor) -> None:
    if mentee.pk == mentor.pk:
        raise Refused("You cannot send a mentoring request to yourself.")
    profile = getattr(mentee, "profile", None)
    if not (profile and profile.is_mentee):
        raise Refused("Only mentees can send mentoring requests. Add the mentee role in your profile first.")
    mentor_profile = getattr(mentor, "profile", None)
    if not (mentor_profile and mentor_profile.is_mentor and people_rules.account_open(mentor)):
        raise Refused("This person is not available as a mentor.")
    if not mentor_profile.accepting_requests:
        raise Refused(f"{mentor.display_name} has paused new mentoring requests for now.")
    if people_rules.mentor_away(mentor_profile):
        raise Refused(f"{mentor.display_name} is away until {mentor_profile.away_until:%-d %B %Y}.")
    if Relationship.objects.filter(mentee=mentee, mentor=mentor, state__in=OPEN_STATES).exists():
        raise Refused(f"You already have an open request or relationship with {mentor.display_name}.")


def send_request(mentee, mentor, area: AreaOfSupport, statement: str) -> Relationship:
    """Mentor Request → Send Request: create the request and start its journey."""
    try:
        with ratelimit.spend(ratelimit.REQUESTS, mentee.pk):
            return _create_request(mentee, mentor, area, statement)
    except ratelimit.LimitReached:
        raise RateLimited(
            _(
                "You have sent %(count)d mentoring requests in the last day, which is as many as we allow. "
                "This one has not been sent: please try again tomorrow."
            )
            % {"count": ratelimit.REQUESTS.allowed}
        ) from None


def _create_request(mentee, mentor, area: AreaOfSupport, statement: str) -> Relationship:
    from ..flows import onboarding
    from ..rules import mentor_has_room

    with atomic():
        # Lock the mentor's profile so two requests to a full mentor are checked one at a time.
        User.objects.select_for_update().filter(pk=mentor.pk).first()
        _check_can_request(mentee, mentor)
        if not mentor_has_room(mentor.profile):
            raise Refused(f"{mentor.display_name} is supporting as many mentees as they can at the moment.")
        try:
            with atomic():
                relationship = Relationship.objects.create(
                    mentee=mentee,
                    mentor=mentor,
                    area=area,
                    statement=statement.strip(),
                    conversation=conversation_for(mentee, mentor),
                )
        except IntegrityError as exc:
            if "one_open_relationship_per_pair" not in str(exc):
                raise
            raise Refused(f"You already have an open request with {mentor.display_name}.") from None
        StateChange.objects.create(
            relationship=relationship, actor=mentee, action="send_request", to_state=relationship.state
        )
        mentoring_flow.MentoringFlow.start.run(relationship=relationship)
        onboarding.first_request_sent(mentee)
        notify(
            mentor,
            Message(
                subject=f"New mentoring request from {mentee.display_name}",
                paragraphs=[
                    f"{mentee.display_name} would like you to mentor them in “{area.name}”.",
                    "Please review the request and accept or decline it. You can message them first if "
                    "anything needs clarifying.",
                ],
                link=_url("next_step", relationship),
                link_label="Review the request",
            ),
            "request_sent",
        )
        notify(
            mentee,
            Message(
                subject=f"Your request to {mentor.display_name} has been sent",
                paragraphs=[
                    f"We have sent your mentoring request to {mentor.display_name}. We will email you as soon "
                    "as they respond. Meanwhile you can still edit or withdraw it.",
                ],
                link=reverse("relationships"),
                link_label="See your relationships",
            ),
            "request_sent_confirmation",
        )
    return relationship


def edit_request(relationship: Relationship, mentee, area: AreaOfSupport, statement: str) -> Relationship:
    with atomic():
        rel = lock(relationship)
        require_party(rel, mentee, "mentee")
        rel.area = area
        rel.statement = statement.strip()
        apply(rel, "edit", mentee, "Request details changed")
        _tell_both_about_request(rel, "edited")
    return rel


def _tell_both_about_request(rel: Relationship, what: str) -> None:
    notify(
        rel.mentor,
        Message(
            subject=f"{rel.mentee.display_name} has {what} their mentoring request",
            paragraphs=[f"{rel.mentee.display_name} has {what} their request for mentoring in “{rel.area.name}”."],
            link=_url("relationship", rel),
            link_label="View the request",
        ),
        f"request_{what}",
    )
    notify(
        rel.mentee,
        Message(
            subject=f"You have {what} your request to {rel.mentor.display_name}",
            paragraphs=[f"This confirms that you have {what} your mentoring request to {rel.mentor.display_name}."],
            link=_url("relationship", rel),
            link_label="View the request",
        ),
        f"request_{what}_confirmation",
    )


def withdraw_request(relationship: Relationship, mentee, reason: str = "") -> Relationship:
    with atomic():
        rel = lock(relationship)
        require_party(rel, mentee, "mentee")
        apply(rel, "withdraw_request", mentee, reason)
        driver.finish(rel.processes.all(), mentoring_flow.MentoringFlow.review_request)
        _tell_both_about_request(rel, "withdrawn")
    return rel


def reinstate_request(relationship: Relationship, mentee) -> Relationship:
    with atomic():
        rel = lock(relationship, mentor=True)
        require_party(rel, mentee, "mentee")
        apply(rel, "reinstate", mentee)
        driver.finish(rel.processes.all(), mentoring_flow.MentoringFlow.reinstate_request)
        _tell_both_about_request(rel, "reinstated")
    return rel


def accept_request(relationship: Relationship, mentor, message: str = "") -> Relationship:
    with atomic():
        # Accepts for one mentor run one at a time (the mentor's row is locked), so capacity holds.
        rel = lock(relationship, mentor=True)
        require_party(rel, mentor, "mentor")
        apply(rel, "accept", mentor, message)
        driver.finish(rel.processes.all(), mentoring_flow.MentoringFlow.review_request)
        paragraphs = [
            f"Good news: {mentor.display_name} has accepted your mentoring request.",
            f"You can now see each other's contact details. Your next step is to arrange your first "
            f"conversation with {mentor.display_name}.",
        ]
        if message:
            paragraphs.append(f"{mentor.display_name} wrote: “{message}”")
        notify(
            rel.mentee,
            Message(
                subject=f"{mentor.display_name} has accepted your mentoring request",
                paragraphs=paragraphs,
                link=_url("next_step", rel),
                link_label="Arrange your first meeting",
            ),
            "request_accepted",
        )
    return rel


def decline_request(relationship: Relationship, mentor, message: str = "") -> Relationship:
    with atomic():
        rel = lock(relationship)
        require_party(rel, mentor, "mentor")
        apply(rel, "decline", mentor, message)
        driver.finish(rel.processes.all(), mentoring_flow.MentoringFlow.review_request)
        paragraphs = [
            f"{mentor.display_name} is not able to take on your mentoring request this time.",
            "Please don't be discouraged: there are other mentors who may be a good fit. "
            "Find Mentor will show you who matches what you are looking for.",
        ]
        if message:
            paragraphs.insert(1, f"{mentor.display_name} wrote: “{message}”")
        notify(
            rel.mentee,
            Message(
                subject=f"Your mentoring request to {mentor.display_name} was declined",
                paragraphs=paragraphs,
                link=reverse("find_mentor"),
                link_label="Find another mentor",
            ),
            "request_declined",
        )
    return rel


STAGE_TRANSITIONS = {
    "first_conversation": "complete_first_conversation",
    "progression": "complete_progression",
    "completion": "ready_for_feedback",
}


def complete_stage(relationship: Relationship, user, stage: str) -> Relationship:
    """ "Mark stage as completed" (and, at completion, "Ready to give feedback")."""
    transition_name = STAGE_TRANSITIONS[stage]
    node = getattr(mentoring_flow.MentoringFlow, stage)
    with atomic():
        rel = lock(relationship)
        require_party(rel, user)
        if rel.state != stage:
            raise Refused(f"This stage is not the current one: the relationship is at “{rel.get_state_display()}”.")
        apply(rel, transition_name, user)
        driver.finish(rel.processes.all(), node)
        other = rel.other(user)
        if stage == "completion":
            for person in (rel.mentee, rel.mentor):
                notify(
                    person,
                    Message(
                        subject="Please give feedback on your mentoring",
                        paragraphs=[
                            "Your mentoring relationship is ready for feedback. Please tell us how it went: "
                            "it takes two minutes and helps the programme improve.",
                        ],
                        link=_url("next_step", rel),
                        link_label="Give feedback",
                    ),
                    "ready_for_feedback",
                )
        else:
            wrap_up = _open_goals_reminder(rel) if stage == "progression" else []
            if wrap_up:  # entering completion: both are reminded of the goals still open
                notify(
                    user,
                    Message(
                        subject="Wrapping up: your open goals",
                        paragraphs=wrap_up,
                        link=reverse("goals", args=[rel.pk]),
                        link_label="Open Goals",
                    ),
                    "completion_open_goals",
                )
            notify(
                other,
                Message(
                    subject=f"{user.display_name} marked a stage as completed",
                    paragraphs=[
                        f"{user.display_name} marked “{State(stage).label}” as completed. "
                        f"Your relationship is now at “{rel.get_state_display()}”.",
                        *wrap_up,
                    ],
                    link=_url("relationship", rel),
                    link_label="View the relationship",
                ),
                "stage_completed",
            )
    return rel


def _open_goals_reminder(rel: Relationship) -> list[str]:
    labels = list(rel.goals.filter(completed_at__isnull=True).order_by("created_at").values_list("label", flat=True))
    if not labels:
        return []
    listed = ", ".join(f"“{label}”" for label in labels)
    return [
        f"As you wrap up, {'this goal is' if len(labels) == 1 else 'these goals are'} still open: {listed}. "
        "Mark what you achieved, and note where you got to with the rest before you give feedback."
    ]


def give_feedback(relationship: Relationship, user, rating: int, comments: str) -> Relationship:
    with atomic():
        rel = lock(relationship)
        require_party(rel, user)
        if rel.state != State.FEEDBACK:
            raise Refused("Feedback can be given once the relationship is ready for feedback.")
        if rel.feedback.filter(author=user).exists():
            raise Refused("You have already given your feedback. Thank you!")
        Feedback.objects.create(relationship=rel, author=user, rating=rating, comments=comments.strip())
        record(rel, user, "give_feedback", "")
        node = (
            mentoring_flow.MentoringFlow.mentee_feedback
            if rel.role_of(user) == "mentee"
            else mentoring_flow.MentoringFlow.mentor_feedback
        )
        driver.finish(rel.processes.all(), node)
        if rel.feedback.count() == 2:
            apply(rel, "complete", user, "Both gave feedback")
            for person in (rel.mentee, rel.mentor):
                notify(
                    person,
                    Message(
                        subject="Your mentoring relationship is complete",
                        paragraphs=[
                            "Both of you have given feedback, so this mentoring journey is now complete. "
                            "It stays readable on your Relationships page. Thank you for taking part!",
                        ],
                        link=_url("relationship", rel),
                        link_label="View the relationship",
                    ),
                    "relationship_completed",
                )
        else:
            other = rel.other(user)
            notify(
                other,
                Message(
                    subject="Your feedback is still to come",
                    paragraphs=[
                        f"{user.display_name} has given their feedback. Once you give yours, the relationship "
                        "will be completed.",
                    ],
                    link=_url("next_step", rel),
                    link_label="Give feedback",
                ),
                "feedback_pending",
            )
    return rel


def withdraw(relationship: Relationship, user, reason: str) -> Relationship:
    """Actions → Withdraw: either party ends a matched relationship at any stage."""
    if not reason.strip():
        raise Refused("Please tell us why you are withdrawing.")
    with atomic():
        rel = lock(relationship)
        require_party(rel, user)
        if rel.state in OPEN_REQUEST_STATES and rel.role_of(user) == "mentee":
            raise Refused("Your request has not been accepted yet: withdraw the request instead.")
        apply(rel, "withdraw", user, reason.strip())
        driver.cancel(mentoring_flow.MentoringFlow, rel.processes.all())
        other = rel.other(user)
        notify(
            other,
            Message(
                subject=f"{user.display_name} has withdrawn from your mentoring relationship",
                paragraphs=[
                    f"{user.display_name} has ended your mentoring relationship.",
                    f"The reason they gave: “{reason.strip()}”",
                    "The relationship stays readable on your Relationships page.",
                ],
                link=_url("relationship", rel),
                link_label="View the relationship",
            ),
            "withdrawn",
        )
        notify_staff(
            Message(
                subject=f"Relationship withdrawn: {rel}",
                paragraphs=[f"{user.display_name} withdrew. Reason: “{reason.strip()}”"],
                link=_url("relationship", rel),
            ),
            "withdrawn_staff",
        )
    return rel


def close_by_staff(relationship: Relationship, staff_user, reason: str) -> Relationship:
    if not staff_user.is_staff:
        raise Refused("Only programme staff can close a relationship.")
    if not reason.strip():
        raise Refused("Please give a reason for closing the relationship.")
    with atomic():
        rel = lock(relationship)
        apply(rel, "close", staff_user, reason.strip())
        driver.cancel(mentoring_flow.MentoringFlow, rel.processes.all())
        for person in (rel.mentee, rel.mentor):
            notify(
                person,
                Message(
                    subject="Your mentoring relationship has been closed",
                    paragraphs=[
                        "The programme team has closed your mentoring relationship.",
                        f"The reason given: “{reason.strip()}”",
                    ],
                    link=_url("relationship", rel),
                    link_label="View the relationship",
                ),
                "closed_by_staff",
            )
    return rel


def leave_programme(user) -> None:
    """Account deletion: withdraw every open request and relationship, telling the other party.

    The history says the person left (not that staff closed it): "Ended: the mentee left the programme".
    """

    def reason(rel: Relationship) -> str:
        return f"Ended: the {rel.role_of(user)} left the programme."

    for rel in Relationship.objects.filter(mentee=user, state=State.REQUESTED):
        withdraw_request(rel, user, reason(rel))
    for rel in Relationship.objects.filter(mentor=user, state=State.REQUESTED):
        decline_request(rel, user, reason(rel))
    for rel in Relationship.objects.filter(mentee=user, state=State.REQUEST_WITHDRAWN):
        with atomic():
            r = lock(rel)
            apply(r, "leave_programme", user, reason(r))
            driver.cancel(mentoring_flow.MentoringFlow, r.processes.all())
    for rel in Relationship.objects.filter(Q(mentee=user) | Q(mentor=user), state__in=MATCHED_STATES):
        withdraw(rel, user, reason(rel))
