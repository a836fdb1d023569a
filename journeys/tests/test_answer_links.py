"""Accept or decline a request from its email: a signed, expiring, single-use link to a one-click
confirmation page that runs the review page's own services."""

from __future__ import annotations

import datetime as dt
import re
import time
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from journeys import answer_links
from journeys.flows.timers import fire_due_timers
from journeys.models import Relationship, State
from journeys.services import proposals, relationships, reminders
from notifications.models import Notification
from people.tests.factories import make_mentee, make_mentor

from .helpers import open_task, open_task_names, send

pytestmark = pytest.mark.django_db(transaction=True)
STATEMENT = "I am moving into team leadership and would value advice on my first year."


def links_in(text: str) -> dict[str, str]:
    found = dict(re.findall(r"(Accept|Decline): (http\S+/requests/answer/\S+/)", text))
    return {"accept": found.get("Accept", ""), "decline": found.get("Decline", "")}


def path(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


@pytest.fixture
def request_email(mentee, mentor):
    mail.outbox.clear()
    rel = send(mentee, mentor, statement=STATEMENT)
    [email] = [m for m in mail.outbox if m.to == [mentor.email]]
    return rel, email


def state(rel) -> str:
    return Relationship.objects.get(pk=rel.pk).state


def test_the_request_email_quotes_the_statement_and_has_both_links(request_email, mentee):
    rel, email = request_email
    assert mentee.display_name in email.subject
    assert f"“{STATEMENT}”" in email.body
    html = email.alternatives[0][0]
    assert f"<p>“{STATEMENT}”</p>" in html
    links = links_in(email.body)
    assert links["accept"] and links["decline"] and links["accept"] != links["decline"]
    assert links["accept"] in html.replace("&amp;", "&") and links["decline"] in html.replace("&amp;", "&")


def test_opening_a_link_changes_nothing(client, request_email, mentor):
    rel, email = request_email
    for url in links_in(email.body).values():
        page = client.get(path(url))  # what a mail scanner does
        assert page.status_code == 200
        assert STATEMENT in page.content.decode() and rel.mentee.display_name in page.content.decode()
        client.head(path(url))
    assert state(rel) == State.REQUESTED and open_task(rel, mentor) is not None
    assert not Notification.objects.filter(event__in=["request_accepted", "request_declined"]).exists()


def test_accepting_from_the_email_without_signing_in_finishes_the_review_step(client, request_email, mentee, mentor):
    rel, email = request_email
    review = open_task(rel, mentor)
    url = path(links_in(email.body)["accept"])
    answer = client.post(url, {"message": "Happy to help!"})
    assert answer.status_code == 302 and answer.url == url
    rel.refresh_from_db()
    assert rel.state == State.ARRANGING and rel.history.last().actor == mentor
    # the flow moved on exactly as from the review page: the step done, the mentee's next one open
    assert Task.objects.get(pk=review.pk).status == STATUS.DONE
    assert open_task_names(rel) == ["arrange_first_meeting"]
    told = Notification.objects.get(recipient=mentee, event="request_accepted")
    assert "Happy to help!" in told.body_text
    after = client.get(url).content.decode()
    assert "You have accepted" in after and "Thank you for answering." in after
    assert after.count("has been told") == 1, after  # said once, by the page, not again by the message


def test_declining_from_the_email_asks_for_the_optional_reason(client, request_email, mentee):
    rel, email = request_email
    url = path(links_in(email.body)["decline"])
    page = client.get(url).content.decode()
    assert "Decline" in page and 'name="message"' in page and "(optional)" in page
    client.post(url, {"message": "My diary is full until spring."})
    assert state(rel) == State.DECLINED
    told = Notification.objects.get(recipient=mentee, event="request_declined")
    assert "My diary is full until spring." in told.body_text


def test_a_link_works_once(client, request_email, mentee):
    rel, email = request_email
    links = links_in(email.body)
    client.post(path(links["accept"]))
    notes = Notification.objects.count()
    for url in links.values():  # again, and the other one
        again = client.post(path(url), {"message": "x"})
        assert again.status_code == 200
        assert "You have accepted" in again.content.decode()
    assert state(rel) == State.ARRANGING and Notification.objects.count() == notes


@pytest.mark.parametrize(
    "moved_on, says",
    [
        ("withdrawn", "This request was withdrawn"),
        ("declined", "You have declined"),
        ("expired", "This request has expired"),
        ("reinstated", "This link is from an earlier email"),
    ],
)
def test_a_request_that_moved_on_says_so_and_nothing_changes(client, request_email, mentee, mentor, moved_on, says):
    rel, email = request_email
    if moved_on == "withdrawn":
        relationships.withdraw_request(rel, mentee)
    elif moved_on == "declined":
        relationships.decline_request(rel, mentor)
    elif moved_on == "expired":
        from .test_expiry import come_to_expiry

        come_to_expiry(rel)
    else:
        relationships.withdraw_request(rel, mentee)
        relationships.reinstate_request(rel, mentee)
    before = state(rel)
    url = path(links_in(email.body)["accept"])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 200
        assert says.replace("'", "&#x27;") in response.content.decode()
        assert 'name="message"' not in response.content.decode()
    assert state(rel) == before


def test_the_reinstated_request_email_has_new_links_that_work(client, request_email, mentee, mentor):
    rel, _email = request_email
    relationships.withdraw_request(rel, mentee)
    mail.outbox.clear()
    relationships.reinstate_request(rel, mentee)
    [email] = [m for m in mail.outbox if m.to == [mentor.email]]
    client.post(path(links_in(email.body)["accept"]))
    assert state(rel) == State.ARRANGING


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-3] + ("aaa" if not t.endswith("aaa") else "bbb"),  # signature changed
        lambda t: t[:10],  # cut short
        lambda t: "not-a-token",
        lambda t: answer_links.signing.TimestampSigner(salt="another.salt").sign_object(
            {"r": 1, "t": 1, "a": "accept"}
        ),
    ],
)
def test_a_tampered_link_gets_a_clear_page_and_changes_nothing(client, request_email, mangle):
    rel, email = request_email
    token = links_in(email.body)["accept"].rstrip("/").rsplit("/", 1)[1]
    url = reverse("answer_from_email", args=[mangle(token)])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()
    assert state(rel) == State.REQUESTED


