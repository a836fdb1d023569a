"""The Relationships page lists active relationships first and ended ones in their own section;
the proposal stays readable for both people at every stage (and its FAQ says where)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from journeys.services import relationships
from people.tests.factories import PASSWORD, make_mentee, make_mentor
from support.models import FAQ

from .helpers import send, walk_to

pytestmark = pytest.mark.django_db
STATEMENT = "I would like help building my professional network in logistics."


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_ended_relationships_have_their_own_section_under_mentors_and_mentees(client, mentee, mentor):
    old_mentor = make_mentor(first_name="Olga", last_name="Older")
    ended = walk_to(send(mentee, old_mentor), mentee, old_mentor, "arranging")
    relationships.withdraw(ended, mentee, "Moved on")
    current = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    login(client, mentee)
    page = client.get(reverse("relationships")).content.decode()
    mentors = page[page.index('id="mentors-head"') :]
    assert 'id="mentors-ended-head"' in mentors
    active_part, ended_part = mentors.split('id="mentors-ended-head"', 1)
    assert "Alice Kember" in active_part and "Olga Older" not in active_part
    assert "Olga Older" in ended_part
    assert current.pk and 'id="mentees-head"' not in page  # a mentee-only person has no Mentees section

    # The same for a mentor's Mentees, plus their hours.
    other_mentee = make_mentee(first_name="Erin", last_name="Ended")
    declined = send(other_mentee, mentor)
    relationships.decline_request(declined, mentor, "Full")
    client.logout()
    login(client, mentor)
    page = client.get(reverse("relationships")).content.decode()
    mentees = page[page.index('id="mentees-head"') :]
    active_part, ended_part = mentees.split('id="mentees-ended-head"', 1)
    assert "John Smith" in active_part and "Erin Ended" not in active_part and "Erin Ended" in ended_part


def test_only_ended_ones_still_says_there_is_no_current_one(client, mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    relationships.withdraw(rel, mentor, "No time")
    login(client, mentee)
    page = client.get(reverse("relationships")).content.decode()
    assert "You have no current mentor." in page and 'id="mentors-ended-head"' in page


@pytest.mark.parametrize("stage", ["requested", "arranging", "progression", "completed"])
def test_the_proposal_stays_readable_for_both_at_every_stage(client, mentee, mentor, stage):
    rel = walk_to(send(mentee, mentor, STATEMENT), mentee, mentor, stage)
    for person in (mentee, mentor):
        login(client, person)
        page = client.get(reverse("proposal", args=[rel.pk])).content.decode()
        assert STATEMENT in page and str(rel.area) in page
        assert reverse("proposal", args=[rel.pk]) in client.get(reverse("relationship", args=[rel.pk])).content.decode()
        client.logout()


def test_the_proposal_faq_points_to_it():
    answer = FAQ.objects.get(question="View the proposal for my mentoring relationship").answer
    assert "The Proposal section is near the top of the page" in answer
    assert "at every stage" in answer and "after the relationship has ended" in answer
    tools = FAQ.objects.get(question="View the SWOT / G-STAR / Goals for my relationship").answer
    assert "The mentee fills in the SWOT and G-STAR worksheets" in tools and "downloads as a PDF" in tools


def heading(client, rel) -> str:
    page = client.get(reverse("relationship", args=[rel.pk])).content.decode()
    return " ".join(page.split("<h1>", 1)[1].split("</h1>", 1)[0].split())


@pytest.mark.parametrize("what", ["pending", "withdrawn", "declined"])
def test_an_unmatched_request_is_not_headed_your_mentor_or_mentee(client, mentee, mentor, what):
    rel = send(mentee, mentor)
    if what == "withdrawn":
        relationships.withdraw_request(rel, mentee, "Changed my mind")
    elif what == "declined":
        relationships.decline_request(rel, mentor, "Sorry, I am full")
    assert heading(login(client, mentee), rel) == "Your request to Alice Kember"
    client.logout()
    assert heading(login(client, mentor), rel) == "Request from John Smith"


def test_once_matched_the_heading_names_the_mentor_and_the_mentee(client, mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    assert heading(login(client, mentee), rel) == "Your mentor: Alice Kember"
    client.logout()
    assert heading(login(client, mentor), rel) == "Your mentee: John Smith"
