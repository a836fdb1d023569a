"""Every transition of the relationship, through the services, including refused ones."""

import pytest
from django.core import mail
from django.utils import timezone

from journeys.models import Goal, Relationship, State
from journeys.services import relationships
from journeys.services.base import Refused
from notifications.models import Notification
from people.tests.factories import make_mentee, make_mentor

from .helpers import first_meeting_over, goal, meet, open_task_names, send, walk_to

pytestmark = pytest.mark.django_db(transaction=True)


def test_request_starts_flow_waiting_on_mentor(mentee, mentor):
    rel = send(mentee, mentor)
    assert rel.state == State.REQUESTED
    assert open_task_names(rel) == ["review_request"]
    assert [n.event for n in Notification.objects.filter(recipient=mentor)] == ["request_sent"]
    assert Notification.objects.filter(recipient=mentee, event="request_sent_confirmation").exists()
    assert {m.to[0] for m in mail.outbox} == {mentor.email, mentee.email}


def test_cannot_request_self_or_twice(mentee, mentor):
    from journeys.services.relationships import send_request
    from people.tests.factories import make_profile

    make_profile(mentor, mentor=True, mentee=True)
    with pytest.raises(Refused, match="yourself"):
        send_request(mentor, mentor, rel_area(), "I would like some help with this")
    send(mentee, mentor)
    with pytest.raises(Refused, match="already have an open request"):
        send(mentee, mentor)
    assert Relationship.objects.filter(mentee=mentee, mentor=mentor).count() == 1


def rel_area():
    from people.models import AreaOfSupport

    return AreaOfSupport.objects.first()


def test_full_journey_to_completed(mentee, mentor):
    rel = send(mentee, mentor)
    walk_to(rel, mentee, mentor, "completed")
    assert open_task_names(rel) == []
    actions = list(rel.history.values_list("action", flat=True))
    for action in [
        "send_request",
        "accept",
        "first_meeting_arranged",
        "complete_first_conversation",
        "complete_progression",
        "ready_for_feedback",
        "complete",
    ]:
        assert action in actions
    assert rel.processes.get().status == "DONE"


def test_decline_ends_flow_and_points_back_to_search(mentee, mentor):
    rel = send(mentee, mentor)
    relationships.decline_request(rel, mentor, "I'm too busy this quarter")
    rel.refresh_from_db()
    assert rel.state == State.DECLINED
    assert open_task_names(rel) == []
    note = Notification.objects.get(recipient=mentee, event="request_declined")
    assert note.link == "/find/"
    assert "too busy" in note.body_text


def test_a_declined_proposal_tells_the_mentee_the_programme_may_propose_another(client, mentee, mentor, staff):
    """A request the programme proposed from a matching round: declined, the mentee is not only sent to
    Find Mentor, but told the round has the answer and that another proposal would be emailed."""
    from journeys.services import proposals
    from people.models import AreaOfSupport

    area = AreaOfSupport.objects.first()
    rel = proposals.propose_request(mentee=mentee, mentor=mentor, area=area, statement="", staff_user=staff)
    relationships.decline_request(rel, mentor, "My diary is full until spring.")
    note = Notification.objects.get(recipient=mentee, event="request_declined")
    said = "If the team proposes another mentor for you, we will email you."
    assert said in note.body_text and said in note.body_html and note.link == "/find/"
    assert "Please don't be discouraged" not in note.body_text
    client.force_login(mentee)
    page = client.get(f"/relationships/{rel.pk}/").content.decode()
    assert "if the team proposes another mentor for you, we will email you" in page
    # a request the mentee sent themselves says nothing of the programme
    own = send(mentee, make_mentor(email="second@example.com"))
    relationships.decline_request(own, own.mentor)
    note = Notification.objects.filter(recipient=mentee, event="request_declined").latest("pk")
    assert "Please don't be discouraged" in note.body_text and "matching round" not in note.body_text
    assert "matching round" not in client.get(f"/relationships/{own.pk}/").content.decode()