def test_a_link_for_another_action_or_request_cannot_be_forged(client, request_email):
    rel, _email = request_email
    signer = answer_links.signing.TimestampSigner(salt=answer_links.SALT)
    forged = signer.sign_object({"r": rel.pk, "t": 1, "a": "delete"})  # right key, unknown action
    assert client.post(reverse("answer_from_email", args=[forged])).status_code == 400
    assert state(rel) == State.REQUESTED


def emailed_days_ago(mentee, mentor, settings, days: int, expire_days: int):
    """A request sent ``days`` ago while REQUEST_EXPIRE_DAYS was ``expire_days``: its email's accept link
    (signed then) and the request, its expiry moment fixed then."""
    settings.REMINDERS = {**settings.REMINDERS, "REQUEST_EXPIRE_DAYS": expire_days}
    mail.outbox.clear()
    then = time.time() - days * 86400
    with mock.patch("django.core.signing.time.time", return_value=then):
        rel = send(mentee, mentor)
    sent = timezone.now() - dt.timedelta(days=days)
    expires = sent + dt.timedelta(days=expire_days) if expire_days else None
    Relationship.objects.filter(pk=rel.pk).update(created_at=sent, expires_at=expires)
    [email] = [m for m in mail.outbox if m.to == [mentor.email]]
    return Relationship.objects.get(pk=rel.pk), path(links_in(email.body)["accept"])


