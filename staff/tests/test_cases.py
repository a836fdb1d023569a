"""The staff task inbox: how cases open, who may see them, and every action on them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from journeys.flows.timers import fire_due_timers
from journeys.models import Meeting, Relationship, State
from journeys.services import relationships
from journeys.tests.helpers import meet, quiet_for, send, walk_to
from notifications.models import Notification
from people.tests.factories import make_mentee, make_mentor, make_staff
from project.dates import long_date
from staff import services
from staff.models import CaseKind, StaffCase, StaffNote

pytestmark = pytest.mark.django_db(transaction=True)
INBOX = reverse("staff_inbox")


def fire_timer(relationship, name: str) -> int:
    """Bring the named boundary timer of this relationship forward to now and fire it."""
    tasks = [
        t
        for t in Task.objects.filter(
            flow_task_type="TIMER", status=STATUS.SCHEDULED, process__mentoringprocess__relationship=relationship
        )
        if t.flow_task.name == name
    ]
    Task.objects.filter(pk__in=[t.pk for t in tasks]).update(scheduled=timezone.now() - dt.timedelta(seconds=1))
    return fire_due_timers()


def task_of(case) -> Task:
    return services.handle_task(case)


def execute_url(case) -> str:
    task = task_of(case)
    return task.flow_task.reverse("execute", args=[case.pk, task.pk])


@pytest.fixture
def unanswered(mentee, mentor, staff):
    rel = send(mentee, mentor)
    assert fire_timer(rel, "review_request__timeout_3") == 1  # the 10-day one
    return StaffCase.objects.get(relationship=rel)


@pytest.fixture
def as_staff(client, staff):
    client.force_login(staff)
    return client


# -- how cases open --------------------------------------------------------------------


def test_a_request_unanswered_for_10_days_opens_a_case_and_tells_staff(unanswered, mentee, mentor, staff):
    assert unanswered.kind == CaseKind.UNANSWERED_REQUEST
    assert mentor.display_name in unanswered.description and mentee.display_name in unanswered.description
    task = task_of(unanswered)
    assert task.status == STATUS.NEW and task.owner is None
    told = Notification.objects.get(recipient=staff, event="staff_case_opened")
    assert told.link == reverse("staff_case", args=[unanswered.pk])
    # the same escalation again does not open a second case
    assert services.escalate_unanswered_request(unanswered.relationship) == unanswered
    assert StaffCase.objects.count() == 1


def test_an_answered_request_opens_no_case(mentee, mentor):
    rel = send(mentee, mentor)
    relationships.accept_request(rel, mentor)
    assert fire_timer(rel, "review_request__timeout_3") == 0
    rel.refresh_from_db()
    assert services.escalate_unanswered_request(rel) is None
    assert not StaffCase.objects.exists()


def test_a_match_without_a_first_meeting_for_14_days_opens_a_case(mentee, mentor):
    rel = send(mentee, mentor)
    relationships.accept_request(rel, mentor)
    assert fire_timer(rel, "arrange_first_meeting__timeout_2") == 1
    case = StaffCase.objects.get()
    assert case.kind == CaseKind.NO_FIRST_MEETING and case.relationship == rel


def test_the_sweep_opens_one_case_per_quiet_spell(mentee, mentor, settings):
    settings.REMINDERS = {**settings.REMINDERS, "STALLED_AFTER_DAYS": 30}
    rel = walk_to(send(mentee, mentor), mentee, mentor, "progression")
    other = make_mentee(first_name="Early")
    arranging = send(other, mentor)
    relationships.accept_request(arranging, mentor)  # arranging has its own escalation
    quiet_for(rel, 31)
    quiet_for(arranging, 31)

    assert services.open_stalled_cases() == 1
    case = StaffCase.objects.get(kind=CaseKind.STALLED)
    assert case.relationship == rel
    assert services.open_stalled_cases() == 0  # still quiet: still the one case

    services.resolve(case, make_staff(email="s2@example.com"), "Spoke to both, they are on holiday.")
    assert services.open_stalled_cases() == 0  # resolved, and nothing has happened since
    Relationship.objects.filter(pk=rel.pk).update(last_activity_at=timezone.now() - dt.timedelta(days=1))
    assert services.open_stalled_cases() == 0  # active again
    Relationship.objects.filter(pk=rel.pk).update(last_activity_at=timezone.now())
    assert services.open_stalled_cases(now=timezone.now() + dt.timedelta(days=31)) == 1  # a new quiet spell


def test_a_meeting_held_is_not_quiet_and_the_case_counts_the_quiet_from_it(mentee, mentor, staff, settings):
    """A meeting whose time came, with nobody saying it did not happen, was held (``rules.held_q``, as
    the CPD pack counts it), though nothing is written then: a pair who last wrote 40 days ago, to
    arrange the meeting they held 12 days ago, has not gone quiet; once it is 30 days back they have,
    since that meeting; and meeting again after a case begins a new quiet spell."""
    settings.REMINDERS = {**settings.REMINDERS, "STALLED_AFTER_DAYS": 30}
    rel = walk_to(send(mentee, mentor), mentee, mentor, "progression")
    quiet_for(rel, 40)
    held = meet(rel, mentee, title="Second conversation")
    quiet_for(rel, 40)  # (arranging it was their last update)
    met = timezone.now() - dt.timedelta(days=12)
    Meeting.objects.filter(pk=held.pk).update(starts_at=met)
    assert services.open_stalled_cases() == 0
    assert services.open_stalled_cases(now=timezone.now() + dt.timedelta(days=15)) == 0

    assert services.open_stalled_cases(now=timezone.now() + dt.timedelta(days=19)) == 1
    case = StaffCase.objects.get(kind=CaseKind.STALLED)
    assert f"since {long_date(met)} (progression)" in case.description
    services.resolve(case, staff, "They are meeting again soon.")
    again = meet(rel, mentee, days=1, title="Third conversation")
    quiet_for(rel, 40)
    Meeting.objects.filter(pk=again.pk).update(starts_at=timezone.now() + dt.timedelta(days=1))
    assert services.open_stalled_cases(now=timezone.now() + dt.timedelta(days=32)) == 1  # quiet since the third


def test_stalled_cases_can_be_switched_off(mentee, mentor, settings):
    settings.REMINDERS = {**settings.REMINDERS, "STALLED_AFTER_DAYS": 0}
    walk_to(send(mentee, mentor), mentee, mentor, "progression")
    Relationship.objects.update(last_activity_at=timezone.now() - dt.timedelta(days=400))
    assert services.open_stalled_cases() == 0


# -- who may see the inbox -------------------------------------------------------------


def test_participants_and_visitors_never_see_the_inbox_or_a_case(client, unanswered, mentee, mentor):
    urls = [INBOX, reverse("staff_case", args=[unanswered.pk]), execute_url(unanswered)]
    for person in (None, mentee, mentor):
        client.logout()
        if person:
            client.force_login(person)
        for url in urls:
            response = client.get(url)
            assert response.status_code in (302, 403, 404), (person, url)
            assert escape(unanswered.description).encode() not in response.content
        claim = client.post(reverse("staff_claim", args=[unanswered.pk]))
        assert claim.status_code in (302, 403, 404)
    assert task_of(unanswered).owner is None


def test_a_claimed_case_is_worked_only_by_whoever_holds_it(client, unanswered, staff):
    colleague = make_staff(email="colleague@example.com")
    services.claim(unanswered, staff)
    client.force_login(colleague)
    assert client.get(execute_url(unanswered)).status_code in (302, 403, 404)
    page = client.get(reverse("staff_case", args=[unanswered.pk]))
    assert b"Take over this case" in page.content
    client.post(reverse("staff_claim", args=[unanswered.pk]))
    assert task_of(unanswered).owner == colleague


def test_claiming_taking_over_and_opening_a_case_say_what_happened(client, unanswered, staff):
    def said(response) -> list[str]:
        return [str(m) for m in response.context["messages"]]

    client.force_login(staff)
    claimed = client.post(reverse("staff_claim", args=[unanswered.pk]), follow=True)
    assert said(claimed) == [
        f"You have claimed case {unanswered.pk}: it is yours until you resolve it or put it back in the queue."
    ]
    again = client.post(reverse("staff_claim", args=[unanswered.pk]), follow=True)
    assert said(again) == ["This case is already yours."]
    colleague = make_staff(email="colleague@example.com")
    client.force_login(colleague)
    taken = client.post(reverse("staff_claim", args=[unanswered.pk]), follow=True)
    assert said(taken) == [f"You have taken case {unanswered.pk} over from {staff.display_name}."]
    assert task_of(unanswered).owner == colleague

    opened = client.post(reverse("staff_raise_case", args=[unanswered.relationship.pk]), {"reason": "Check in"})
    case = StaffCase.objects.get(kind="raised_by_staff")
    page = client.get(opened["Location"])
    assert said(page) == [f"Case {case.pk} is open, and it is yours."]


# -- working a case --------------------------------------------------------------------


def test_the_inbox_says_every_kind_of_case_it_holds(as_staff):
    page = as_staff.get(INBOX).content.decode()
    assert "concerns participants raise about their relationship" in page
    assert "cases staff open about a relationship" in page


def test_the_archive_says_when_it_lists_only_the_latest_resolved_cases(as_staff, staff, mentor, monkeypatch):
    from staff import views

    for name in ("One", "Two"):
        case = services.raise_case(send(make_mentee(first_name=name), mentor), staff, "Check in")
        services.resolve(case, staff, "Done")
    assert "2 resolved cases" not in as_staff.get(INBOX, {"tab": "archive"}).content.decode()
    monkeypatch.setattr(views, "ARCHIVE_ROWS", 1)  # as if there were more than the Archive lists
    page = as_staff.get(INBOX, {"tab": "archive"}).content.decode()
    assert "2 resolved cases: the latest 1 are listed, newest first." in page


def test_claim_pressed_on_a_page_a_moment_old_does_not_take_the_case_from_a_colleague(as_staff, unanswered, staff):
    """Two of the team press Claim on the same case at nearly the same time: the second is told the
    first has it, not given it silently (the first would find it gone on their next click)."""
    inbox = as_staff.get(INBOX).content.decode()
    assert '<input type="hidden" name="owner" value="">' in inbox  # shown with nobody having it
    colleague = make_staff(email="colleague@example.com")
    colleague.first_name, colleague.last_name = "Robin", "Lee"
    colleague.save(update_fields=["first_name", "last_name"])
    services.claim(unanswered, colleague)
    response = as_staff.post(reverse("staff_claim", args=[unanswered.pk]), {"owner": ""})
    record = reverse("staff_case", args=[unanswered.pk])
    assert response.status_code == 302 and response.url == record
    assert task_of(unanswered).owner == colleague
    page = as_staff.get(record).content.decode()
    assert "Robin Lee has claimed this case since your page was shown, so it is still theirs." in page
    assert f'<input type="hidden" name="owner" value="{colleague.pk}">' in page and "Take over this case" in page
    taken = as_staff.post(reverse("staff_claim", args=[unanswered.pk]), {"owner": str(colleague.pk)})
    assert taken.status_code == 302 and task_of(unanswered).owner == staff  # asked for, from that page


def test_the_inbox_lists_open_cases_then_mine_after_claiming(as_staff, unanswered, staff):
    page = as_staff.get(INBOX).content.decode()
    assert escape(unanswered.description) in page and "Nobody yet" in page and "Claim" in page
    assert escape(unanswered.description) not in as_staff.get(INBOX, {"tab": "mine"}).content.decode()

    response = as_staff.post(reverse("staff_claim", args=[unanswered.pk]))
    assert response.status_code == 302 and response["Location"] == execute_url(unanswered)
    assert task_of(unanswered).owner == staff
    assert escape(unanswered.description) in as_staff.get(INBOX, {"tab": "mine"}).content.decode()
    workspace = as_staff.get(execute_url(unanswered)).content.decode()
    for label in (
        "Nudge the participants",
        "Suggest other mentors",
        "Close the request",  # the mentor has not accepted it
        "Add a private note",
        "Snooze",
        "Resolve the case",
        "Sent the mentoring request",
    ):
        assert label in workspace


def test_nudging_the_mentor_sends_the_templated_email_with_a_personal_line(as_staff, unanswered, mentor, staff):
    services.claim(unanswered, staff)
    mail.outbox.clear()
    response = as_staff.post(
        execute_url(unanswered), {"action": "nudge", "nudge-who": "mentor", "nudge-personal": "We can help."}
    )
    assert response.status_code == 302
    [email] = mail.outbox
    assert email.to == [mentor.email]
    assert "still waiting for your answer" in email.subject and "We can help." in email.body
    assert StaffNote.objects.filter(case=unanswered, body__startswith="Nudged the mentor").exists()


def test_bad_input_on_the_workspace_is_shown_on_the_page(as_staff, unanswered, staff):
    services.claim(unanswered, staff)
    url = execute_url(unanswered)
    bad_who = as_staff.post(url, {"action": "nudge", "nudge-who": "everyone"})
    assert bad_who.status_code == 400 and b"Select a valid choice" in bad_who.content
    past = timezone.localdate() - dt.timedelta(days=2)
    snooze = as_staff.post(
        url, {"action": "snooze", "snooze-until_0": past.day, "snooze-until_1": past.month, "snooze-until_2": past.year}
    )
    assert snooze.status_code == 400 and b"Choose a day after today." in snooze.content
    resolve = as_staff.post(url, {"action": "resolve", "resolve-resolution": "  "})
    assert resolve.status_code == 400 and b"This field is required" in resolve.content
    odd = as_staff.post(url, {"action": "explode"})
    assert odd.status_code == 200 and b"not something this page can do" in odd.content
    assert StaffCase.objects.get().status not in services.FINISHED


@pytest.mark.parametrize(
    ("days", "said"), [(0, "Choose a day after today."), (91, "A case can be snoozed for up to 90 days.")]
)
def test_a_wrong_snooze_day_is_said_on_the_snooze_until_field(as_staff, unanswered, staff, days, said):
    services.claim(unanswered, staff)
    day = timezone.localdate() + dt.timedelta(days=days)
    response = as_staff.post(
        execute_url(unanswered),
        {"action": "snooze", "snooze-until_0": day.day, "snooze-until_1": day.month, "snooze-until_2": day.year},
    )
    assert response.status_code == 400
    form = response.context["snooze_form"]
    assert form.errors["until"] == [said] and not form.non_field_errors()
    assert 'id="id_snooze-until_error"' in response.content.decode()
    assert StaffCase.objects.get(pk=unanswered.pk).snoozed_until is None


def test_notes_stay_with_staff(as_staff, client, unanswered, staff, mentee):
    services.claim(unanswered, staff)
    as_staff.post(execute_url(unanswered), {"action": "note", "note-body": "Mentor is on parental leave."})
    assert "Mentor is on parental leave." in as_staff.get(execute_url(unanswered)).content.decode()
    client.force_login(mentee)
    relationship_page = client.get(reverse("relationship", args=[unanswered.relationship_id])).content.decode()
    assert "parental leave" not in relationship_page
    assert not Notification.objects.filter(body_text__contains="parental leave").exists()


def test_snoozing_moves_the_case_out_of_open_until_the_day(as_staff, unanswered, staff):
    services.claim(unanswered, staff)
    until = timezone.localdate() + dt.timedelta(days=5)
    response = as_staff.post(
        execute_url(unanswered),
        {"action": "snooze", "snooze-until_0": until.day, "snooze-until_1": until.month, "snooze-until_2": until.year},
    )
    assert response.status_code == 302
    assert escape(unanswered.description) not in as_staff.get(INBOX).content.decode()
    assert escape(unanswered.description) in as_staff.get(INBOX, {"tab": "snoozed"}).content.decode()
    StaffCase.objects.filter(pk=unanswered.pk).update(snoozed_until=timezone.localdate())
    assert escape(unanswered.description) in as_staff.get(INBOX).content.decode()


def test_suggesting_mentors_emails_the_mentee_the_chosen_ones(as_staff, unanswered, staff, mentee, mentor):
    from people.models import AreaOfSupport

    areas = list(mentee.profile.areas.all()) or [AreaOfSupport.objects.first()]
    mentee.profile.areas.set(areas)
    other = make_mentor(first_name="Bea", last_name="Best", email="bea@example.com", areas=areas)
    services.claim(unanswered, staff)
    offered = [r.mentor.user_id for r in services.mentor_suggestions(unanswered)]
    assert other.pk in offered and mentor.pk not in offered
    mail.outbox.clear()
    as_staff.post(execute_url(unanswered), {"action": "suggest", "suggest-mentors": [other.pk]})
    [email] = mail.outbox
    assert email.to == [mentee.email] and "Bea Best" in email.body
    assert f"/mentors/{other.pk}/" in email.body
    # One mentor chosen: the email speaks of one.
    assert email.subject.endswith("A mentor we think could help you")
    assert "picked out a mentor who matches your profile" in email.body and "if they suit you" in email.body


def test_no_suggestions_are_offered_or_sent_to_a_mentee_who_left(as_staff, unanswered, staff, mentee):
    from people.services import delete_account

    other = make_mentor(first_name="Bea", last_name="Best", email="bea@example.com")
    # (the case about the request is settled when the mentee leaves, as a withdrawn request; one staff
    # raised about it stays theirs)
    raised = services.raise_case(unanswered.relationship, staff, "Check the mentee is still looking")
    delete_account(mentee)
    case = StaffCase.objects.get(pk=raised.pk)
    assert services.mentor_suggestions(case) == []
    page = as_staff.get(execute_url(case)).content.decode()
    assert "Email these suggestions" not in page and "Bea Best" not in page
    assert "The mentee has left the programme" in page
    posted = as_staff.post(execute_url(case), {"action": "suggest", "suggest-mentors": [other.pk]})
    assert posted.status_code == 400 and "The mentee has left the programme" in posted.content.decode()
    assert "Suggestions sent" not in posted.content.decode()
    assert not Notification.objects.filter(event="staff_suggested_mentors").exists()
    assert not StaffNote.objects.filter(case=case, body__startswith="Suggested to the mentee").exists()


def test_no_suggestions_are_sent_to_a_deactivated_mentee(unanswered, staff, mentee):
    from people.models import User

    User.objects.filter(pk=mentee.pk).update(is_active=False)
    case = StaffCase.objects.get(pk=unanswered.pk)
    with pytest.raises(services.Refused, match="deactivated"):
        services.suggest_mentors(case, staff, [1])
    assert not Notification.objects.filter(event="staff_suggested_mentors").exists()


def test_closing_the_relationship_tells_both_and_resolving_archives_the_case(as_staff, unanswered, staff):
    services.claim(unanswered, staff)
    url = execute_url(unanswered)
    mail.outbox.clear()
    # A confirmation page of its own first (no JavaScript needed): nothing is closed yet.
    asked = as_staff.post(url, {"action": "close", "close-reason": "The mentor has left the programme."})
    page = asked.content.decode()
    assert "Close the request from" in page and "This cannot be undone." in page
    assert 'name="confirmed" value="yes"' in page and "The mentor has left the programme." in page
    assert Relationship.objects.get().state == State.REQUESTED and not mail.outbox
    as_staff.post(url, {"action": "close", "close-reason": "The mentor has left the programme.", "confirmed": "yes"})
    rel = Relationship.objects.get()
    assert rel.state == State.CLOSED
    assert sorted(m.to[0] for m in mail.outbox) == sorted([rel.mentee.email, rel.mentor.email])

    done = as_staff.post(url, {"action": "resolve", "resolve-resolution": "Closed; mentee pointed to others."})
    assert done.status_code == 302
    case = StaffCase.objects.get()
    assert case.status == PROCESS.DONE and case.resolved_by == staff and case.resolution.startswith("Closed")
    assert escape(case.description) not in as_staff.get(INBOX).content.decode()
    archive = as_staff.get(INBOX, {"tab": "archive"}).content.decode()
    assert escape(case.description) in archive
    assert as_staff.get(reverse("staff_case", args=[case.pk])).status_code == 200
    with pytest.raises(services.Refused):
        services.note(case, staff, "Too late")


def test_a_request_staff_close_is_called_a_request_and_a_relationship_a_relationship(as_staff, unanswered, staff):
    """The unanswered request's case closes a request, not a relationship: the case's action, the
    confirmation page, the message after it and the case's note all say so."""
    services.claim(unanswered, staff)
    url = execute_url(unanswered)
    workspace = as_staff.get(url).content.decode()
    assert "Close the request" in workspace and "Close the relationship" not in workspace
    assert "the mentee is pointed to Find Mentor" in workspace
    asked = as_staff.post(url, {"action": "close", "close-reason": "No answer in ten days."}).content.decode()
    rel = unanswered.relationship
    assert f"Close the request from {rel.mentee.display_name} to {rel.mentor.display_name}?" in asked
    assert "The request ends for both of them" in asked and "Yes, close the request" in asked
    assert "relationship" not in asked.split("<main")[1].split("</main>")[0]
    done = as_staff.post(
        url, {"action": "close", "close-reason": "No answer in ten days.", "confirmed": "yes"}, follow=True
    ).content.decode()
    assert "The request is closed and both participants have been told." in done
    assert StaffNote.objects.filter(
        case=unanswered, body="Closed the request. Reason given to both: “No answer in ten days.”"
    ).exists()

    # A relationship under way is still closed as a relationship.
    other_mentee, other_mentor = make_mentee(email="m2@example.com"), make_mentor(email="r2@example.com")
    matched = walk_to(send(other_mentee, other_mentor), other_mentee, other_mentor, "progression")
    case = services.raise_case(matched, staff, "They have stopped meeting.")
    url = execute_url(case)
    assert "Close the relationship" in as_staff.get(url).content.decode()
    asked = as_staff.post(url, {"action": "close", "close-reason": "Stopped."}).content.decode()
    assert "Close the relationship between" in asked and "Yes, close the relationship" in asked
    done = as_staff.post(url, {"action": "close", "close-reason": "Stopped.", "confirmed": "yes"}, follow=True)
    assert "The relationship is closed and both participants have been told." in done.content.decode()
    assert StaffNote.objects.filter(case=case, body__startswith="Closed the relationship.").exists()


