"""A request still waiting for its mentor when the mentor leaves the programme or is deactivated is
closed for them, not declined by them: its state, its history, its pages and its journey say so. On the
mentee's side, a request closed because the programme team deactivated the mentee is not their withdrawal."""

from __future__ import annotations

import pytest
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from journeys import rules
from journeys.models import MentoringProcess, Relationship, State, StateChange
from journeys.services import relationships
from journeys.services.base import Refused
from journeys.tests.helpers import send
from notifications.models import Notification
from people.services import delete_account
from people.tests.factories import make_mentee, make_mentor, make_staff
from staff.members.services import deactivate, reactivate

pytestmark = pytest.mark.django_db

LEFT_LABEL = "Request closed: the mentor left the programme"
DEACTIVATED_LABEL = "Request closed by the programme team: the mentor is not taking part for now"


def closed_by(how: str, mentee, mentor) -> Relationship:
    rel = send(mentee, mentor)
    if how == "left":
        delete_account(mentor)
    else:
        deactivate(mentor, make_staff(email="manager@example.com"))
    return Relationship.objects.get(pk=rel.pk)


@pytest.mark.parametrize(
    ("how", "action", "label"),
    [
        ("left", "request_closed_mentor_left", LEFT_LABEL),
        ("deactivated", "request_closed_mentor_deactivated", DEACTIVATED_LABEL),
    ],
)
def test_the_request_is_closed_for_the_mentor_never_declined(how, action, label, mentee, mentor):
    rel = closed_by(how, mentee, mentor)
    assert rel.state == State.REQUEST_CLOSED and rel.is_ended and rel.ended_at is not None
    assert rel.get_state_display() == "Request closed: the mentor stopped taking part"
    assert list(rel.history.values_list("action", flat=True)) == ["send_request", action]
    closing = rel.history.last()
    assert closing.action_label == label and closing.actor_id == mentor.pk
    assert (closing.from_state, closing.to_state) == (State.REQUESTED, State.REQUEST_CLOSED)
    assert not StateChange.objects.filter(action="decline").exists()
    assert rules.why_read_only(rel).startswith("This request was closed when the mentor stopped taking part,")
    # The mentee is told why, never that the mentor declined.
    assert Notification.objects.filter(recipient=mentee, event="request_closed_for_mentee").count() == 1
    assert not Notification.objects.filter(event="request_declined").exists()
    # Its journey ends: the mentor's review step no longer waits (cancelled: nobody reviewed it).
    assert not Task.objects.filter(
        process__mentoringprocess__relationship=rel, status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.SCHEDULED]
    ).exists()
    process = MentoringProcess.objects.get(relationship=rel)
    assert process.finished is not None and process.status in (STATUS.DONE, STATUS.CANCELED)


def test_a_decline_is_still_a_decline(mentee, mentor):
    rel = relationships.decline_request(send(mentee, mentor), mentor, "Full up")
    assert rel.state == State.DECLINED
    assert rel.history.last().action == "decline" and rel.history.last().action_label == "Declined the request"


@pytest.mark.parametrize(("how", "label"), [("left", LEFT_LABEL), ("deactivated", DEACTIVATED_LABEL)])
def test_the_history_pages_say_the_request_was_closed(client, how, label, mentee, mentor, staff):
    rel = closed_by(how, mentee, mentor)
    client.force_login(mentee)
    page = client.get(reverse("relationship", args=[rel.pk])).content.decode()
    assert label in page and "Request closed: the mentor stopped taking part" in page
    assert "stopped taking part in the programme before answering, so this request was closed" in page
    assert reverse("find_mentor") in page
    assert "Declined the request" not in page and "Request declined" not in page
    assert "could not take on this request" not in page
    client.force_login(staff)
    page = client.get(reverse("staff_relationship", args=[rel.pk])).content.decode()
    assert label in page and "Declined the request" not in page and "Request declined" not in page


def test_the_pair_may_start_again_once_the_mentor_is_back(mentee, mentor, staff):
    rel = send(mentee, mentor)
    deactivate(mentor, staff)
    reactivate(mentor, staff)
    again = send(mentee, mentor)
    assert again.state == State.REQUESTED and Relationship.objects.get(pk=rel.pk).state == State.REQUEST_CLOSED


def test_only_the_requests_waiting_on_the_mentor_who_stopped_are_closed(mentor, staff):
    mentee = make_mentee()
    other_mentor = make_mentor(email="other.mentor@example.com")
    to_them = send(mentee, mentor)
    to_other = send(mentee, other_mentor)
    deactivate(mentor, staff)
    assert Relationship.objects.get(pk=to_them.pk).state == State.REQUEST_CLOSED
    assert Relationship.objects.get(pk=to_other.pk).state == State.REQUESTED


def test_the_relationship_directory_lists_it_as_closed_not_declined(client, mentee, mentor, staff):
    rel = closed_by("deactivated", mentee, mentor)
    other_mentor = make_mentor(email="other.mentor@example.com")
    declined = relationships.decline_request(send(make_mentee(), other_mentor), other_mentor, "")

    def listed(**params) -> set[int]:
        return {r.pk for r in client.get(reverse("staff_relationships"), params).context["page"].object_list}

    client.force_login(staff)
    assert listed(ended="request_closed") == {rel.pk}
    assert listed(ended="declined") == {declined.pk}


def test_the_mentees_data_export_says_the_request_was_closed(mentee, mentor):
    from people import exports

    closed_by("left", mentee, mentor)
    (exported,) = exports._relationships(mentee)
    assert exported["state"] == "Request closed: the mentor stopped taking part"
    assert exported["history"][-1]["what"] == LEFT_LABEL
    assert exported["history"][-1]["stage"] == "Request closed: the mentor stopped taking part"


# -- the mentee's side: a request closed for a mentee the programme team deactivated ------------------


def test_a_request_closed_for_a_deactivated_mentee_is_not_their_withdrawal(client, mentee, mentor, staff):
    """It stays a withdrawn request that ended (counted as withdrawn, as when a mentee leaves), but the
    history does not say the mentee withdrew it, and back again they are told why it cannot be reinstated."""
    rel = send(mentee, mentor)
    deactivate(mentee, staff)
    rel.refresh_from_db()
    assert rel.state == State.REQUEST_WITHDRAWN and rel.is_ended
    closing = rel.history.last()
    assert closing.action == "request_closed_mentee_deactivated"
    assert closing.action_label == "Request closed by the programme team: the mentee is not taking part for now"
    client.force_login(mentor)
    page = client.get(reverse("relationship", args=[rel.pk])).content.decode()
    history = page[page.index("Everything that has happened in this relationship") :]
    assert "Request closed by the programme team: the mentee is not taking part for now" in history
    assert "Withdrew the request" not in history
    reactivate(mentee, staff)
    with pytest.raises(Refused) as refused:
        relationships.reinstate_request(rel, mentee)
    assert refused.value.message == (
        "This request was closed when the programme team stopped the mentee's taking part, "
        "so it can no longer be reinstated."
    )


def test_the_report_says_what_its_withdrawn_figure_counts(client, mentee, mentor, staff):
    send(mentee, mentor)
    deactivate(mentee, staff)
    client.force_login(staff)
    page = client.get(reverse("staff_reports"), {"period": "30"}).content.decode()
    assert "Withdrawn by the mentee, or for them when they were deactivated</dt><dd>1</dd>" in page