def test_a_link_works_until_its_request_expires_though_the_setting_was_lowered_since(client, mentee, mentor, settings):
    """Sent 10 days ago with 21 days to answer; then REQUEST_EXPIRE_DAYS was lowered to 7. The request
    still waits until its own date (the one its emails gave), and so does its link."""
    rel, url = emailed_days_ago(mentee, mentor, settings, days=10, expire_days=21)
    settings.REMINDERS = {**settings.REMINDERS, "REQUEST_EXPIRE_DAYS": 7}
    page = client.get(url)
    assert page.status_code == 200 and "This link has expired" not in page.content.decode()
    assert client.post(url, {"message": "Happy to."}).status_code == 302
    assert state(rel) == State.ARRANGING


def test_a_link_stops_when_its_request_expires_though_the_setting_was_raised_since(client, mentee, mentor, settings):
    """Sent 8 days ago with 7 days to answer; then REQUEST_EXPIRE_DAYS was raised to 21. The request's
    time is over (its expiry timer has not fired yet): the link no longer answers it."""
    rel, url = emailed_days_ago(mentee, mentor, settings, days=8, expire_days=7)
    settings.REMINDERS = {**settings.REMINDERS, "REQUEST_EXPIRE_DAYS": 21}
    for response in (client.get(url), client.post(url, {"message": "Happy to."})):
        assert response.status_code == 410 and "This link has expired" in response.content.decode()
    assert state(rel) == State.REQUESTED
    # Once the request has expired, the link says so: that is why it cannot be answered.
    [timer] = [
        t
        for t in Task.objects.filter(flow_task_type="TIMER", status=STATUS.SCHEDULED)
        if t.flow_task.name == "review_request__timeout_4"
    ]
    Task.objects.filter(pk=timer.pk).update(scheduled=timezone.now() - dt.timedelta(seconds=1))
    assert fire_due_timers() == 1
    page = client.get(url)
    assert page.status_code == 200 and "This request has expired" in page.content.decode()
    assert state(rel) == State.EXPIRED


def test_a_link_to_a_request_that_never_expires_works_for_30_days(client, mentee, mentor, settings):
    rel, url = emailed_days_ago(mentee, mentor, settings, days=29, expire_days=0)
    assert rel.expires_at is None
    assert client.get(url).status_code == 200
    task = open_task(rel, mentor)
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 31 * 86400):
        token = answer_links.make_token(rel.pk, task.pk, "accept")
    url = reverse("answer_from_email", args=[token])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 410 and "This link has expired" in response.content.decode()
    assert state(rel) == State.REQUESTED


def test_only_the_mentor_or_nobody_signed_in_may_use_it(client, request_email, mentee, mentor, staff):
    rel, email = request_email
    url = path(links_in(email.body)["accept"])
    for someone in (mentee, staff, make_mentee(email="other@example.com"), make_mentor(email="m2@example.com")):
        client.force_login(someone)
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 403 and "This link is for someone else" in response.content.decode()
            assert STATEMENT not in response.content.decode()
    assert state(rel) == State.REQUESTED
    client.force_login(mentor)
    assert client.post(url).status_code == 302
    assert state(rel) == State.ARRANGING


def test_a_full_mentor_is_told_why_on_the_page(client, request_email, mentor):
    rel, email = request_email
    mentor.profile.capacity = 1
    mentor.profile.save()
    other = send(make_mentee(email="first@example.com"), mentor)
    relationships.accept_request(other, mentor)
    url = path(links_in(email.body)["accept"])
    page = client.post(url, follow=True)
    assert page.status_code == 200 and "as many mentees" in page.content.decode()
    assert state(rel) == State.REQUESTED


def test_reminders_and_proposals_carry_the_links_too(mentee, mentor):
    rel = send(mentee, mentor)
    mail.outbox.clear()
    assert reminders.remind_mentor_to_review(rel)
    [email] = mail.outbox
    assert links_in(email.body)["accept"] and "the request expires" in email.body


