"""A concern's conversation answered by email, as a Contact message's is: the team's reply carries the
concern's signed Reply-To (``project.reply_addresses``), the answer comes in through ``support.inbound`` (the
webhook or the MTA pipe), only from the address of the person who raised it, reopens the case as an
answer on the page does, and the other person in the relationship never sees it."""

from __future__ import annotations

import io
from email.message import EmailMessage

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from journeys.models import ConcernReply
from journeys.services import concerns
from notifications.models import Notification
from people.tests.factories import PASSWORD, make_staff
from project import reply_addresses as replies
from staff import services as staff_services
from staff.models import StaffCase
from support.models import SupportReply

from .helpers import send, walk_to

pytestmark = pytest.mark.django_db

SECRET = "a-long-shared-secret-for-the-webhook"
INBOUND = reverse("support_inbound")
WORRY = "My mentor has not answered my messages for five weeks and missed our last meeting."
REPLY = "Thank you for telling us. Has she been in touch since?"
ANSWERED = "Not yet. I will wait one more week."
QUOTED = (
    f"{ANSWERED}\n\nJohn\n\n"
    "On Mon, 7 Dec 2026 at 10:00, Mentoring Programme <support@example.org> wrote:\n"
    f"> {REPLY}\n> \n"
)


@pytest.fixture(autouse=True)
def _inbound(settings):
    settings.SUPPORT_INBOUND_DOMAIN = "replies.example.org"
    settings.SUPPORT_INBOUND_SECRET = SECRET
    settings.STAFF_NOTIFICATION_EMAILS = []


@pytest.fixture
def rel(mentee, mentor):
    return walk_to(send(mentee, mentor), mentee, mentor, "progression")


@pytest.fixture
def programme_staff(db):
    return make_staff(email="sam@example.com")  # Sam Staff


@pytest.fixture
def replied(rel, mentee, programme_staff, django_capture_on_commit_callbacks):
    """John (the mentee) raised a concern about Alice; Sam claimed its case and replied by email."""
    with django_capture_on_commit_callbacks(execute=True):
        concern = concerns.raise_concern(rel, mentee, WORRY)
        case = StaffCase.objects.get(concern=concern)
        staff_services.claim(case, programme_staff)
        staff_services.reply_to_raiser(case, programme_staff, REPLY)
    return concern, case


def raw_email(to: str, body: str, *, sender="John Smith <john@example.com>", **headers) -> bytes:
    message = EmailMessage()
    message["From"], message["To"] = sender, to
    message["Subject"] = "Re: [Mentoring] The programme team has replied about your concern"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def post(client, raw: bytes):
    return client.post(INBOUND, raw, content_type="message/rfc822", HTTP_X_SUPPORT_INBOUND_SECRET=SECRET)


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)


def test_the_reply_email_says_to_answer_by_email_and_answers_at_the_concerns_own_address(replied, mentee):
    concern, _case = replied
    [email] = [m for m in mail.outbox if m.to == [mentee.email] and REPLY in m.body]
    address = replies.reply_address(concern)
    assert email.reply_to == [address]
    assert address.startswith(f"support+c{concern.pk}.") and address.endswith("@replies.example.org")
    # a Contact message's address with the same number is another conversation
    assert replies.addressed_to(address) == (replies.CONCERN, concern.pk)
    assert replies.request_id_in(address) is None
    said = " ".join(email.body.split())
    assert (
        "To answer, reply to this email (keep your answer above the quoted text) from this address, or write on "
        "your concern's page on the platform. Alice Kember does not see this reply, your answer or your concern."
    ) in said
    html = email.alternatives[0][0].replace("&#x27;", "'")
    assert "reply to this email (keep your answer above the quoted text) from this address" in html
    # a person's words: answered as any email is (an out-of-office comes back, and is ignored)
    assert email.message()["Auto-Submitted"] is None


def test_without_answers_by_email_the_reply_says_the_page_and_has_no_reply_to(
    settings, rel, mentee, programme_staff, django_capture_on_commit_callbacks
):
    settings.SUPPORT_INBOUND_DOMAIN = ""
    with django_capture_on_commit_callbacks(execute=True):
        concern = concerns.raise_concern(rel, mentee, WORRY)
        case = StaffCase.objects.get(concern=concern)
        staff_services.claim(case, programme_staff)
        staff_services.reply_to_raiser(case, programme_staff, REPLY)
    [email] = [m for m in mail.outbox if m.to == [mentee.email] and REPLY in m.body]
    assert email.reply_to == []
    assert "reply to this email" not in email.body
    assert "To answer, write on your concern's page on the platform." in " ".join(email.body.split())


@pytest.mark.parametrize(
    ("by_email", "hint"),
    [
        (True, "John Smith can answer by replying to the email, or on the platform where they see their concern."),
        (False, "John Smith reads it, and can answer, on the platform where they see their concern."),
    ],
)
def test_the_staff_reply_box_says_how_they_can_answer(client, settings, rel, mentee, programme_staff, by_email, hint):
    if not by_email:
        settings.SUPPORT_INBOUND_DOMAIN = ""
    concern = concerns.raise_concern(rel, mentee, WORRY)
    case = StaffCase.objects.get(concern=concern)
    task = staff_services.claim(case, programme_staff).task
    login(client, programme_staff)
    page = client.get(task.flow_task.reverse("execute", args=[case.pk, task.pk])).content.decode()
    page = page.replace("&#x27;", "'")
    assert f"Emailed to John Smith and kept on this case; Alice Kember never sees it. {hint}" in page


