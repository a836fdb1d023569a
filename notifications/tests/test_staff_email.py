"""The staff Email problems page: failed and uncertain emails, with Retry and Discard."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification

Email = Notification.Email
PAGE = reverse("staff_email")


def row(subject: str, status: str, email: str = "someone@example.com", **fields) -> Notification:
    return Notification.objects.create(
        email=email,
        event="test",
        subject=subject,
        body_text=subject,
        body_html=f"<p>{subject}</p>",
        email_status=status,
        next_attempt_at=None,
        **fields,
    )


@pytest.fixture
def problems(db):
    return {
        "failed": row("Refused", Email.FAILED, email="refused@example.com", email_attempts=7, last_error="451 no"),
        "uncertain": row("Half sent", Email.UNCERTAIN, email="maybe@example.com", email_attempts=1),
        "sent": row("Delivered", Email.SENT, email="fine@example.com"),
        "pending": row("On its way", Email.PENDING, email="later@example.com"),
    }


def test_participants_and_visitors_cannot_see_or_use_the_page(client, problems, mentee, mentor):
    failed = problems["failed"]
    actions = [reverse("staff_email_retry", args=[failed.pk]), reverse("staff_email_discard", args=[failed.pk])]
    assert client.get(PAGE).status_code == 302  # to the log-in page
    assert client.post(actions[0]).status_code == 302
    for person in (mentee, mentor):
        client.force_login(person)
        assert client.get(PAGE).status_code == 403
        for url in actions:
            assert client.post(url).status_code == 403
    failed.refresh_from_db()
    assert failed.email_status == Email.FAILED


def test_staff_see_failed_and_uncertain_emails_and_the_counts(client, problems, staff, django_assert_max_num_queries):
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        page = client.get(PAGE)
    html = page.content.decode()
    assert "refused@example.com" in html and "maybe@example.com" in html and "451 no" in html
    assert "fine@example.com" not in html and "later@example.com" not in html
    assert "May have been sent" in html and "Send again" in html and "Retry" in html
    assert page.context["counts"] == {"pending": 1, "sending": 0, "failed": 1, "uncertain": 1}
    # The inbox links to it.
    assert PAGE in client.get(reverse("staff_inbox")).content.decode()


def test_the_buttons_are_post_forms_with_csrf(client, problems, staff):
    client.force_login(staff)
    html = client.get(PAGE).content.decode()
    retry = reverse("staff_email_retry", args=[problems["failed"].pk])
    assert f'<form method="post" action="{retry}"' in html
    assert html.count("csrfmiddlewaretoken") >= 4
    assert client.get(retry).status_code == 405  # a link or a prefetch changes nothing
    csrf_client = client.__class__(enforce_csrf_checks=True)
    csrf_client.force_login(staff)
    assert csrf_client.post(retry).status_code == 403
    assert Notification.objects.get(pk=problems["failed"].pk).email_status == Email.FAILED


def test_retry_sends_a_failed_email_now_with_a_fresh_give_up_time(client, problems, staff, settings):
    settings.NOTIFICATION_GIVE_UP_AFTER = 600
    failed = problems["failed"]
    client.force_login(staff)
    mail.outbox.clear()
    response = client.post(reverse("staff_email_retry", args=[failed.pk]), follow=True)

    assert "will be sent again now" in response.content.decode()
    failed.refresh_from_db()
    assert failed.email_status == Email.PENDING
    assert 590 < (failed.give_up_at - timezone.now()).total_seconds() <= 600


def test_retry_is_delivered_after_commit(client, problems, staff, django_capture_on_commit_callbacks):
    client.force_login(staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("staff_email_retry", args=[problems["uncertain"].pk]))
    assert [m.to for m in mail.outbox] == [["maybe@example.com"]]
    assert Notification.objects.get(pk=problems["uncertain"].pk).email_status == Email.SENT


def test_discard_means_never_sent(client, problems, staff, django_capture_on_commit_callbacks):
    client.force_login(staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("staff_email_discard", args=[problems["failed"].pk]), follow=True)
    assert "will not be sent" in response.content.decode()
    failed = Notification.objects.get(pk=problems["failed"].pk)
    assert failed.email_status == Email.DISCARDED and mail.outbox == []
    assert "refused@example.com" not in client.get(PAGE).content.decode()


def test_a_decision_on_an_email_no_longer_waiting_says_so(client, problems, staff):
    client.force_login(staff)
    for name in ("staff_email_retry", "staff_email_discard"):
        response = client.post(reverse(name, args=[problems["sent"].pk]), follow=True)
        assert response.status_code == 200
        assert "no longer waiting for a decision" in response.content.decode()
    assert Notification.objects.get(pk=problems["sent"].pk).email_status == Email.SENT
    assert client.post(reverse("staff_email_retry", args=[999999])).status_code == 404
