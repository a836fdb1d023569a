"""The Contact form: a stored request, one email per staff member and a confirmation to the sender."""

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import Notification
from people.tests.factories import make_staff, make_user
from support.models import SupportRequest

from .helpers import input_value, text, textarea_value

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Pat Visitor",
    "email": "pat@example.net",
    "subject": "Cannot find my meeting",
    "message": "I created a meeting yesterday but I cannot see it under Meet / Video.",
}


def post(client, capture, data):
    with capture(execute=True):
        return client.post(reverse("contact"), data)


def test_anonymous_request_is_stored_and_emailed(
    client, staff, django_capture_on_commit_callbacks, no_extra_staff_addresses
):
    second = make_staff(email="second.staff@example.com")

    response = post(client, django_capture_on_commit_callbacks, VALID)

    assert response.status_code == 302
    assert response.url == reverse("help")
    request = SupportRequest.objects.get()
    assert (request.name, request.email, request.subject) == (
        "Pat Visitor",
        "pat@example.net",
        "Cannot find my meeting",
    )
    assert request.message == VALID["message"]
    assert request.user is None
    assert request.status == SupportRequest.Status.OPEN
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([staff.email, second.email, "pat@example.net"])


def test_staff_email_carries_the_message_and_a_link_to_its_case_in_the_staff_inbox(
    client, staff, django_capture_on_commit_callbacks, no_extra_staff_addresses
):
    post(client, django_capture_on_commit_callbacks, VALID)

    request = SupportRequest.objects.get()
    (staff_mail,) = [m for m in mail.outbox if m.to == [staff.email]]
    assert "Cannot find my meeting" in staff_mail.subject
    assert VALID["message"] in staff_mail.body
    assert "pat@example.net" in staff_mail.body
    case = request.staff_cases.get()
    assert case.kind == "support_request" and case.status == "NEW"
    note = Notification.objects.get(recipient=staff)
    assert note.event == "support_request_staff"
    assert note.link in staff_mail.body
    # The link opens the case staff opened for this message.
    client.force_login(staff)
    assert client.get(note.link).url == f"/staff/cases/{case.pk}/"


def test_sender_gets_a_confirmation_that_does_not_repeat_their_text(
    client, staff, django_capture_on_commit_callbacks, no_extra_staff_addresses
):
    post(client, django_capture_on_commit_callbacks, VALID)

    (confirmation,) = [m for m in mail.outbox if m.to == ["pat@example.net"]]
    assert "received your message" in confirmation.subject
    assert VALID["message"] not in confirmation.body
    # the platform's automatic acknowledgement, and the staff's notice: no out-of-office answers to them
    assert {m.message()["Auto-Submitted"] for m in mail.outbox} == {"auto-generated"}
    assert Notification.objects.get(email="pat@example.net").event == "support_request_confirmation"


def test_success_message_is_shown_after_the_redirect(client, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("contact"), VALID, follow=True)

    assert response.redirect_chain == [(reverse("help"), 302)]
    assert "Thank you, your message has been sent" in text(response.content.decode())


def test_signed_in_sender_is_linked_and_told_in_app(
    client, mentee, staff, django_capture_on_commit_callbacks, no_extra_staff_addresses
):
    client.force_login(mentee)

    post(client, django_capture_on_commit_callbacks, {**VALID, "email": "john.work@example.com"})

    request = SupportRequest.objects.get()
    assert request.user == mentee
    assert request.email == mentee.email  # the account's address, not one typed in the form
    note = Notification.objects.get(recipient=mentee)
    assert note.event == "support_request_confirmation"
    assert note.email == mentee.email
    assert sorted(m.to[0] for m in mail.outbox) == sorted([staff.email, mentee.email])


def test_staff_addresses_without_accounts_are_told_once(client, staff, settings, django_capture_on_commit_callbacks):
    settings.STAFF_NOTIFICATION_EMAILS = ["team@example.org", staff.email.upper()]

    post(client, django_capture_on_commit_callbacks, VALID)

    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([staff.email, "team@example.org", "pat@example.net"])


def test_nothing_is_emailed_before_the_transaction_commits(client, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("contact"), VALID)

    assert mail.outbox == []
    assert len(callbacks) == 2  # one staff member, one confirmation


