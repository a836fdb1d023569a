"""From the email: the mentor clicks "Accept the request" in the request email (signed in nowhere),
confirms on the page, and the mentee, matched, withdraws their other open request in one click;
a link used twice or tampered with gets a clear page. axe runs on every page."""

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from journeys.models import Relationship, State
from journeys.tests.helpers import send
from people.tests.factories import make_mentee, make_mentor

pytestmark = pytest.mark.e2e
STATEMENT = "I am stepping up to lead a small team and would like a sounding board."


@pytest.fixture
def emailed_links(settings, live_server):
    """The emails' links point at the live server (they are written with SITE_URL when sent)."""
    settings.SITE_URL = live_server.url


def click_in_email(page, mail, link_name: str) -> None:
    """Follow the email's "Accept: <address>" / "Decline: <address>" link, as a mail program does."""
    label = {"Accept the request": "Accept", "Decline the request": "Decline"}[link_name]
    url = re.search(rf"^{label}: (\S+)$", mail.text, re.MULTILINE).group(1)
    assert url in mail.html  # the same link in both parts
    response = page.goto(url)
    assert response is not None and response.status == 200


def test_the_mentor_accepts_from_the_email_and_the_mentee_withdraws_the_other_request(
    emailed_links, new_page, check_a11y, visit, mailbox
):
    mentor = make_mentor(first_name="Rhys", last_name="Evans", email="rhys@example.com")
    second = make_mentor(first_name="Bea", last_name="Second", email="bea@example.com")
    mentee = make_mentee(first_name="Hannah", last_name="Wright", email="hannah@example.com")
    rel = send(mentee, mentor, STATEMENT)
    other = send(mentee, second, "Hoping to learn about budgeting.")

    request_mail = mailbox.wait_for(to=mentor.email, subject_contains="New mentoring request")
    assert STATEMENT in request_mail.text and "Accept:" in request_mail.text

    page = new_page()  # the mentor's email program: nobody is signed in
    click_in_email(page, request_mail, "Accept the request")
    expect(page.get_by_role("heading", name="Accept Hannah Wright’s mentoring request?")).to_be_visible()
    expect(page.get_by_text(STATEMENT)).to_be_visible()
    check_a11y(page)
    assert Relationship.objects.get(pk=rel.pk).state == State.REQUESTED  # opening it changed nothing

    page.get_by_label("Message to the mentee").fill("Glad to help, Hannah.")
    page.get_by_role("button", name="Accept the request").click()
    expect(page.get_by_role("heading", name="You have accepted Hannah Wright’s request")).to_be_visible()
    check_a11y(page)
    assert Relationship.objects.get(pk=rel.pk).state == State.ARRANGING

    accepted = mailbox.wait_for(to=mentee.email, subject_contains="has accepted")
    assert "Glad to help, Hannah." in accepted.text and "Bea Second" in accepted.text
    other_url = next(u for u in re.findall(r"https?://\S+", accepted.text) if "/other-requests/" in u)

    mentee_page = new_page(mentee)
    visit(mentee_page, urlparse(other_url).path)
    expect(mentee_page.get_by_role("heading", name="Your other open requests")).to_be_visible()
    mentee_page.get_by_role("button", name="Withdraw my request to Bea Second").click()
    expect(mentee_page.get_by_text("Your request to Bea Second has been withdrawn.")).to_be_visible()
    expect(mentee_page.get_by_text("You have no other requests waiting for an answer.")).to_be_visible()
    check_a11y(mentee_page)
    assert Relationship.objects.get(pk=other.pk).state == State.REQUEST_WITHDRAWN
    thanks = mailbox.wait_for(to=second.email, subject_contains="has found a mentor")
    assert "Thank you for considering it" in thanks.text


def test_a_declined_link_used_twice_or_tampered_with_says_so(emailed_links, new_page, check_a11y, visit, mailbox):
    mentor = make_mentor(first_name="Rhys", last_name="Evans", email="rhys@example.com")
    mentee = make_mentee(first_name="Hannah", last_name="Wright", email="hannah@example.com")
    rel = send(mentee, mentor, STATEMENT)
    request_mail = mailbox.wait_for(to=mentor.email, subject_contains="New mentoring request")
    decline_url = re.search(r"Decline: (\S+)", request_mail.text).group(1)

    page = new_page()
    click_in_email(page, request_mail, "Decline the request")
    expect(page.get_by_role("heading", name="Decline Hannah Wright’s mentoring request?")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Message to the mentee").fill("My diary is full until spring.")
    page.get_by_role("button", name="Decline the request").click()
    expect(page.get_by_role("heading", name="You have declined Hannah Wright’s request")).to_be_visible()
    check_a11y(page)
    assert Relationship.objects.get(pk=rel.pk).state == State.DECLINED

    again = new_page()  # the same link again, later: it says what happened, and offers nothing to press
    click_in_email(again, request_mail, "Accept the request")
    expect(again.get_by_role("heading", name="You have declined Hannah Wright’s request")).to_be_visible()
    expect(again.get_by_role("button", name="Accept the request")).to_have_count(0)
    check_a11y(again)

    tampered = urlparse(decline_url).path.rstrip("/")[:-4] + "abcd/"
    visit(again, tampered, status=400)
    expect(again.get_by_role("heading", name="This link does not work")).to_be_visible()
    assert Relationship.objects.get(pk=rel.pk).state == State.DECLINED