def test_the_case_actions_say_a_field_is_optional_once(as_staff, unanswered, staff):
    services.claim(unanswered, staff)
    page = as_staff.get(execute_url(unanswered)).content.decode()
    assert 'A line of your own <span class="optional">(optional)</span>' in page
    assert "Added to the templated email." in page and "Optional." not in page


def test_closing_an_ended_relationship_is_refused_with_the_reason_on_the_case_page(as_staff, unanswered, staff, mentor):
    """Declined (or closed by a colleague meanwhile): no confirmation page, no silent 400, but why. (On a
    case staff raised: the one about the unanswered request is resolved by the decline itself.)"""
    raised = services.raise_case(unanswered.relationship, staff, "The mentee asked us to chase it")
    url = execute_url(raised)
    relationships.decline_request(unanswered.relationship, mentor, "Sorry, I am away.")
    mail.outbox.clear()
    asked = as_staff.post(url, {"action": "close", "close-reason": "No answer."}, follow=True)
    page = asked.content.decode()
    assert "This cannot be undone." not in page and 'name="confirmed"' not in page
    assert "Nothing was changed: this has ended (Request declined)." in page
    confirmed = as_staff.post(url, {"action": "close", "close-reason": "No answer.", "confirmed": "yes"}, follow=True)
    assert confirmed.status_code == 200
    assert "Nothing was changed: this has ended (Request declined)." in confirmed.content.decode()
    assert Relationship.objects.get().state == State.DECLINED and not mail.outbox