class Anchors(HTMLParser):
    """Each link of an HTML part: its address and the words a screen reader says for it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href, self._text = dict(attrs).get("href", ""), []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._text).split())))
            self._href = None


def anchors(html: str) -> list[tuple[str, str]]:
    reader = Anchors()
    reader.feed(html)
    return reader.links


def emails_asking_to_answer(mentee, mentor, staff) -> dict[str, tuple[str, mail.EmailMessage]]:
    """Every email that asks a mentor to answer a request, with the mentee it is about.

    Sent, the reminder, reinstated (after a withdrawal), and proposed by the programme (to another
    mentor, for another mentee).
    """

    def the_one_to(person) -> mail.EmailMessage:
        [email] = [m for m in mail.outbox if m.to == [person.email]]
        mail.outbox.clear()
        return email

    mail.outbox.clear()
    rel = send(mentee, mentor, statement=STATEMENT)
    emails = {"sent": (mentee, the_one_to(mentor))}
    assert reminders.remind_mentor_to_review(rel)
    emails["reminder"] = (mentee, the_one_to(mentor))
    relationships.withdraw_request(rel, mentee)
    mail.outbox.clear()
    relationships.reinstate_request(rel, mentee)
    emails["reinstated"] = (mentee, the_one_to(mentor))
    hannah = make_mentee(first_name="Hannah", last_name="Wright", email="hannah@example.com")
    other_mentor = make_mentor(first_name="Bea", last_name="Second", email="bea@example.com")
    proposals.propose_request(mentee=hannah, mentor=other_mentor, area=rel.area, statement=STATEMENT, staff_user=staff)
    emails["proposed"] = (hannah, the_one_to(other_mentor))
    return emails


def test_every_email_that_asks_links_both_answers_in_its_html_part(mentee, mentor, staff):
    """The HTML part's links are real links whose words say what each does (not bare addresses)."""
    for name, (about, email) in emails_asking_to_answer(mentee, mentor, staff).items():
        text_links = links_in(email.body)
        html = email.alternatives[0][0]
        answer_links_in_html = [(href, words) for href, words in anchors(html) if "/requests/answer/" in href]
        assert answer_links_in_html == [
            (text_links["accept"], f"Accept {about.display_name}’s request"),
            (text_links["decline"], f"Decline {about.display_name}’s request"),
        ], name
        assert "Accept: http" not in html and "Decline: http" not in html, name


def test_every_email_that_asks_quotes_the_statement_in_both_parts(mentee, mentor, staff):
    for name, (about, email) in emails_asking_to_answer(mentee, mentor, staff).items():
        assert f"{about.display_name}’s personal statement:\n\n“{STATEMENT}”" in email.body, name
        html = email.alternatives[0][0]
        assert f"{about.display_name}’s personal statement:</p>" in html, name
        assert f"<p>“{STATEMENT}”</p>" in html, name


def test_once_accepted_a_signed_in_mentor_is_pointed_to_the_relationship_not_asked_to_sign_in(
    client, request_email, mentor
):
    from people.tests.factories import PASSWORD

    rel, email = request_email
    url = path(links_in(email.body)["accept"])
    client.post(url)
    signed_out = client.get(url).content.decode()
    assert "Sign in to see their contact details" in signed_out
    assert client.login(email=mentor.email, password=PASSWORD)
    page = client.get(url).content.decode()
    assert "You have accepted" in page
    assert "Sign in" not in page
    assert f'href="{reverse("relationship", args=[rel.pk])}"' in page


def test_a_signed_in_mentor_not_sure_yet_is_pointed_to_the_request_not_asked_to_sign_in(client, request_email, mentor):
    rel, email = request_email
    for url in links_in(email.body).values():
        signed_out = client.get(path(url)).content.decode()
        assert "Sign in</a> to see the request on your Relationships page" in signed_out
    client.force_login(mentor)
    for url in links_in(email.body).values():
        page = client.get(path(url)).content.decode()
        assert "Sign in" not in page
        assert f'Not sure yet? <a href="{reverse("relationship", args=[rel.pk])}">See the request</a>' in page
