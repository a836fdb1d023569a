"""A mentor declines in the browser; the mentee is told by email and pointed back to Find Mentor."""

import re

import pytest
from playwright.sync_api import expect

from journeys.tests.helpers import send
from people.tests.factories import make_mentee, make_mentor

pytestmark = pytest.mark.e2e


def test_decline_tells_the_mentee_and_points_back_to_find_mentor(new_page, visit, check_a11y, mailbox):
    mentor = make_mentor(first_name="Rhys", last_name="Evans", email="rhys@example.com")
    mentee = make_mentee(first_name="Hannah", last_name="Wright", email="hannah@example.com")
    rel = send(mentee, mentor, "I would like help planning my next career step.")

    mentor_page = new_page(mentor)
    visit(mentor_page, "/relationships/")
    mentor_page.get_by_role("link", name=re.compile(r"^Next step")).first.click()
    mentor_page.wait_for_url(re.compile("/journey/mentoring/"))
    check_a11y(mentor_page)
    mentor_page.get_by_label("Message to the mentee").fill("My diary is full until spring, sorry.")
    mentor_page.get_by_role("button", name="Decline").click()
    mentor_page.wait_for_url(re.compile(rf"/relationships/{rel.pk}/$"))
    check_a11y(mentor_page)
    expect(mentor_page.get_by_text("Request declined").first).to_be_visible()

    told = mailbox.wait_for(to=mentee.email, subject_contains="declined")
    assert "My diary is full until spring" in told.text
    assert "/find/" in told.text

    mentee_page = new_page(mentee)
    visit(mentee_page, f"/relationships/{rel.pk}/")
    expect(mentee_page.get_by_text(mentor.email)).to_have_count(0)
    mentee_page.get_by_role("link", name="Find another mentor").click()
    mentee_page.wait_for_url(re.compile("/find/"))
    check_a11y(mentee_page)
