""" "Raise a concern": a message to the programme that opens a staff case about the relationship;
the person who raised it gets a confirmation, the other person is told nothing unless staff
choose to (a nudge from the case, in their own words)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from journeys.models import Concern
from journeys.services import concerns
from journeys.services.base import Refused
from notifications.models import Notification
from people.tests.factories import PASSWORD, make_staff
from staff import services as staff_services
from staff.models import CaseKind, StaffCase

from .helpers import send, walk_to

pytestmark = pytest.mark.django_db

WORRY = "My mentor has not answered my messages for five weeks and missed our last meeting."


@pytest.fixture
def rel(mentee, mentor):
    return walk_to(send(mentee, mentor), mentee, mentor, "progression")


@pytest.fixture
def programme_staff(db):
    return make_staff(email="sam@example.com")  # Sam Staff


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_a_concern_opens_a_case_for_staff_and_confirms_to_the_raiser(client, rel, mentee, mentor, programme_staff):
    told_before = Notification.objects.filter(recipient=mentor).count()
    history_before = rel.history.count()
    login(client, mentee)
    page = client.get(reverse("raise_concern", args=[rel.pk])).content.decode()
    assert "Alice Kember is not told, and nothing about it appears on their pages." in page
    resp = client.post(reverse("raise_concern", args=[rel.pk]), {"message": WORRY})
    assert resp.status_code == 302 and resp.url == reverse("relationship", args=[rel.pk])

    concern = Concern.objects.get()
    assert (concern.relationship, concern.raised_by, concern.message) == (rel, mentee, WORRY)
    case = StaffCase.objects.get(kind=CaseKind.CONCERN)
    assert case.relationship == rel and case.concern == concern and case.status == "NEW"
    assert staff_services.handle_task(case) is not None  # waiting in the staff queue
    assert (
        case.description
        == f"John Smith (mentee) raised a concern about their relationship with Alice Kember: “{WORRY}”"
    )
    to_staff = Notification.objects.get(recipient=programme_staff, event="staff_case_opened")
    assert to_staff.subject == "New in the staff inbox: concern from a participant"
    confirmation = Notification.objects.get(recipient=mentee, event="concern_raised_confirmation")
    assert confirmation.subject == "We have received your concern"
    assert f"(reference number {concern.pk})" in confirmation.body_text
    assert "Alice Kember has not been told about it." in confirmation.body_text

    # The raiser sees the confirmation and their concern; the other person sees and is told nothing.
    page = client.get(reverse("relationship", args=[rel.pk])).content.decode()
    assert "Your concern has been sent to the programme team" in page and "Concerns you raised" in page
    assert "five weeks" in page
    assert Notification.objects.filter(recipient=mentor).count() == told_before
    assert rel.history.count() == history_before
    client.logout()
    login(client, mentor)
    for name in ("relationship", "proposal", "messages", "meetings", "goals"):
        other_page = client.get(reverse(name, args=[rel.pk])).content.decode()
        assert "five weeks" not in other_page and "Concerns you raised" not in other_page, name
        assert "concern from" not in other_page.lower(), name
    assert "five weeks" not in client.get(reverse("notifications")).content.decode()


def test_a_mentor_can_raise_one_too_and_each_concern_is_its_own_case(rel, mentee, mentor):
    concerns.raise_concern(rel, mentor, "John has not replied about our next meeting.")
    concerns.raise_concern(rel, mentor, "Still nothing after a week.")
    cases = StaffCase.objects.filter(kind=CaseKind.CONCERN).order_by("pk")
    assert cases.count() == 2
    assert cases[0].description.startswith("Alice Kember (mentor) raised a concern about their relationship with John")
    assert not Notification.objects.filter(recipient=mentee, event__startswith="concern").exists()


def test_an_empty_concern_is_a_message_on_the_page(client, rel, mentee):
    login(client, mentee)
    resp = client.post(reverse("raise_concern", args=[rel.pk]), {"message": "   "})
    assert resp.status_code == 400
    assert "Please write your concern before sending it." in resp.content.decode()
    resp = client.post(reverse("raise_concern", args=[rel.pk]), {"message": "x" * 6000})
    assert resp.status_code == 400 and "x" * 100 in resp.content.decode()  # what was typed is kept
    assert not Concern.objects.exists() and not StaffCase.objects.exists()
    with pytest.raises(Refused):
        concerns.raise_concern(rel, mentee, "")


def test_only_the_two_people_raise_a_concern_about_their_relationship(client, rel, outsider):
    with pytest.raises(Refused):
        concerns.raise_concern(rel, outsider, WORRY)
    for person in (outsider, make_staff()):
        login(client, person)
        assert client.get(reverse("raise_concern", args=[rel.pk])).status_code == 404
        assert client.post(reverse("raise_concern", args=[rel.pk]), {"message": WORRY}).status_code == 404
        client.logout()
    assert not Concern.objects.exists()


def test_a_concern_can_be_raised_after_the_relationship_ended(rel, mentee, mentor):
    from journeys.services import relationships

    relationships.withdraw(rel, mentor, "No time")
    concerns.raise_concern(rel, mentee, "The way it ended upset me.")
    assert StaffCase.objects.filter(kind=CaseKind.CONCERN, relationship=rel).exists()


def test_staff_see_the_concern_and_choose_whether_to_tell_the_other_person(
    client, rel, mentee, mentor, programme_staff
):
    concern = concerns.raise_concern(rel, mentee, WORRY)
    case = StaffCase.objects.get(concern=concern)
    task = staff_services.claim(case, programme_staff).task
    login(client, programme_staff)
    url = task.flow_task.reverse("execute", args=[case.pk, task.pk])
    page = client.get(url).content.decode()
    assert "The concern" in page and "five weeks" in page and "John Smith, the mentee" in page
    assert "Alice Kember has not been told about this concern." in page
    assert not Notification.objects.filter(recipient=mentor, event="staff_nudge").exists()

    # Staff choose to involve the mentor: a neutral check-in, with their own line and nothing else.
    client.post(url, {"action": "nudge", "nudge-who": "mentor", "nudge-personal": "Could you get in touch with John?"})
    nudge = Notification.objects.get(recipient=mentor, event="staff_nudge")
    assert nudge.subject == "Checking in on your mentoring with John Smith"
    assert "The programme team would like to check in on your mentoring with John Smith." in nudge.body_text
    assert "Could you get in touch with John?" in nudge.body_text
    assert "five weeks" not in nudge.body_text and "concern" not in nudge.body_text.lower()


def test_the_same_concern_sent_twice_is_one_case_and_one_email_each(
    client, rel, mentee, programme_staff, django_capture_on_commit_callbacks
):
    from django.core import mail

    login(client, mentee)
    url = reverse("raise_concern", args=[rel.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"message": WORRY})
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, {"message": WORRY}, follow=True)

    assert first.status_code == 302 and again.redirect_chain == [(reverse("relationship", args=[rel.pk]), 302)]
    assert Concern.objects.count() == 1 and StaffCase.objects.filter(kind=CaseKind.CONCERN).count() == 1
    assert len(mail.outbox) == sent
    assert Notification.objects.filter(event="concern_raised_confirmation").count() == 1
    assert Notification.objects.filter(recipient=programme_staff, event="staff_case_opened").count() == 1
    page = again.content.decode().replace("&#x27;", "'")
    assert "You had already sent this concern at" in page and "it has not been sent again" in page

    # Something else, or the same words later on, is a new concern.
    concerns.raise_concern(rel, mentee, WORRY + " Still nothing.")
    Concern.objects.filter(message=WORRY).update(
        raised_at=Concern.objects.get(message=WORRY).raised_at.replace(year=2020)
    )
    assert concerns.raise_concern(rel, mentee, WORRY).already_sent is False
    assert Concern.objects.count() == 3