def test_a_relationship_a_colleague_closed_meanwhile_is_not_closed_twice(as_staff, unanswered, staff):
    services.claim(unanswered, staff)
    url = execute_url(unanswered)
    asked = as_staff.post(url, {"action": "close", "close-reason": "No answer."})
    assert 'name="confirmed" value="yes"' in asked.content.decode()
    relationships.close_by_staff(unanswered.relationship, make_staff(email="colleague@example.com"), "Done.")
    confirmed = as_staff.post(url, {"action": "close", "close-reason": "No answer.", "confirmed": "yes"}, follow=True)
    assert confirmed.status_code == 200
    assert "Nothing was changed: this has ended (Closed by programme staff)." in confirmed.content.decode()
    assert StaffNote.objects.filter(case=unanswered, body__startswith="Closed the relationship").count() == 0


def test_a_case_the_request_expiry_resolved_meanwhile_says_so_to_whoever_had_it(as_staff, unanswered, staff):
    """Claimed, the page open, the request expires (the platform resolves the case): the next click
    leads to the case as it stands and says why nothing was changed, not "not available to you"."""
    services.claim(unanswered, staff)
    url = execute_url(unanswered)
    Relationship.objects.filter(pk=unanswered.relationship_id).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert fire_timer(unanswered.relationship, "review_request__timeout_4") == 1
    record = reverse("staff_case", args=[unanswered.pk])
    opened = as_staff.get(url)
    assert opened.status_code == 302 and opened.url == record
    page = as_staff.get(record).content.decode()
    assert "This case has been resolved." in page and "nothing was changed" not in page
    sent = as_staff.post(url, {"action": "note", "note-body": "Phoned the mentor."})
    assert sent.status_code == 302 and sent.url == record
    page = as_staff.get(record).content.decode()
    assert "This case has been resolved, so nothing was changed." in page
    assert "Your note was not saved: “Phoned the mentor.”" in page  # given back, not lost
    assert "The request expired unanswered" in page
    assert not StaffNote.objects.filter(case=unanswered, body="Phoned the mentor.").exists()