def test_withdraw_and_reinstate_request(mentee, mentor):
    rel = send(mentee, mentor)
    relationships.withdraw_request(rel, mentee)
    rel.refresh_from_db()
    assert rel.state == State.REQUEST_WITHDRAWN
    assert open_task_names(rel) == ["reinstate_request"]
    with pytest.raises(Refused):
        relationships.accept_request(rel, mentor)
    relationships.reinstate_request(rel, mentee)
    rel.refresh_from_db()
    assert rel.state == State.REQUESTED
    assert open_task_names(rel) == ["review_request"]
    relationships.accept_request(rel, mentor)
    assert open_task_names(rel) == ["arrange_first_meeting"]


def test_accept_beyond_capacity_is_refused(mentor):
    mentor.profile.capacity = 1
    mentor.profile.save()
    first, second = make_mentee(), make_mentee()
    r1, r2 = send(first, mentor), send(second, mentor)
    relationships.accept_request(r1, mentor)
    with pytest.raises(Refused, match="as many mentees"):
        relationships.accept_request(r2, mentor)
    r2.refresh_from_db()
    assert r2.state == State.REQUESTED


def test_reinstate_refused_when_mentor_paused(mentee, mentor):
    rel = send(mentee, mentor)
    relationships.withdraw_request(rel, mentee)
    mentor.profile.accepting_requests = False
    mentor.profile.save()
    with pytest.raises(Refused, match="paused"):
        relationships.reinstate_request(rel, mentee)


def test_only_mentor_accepts(mentee, mentor, outsider):
    rel = send(mentee, mentor)
    for who in (mentee, outsider):
        with pytest.raises(Refused):
            relationships.accept_request(rel, who)


