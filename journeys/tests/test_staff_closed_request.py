"""Staff close a request the mentor never accepted: it was a request, not a relationship, so nothing
the two are told says a "mentoring relationship" was closed, and the mentee is pointed to Find Mentor,
as after every other ending of a request (declined, expired, closed when the mentor stopped taking part)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from journeys import rules
from journeys.models import State
from journeys.services import relationships

from .helpers import send, walk_to

pytestmark = pytest.mark.django_db

REASON = "The mentor is on long leave; we will help you find another."


def _mail_to(user):
    (message,) = [m for m in mail.outbox if m.to == [user.email] and "closed" in m.subject]
    return message, message.alternatives[0][0]


@pytest.mark.parametrize("withdrawn_first", [False, True])
def test_a_request_closed_by_staff_is_told_as_a_request(
    withdrawn_first, client, mentee, mentor, staff, django_capture_on_commit_callbacks
):
    rel = send(mentee, mentor)
    if withdrawn_first:
        relationships.withdraw_request(rel, mentee)
    with django_capture_on_commit_callbacks(execute=True):
        relationships.close_by_staff(rel, staff, REASON)
    rel.refresh_from_db()
    assert rel.state == State.CLOSED

    told, told_html = _mail_to(mentee)
    assert told.subject.endswith(f"Your mentoring request to {mentor.display_name} has been closed")
    assert f"The programme team has closed your mentoring request to {mentor.display_name}." in told.body
    assert REASON in told.body and REASON in told_html
    assert f"Find another mentor: http://localhost:8000{reverse('find_mentor')}" in told.body
    asked, asked_html = _mail_to(mentor)
    assert asked.subject.endswith(f"{mentee.display_name}'s mentoring request has been closed")
    assert "the request no longer waits for your answer" in asked.body
    for body in (told.body, told_html, asked.body, asked_html):
        assert "relationship" not in body.split("http")[0]

    # The history, the pages and the mentee's way on say "request" too.
    assert rel.history.last().action_label == "Closed the request"
    assert rules.why_read_only(rel).startswith("This request was closed by programme staff,")
    client.force_login(mentee)
    page = client.get(reverse("relationship", args=[rel.pk])).content.decode()
    assert "The programme team closed this request before it was answered." in page
    assert f'<a href="{reverse("find_mentor")}">Find another mentor</a>' in page
    assert "This relationship was closed" not in page


def test_a_relationship_closed_by_staff_is_still_told_as_a_relationship(
    mentee, mentor, staff, django_capture_on_commit_callbacks
):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    with django_capture_on_commit_callbacks(execute=True):
        relationships.close_by_staff(rel, staff, REASON)
    told, _html = _mail_to(mentee)
    assert told.subject.endswith(f"Your mentoring relationship with {mentor.display_name} has been closed")
    # the mentee is pointed to Find Mentor, in both versions; the mentor is not
    assert "When you are ready, Find Mentor suggests other mentors" in told.body and "/find/" in told.body
    assert "When you are ready, Find Mentor suggests other mentors" in _html
    to_mentor, _mentor_html = _mail_to(mentor)
    assert "Find Mentor" not in to_mentor.body
    assert rel.history.last().action_label == "Closed the relationship"
    rel.refresh_from_db()
    assert rules.why_read_only(rel).startswith("This relationship was closed by programme staff,")