def test_a_case_a_colleague_took_over_or_put_back_says_so_to_whoever_had_it(as_staff, unanswered, staff):
    services.claim(unanswered, staff)
    url = execute_url(unanswered)
    record = reverse("staff_case", args=[unanswered.pk])
    colleague = make_staff(email="colleague@example.com")
    colleague.first_name, colleague.last_name = "Robin", "Lee"
    colleague.save(update_fields=["first_name", "last_name"])
    services.claim(unanswered, colleague)
    response = as_staff.post(url, {"action": "note", "note-body": "Phoned the mentor."})
    assert response.status_code == 302 and response.url == record
    assert "Robin Lee has this case now, so nothing was changed." in as_staff.get(record).content.decode()
    services.release(unanswered, colleague)
    assert as_staff.get(url).url == record
    assert "This case is back in the queue. Claim it to work on it." in as_staff.get(record).content.decode()
    assert not StaffNote.objects.filter(case=unanswered, body="Phoned the mentor.").exists()


@pytest.mark.parametrize(
    ("fields", "given_back"),
    [
        ({"action": "resolve", "resolve-resolution": "Rhys answered the phone."}, "Your resolution was not saved"),
        ({"action": "close", "close-reason": "Away for months."}, "Your reason for closing was not used"),
        (
            {"action": "nudge", "nudge-who": "mentor", "nudge-personal": "Please answer."},
            "Your nudge was not sent. Your line",
        ),
    ],
)
def test_what_was_typed_for_a_case_a_colleague_took_over_is_given_back(as_staff, unanswered, staff, fields, given_back):
    """Not only a note: a resolution, a reason for closing or a nudge's line typed on the page is
    given back too when the case is no longer theirs, never lost."""
    services.claim(unanswered, staff)
    url = execute_url(unanswered)
    services.claim(unanswered, make_staff(email="colleague@example.com"))
    mail.outbox.clear()
    response = as_staff.post(url, fields)
    assert response.status_code == 302 and response.url == reverse("staff_case", args=[unanswered.pk])
    page = as_staff.get(response.url).content.decode()
    typed = next(value for key, value in fields.items() if key not in ("action", "nudge-who"))
    assert f"{given_back}: “{typed}”" in page
    unanswered.refresh_from_db()
    assert unanswered.resolved_at is None and unanswered.relationship.state == State.REQUESTED and not mail.outbox


