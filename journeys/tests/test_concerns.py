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


# -- the conversation that follows a concern --------------------------------------------------------

REPLY = "Thank you for telling us. We have written to your mentor to check in; tell us how it goes."
ANSWER = "She has answered me now, thank you."


def _workspace(client, case, staff_user) -> str:
    task = staff_services.claim(case, staff_user).task
    login(client, staff_user)
    return task.flow_task.reverse("execute", args=[case.pk, task.pk])


def test_staff_reply_to_a_concern_and_the_raiser_reads_and_answers_it(client, rel, mentee, mentor, programme_staff):
    """A concern case had no way to answer: staff could only nudge, or email by hand, though the
    concern page promised "The team will get back to you"."""
    concern = concerns.raise_concern(rel, mentee, WORRY)
    case = StaffCase.objects.get(concern=concern)
    url = _workspace(client, case, programme_staff)
    page = client.get(url).content.decode()
    assert "Reply to John Smith" in page and "Alice Kember never sees it" in page

    resp = client.post(url, {"action": "reply", "reply-body": REPLY}, follow=True)
    page = resp.content.decode().replace("&#x27;", "'")
    assert "Reply sent to John Smith and kept on the case." in page
    assert REPLY in page  # the conversation, on the case
    assert "Replied to John Smith about their concern." in page  # the case's notes
    email = Notification.objects.get(recipient=mentee, event="concern_reply")
    assert email.subject == "The programme team has replied about your concern"
    assert REPLY in email.body_text and f"(reference number {concern.pk})" in email.body_text
    assert email.link == reverse("concern", args=[concern.pk])
    client.logout()

    # The raiser finds it where they see their concern, and answers there.
    login(client, mentee)
    assert reverse("concern", args=[concern.pk]) in client.get(reverse("relationship", args=[rel.pk])).content.decode()
    page = client.get(reverse("concern", args=[concern.pk])).content.decode()
    assert WORRY in page and REPLY in page.replace("&#x27;", "'")
    resp = client.post(reverse("concern", args=[concern.pk]), {"body": ANSWER}, follow=True)
    assert "Your answer has been sent to the programme team. Alice Kember is not told." in resp.content.decode()
    to_staff = Notification.objects.get(recipient=programme_staff, event="concern_answer_staff")
    assert ANSWER in to_staff.body_text and to_staff.link == reverse("staff_case", args=[case.pk])
    assert [r.body for r in concern.replies.all()] == [REPLY, ANSWER]
    client.logout()
    login(client, programme_staff)
    assert ANSWER in client.get(url).content.decode()  # on the same case, still open


def test_an_answer_after_the_case_was_resolved_opens_it_again_in_the_queue(rel, mentee, programme_staff):
    concern = concerns.raise_concern(rel, mentee, WORRY)
    case = StaffCase.objects.get(concern=concern)
    staff_services.claim(case, programme_staff)
    staff_services.reply_to_raiser(case, programme_staff, REPLY)
    staff_services.resolve(case, programme_staff, "Answered")
    concerns.answer_as_raiser(concern, mentee, ANSWER)
    again = StaffCase.objects.exclude(pk=case.pk).get(concern=concern)
    assert again.kind == CaseKind.CONCERN and again.status == "NEW"
    assert Notification.objects.get(event="concern_answer_staff").link == reverse("staff_case", args=[again.pk])


def test_the_other_person_never_sees_a_concern_or_the_replies_about_it(client, rel, mentee, mentor, programme_staff):
    """The privacy page promises that the other person does not see a concern you raise: nor its replies."""
    privacy = client.get(reverse("privacy")).content.decode()
    assert "They do not see the feedback you give, or a concern you raise." in privacy
    told_before = set(Notification.objects.filter(recipient=mentor).values_list("pk", flat=True))
    concern = concerns.raise_concern(rel, mentee, WORRY)
    case = StaffCase.objects.get(concern=concern)
    staff_services.claim(case, programme_staff)
    staff_services.reply_to_raiser(case, programme_staff, REPLY)
    concerns.answer_as_raiser(concern, mentee, ANSWER)

    assert set(Notification.objects.filter(recipient=mentor).values_list("pk", flat=True)) == told_before
    login(client, mentor)
    assert client.get(reverse("concern", args=[concern.pk])).status_code == 404
    assert client.post(reverse("concern", args=[concern.pk]), {"body": "Let me see"}).status_code == 404
    pages = [reverse(name, args=[rel.pk]) for name in ("relationship", "proposal", "messages", "meetings", "goals")]
    for url in [*pages, reverse("notifications"), reverse("relationships")]:
        page = client.get(url).content.decode().replace("&#x27;", "'")
        for words in ("five weeks", "written to your mentor", ANSWER, "Concerns you raised"):
            assert words not in page, (url, words)
    with pytest.raises(Refused):
        concerns.answer_as_raiser(concern, mentor, "Let me answer")
    assert concern.replies.count() == 2


def test_a_reply_to_someone_who_left_is_refused_with_why_and_given_back(client, rel, mentee, programme_staff):
    from people.services import delete_account

    concern = concerns.raise_concern(rel, mentee, WORRY)
    case = StaffCase.objects.get(concern=concern)
    url = _workspace(client, case, programme_staff)
    staff_services.reply_to_raiser(case, programme_staff, REPLY)
    concerns.answer_as_raiser(concern, mentee, ANSWER)
    delete_account(mentee)
    assert not concern.replies.exists()  # their conversation went with their words
    page = client.get(url).content.decode()
    assert "there is nobody to reply to" in page and "Reply to" not in page
    resp = client.post(url, {"action": "reply", "reply-body": "Are you still there?"}, follow=True)
    page = resp.content.decode()
    assert "deleted their account since, so there is nobody to reply to" in page
    assert "Your reply was not sent: “Are you still there?”" in page


def test_an_empty_answer_is_said_on_its_field_and_the_same_answer_twice_is_one(client, rel, mentee, programme_staff):
    concern = concerns.raise_concern(rel, mentee, WORRY)
    login(client, mentee)
    url = reverse("concern", args=[concern.pk])
    resp = client.post(url, {"body": "  "})
    assert resp.status_code == 400 and "Please write your answer before sending it." in resp.content.decode()
    client.post(url, {"body": ANSWER})
    again = client.post(url, {"body": ANSWER}, follow=True).content.decode()
    assert "You had already sent this answer at" in again
    assert concern.replies.count() == 1
    assert Notification.objects.filter(recipient=programme_staff, event="concern_answer_staff").count() == 1


def test_the_concern_page_says_what_happens_next(client, rel, mentee):
    login(client, mentee)
    page = client.get(reverse("raise_concern", args=[rel.pk])).content.decode()
    assert "will get back to you" not in page
    assert "The team will reply to you by email." in page
    assert "under “Concerns you raised”" in page


def test_a_reply_to_a_concern_sent_twice_is_sent_once(client, rel, mentee, programme_staff):
    concern = concerns.raise_concern(rel, mentee, WORRY)
    case = StaffCase.objects.get(concern=concern)
    url = _workspace(client, case, programme_staff)
    for _ in range(2):
        resp = client.post(url, {"action": "reply", "reply-body": REPLY}, follow=True)
    assert "You had already sent this reply at " in resp.content.decode()
    assert concern.replies.count() == 1
    assert Notification.objects.filter(recipient=mentee, event="concern_reply").count() == 1
    assert case.notes.filter(body__startswith="Replied to John Smith").count() == 1