def test_invalid_submission_shows_errors_and_keeps_what_was_typed(client, staff, django_capture_on_commit_callbacks):
    data = {"name": "Pat Visitor", "email": "not-an-email", "subject": "   ", "message": "Please help with my goals."}

    response = post(client, django_capture_on_commit_callbacks, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert 'id="id_subject_error"' in html
    assert 'aria-invalid="true"' in html
    assert "then send it again" in text(html)  # the error box says nothing was sent
    assert input_value(html, "name") == "Pat Visitor"
    assert input_value(html, "email") == "not-an-email"
    assert textarea_value(html, "message") == "Please help with my goals."
    assert SupportRequest.objects.count() == 0
    assert Notification.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    "field, value",
    [("name", "n" * 121), ("subject", "s" * 151), ("message", "m" * 5001), ("message", "")],
)
def test_over_long_or_missing_fields_are_refused(client, field, value):
    response = client.post(reverse("contact"), {**VALID, field: value})

    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    assert SupportRequest.objects.count() == 0


def test_contact_page_has_the_form_prefilled_for_a_signed_in_person(client, mentor):
    client.force_login(mentor)

    html = client.get(reverse("contact")).content.decode()

    assert input_value(html, "name") == "Alice Kember"
    assert input_value(html, "email") == "alice@example.com"
    assert ">Send Request</button>" in html


def test_staff_work_through_requests_in_the_admin(client):
    admin = make_user(email="admin@example.com", is_staff=True, is_superuser=True)
    open_one = SupportRequest.objects.create(name="A", email="a@example.com", subject="Open one", message="x")
    SupportRequest.objects.create(
        name="B", email="b@example.com", subject="Done one", message="y", status=SupportRequest.Status.RESOLVED
    )
    client.force_login(admin)

    listing = client.get("/admin/support/supportrequest/", {"status__exact": "open"}).content.decode()
    assert "Open one" in listing and "Done one" not in listing
    found = client.get("/admin/support/supportrequest/", {"q": "Done"}).content.decode()
    assert "Done one" in found and "Open one" not in found
    assert client.get(f"/admin/support/supportrequest/{open_one.pk}/change/").status_code == 200

    client.post(
        "/admin/support/supportrequest/",
        {"action": "mark_resolved", "_selected_action": [open_one.pk]},
    )
    open_one.refresh_from_db()
    assert open_one.status == SupportRequest.Status.RESOLVED


def test_too_many_messages_in_an_hour_are_refused_with_the_text_kept(
    client, staff, settings, django_capture_on_commit_callbacks
):
    settings.CONTACT_MESSAGES_PER_HOUR = 2
    settings.SUPPORT_EMAIL = "help@example.org"
    for n in range(2):
        response = post(client, django_capture_on_commit_callbacks, {**VALID, "subject": f"Try {n}"})
        assert response.status_code == 302
    third = post(client, django_capture_on_commit_callbacks, {**VALID, "subject": "Third time"})
    assert third.status_code == 429
    html = third.content.decode()
    assert "several messages in the last hour" in html and "help@example.org" in html
    assert "Third time" in html and VALID["message"] in html  # nothing typed is lost
    assert SupportRequest.objects.count() == 2

    # the same sender from another address is still counted by email; someone else is not
    other = {**VALID, "email": "someone.else@example.net", "subject": "Different person"}
    from django.test import Client

    elsewhere = Client(REMOTE_ADDR="10.1.2.3")
    assert post(elsewhere, django_capture_on_commit_callbacks, {**VALID, "subject": "Again"}).status_code == 429
    assert post(elsewhere, django_capture_on_commit_callbacks, other).status_code == 302
    assert SupportRequest.objects.count() == 3


def test_the_same_message_sent_twice_is_one_request_one_case_and_one_confirmation(
    client, staff, django_capture_on_commit_callbacks, no_extra_staff_addresses
):
    post(client, django_capture_on_commit_callbacks, VALID)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("contact"), VALID, follow=True)

    request = SupportRequest.objects.get()
    assert request.staff_cases.count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([staff.email, "pat@example.net"])
    page = text(again.content.decode())
    assert "You had already sent us this message at" in page and "it has not been sent again" in page
    assert "We will reply to pat@example.net" in page

    # Another subject, another sender or a later time is a new message.
    post(client, django_capture_on_commit_callbacks, {**VALID, "subject": "Another thing"})
    post(client, django_capture_on_commit_callbacks, {**VALID, "email": "sam@example.net"})
    SupportRequest.objects.update(created_at=request.created_at.replace(year=2020))
    post(client, django_capture_on_commit_callbacks, VALID)
    assert SupportRequest.objects.count() == 4


def test_a_signed_in_repeat_is_one_message_too(client, mentee, staff, django_capture_on_commit_callbacks):
    client.force_login(mentee)
    post(client, django_capture_on_commit_callbacks, VALID)
    post(client, django_capture_on_commit_callbacks, {**VALID, "email": "typed.elsewhere@example.com"})

    assert SupportRequest.objects.filter(user=mentee).count() == 1
    assert Notification.objects.filter(recipient=mentee, event="support_request_confirmation").count() == 1