def test_resolving_a_support_case_resolves_the_request(client, staff):
    from support.models import SupportRequest
    from support.services import submit_support_request

    request = submit_support_request(name="Pat", email="pat@example.net", subject="Login", message="Locked out")
    case = request.staff_cases.get()
    services.resolve(case, staff, "Reset their password.")
    request.refresh_from_db()
    assert request.status == SupportRequest.Status.RESOLVED
    client.force_login(staff)
    assert "Locked out" in client.get(reverse("staff_case", args=[case.pk])).content.decode()


def test_putting_a_viewed_case_back_and_taking_one_over(as_staff, client, unanswered, staff):
    services.claim(unanswered, staff)
    assert as_staff.get(execute_url(unanswered)).status_code == 200  # opening the page claims nothing more
    back = as_staff.post(execute_url(unanswered), {"action": "release"})
    assert back.status_code == 302 and back["Location"] == INBOX
    task = task_of(unanswered)
    assert task.owner is None and task.status == STATUS.NEW

    services.claim(unanswered, staff)
    as_staff.get(execute_url(unanswered))
    colleague = make_staff(email="colleague@example.com")
    services.claim(unanswered, colleague)
    assert task_of(unanswered).owner == colleague
    client.force_login(colleague)
    assert client.get(execute_url(unanswered)).status_code == 200
    assert list(StaffNote.objects.filter(case=unanswered).values_list("body", flat=True)) == [
        "Claimed the case.",
        "Put the case back in the queue.",
        "Claimed the case.",
        "Claimed the case.",
    ]


