"""The conversation after a Contact message: staff reply from the case (emailed, kept), the sender
answers on the platform or by email (a signed Reply-To address, the inbound endpoint and command)."""

from __future__ import annotations

import io
from datetime import timedelta
from email.message import EmailMessage

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from people.tests.factories import make_mentee, make_mentor, make_staff
from project import reply_addresses as replies
from staff import services as staff_services
from staff.models import CaseKind, StaffCase
from support import inbound
from support import services as support_services
from support.models import SupportReply, SupportRequest

pytestmark = pytest.mark.django_db
SECRET = "a-long-shared-secret-for-the-webhook"
INBOUND = reverse("support_inbound")


@pytest.fixture(autouse=True)
def _inbound(settings):
    settings.SUPPORT_INBOUND_DOMAIN = "replies.example.org"
    settings.SUPPORT_INBOUND_SECRET = SECRET
    settings.STAFF_NOTIFICATION_EMAILS = []


@pytest.fixture
def message_from_mia(django_capture_on_commit_callbacks):
    mia = make_mentee(first_name="Mia", last_name="Mentee", email="mia@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        request = support_services.submit_support_request(
            user=mia, name="Mia Mentee", email="mia@example.com", subject="My mentor is away", message="What now?"
        )
    mail.outbox.clear()
    return mia, request


def case_for(support_request) -> StaffCase:
    return StaffCase.objects.filter(support_request=support_request).latest("pk")


def claimed_case_url(client, staff, case) -> str:
    client.force_login(staff)
    response = client.post(reverse("staff_claim", args=[case.pk]))
    assert response.status_code == 302
    return response.url


def test_staff_reply_from_the_case_is_emailed_with_a_signed_reply_to_and_kept(
    client, message_from_mia, django_capture_on_commit_callbacks
):
    mia, request = message_from_mia
    staff = make_staff()
    case = case_for(request)
    url = claimed_case_url(client, staff, case)
    page = client.get(url).content.decode()
    assert "Sent while signed in as Mia Mentee" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "reply", "reply-body": "They are back on Monday; hold on."})
    assert response.status_code == 302
    reply = SupportReply.objects.get()
    assert (reply.written_by, reply.author, reply.body) == ("staff", staff, "They are back on Monday; hold on.")
    [email] = [m for m in mail.outbox if m.to == ["mia@example.com"]]
    assert "They are back on Monday" in email.body
    # written by a person, not the platform: no Auto-Submitted header, so it is answered as any email is
    assert email.message()["Auto-Submitted"] is None
    assert email.subject.endswith("Re: My mentor is away")
    assert email.reply_to == [replies.reply_address(request)]
    assert email.reply_to[0].startswith(f"support+{request.pk}.") and email.reply_to[0].endswith("@replies.example.org")
    assert "They are back on Monday" in client.get(url).content.decode()  # kept on the case
    assert case.notes.filter(body="Replied to the sender.").exists()


def test_no_reply_to_when_answers_by_email_are_not_set_up(
    settings, message_from_mia, django_capture_on_commit_callbacks
):
    settings.SUPPORT_INBOUND_DOMAIN = ""
    mia, request = message_from_mia
    with django_capture_on_commit_callbacks(execute=True):
        staff_services.reply_to_sender(case_for(request), make_staff(), "Hello")
    [email] = [m for m in mail.outbox if m.to == ["mia@example.com"]]
    assert email.reply_to == []
    assert "reply to this email" not in email.body