def test_an_answer_by_email_goes_on_the_concern_page_and_the_case_and_reopens_a_resolved_case(
    client, replied, mentee, mentor, programme_staff
):
    concern, case = replied
    staff_services.resolve(case, programme_staff, "Answered; waiting to hear back.")
    response = post(client, raw_email(replies.reply_address(concern), QUOTED))
    assert response.status_code == 200 and response.content == b"added\n"

    answer = concern.replies.get(written_by=ConcernReply.Author.RAISER)
    assert (answer.body, answer.author, answer.via) == (f"{ANSWERED}\n\nJohn", mentee, "email")
    assert not SupportReply.objects.exists()  # not mistaken for a Contact message's answer
    # the case opens again, as after an answer on the page: a new case about the same concern, in the queue
    again = StaffCase.objects.exclude(pk=case.pk).get(concern=concern)
    assert again.status == "NEW" and staff_services.handle_task(again) is not None
    to_staff = Notification.objects.get(recipient=programme_staff, event="concern_answer_staff")
    assert ANSWERED in to_staff.body_text and to_staff.link == reverse("staff_case", args=[again.pk])

    # John reads it on his concern's page, as his own words
    login(client, mentee)
    page = client.get(reverse("concern", args=[concern.pk])).content.decode()
    assert ANSWERED in page and "On Mon, 7 Dec" not in page
    client.logout()
    # staff read it on the case, saying it came by email
    login(client, programme_staff)
    page = client.get(reverse("staff_case", args=[again.pk]), follow=True).content.decode()
    assert ANSWERED in page and ", by email" in page
    client.logout()

    # Alice sees nothing of it, and is told nothing
    assert not Notification.objects.filter(recipient=mentor, body_text__contains=ANSWERED).exists()
    login(client, mentor)
    assert client.get(reverse("concern", args=[concern.pk])).status_code == 404
    pages = [reverse(name, args=[concern.relationship_id]) for name in ("relationship", "messages", "goals")]
    for url in [*pages, reverse("notifications"), reverse("relationships")]:
        page = client.get(url).content.decode()
        for words in (ANSWERED, "five weeks", "Concerns you raised"):
            assert words not in page, (url, words)


def test_an_answer_by_email_on_an_open_case_goes_on_that_case(client, replied, programme_staff):
    concern, case = replied
    assert post(client, raw_email(replies.reply_address(concern), "Still nothing.")).status_code == 200
    assert StaffCase.objects.filter(concern=concern).count() == 1
    assert Notification.objects.get(event="concern_answer_staff").link == reverse("staff_case", args=[case.pk])
    login(client, programme_staff)
    assert "Still nothing." in client.get(reverse("staff_case", args=[case.pk]), follow=True).content.decode()


def test_the_mail_server_pipe_takes_the_raisers_answer_and_bounces_anyone_elses(replied, mentee):
    concern, _case = replied
    to = replies.reply_address(concern)
    err = io.StringIO()
    call_command("receive_support_email", recipient=to, stdin=io.BytesIO(raw_email(to, "Piped")), stderr=err)
    assert "added" in err.getvalue()
    assert concern.replies.filter(via="email").get().body == "Piped"
    stranger = raw_email(to, "Let me in", sender="Someone <someone@example.net>")
    with pytest.raises(SystemExit) as stopped:
        call_command("receive_support_email", recipient=to, stdin=io.BytesIO(stranger), stderr=io.StringIO())
    assert stopped.value.code == 67  # as for a reply address that is not ours: the server bounces it
    assert concern.replies.filter(via="email").count() == 1


def test_a_wrong_sender_is_refused_as_a_wrong_address_is_and_nothing_is_kept(client, replied, mentor):
    concern, case = replied
    to = replies.reply_address(concern)
    for sender in (
        "Alice Kember <alice@example.com>",  # the other person (the email forwarded to her)
        "John Smith <john.smith@elsewhere.example>",  # his name, another address
        "",  # no From at all
    ):
        response = post(client, raw_email(to, "Do not believe him.", sender=sender))
        assert response.status_code == 406, sender  # as Contact answers a forged or unknown address
    # a Contact message's token does not answer a concern, nor a concern's token with a forged signature
    forged = to.replace(to.split(".")[1][:24], "0" * 24)
    contact_shaped = to.replace(f"support+c{concern.pk}.", f"support+{concern.pk}.")
    for address in (forged, contact_shaped):
        assert post(client, raw_email(address, "Hello")).status_code == 406, address
    assert not concern.replies.filter(written_by=ConcernReply.Author.RAISER).exists()
    assert StaffCase.objects.filter(concern=concern).count() == 1
    assert not Notification.objects.filter(event="concern_answer_staff").exists()
    assert not Notification.objects.filter(recipient=mentor, body_text__contains="Do not believe").exists()


def test_an_out_of_office_is_ignored_and_the_same_email_delivered_twice_is_one_answer(client, replied):
    concern, _case = replied
    to = replies.reply_address(concern)
    away = raw_email(to, "I am away until Monday.", Auto_Submitted="auto-replied")
    assert post(client, away).status_code == 200
    assert not concern.replies.filter(written_by=ConcernReply.Author.RAISER).exists()
    for _ in range(2):  # a webhook retried
        assert post(client, raw_email(to, "Still nothing.")).status_code == 200
    assert concern.replies.filter(written_by=ConcernReply.Author.RAISER).count() == 1
    assert Notification.objects.filter(event="concern_answer_staff").count() == 1


def test_after_the_raiser_deleted_their_account_an_answer_is_refused(client, replied, mentee):
    from people.services import delete_account

    concern, _case = replied
    to = replies.reply_address(concern)
    delete_account(mentee)
    assert post(client, raw_email(to, "Hello again")).status_code == 406
    assert not concern.replies.exists()
