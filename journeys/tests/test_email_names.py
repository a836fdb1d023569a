"""Emails to a mentor with several mentees say which mentee they are about (and the mentee's, which
mentor); the request email quotes the personal statement."""

from __future__ import annotations

import pytest
from django.core import mail

from journeys.services import activity, relationships
from notifications.models import Notification
from people.tests.factories import make_mentee

from .helpers import meet, send, walk_to

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_mentees(mentor, mentee):
    mentor.profile.capacity = 3
    mentor.profile.save()
    second = make_mentee(first_name="Priya", last_name="Shah", email="priya@example.com")
    return walk_to(send(mentee, mentor), mentee, mentor, "arranging"), walk_to(
        send(second, mentor), second, mentor, "arranging"
    )


def subjects_to(user, event) -> list[str]:
    return list(Notification.objects.filter(recipient=user, event=event).values_list("subject", flat=True))


def test_meeting_emails_name_the_other_person(two_mentees, mentor, mentee):
    first, second = two_mentees
    meeting = meet(second, second.mentee, title="First conversation")
    activity.update_meeting(meeting, second.mentee, title="First conversation (moved)")
    activity.cancel_meeting(meeting, second.mentee)
    for event in ("meeting_arranged", "meeting_changed", "meeting_cancelled"):
        [subject] = subjects_to(mentor, event)
        assert "Priya Shah" in subject and mentee.display_name not in subject, subject
    meet(first, mentor, title="Catch-up")  # arranged by the mentor: the mentee's email names the mentor
    [subject] = subjects_to(mentee, "meeting_arranged")
    assert mentor.display_name in subject


def test_feedback_completion_and_closing_emails_name_the_other_person(two_mentees, mentor, mentee, staff):
    first, second = two_mentees
    walk_to(first, mentee, mentor, "feedback")
    assert mentee.display_name in subjects_to(mentor, "ready_for_feedback")[0]
    assert mentor.display_name in subjects_to(mentee, "ready_for_feedback")[0]
    relationships.give_feedback(first, mentee, 5, "Great")
    assert mentee.display_name in subjects_to(mentor, "feedback_pending")[0]
    relationships.give_feedback(first, mentor, 5, "Good")
    assert mentee.display_name in subjects_to(mentor, "relationship_completed")[0]
    mail.outbox.clear()
    relationships.close_by_staff(second, staff, "Programme ended")
    [to_mentor] = [m for m in mail.outbox if m.to == [mentor.email]]
    assert "Priya Shah" in to_mentor.subject and "Priya Shah" in to_mentor.body


def test_the_request_email_quotes_the_statement(mentee, mentor):
    mail.outbox.clear()
    send(mentee, mentor, statement="I want to get better at giving feedback to my team.")
    [email] = [m for m in mail.outbox if m.to == [mentor.email]]
    assert "“I want to get better at giving feedback to my team.”" in email.body
    assert mentee.display_name in email.subject