def test_the_inbox_costs_the_same_queries_for_one_case_or_many(as_staff, staff, mentor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(tab: str) -> int:
        as_staff.get(INBOX, {"tab": tab})  # warm: the session's and "last active"'s cache keys aside
        with CaptureQueriesContext(connection) as captured:
            assert as_staff.get(INBOX, {"tab": tab}).status_code == 200
        return len(captured.captured_queries)

    def one(n: int):
        rel = send(make_mentee(first_name=f"Few{n}"), make_mentor(first_name=f"Busy{n}"))
        return services.escalate_unanswered_request(rel)

    one(1)
    services.claim(one(2), staff)
    services.resolve(one(3), staff, "Sorted")  # one case in each tab
    few = {tab: queries(tab) for tab in ("open", "mine", "archive")}
    for n in range(6):
        rel = send(make_mentee(first_name=f"Many{n}"), make_mentor(first_name=f"Mentor{n}"))
        case = services.escalate_unanswered_request(rel)
        if n % 2:
            services.claim(case, staff)
        if n % 3 == 0:
            services.resolve(case, staff, "Sorted")
    assert {tab: queries(tab) for tab in ("open", "mine", "archive")} == few


def test_staff_can_open_a_case_about_any_relationship_from_its_page(as_staff, client, staff, mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "progression")
    url = reverse("relationship", args=[rel.pk])
    page = as_staff.get(url).content.decode()
    assert "For programme staff" in page and "No staff cases about this relationship." in page

    # Sent empty: this page again (shown_on), with why on the field: the form is novalidate, so the
    # page answers rather than the browser's bubble.
    assert 'name="shown_on" value="relationship"' in page and 'class="stacked" novalidate>' in page
    empty = as_staff.post(reverse("staff_raise_case", args=[rel.pk]), {"reason": "  ", "shown_on": "relationship"})
    assert empty.status_code == 400
    html = empty.content.decode()
    assert "For programme staff" in html and 'class="form-errors" role="alert" tabindex="-1" autofocus' in html
    assert '<p class="error" id="raise-reason_error">Please say what needs attention. </p>' in html
    assert not StaffCase.objects.exists()

    response = as_staff.post(reverse("staff_raise_case", args=[rel.pk]), {"reason": "Mentee asked for a new mentor"})
    case = StaffCase.objects.get()
    assert case.kind == CaseKind.RAISED_BY_STAFF and case.relationship == rel
    assert "Mentee asked for a new mentor" in case.description
    assert task_of(case).owner == staff and response["Location"] == execute_url(case)
    # The case's page says what the button did, in the message that takes the focus as it loads.
    opened = as_staff.get(response["Location"]).content.decode()
    assert f"Case {case.pk} is open, and it is yours." in opened
    assert 'class="messages" role="status" aria-live="polite" tabindex="-1" autofocus' in opened
    assert "Raised by staff" in as_staff.get(url).content.decode()

    client.force_login(mentee)
    own = client.get(url).content.decode()
    assert "For programme staff" not in own and "new mentor" not in own
    assert (
        client.post(reverse("staff_raise_case", args=[rel.pk]), {"reason": "x"}).status_code == 403
    )  # participants are refused
    assert StaffCase.objects.count() == 1


def test_a_case_never_keeps_the_names_of_someone_who_left(as_staff, unanswered, mentor, mentee):
    from people.services import delete_account

    assert mentee.display_name in unanswered.description
    assert mentee.display_name not in unanswered.summary and mentor.display_name not in unanswered.summary
    delete_account(mentee)
    case = StaffCase.objects.get(pk=unanswered.pk)
    assert "John Smith" not in case.description and "Former participant" in case.description
    assert "John Smith" not in as_staff.get(reverse("staff_case", args=[case.pk])).content.decode()


def test_a_case_says_when_the_relationship_has_moved_on_since(as_staff, unanswered, mentor):
    """What does not settle the case by itself (an answer would: test_cases_settled.py), here the request
    closed because the programme team deactivated the mentor, is said on the case for staff to judge."""
    assert unanswered.moved_on == ""
    relationships.close_request_for_mentor(
        unanswered.relationship, mentor, "Deactivated", because=relationships.DEACTIVATED
    )
    case = StaffCase.objects.get(pk=unanswered.pk)
    assert case.status not in (PROCESS.DONE, PROCESS.CANCELED)
    assert "it is now “Request closed: the mentor stopped taking part”" in case.moved_on
    assert escape(case.moved_on) in as_staff.get(INBOX).content.decode()
    assert escape(case.moved_on) in as_staff.get(reverse("staff_case", args=[case.pk])).content.decode()
    assert escape(case.moved_on) in as_staff.get(reverse("staff_home")).content.decode()


def test_each_person_gets_the_nudge_that_fits_their_stage(as_staff, unanswered, staff, mentee, mentor):
    services.claim(unanswered, staff)
    mail.outbox.clear()
    services.nudge(unanswered, staff, "both")
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "still waiting for your answer" in subjects[mentor.email]
    assert "Your request to Alice Kember is still waiting" in subjects[mentee.email]
    raised = services.raise_case(
        unanswered.relationship, staff, "Keep an eye on them"
    )  # (accepting resolves the other)
    relationships.accept_request(unanswered.relationship, mentor)
    mail.outbox.clear()
    services.nudge(StaffCase.objects.get(pk=raised.pk), staff, "mentee")
    [email] = mail.outbox
    assert "Time to arrange your first meeting" in email.subject


def test_the_quiet_nudge_is_said_only_on_a_stalled_case_and_a_hand_opened_case_checks_in(staff, mentee, mentor):
    """A case staff opened by hand on a busy relationship used to nudge "We noticed things have been
    quiet between you and ..."; only a stalled-relationship case says that now."""
    rel = walk_to(send(mentee, mentor), mentee, mentor, "progression")
    by_hand = services.open_case(CaseKind.RAISED_BY_STAFF, summary="Check in", relationship=rel)
    services.claim(by_hand, staff)
    mail.outbox.clear()
    services.nudge(by_hand, staff, "both")
    assert len(mail.outbox) == 2
    for email in mail.outbox:
        assert "quiet" not in email.body and "Checking in on your mentoring" in email.subject
        assert "would like to check in on your mentoring" in email.body
    stalled = services.open_case(CaseKind.STALLED, summary="Quiet", relationship=rel)
    services.claim(stalled, staff)
    mail.outbox.clear()
    services.nudge(stalled, staff, "mentee")
    [email] = mail.outbox
    assert "things have been quiet between you" in email.body


def test_opening_a_case_when_one_is_open_keeps_the_reason_as_a_note_wakes_it_and_says_so(
    as_staff, staff, mentee, mentor
):
    """It used to redirect silently to the existing (perhaps snoozed) case and drop the typed reason."""
    rel = walk_to(send(mentee, mentor), mentee, mentor, "progression")
    url = reverse("staff_raise_case", args=[rel.pk])
    as_staff.post(url, {"reason": "First worry"})
    case = StaffCase.objects.get(relationship=rel, kind=CaseKind.RAISED_BY_STAFF)
    services.snooze(case, staff, timezone.localdate() + dt.timedelta(days=3))

    page = as_staff.post(url, {"reason": "Mentor says the mentee missed two meetings"}, follow=True)
    text = page.content.decode()
    assert StaffCase.objects.filter(relationship=rel, kind=CaseKind.RAISED_BY_STAFF).count() == 1
    assert "There is already an open case about this relationship" in text
    assert "your reason is added to it as a note, and it is no longer snoozed." in text
    case.refresh_from_db()
    assert case.snoozed_until is None
    assert StaffNote.objects.filter(case=case, body__contains="Mentor says the mentee missed two meetings").exists()

    again = as_staff.post(url, {"reason": "Still worried"}, follow=True).content.decode()
    assert "your reason is added to it as a note." in again and "no longer snoozed" not in again
    assert StaffNote.objects.filter(case=case, body__contains="Still worried").exists()


def test_a_stalled_case_says_a_meeting_held_since_it_opened_is_activity(as_staff, mentee, mentor, settings):
    settings.REMINDERS = {**settings.REMINDERS, "STALLED_AFTER_DAYS": 30}
    rel = walk_to(send(mentee, mentor), mentee, mentor, "progression")
    quiet_for(rel, 40)
    assert services.open_stalled_cases() == 1
    case = StaffCase.objects.get(kind=CaseKind.STALLED)
    assert case.moved_on == ""
    StaffCase.objects.filter(pk=case.pk).update(created=timezone.now() - dt.timedelta(days=10))
    # arranged long ago (arranging it now would settle the case at once); its time came after the case opened
    met = timezone.now() - dt.timedelta(days=5)
    Meeting.objects.create(
        relationship=rel, organiser=mentee, title="Back on track", starts_at=met, duration_minutes=60
    )
    case = StaffCase.objects.get(pk=case.pk)
    assert case.moved_on == f"The pair were active again on {long_date(met)}."
    assert escape(case.moved_on) in as_staff.get(INBOX).content.decode()
    assert escape(case.moved_on) in as_staff.get(reverse("staff_home")).content.decode()


def test_a_case_about_a_request_heads_its_section_the_request(client, unanswered, staff, mentee, mentor):
    client.force_login(staff)
    page = client.get(reverse("staff_case", args=[unanswered.pk])).content.decode()
    assert '<h2 id="rel-heading">The request</h2>' in page
    other = make_mentee(email="m2@example.com")
    matched = walk_to(send(other, mentor), other, mentor, "arranging")
    case = services.raise_case(matched, staff, "Check in")
    page = client.get(reverse("staff_case", args=[case.pk]), follow=True).content.decode()
    assert '<h2 id="rel-heading">The relationship</h2>' in page


# -- a nudge says only what was sent -------------------------------------------------------------

REMINDED = "We have reminded them."


def _nudged(case, staff, who: str) -> dict:
    """Nudge ``who`` on ``case``: {address: email} of what was sent."""
    services.claim(case, staff)
    mail.outbox.clear()
    services.nudge(StaffCase.objects.get(pk=case.pk), staff, who)
    return {m.to[0]: m for m in mail.outbox}


def test_a_mentee_nudged_alone_on_day_one_is_not_told_the_mentor_was_reminded(staff, mentee, mentor):
    """A case opened by hand the day a request was sent: the mentor had been sent no reminder, yet the
    mentee's nudge said "We have reminded them"."""
    rel = send(mentee, mentor)
    case = services.open_case(CaseKind.RAISED_BY_STAFF, summary="Check the request", relationship=rel)
    sent = _nudged(case, staff, "mentee")
    assert list(sent) == [mentee.email]
    assert "Alice Kember has not answered your request yet." in sent[mentee.email].body
    assert REMINDED not in sent[mentee.email].body


def test_a_mentee_nudged_with_the_mentor_is_told_the_mentor_was_reminded(staff, mentee, mentor):
    rel = send(mentee, mentor)
    case = services.open_case(CaseKind.RAISED_BY_STAFF, summary="Check the request", relationship=rel)
    sent = _nudged(case, staff, "both")
    assert "still waiting for your answer" in sent[mentor.email].subject
    assert REMINDED in sent[mentee.email].body
    # A nudge to the mentee alone afterwards may say so too: the mentor was reminded (by staff).
    assert REMINDED in _nudged(case, staff, "mentee")[mentee.email].body


def test_a_mentee_nudge_says_the_mentor_was_reminded_only_when_the_platform_reminded_them(
    staff, mentee, mentor, unanswered
):
    """The unanswered-request case opens after 10 days; the platform's own reminders went out before it,
    unless the mentor stopped them."""
    assert REMINDED not in _nudged(unanswered, staff, "mentee")[mentee.email].body  # no reminder fired here

    from notifications.reminders import Kind, stop

    other = make_mentee(email="pat@example.com")
    stopped = send(other, mentor)
    stop(mentor, Kind.REVIEW_REQUEST)
    fire_timer(stopped, "review_request__timeout")  # the first reminder: not sent, the mentor stopped them
    assert not Notification.objects.filter(recipient=mentor, event="reminder_review_request").exists()
    case = services.open_case(CaseKind.RAISED_BY_STAFF, summary="Check", relationship=stopped)
    assert REMINDED not in _nudged(case, staff, "mentee")[other.email].body

    reminders = Notification.objects.filter(recipient=mentor, event="reminder_review_request")
    ReminderOptOut = stopped.mentor.reminder_opt_outs.model
    ReminderOptOut.objects.filter(user=mentor).delete()
    fire_timer(unanswered.relationship, "review_request__timeout")
    assert reminders.count() == 1
    assert REMINDED in _nudged(unanswered, staff, "mentee")[mentee.email].body


def test_feedback_nudges_ask_only_the_one_who_has_not_given_it(staff, mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "feedback")
    relationships.give_feedback(rel, mentee, 5, "Very helpful")
    case = services.open_case(CaseKind.RAISED_BY_STAFF, summary="Feedback", relationship=rel)
    sent = _nudged(case, staff, "both")
    assert sent[mentor.email].subject.endswith("Your feedback is still to come")
    assert sent[mentee.email].subject.endswith("Your mentoring is waiting for Alice Kember's feedback")
    assert "there is nothing more you need to do" in sent[mentee.email].body
    assert "It takes two minutes" not in sent[mentee.email].body


# -- a member's reference number finds their case ---------------------------------------------------


def test_the_inbox_finds_a_case_by_the_reference_a_member_was_given(as_staff, mentee, mentor, staff):
    """Members are told "reference number 2" (a Contact message) or "reference number 1" (a concern) while
    staff saw "case 10" / "case 12", and the inbox could not find a case by the member's reference."""
    from journeys.services import concerns
    from support.services import submit_support_request

    for n in range(3):  # so that no case number is the same as a reference below
        services.open_case(CaseKind.SUPPORT_REQUEST, summary=f"Filler {n}")
    message = submit_support_request(user=mentee, name="John", email=mentee.email, subject="Help", message="Hi")
    rel = walk_to(send(mentee, mentor), mentee, mentor, "progression")
    concern = concerns.raise_concern(rel, mentee, "My mentor is quiet.")
    message_case = StaffCase.objects.get(support_request=message)
    concern_case = StaffCase.objects.get(concern=concern)
    assert message_case.pk != message.pk and concern_case.pk != concern.pk
    confirmation = Notification.objects.get(event="support_request_confirmation")
    assert f"(reference number {message.pk})" in confirmation.body_text

    page = as_staff.get(INBOX, {"find": f"my reference {message.pk}"}).content.decode()
    assert f"The Contact message with reference number {message.pk}" in page
    assert reverse("staff_case", args=[message_case.pk]) in page
    page = as_staff.get(INBOX, {"find": str(concern.pk)}).content.decode()
    assert f"The concern with reference number {concern.pk}" in page
    assert reverse("staff_case", args=[concern_case.pk]) in page
    page = as_staff.get(INBOX, {"find": f"#{concern_case.pk}"}).content.decode()
    assert f"Case {concern_case.pk}" in page and reverse("staff_case", args=[concern_case.pk]) in page

    # Each case says the reference its member was given.
    for case, reference in ((message_case, message.pk), (concern_case, concern.pk)):
        page = as_staff.get(reverse("staff_case", args=[case.pk])).content.decode()
        assert f"<dt>Their reference number</dt><dd>{reference} " in page


@pytest.mark.parametrize(
    "typed, said",
    [
        ("", "Type a case number or a member&#x27;s reference number, for example 12."),
        ("abc", "Type one number: a case number or a member&#x27;s reference, for example 12."),
        ("2 or 3", "Type one number: a case number or a member&#x27;s reference, for example 12."),
        ("99999999999", "No case or reference has that number."),
        ("987654", "No case has the number 987654, and no Contact message or concern has the reference number"),
    ],
)
def test_finding_a_case_says_what_is_wrong_with_what_was_typed(as_staff, typed, said):
    resp = as_staff.get(INBOX, {"find": typed, "tab": "open"})
    assert resp.status_code == 200 and said in resp.content.decode()


@pytest.mark.parametrize(("action", "field"), [("note", "body"), ("close", "reason"), ("resolve", "resolution")])
def test_a_case_form_sent_empty_is_answered_by_the_page_on_its_field(as_staff, unanswered, staff, action, field):
    """The case page's forms are ``novalidate``, like the house's other forms: the browser's own bubble
    (which some screen readers never announce) does not stand in for the page's error box."""
    services.claim(unanswered, staff)
    url = execute_url(unanswered)
    page = as_staff.get(url, follow=True).content.decode()
    assert f'<input type="hidden" name="action" value="{action}">' in page
    assert page.count('class="stacked" novalidate>') >= 3
    response = as_staff.post(url, {"action": action, f"{action}-{field}": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="form-errors" role="alert" tabindex="-1" autofocus' in html
    assert f'id="id_{action}-{field}_error"' in html
    case = StaffCase.objects.get(pk=unanswered.pk)
    assert case.resolved_at is None and case.relationship.state == State.REQUESTED
