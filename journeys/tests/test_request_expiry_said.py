"""A request the mentor does not answer expires on its own date (``Relationship.expires_at``): each
person is told that date before it comes. The mentee, when the request is sent (or reinstated or
proposed), in the email and on the request's page, with what then happens; the mentor in the request's
email and on the pages they answer it from; staff in the "request not answered" email and on the case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from journeys import answer_links
from journeys.flows.timers import fire_due_timers
from journeys.models import Relationship
from journeys.services import proposals, relationships
from project.dates import long_date
from staff.models import StaffCase

from .helpers import send

pytestmark = pytest.mark.django_db(transaction=True)


def to_mentee(rel) -> str:
    return (
        f"If Alice Kember has not answered it, the request expires on {long_date(rel.expires_at)}: they can no "
        "longer accept it after that, and we will email you so you can ask another mentor."
    )


def to_mentor(rel) -> str:
    return f"If it is still unanswered on {long_date(rel.expires_at)}, the request expires and you can no longer accept it."


def to_staff(rel) -> str:
    return f"If Alice Kember does not answer it, the request expires on {long_date(rel.expires_at)}."


def emails_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def both_parts(email) -> str:
    return email.body + "\n" + email.alternatives[0][0].replace("&#x27;", "'")


def test_the_request_emails_give_its_expiry_date_to_both(mentee, mentor):
    mail.outbox.clear()
    rel = send(mentee, mentor)
    assert rel.expires_at is not None
    [confirmation] = emails_to(mentee)
    assert confirmation.body.count(to_mentee(rel)) == 1
    assert confirmation.alternatives[0][0].count(to_mentee(rel)) == 1
    [request] = emails_to(mentor)
    assert request.body.count(to_mentor(rel)) == 1 and request.alternatives[0][0].count(to_mentor(rel)) == 1


def test_a_reinstated_request_gives_its_new_date(mentee, mentor):
    rel = send(mentee, mentor)
    relationships.withdraw_request(rel, mentee, "Not now")
    Relationship.objects.filter(pk=rel.pk).update(expires_at=timezone.now() - dt.timedelta(days=3))
    mail.outbox.clear()
    rel = relationships.reinstate_request(Relationship.objects.get(pk=rel.pk), mentee)
    assert rel.expires_at > timezone.now() + dt.timedelta(days=20)
    [confirmation] = emails_to(mentee)
    assert to_mentee(rel) in confirmation.body and to_mentee(rel) in confirmation.alternatives[0][0]
    [request] = emails_to(mentor)
    assert to_mentor(rel) in request.body and to_mentor(rel) in request.alternatives[0][0]


def test_a_proposed_request_gives_its_date_to_both(mentee, mentor, staff):
    from people.models import AreaOfSupport

    mail.outbox.clear()
    rel = proposals.propose_request(
        mentee=mentee, mentor=mentor, area=AreaOfSupport.objects.first(), statement="Leadership", staff_user=staff
    )
    rel.refresh_from_db()
    [confirmation] = emails_to(mentee)
    assert to_mentee(rel) in confirmation.body
    [request] = emails_to(mentor)
    assert to_mentor(rel) in request.body


def test_the_pages_give_the_date_to_the_mentee_the_mentor_and_staff(client, mentee, mentor, staff):
    rel = send(mentee, mentor)
    client.force_login(mentee)
    page = client.get(reverse("relationship", args=[rel.pk])).content.decode().replace("&#x27;", "'")
    assert to_mentee(rel) in page and to_mentor(rel) not in page

    client.force_login(mentor)
    review = client.get(reverse("next_step", args=[rel.pk])).url
    assert to_mentor(rel) in client.get(review).content.decode()
    assert to_mentor(rel) in client.get(reverse("relationship", args=[rel.pk])).content.decode()
    client.logout()
    task = answer_links.review_task(rel)
    assert to_mentor(rel) in client.get(answer_links.url_for(rel.pk, task.pk, "accept")).content.decode()

    # Staff: the escalation ("request not answered") email and the case page say when it will expire.
    client.force_login(staff)
    assert to_staff(rel) in client.get(reverse("staff_relationship", args=[rel.pk])).content.decode()
    mail.outbox.clear()
    escalation = [
        t
        for t in Task.objects.filter(flow_task_type="TIMER", status=STATUS.SCHEDULED)
        if t.flow_task.name == "review_request__timeout_3"
    ]
    Task.objects.filter(pk__in=[t.pk for t in escalation]).update(scheduled=timezone.now() - dt.timedelta(seconds=1))
    assert fire_due_timers() == 1
    case = StaffCase.objects.get(relationship=rel)
    [email] = emails_to(staff)
    assert email.body.count(to_staff(rel)) == 1 and email.alternatives[0][0].count(to_staff(rel)) == 1
    assert to_staff(rel) in client.get(reverse("staff_case", args=[case.pk])).content.decode()

    # Answered, the request no longer expires: nobody is told it will.
    relationships.accept_request(Relationship.objects.get(pk=rel.pk), mentor)
    assert "the request expires on" not in client.get(reverse("staff_case", args=[case.pk])).content.decode()
    client.force_login(mentee)
    assert "the request expires on" not in client.get(reverse("relationship", args=[rel.pk])).content.decode()


def test_a_request_that_never_expires_says_no_date(client, mentee, mentor, settings):
    settings.REMINDERS = {**settings.REMINDERS, "REQUEST_EXPIRE_DAYS": 0}
    mail.outbox.clear()
    rel = send(mentee, mentor)
    assert rel.expires_at is None
    assert all("expires" not in m.body for m in mail.outbox)
    client.force_login(mentee)
    assert "the request expires" not in client.get(reverse("relationship", args=[rel.pk])).content.decode()
