"""Requests expire: unanswered after REQUEST_EXPIRE_DAYS, an interrupting timer on the review step
ends them; both people are told (the mentee pointed to other mentors) and staff close the case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from journeys.flows.timers import fire_due_timers
from journeys.models import Relationship, State
from journeys.services import expiry, relationships
from notifications.models import Notification
from people.tests.factories import make_mentor
from staff.models import CaseKind, StaffCase

from .helpers import open_task, open_task_names, send

pytestmark = pytest.mark.django_db(transaction=True)
EXPIRY = "review_request__timeout_4"


def waiting_timers(rel):
    return Task.objects.filter(
        flow_task_type="TIMER", status=STATUS.SCHEDULED, process__mentoringprocess__relationship=rel
    )


def fire(rel, name: str) -> int:
    tasks = [t.pk for t in waiting_timers(rel) if t.flow_task.name == name]
    Task.objects.filter(pk__in=tasks).update(scheduled=timezone.now() - dt.timedelta(seconds=1))
    return fire_due_timers()


def come_to_expiry(rel) -> int:
    """As if REQUEST_EXPIRE_DAYS had passed: the request's expiry moment and its timer are now."""
    Relationship.objects.filter(pk=rel.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    return fire(rel, EXPIRY)


def test_a_request_is_given_its_expiry_and_the_review_step_a_timer_for_it(mentee, mentor, settings):
    before = timezone.now()
    rel = send(mentee, mentor)
    assert abs(rel.expires_at - before - dt.timedelta(days=21)) < dt.timedelta(minutes=1)
    [timer] = [t for t in waiting_timers(rel) if t.flow_task.name == EXPIRY]
    assert timer.scheduled == rel.expires_at

    settings.REMINDERS = {**settings.REMINDERS, "REQUEST_EXPIRE_DAYS": 5}
    other = send(mentee, make_mentor(email="second@example.com"))
    assert abs(other.expires_at - before - dt.timedelta(days=5)) < dt.timedelta(minutes=1)

    settings.REMINDERS = {**settings.REMINDERS, "REQUEST_EXPIRE_DAYS": 0}  # 0: never
    never = send(mentee, make_mentor(email="third@example.com"))
    assert never.expires_at is None
    [timer] = [t for t in waiting_timers(never) if t.flow_task.name == EXPIRY]
    assert timer.scheduled > before + dt.timedelta(days=365 * 50)


def test_the_timer_expires_the_request_and_tells_both(mentee, mentor):
    suggested = make_mentor(first_name="Sam", last_name="Suggested", email="sam@example.com")
    rel = send(mentee, mentor)
    mail.outbox.clear()

    assert come_to_expiry(rel) == 1
    rel.refresh_from_db()
    assert rel.state == State.EXPIRED and rel.ended_at is not None
    assert rel.history.last().action == "expire" and rel.history.last().actor is None
    # the review step stopped, with its other timers, and the journey ended
    assert open_task_names(rel) == [] and not waiting_timers(rel).exists()
    assert rel.processes.get().status == PROCESS.DONE
    assert Task.objects.get(process__mentoringprocess__relationship=rel, flow_task_type="HUMAN").status == (
        STATUS.CANCELED
    )

    to_mentor = Notification.objects.get(recipient=mentor, event="request_expired")
    assert mentee.display_name in to_mentor.subject
    to_mentee = Notification.objects.get(recipient=mentee, event="request_expired_confirmation")
    assert mentor.display_name in to_mentee.subject and to_mentee.link == reverse("find_mentor")
    by_address = {m.to[0]: m for m in mail.outbox}
    assert "expired" in by_address[mentor.email].body
    body = by_address[mentee.email].body
    assert suggested.display_name in body and "/mentors/" in body  # suggested mentors, with their profiles
    assert mentor.display_name + " (" not in body.split("match your profile")[1]  # not the one who did not answer


def test_an_expired_request_cannot_be_answered_any_more(client, mentee, mentor):
    rel = send(mentee, mentor)
    task = open_task(rel, mentor)
    come_to_expiry(rel)
    client.force_login(mentor)
    page = client.post(task.flow_task.reverse("execute", args=[task.process_id, task.pk]), {"accept": "1"})
    assert page.status_code in (302, 403, 404)
    rel.refresh_from_db()
    assert rel.state == State.EXPIRED
    with pytest.raises(relationships.Refused):
        relationships.accept_request(rel, mentor)
    client.force_login(mentee)
    shown = client.get(reverse("relationship", args=[rel.pk])).content.decode()
    assert "did not answer this request in time" in shown and reverse("find_mentor") in shown


def test_past_its_date_a_request_cannot_be_answered_even_before_the_timer_ends_it(client, mentee, mentor):
    """The emails give the date after which the mentor can no longer accept: a late timer does not
    stretch it. On the review page the mentor is told why, in a sentence, and nothing changes; the
    timer then ends the request as usual."""
    rel = send(mentee, mentor)
    task = open_task(rel, mentor)
    Relationship.objects.filter(pk=rel.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    for answer in (relationships.accept_request, relationships.decline_request):
        with pytest.raises(relationships.Refused) as refused:
            answer(Relationship.objects.get(pk=rel.pk), mentor)
        assert refused.value.message.startswith("This request expired on ")
        assert "so it can no longer be accepted or declined" in refused.value.message
    client.force_login(mentor)
    page = client.post(
        task.flow_task.reverse("execute", args=[task.process_id, task.pk]), {"accept": "1", "message": ""}, follow=True
    )
    assert page.status_code == 200
    assert "so it can no longer be accepted or declined" in page.content.decode()
    rel.refresh_from_db()
    assert rel.state == State.REQUESTED and rel.matched_at is None
    assert fire(rel, EXPIRY) == 1
    rel.refresh_from_db()
    assert rel.state == State.EXPIRED


def test_expiry_closes_the_staff_case_about_the_request(mentee, mentor, staff):
    rel = send(mentee, mentor)
    assert fire(rel, "review_request__timeout_3") == 1  # unanswered after 10 days: a case
    case = StaffCase.objects.get(relationship=rel, kind=CaseKind.UNANSWERED_REQUEST)
    assert case.status not in ("DONE", "CANCELED")

    come_to_expiry(rel)
    case.refresh_from_db()
    assert case.status == "DONE" and case.resolved_at is not None and case.resolved_by is None
    assert "expired" in case.resolution
    assert not Task.objects.filter(process=case, status__in=[STATUS.NEW, STATUS.ASSIGNED]).exists()


def test_a_claimed_case_is_closed_too(mentee, mentor, staff):
    from staff import services as staff_services

    rel = send(mentee, mentor)
    fire(rel, "review_request__timeout_3")
    case = StaffCase.objects.get(relationship=rel)
    staff_services.claim(case, staff)
    come_to_expiry(rel)
    case.refresh_from_db()
    assert case.status == "DONE"


def test_a_timer_that_fires_before_the_expiry_leaves_the_request_waiting(mentee, mentor):
    """The guard: if the expiry moved later after the timer was set, the review starts again."""
    rel = send(mentee, mentor)
    assert fire(rel, EXPIRY) == 1  # expires_at is still 21 days away
    rel.refresh_from_db()
    assert rel.state == State.REQUESTED
    assert open_task_names(rel) == ["review_request"] and open_task(rel, mentor) is not None
    assert [t.flow_task.name for t in waiting_timers(rel)].count(EXPIRY) == 1
    assert not Notification.objects.filter(event__startswith="request_expired").exists()
    relationships.accept_request(rel, mentor)  # the mentor can still answer
    rel.refresh_from_db()
    assert rel.state == State.ARRANGING


def test_answered_or_withdrawn_requests_do_not_expire(mentee, mentor):
    rel = send(mentee, mentor)
    relationships.decline_request(rel, mentor, "Sorry")
    Relationship.objects.filter(pk=rel.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    assert fire(rel, EXPIRY) == 0
    rel.refresh_from_db()
    assert expiry.expire_request(rel).state == State.DECLINED


def test_a_reinstated_request_gets_a_new_expiry(mentee, mentor, settings):
    rel = send(mentee, mentor)
    relationships.withdraw_request(rel, mentee)
    Relationship.objects.filter(pk=rel.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    rel.refresh_from_db()
    before = timezone.now()
    relationships.reinstate_request(rel, mentee)
    rel.refresh_from_db()
    assert rel.expires_at > before + dt.timedelta(days=20)
    assert come_to_expiry(rel) == 1
    rel.refresh_from_db()
    assert rel.state == State.EXPIRED


def test_a_reinstated_request_says_when_it_was_reinstated_in_its_emails_and_staff_case(mentee, mentor):
    """Its reminders, escalation and expiry count from the reinstatement: each says that date beside the
    first one, so a mentor reminded 3 days after it is not told only of a request sent weeks ago."""
    from project.dates import long_date

    rel = send(mentee, mentor)
    sent = timezone.now() - dt.timedelta(days=30)
    Relationship.objects.filter(pk=rel.pk).update(created_at=sent)
    relationships.withdraw_request(rel, mentee)
    relationships.reinstate_request(Relationship.objects.get(pk=rel.pk), mentee)
    rel.refresh_from_db()
    assert rel.reinstated_at is not None
    reinstated = f"It was reinstated on {timezone.localdate(rel.reinstated_at):%-d %B %Y}."
    first = f"{timezone.localdate(sent):%-d %B %Y}"

    assert fire(rel, "review_request__timeout") == 1  # the first reminder
    reminder = Notification.objects.get(recipient=mentor, event="reminder_review_request")
    assert f"asked you on {first}" in reminder.body_text and reminder.body_text.count(reinstated) == 1
    assert reinstated in reminder.body_html
    assert fire(rel, "review_request__timeout_3") == 1  # the escalation
    case = StaffCase.objects.get(kind=CaseKind.UNANSWERED_REQUEST, relationship=rel)
    assert case.summary == f"of {long_date(sent)} (reinstated on {long_date(rel.reinstated_at)})"
    assert come_to_expiry(rel) == 1
    for event, person in (("request_expired", mentor), ("request_expired_confirmation", mentee)):
        told = Notification.objects.get(recipient=person, event=event)
        assert first in told.body_text and reinstated in told.body_text and reinstated in told.body_html


def test_a_request_never_withdrawn_says_nothing_of_reinstating(mentee, mentor):
    rel = send(mentee, mentor)
    assert fire(rel, "review_request__timeout") == 1
    assert "reinstated" not in Notification.objects.get(recipient=mentor, event="reminder_review_request").body_text


def test_the_diagram_shows_the_expiry_wait_from_the_setting(client, staff, settings):
    settings.REMINDERS = {**settings.REMINDERS, "REQUEST_EXPIRE_DAYS": 33}
    client.force_login(staff)
    chart = client.get("/staff/journeys/mentoring.svg").content.decode()
    assert "33 days" in chart and "the request expires" in chart.lower()


def test_mentors_who_did_not_take_a_request_are_not_suggested_again_on_the_page_or_by_email(client, mentee, mentor):
    """The Relationships page, the expiry email and Find Mentor's "Suggested for you" suggest the same
    mentors: neither the one who let this request expire nor one who declined an earlier one (a search
    in Find Mentor still lists them)."""
    from people.tests.factories import PASSWORD

    declined_before = make_mentor(first_name="Dora", last_name="Declined", email="dora@example.com")
    sam = make_mentor(first_name="Sam", last_name="Suggested", email="sam@example.com")
    relationships.decline_request(send(mentee, declined_before), declined_before, "No time now.")
    rel = send(mentee, mentor)
    assert come_to_expiry(rel) == 1

    body = Notification.objects.get(recipient=mentee, event="request_expired_confirmation").body_text
    suggested = body.split("match your profile")[1]
    assert sam.display_name in suggested
    assert mentor.display_name not in suggested and declined_before.display_name not in suggested
    client.login(email=mentee.email, password=PASSWORD)
    page = client.get(reverse("relationships")).content.decode()
    section = page.split('id="suggested-head"')[1].split("</section>")[0]
    assert sam.display_name in section
    assert mentor.display_name not in section and declined_before.display_name not in section
    found = client.get(reverse("find_mentor")).content.decode()
    assert sam.display_name in found
    assert mentor.display_name not in found and declined_before.display_name not in found
    searched = client.get(reverse("find_mentor"), {"full": "end"}).content.decode()
    assert mentor.display_name in searched and declined_before.display_name in searched