@pytest.mark.parametrize(
    ("by_email", "signed_in", "hint"),
    [
        (True, True, "They can answer by email or on the platform."),
        (False, True, "They can answer on the platform."),
        (True, False, "They can answer by email."),
        (False, False, "To answer, they write to us again with the Contact form."),
    ],
)
def test_the_reply_box_says_how_the_sender_can_answer_as_the_email_does(
    client, settings, django_capture_on_commit_callbacks, by_email, signed_in, hint
):
    if not by_email:
        settings.SUPPORT_INBOUND_DOMAIN = ""
    sender = make_mentee(email="mia@example.com") if signed_in else None
    with django_capture_on_commit_callbacks(execute=True):
        request = support_services.submit_support_request(
            user=sender, name="Mia Mentee", email="mia@example.com", subject="Joining", message="How?"
        )
    page = client.get(claimed_case_url(client, make_staff(), case_for(request))).content.decode()
    assert (
        f'<div class="help" id="id_reply-body_helptext">Emailed to the sender and kept on this case. {hint}</div>'
        in page
    )


def test_a_reply_to_a_signed_out_sender_points_to_the_contact_form(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = support_services.submit_support_request(
            user=None, name="Pat Public", email="pat@example.net", subject="Joining", message="How?"
        )
        staff_services.reply_to_sender(case_for(request), make_staff(), "Sign up on the home page.")
    [email] = [m for m in mail.outbox if m.to == ["pat@example.net"] and "Sign up" in m.body]
    assert reverse("contact") in email.body


def test_the_sender_sees_the_conversation_and_answers_on_the_platform(client, message_from_mia):
    mia, request = message_from_mia
    staff_services.reply_to_sender(case_for(request), make_staff(), "They are back on Monday.")
    staff_services.resolve(case_for(request), make_staff(email="s2@example.com"), "Answered")
    client.force_login(mia)
    listing = client.get(reverse("support_messages")).content.decode()
    assert "My mentor is away" in listing and reverse("support_message", args=[request.pk]) in listing
    url = reverse("support_message", args=[request.pk])
    assert "They are back on Monday." in client.get(url).content.decode()
    assert client.post(url, {"body": ""}).status_code == 400
    response = client.post(url, {"body": "Thank you, and if not?"})
    assert response.status_code == 302
    answer = SupportReply.objects.filter(written_by="sender").get()
    assert (answer.via, answer.author) == ("platform", mia)
    # the case was resolved, so the answer opens a new one in the queue; the request is open again
    open_case = staff_services.open_cases().get(support_request=request)
    assert open_case.kind == CaseKind.SUPPORT_REQUEST
    request.refresh_from_db()
    assert request.status == SupportRequest.Status.OPEN
    assert "Thank you, and if not?" in client.get(url).content.decode()


def test_nobody_else_sees_or_answers_a_message(client, message_from_mia):
    mia, request = message_from_mia
    url = reverse("support_message", args=[request.pk])
    for other in (make_mentor(email="max@example.com"), make_staff()):
        client.force_login(other)
        assert client.get(url).status_code == 404
        assert client.post(url, {"body": "Me too"}).status_code == 404
        assert "My mentor is away" not in client.get(reverse("support_messages")).content.decode()
    assert not SupportReply.objects.exists()


def raw_email(to: str, body: str, *, sender="Mia Mentee <mia@example.com>", **headers) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, "Re: My mentor is away"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


QUOTED = (
    "Great, I will wait until Monday.\n\nMia\n\n"
    "On Mon, 7 Dec 2026 at 10:00, Mentoring Programme <support@example.org> wrote:\n"
    "> They are back on Monday.\n> \n"
)


def test_an_answer_by_email_is_added_without_the_quoted_text(client, message_from_mia):
    mia, request = message_from_mia
    to = replies.reply_address(request)
    response = client.post(
        INBOUND, raw_email(to, QUOTED), content_type="message/rfc822", HTTP_X_SUPPORT_INBOUND_SECRET=SECRET
    )
    assert response.status_code == 200, response.content
    answer = SupportReply.objects.get()
    assert (answer.via, answer.written_by, answer.email_from) == ("email", "sender", "mia@example.com")
    assert answer.body == "Great, I will wait until Monday.\n\nMia"
    # the staff case shows it; staff are told
    assert staff_services.open_cases().filter(support_request=request).count() == 1


def test_the_inbound_endpoint_refuses_a_wrong_secret_and_a_bad_token(client, message_from_mia):
    mia, request = message_from_mia
    good = replies.reply_address(request)
    forged = good.replace(good.split(".")[1][:24], "0" * 24)
    other_request = f"support+{request.pk + 1}.{good.split('.')[1][:24]}@replies.example.org"
    body = raw_email(good, "Hello")
    assert client.post(INBOUND, body, content_type="message/rfc822").status_code == 403
    assert (
        client.post(INBOUND, body, content_type="message/rfc822", HTTP_X_SUPPORT_INBOUND_SECRET="wrong").status_code
        == 403
    )
    assert client.get(INBOUND).status_code == 405
    for to in (
        forged,
        other_request,
        "support@replies.example.org",
        good.replace("replies.example.org", "evil.example"),
    ):
        response = client.post(
            INBOUND, raw_email(to, "Hello"), content_type="message/rfc822", HTTP_AUTHORIZATION=f"Bearer {SECRET}"
        )
        assert response.status_code == 406, to
    assert (
        client.post(INBOUND, b"", content_type="message/rfc822", HTTP_AUTHORIZATION=f"Bearer {SECRET}").status_code
        == 400
    )
    assert not SupportReply.objects.exists()


def test_the_endpoint_is_off_without_a_secret(client, settings, message_from_mia):
    settings.SUPPORT_INBOUND_SECRET = ""
    mia, request = message_from_mia
    body = raw_email(replies.reply_address(request), "Hello")
    assert (
        client.post(INBOUND, body, content_type="message/rfc822", HTTP_X_SUPPORT_INBOUND_SECRET="").status_code == 404
    )


def test_a_webhook_form_with_the_raw_message_and_basic_auth(client, message_from_mia):
    import base64

    mia, request = message_from_mia
    auth = "Basic " + base64.b64encode(f"inbound:{SECRET}".encode()).decode()
    raw = raw_email("programme@example.org", "Through the provider")
    data = {"email": raw.decode(), "recipient": replies.reply_address(request)}
    assert client.post(INBOUND, data, HTTP_AUTHORIZATION=auth).status_code == 200
    assert SupportReply.objects.get().body == "Through the provider"


def test_automatic_answers_are_ignored(client, message_from_mia):
    mia, request = message_from_mia
    body = raw_email(replies.reply_address(request), "I am out of the office", Auto_Submitted="auto-replied")
    response = client.post(INBOUND, body, content_type="message/rfc822", HTTP_X_SUPPORT_INBOUND_SECRET=SECRET)
    assert response.status_code == 200
    assert not SupportReply.objects.exists()


def test_the_mta_pipe_command(message_from_mia):
    mia, request = message_from_mia
    raw = raw_email("mia-alias@example.org", "Piped answer\n\n-- \nMia Mentee\nMentee")
    call_command(
        "receive_support_email", recipient=replies.reply_address(request), stdin=io.BytesIO(raw), stderr=io.StringIO()
    )
    assert SupportReply.objects.get().body == "Piped answer"
    with pytest.raises(SystemExit) as stopped:
        call_command(
            "receive_support_email",
            recipient="support+1.abc@replies.example.org",
            stdin=io.BytesIO(raw),
            stderr=io.StringIO(),
        )
    assert stopped.value.code == 67


@pytest.mark.parametrize(
    "text, expected",
    [
        (QUOTED, "Great, I will wait until Monday.\n\nMia"),
        ("Yes please\r\n\r\n-----Original Message-----\r\nFrom: x\r\nThey are back", "Yes please"),
        ("Fine by me\n\n________________________________\nFrom: Team\nSent: Monday", "Fine by me"),
        (
            "Sure.\nFrom: my manager's side it is fine.\n\nFrom: Programme\nTo: me",
            "Sure.\nFrom: my manager's side it is fine.",
        ),
        ("Ok\n\nOn Mon, 7 Dec 2026 at 10:00, Mentoring Programme\n<support+1.a@x> wrote:\n> old", "Ok"),
        ("Thanks\n\nSent from my iPhone", "Thanks"),
        ("> only quoted\n> text", ""),
    ],
)
def test_new_text_keeps_only_what_was_written_now(text, expected):
    assert inbound.new_text(text) == expected


def test_the_staff_emails_link_opens_the_open_case_once_the_sender_answered_a_resolved_one(client, message_from_mia):
    """The first staff email links to the message (``staff_support_request_case``); once its case was
    resolved and the sender answered (a second case), the link opens the case still open, not an error."""
    mia, request = message_from_mia
    staff = make_staff()
    first = case_for(request)
    staff_services.reply_to_sender(first, staff, "They are back on Monday.")
    staff_services.resolve(first, staff, "Answered")
    support_services.receive_sender_reply(request, "And if not?", user=mia)
    second = case_for(request)
    assert second.pk != first.pk
    client.force_login(staff)
    link = reverse("staff_support_request_case", args=[request.pk])
    response = client.get(link)
    assert response.status_code == 302 and response.url == reverse("staff_case", args=[second.pk])
    staff_services.resolve(second, staff, "Answered again")
    response = client.get(link)  # both resolved: the latest, where the conversation ends
    assert response.status_code == 302 and response.url == reverse("staff_case", args=[second.pk])


def test_a_reply_typed_on_a_case_a_colleague_resolved_meanwhile_is_given_back(client, message_from_mia):
    mia, request = message_from_mia
    staff = make_staff()
    case = case_for(request)
    url = claimed_case_url(client, staff, case)
    staff_services.resolve(case, make_staff(email="s2@example.com"), "Answered by phone")
    response = client.post(url, {"action": "reply", "reply-body": "A long answer, written with care."})
    assert response.status_code == 302 and response.url == reverse("staff_case", args=[case.pk])
    page = client.get(response.url).content.decode()
    assert "This case has been resolved, so nothing was changed." in page
    assert "Your reply was not sent: “A long answer, written with care.”" in page
    assert not SupportReply.objects.exists() and not mail.outbox


def test_a_reply_sent_after_the_sender_deleted_their_account_says_why_and_is_given_back(client, message_from_mia):
    """The page no longer shows the reply form once the sender left: the refusal was put on that form,
    so the page answered 400 saying nothing, and the reply typed was lost."""
    from people.services import delete_account

    mia, request = message_from_mia
    staff = make_staff()
    case = case_for(request)
    url = claimed_case_url(client, staff, case)
    delete_account(mia)
    response = client.post(url, {"action": "reply", "reply-body": "Here is my answer."})
    assert response.status_code == 302 and response.url == url
    page = client.get(url).content.decode()
    assert "The sender deleted their account after writing, so there is nobody to reply to." in page
    assert "Your reply was not sent: “Here is my answer.”" in page
    assert not SupportReply.objects.exists()


def test_send_pressed_twice_sends_the_reply_once_and_says_so(
    client, message_from_mia, django_capture_on_commit_callbacks
):
    """A double click, or the page sent again: one reply kept, one email, one note; a different reply,
    or the same words later, is sent as a reply of its own."""
    mia, request = message_from_mia
    staff = make_staff()
    case = case_for(request)
    url = claimed_case_url(client, staff, case)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"action": "reply", "reply-body": "They are back on Monday."}, follow=True)
    assert "You had already sent this reply at " in response.content.decode()
    assert "so it was not sent again." in response.content.decode()
    assert SupportReply.objects.filter(body="They are back on Monday.").count() == 1
    assert len([m for m in mail.outbox if m.to == ["mia@example.com"]]) == 1
    assert case.notes.filter(body="Replied to the sender.").count() == 1
    SupportReply.objects.update(at=timezone.now() - timedelta(minutes=11))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "reply", "reply-body": "They are back on Monday."})
    assert SupportReply.objects.filter(body="They are back on Monday.").count() == 2
