"""What each reminder says, and whether it still applies when its timer fires.

The flows declare when a reminder is due (a non-interrupting timer on the step that waits:
journeys/flows/); when it fires, one of these runs. Each checks that the step is still
waiting on that person (the timer is cancelled when the step finishes, but a state can move
on by another path), then hands the message to ``notifications.reminders``, which leaves out
anyone who has stopped that kind of reminder.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.dateformat import format as format_date

from notifications.reminders import Kind, send_reminder
from notifications.services import Message

from ..models import Feedback, Relationship, State


def _day(moment) -> str:
    return format_date(moment, "j F Y")


def remind_mentor_to_review(relationship: Relationship) -> bool:
    """The mentor has not answered a request yet."""
    if relationship.state != State.REQUESTED:
        return False
    mentee = relationship.mentee
    sent = send_reminder(
        relationship.mentor,
        Kind.REVIEW_REQUEST,
        Message(
            subject=f"{mentee.display_name} is waiting for your answer",
            paragraphs=[
                f"{mentee.display_name} asked you on {_day(relationship.created_at)} to mentor them in "
                f"“{relationship.area.name}”, and is still waiting to hear from you.",
                "Please accept or decline the request, even if the answer is no: it lets them look for "
                "another mentor. You can message them first if you have questions.",
            ],
            link=reverse("next_step", args=[relationship.pk]),
            link_label="Review the request",
        ),
        "reminder_review_request",
    )
    return sent is not None


def remind_mentee_to_arrange(relationship: Relationship) -> bool:
    """Matched, but no first meeting yet."""
    if relationship.state != State.ARRANGING:
        return False
    mentor = relationship.mentor
    sent = send_reminder(
        relationship.mentee,
        Kind.FIRST_MEETING,
        Message(
            subject=f"Arrange your first meeting with {mentor.display_name}",
            paragraphs=[
                f"{mentor.display_name} accepted your request on {_day(relationship.matched_at or relationship.created_at)}. "
                "The next step is yours: suggest a time for your first conversation, or record one you "
                "have already arranged another way.",
            ],
            link=reverse("next_step", args=[relationship.pk]),
            link_label="Arrange your first meeting",
        ),
        "reminder_first_meeting",
    )
    return sent is not None


def remind_to_give_feedback(relationship: Relationship, user) -> bool:
    """The relationship is waiting for this person's feedback."""
    if relationship.state != State.FEEDBACK or Feedback.objects.filter(relationship=relationship, author=user).exists():
        return False
    other = relationship.other(user)
    sent = send_reminder(
        user,
        Kind.FEEDBACK,
        Message(
            subject="Your feedback is still to come",
            paragraphs=[
                f"Your mentoring with {other.display_name} is waiting for your feedback before it can be "
                "marked as completed. It takes two minutes, and it helps the programme match people well.",
            ],
            link=reverse("next_step", args=[relationship.pk]),
            link_label="Give feedback",
        ),
        "reminder_feedback",
    )
    return sent is not None


def remind_to_complete_profile(user) -> bool:
    profile = getattr(user, "profile", None)
    if profile is not None and profile.is_complete:
        return False
    sent = send_reminder(
        user,
        Kind.PROFILE,
        Message(
            subject="Finish your profile to get started",
            paragraphs=[
                "Your profile is not complete yet. Once it is, mentees can find you (if you mentor) and "
                "you can look for a mentor (if you would like one).",
            ],
            link=reverse("profile"),
            link_label="Complete your profile",
        ),
        "reminder_profile",
    )
    return sent is not None


def nudge_to_find_mentor(user) -> bool:
    profile = getattr(user, "profile", None)
    if profile is None or not profile.is_mentee or Relationship.objects.filter(mentee=user).exists():
        return False
    sent = send_reminder(
        user,
        Kind.FIND_MENTOR,
        Message(
            subject="Mentors who could help you",
            paragraphs=[
                "Your profile is ready, but you have not asked anyone to mentor you yet. We have picked "
                "out mentors who match the areas of support in your profile.",
                "Have a look, ask a question if you are unsure, and send a Mentor Request when you find "
                "the right person.",
            ],
            link=reverse("find_mentor"),
            link_label="See suggested mentors",
        ),
        "reminder_find_mentor",
    )
    return sent is not None