def test_stage_guards_say_why(mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    with pytest.raises(Refused, match="not the current one"):
        relationships.complete_stage(rel, mentee, "first_conversation")
    meet(rel, mentee)
    with pytest.raises(Refused, match="at least one SMART goal"):
        relationships.complete_stage(rel, mentee, "first_conversation")
    goal(rel, mentor)
    with pytest.raises(Refused, match="first meeting has not taken place yet"):
        relationships.complete_stage(rel, mentee, "first_conversation")
    first_meeting_over(rel)
    relationships.complete_stage(rel, mentee, "first_conversation")
    rel.refresh_from_db()
    assert rel.state == State.PROGRESSION
    assert open_task_names(rel) == ["progression"]


def test_withdraw_at_any_matched_stage_cancels_flow(mentee, mentor):
    for stage in ["arranging", "first_conversation", "progression", "completion", "feedback"]:
        m = make_mentee()
        rel = walk_to(send(m, mentor), m, mentor, stage)
        with pytest.raises(Refused, match="why"):
            relationships.withdraw(rel, mentor, "  ")
        relationships.withdraw(rel, mentor, "Moving abroad")
        rel.refresh_from_db()
        assert rel.state == State.WITHDRAWN, stage
        assert open_task_names(rel) == []
        assert Notification.objects.filter(recipient=m, event="withdrawn").exists()
        with pytest.raises(Refused):
            relationships.withdraw(rel, m, "again")


def test_feedback_is_parallel_and_once_each(mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "feedback")
    assert open_task_names(rel) == ["mentee_feedback", "mentor_feedback"]
    relationships.give_feedback(rel, mentor, 4, "Good")
    assert open_task_names(rel) == ["mentee_feedback"]
    with pytest.raises(Refused, match="already"):
        relationships.give_feedback(rel, mentor, 5, "again")
    relationships.give_feedback(rel, mentee, 5, "Great")
    rel.refresh_from_db()
    assert rel.state == State.COMPLETED


def test_staff_close(mentee, mentor, staff):
    rel = send(mentee, mentor)
    with pytest.raises(Refused):
        relationships.close_by_staff(rel, mentee, "no")
    relationships.close_by_staff(rel, staff, "Duplicate account")
    rel.refresh_from_db()
    assert rel.state == State.CLOSED
    assert open_task_names(rel) == []


def test_transitions_from_the_wrong_stage_are_refused_with_a_reason(mentee, mentor):
    from journeys.services import activity

    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")
    refusals = {
        "accept again": lambda: relationships.accept_request(rel, mentor),
        "decline after accepting": lambda: relationships.decline_request(rel, mentor),
        "withdraw the request after acceptance": lambda: relationships.withdraw_request(rel, mentee),
        "reinstate a live relationship": lambda: relationships.reinstate_request(rel, mentee),
        "edit the request after acceptance": lambda: relationships.edit_request(rel, mentee, rel.area, "New text here"),
        "skip to completion": lambda: relationships.complete_stage(rel, mentee, "progression"),
        "feedback too early": lambda: relationships.give_feedback(rel, mentee, 5, "Great"),
    }
    for what, action in refusals.items():
        with pytest.raises(Refused) as refused:
            action()
        assert refused.value.message, what
    rel.refresh_from_db()
    assert rel.state == State.FIRST_CONVERSATION
    assert open_task_names(rel) == ["first_conversation"]

    relationships.withdraw(rel, mentee, "Changed jobs")
    for action in (
        lambda: relationships.withdraw(rel, mentor, "again"),
        lambda: activity.create_goal(rel, mentee, label="Late goal", due_date=None),
        lambda: meet(rel, mentee),
        lambda: relationships.complete_stage(rel, mentee, "first_conversation"),
    ):
        with pytest.raises(Refused):
            action()
    rel.refresh_from_db()
    assert rel.state == State.WITHDRAWN


def test_edit_request_is_recorded_and_both_told(mentee, mentor):
    from people.models import AreaOfSupport

    rel = send(mentee, mentor)
    other_area = AreaOfSupport.objects.exclude(pk=rel.area_id).first()
    relationships.edit_request(rel, mentee, other_area, "A clearer statement of what I need.")
    rel.refresh_from_db()
    assert rel.area == other_area and rel.statement == "A clearer statement of what I need."
    assert rel.history.filter(action="edit", actor=mentee).exists()
    assert Notification.objects.filter(recipient=mentor, event="request_edited").exists()
    assert Notification.objects.filter(recipient=mentee, event="request_edited_confirmation").exists()
    with pytest.raises(Refused):
        relationships.edit_request(rel, mentor, other_area, "Mentor cannot edit this one")


def test_entering_completion_reminds_both_of_the_goals_still_open(mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "progression")  # one goal, "Grow my network"
    goal(rel, mentor, label="Shadow a board meeting")
    from django.utils import timezone

    Goal.objects.filter(label="Shadow a board meeting").update(completed_at=timezone.now())
    relationships.complete_stage(rel, mentee, "progression")
    [own] = Notification.objects.filter(recipient=mentee, event="completion_open_goals")
    assert "“Grow my network”" in own.body_text and "Shadow a board meeting" not in own.body_text
    told = Notification.objects.filter(recipient=mentor, event="stage_completed").latest("pk")
    assert "still open: “Grow my network”" in told.body_text
    # The mentor cannot complete the mentee's goal: nobody is asked to "mark what you achieved".
    for note in (own, told):
        assert "Mark what you achieved" not in note.body_text
        assert "add an outcome saying where you got to: either of you can" in note.body_text
        assert "Only the person who set a goal can mark it complete." in note.body_text


def test_no_open_goals_no_wrap_up_message(mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "progression")
    rel.goals.update(completed_at=timezone.now())
    relationships.complete_stage(rel, mentee, "progression")
    assert not Notification.objects.filter(event="completion_open_goals").exists()
    assert (
        "still open"
        not in Notification.objects.filter(recipient=mentor, event="stage_completed").latest("pk").body_text
    )
