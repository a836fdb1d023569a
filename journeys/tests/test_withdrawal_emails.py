"""What each person is told when a mentee or mentor withdraws: the programme team, the other person."""

from __future__ import annotations

import pytest
from django.urls import reverse

from journeys.services import relationships
from notifications.models import Notification
from people.services import delete_account

from .helpers import send, walk_to

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["mentee", "mentor"])
def test_staff_are_told_who_withdrew_from_which_pair_with_a_link_to_the_staff_page(who, mentee, mentor, staff):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "progression")
    actor = mentee if who == "mentee" else mentor
    relationships.withdraw(rel, actor, "Moving abroad")

    told = Notification.objects.get(recipient=staff, event="withdrawn_staff")
    if who == "mentee":
        assert told.subject.endswith("John Smith (mentee) withdrew from their relationship with Alice Kember")
        said = "John Smith, the mentee, has withdrawn from their mentoring relationship with Alice Kember, their mentor"
    else:
        assert told.subject.endswith("Alice Kember (mentor) withdrew from their relationship with John Smith")
        said = "Alice Kember, the mentor, has withdrawn from their mentoring relationship with John Smith, their mentee"
    assert said in told.body_text and said in told.body_html
    assert "The reason they gave: “Moving abroad”" in told.body_text
    assert told.link == reverse("staff_relationship", args=[rel.pk])


def test_staff_are_told_someone_left_the_programme_not_a_reason_of_theirs(mentee, mentor, staff):
    walk_to(send(mentee, mentor), mentee, mentor, "progression")
    delete_account(mentor)

    told = Notification.objects.get(recipient=staff, event="withdrawn_staff")
    # (named by role: their name is erased as they leave)
    assert told.subject == "A mentor left the programme: their relationship with John Smith ended"
    assert (
        "A mentor has left the programme and their account is erased, so their mentoring relationship with John Smith"
        in told.body_text
    )
    assert "The reason they gave" not in told.body_text


@pytest.mark.parametrize("reason", ["I found a course that covers it.", ""])
def test_a_request_withdrawn_with_a_reason_the_mentor_reads_it_where_the_page_says(reason, client, mentee, mentor):
    """The page says who reads the reason: the mentor, in their email and in the request's history.
    Their email quotes it when one was given, and only then."""
    rel = send(mentee, mentor)
    client.force_login(mentee)
    page = client.get(reverse("request_withdraw_confirm", args=[rel.pk])).content.decode()
    assert (
        "If you give one, Alice Kember reads it in the email that tells them and in the request’s history, "
        "which the programme team can see too." in page
    )
    assert 'Reason <span class="optional">(optional)</span>' in page
    client.post(reverse("request_withdraw", args=[rel.pk]), {"reason": reason})

    told = Notification.objects.get(recipient=mentor, event="request_withdrawn")
    if reason:
        assert f"The reason they gave: “{reason}”" in told.body_text
        assert f"The reason they gave: “{reason}”" in told.body_html
    else:
        assert "reason" not in told.body_text.lower()
    client.force_login(mentor)
    history = client.get(reverse("relationship", args=[rel.pk])).content.decode().split("<table>")[1]
    if reason:
        assert reason in history


@pytest.mark.parametrize("how", ["withdrew", "left"])
def test_a_mentee_whose_mentor_ended_the_relationship_is_pointed_to_find_mentor(how, mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "progression")
    if how == "withdrew":
        relationships.withdraw(rel, mentor, "Moving abroad")
    else:
        delete_account(mentor)
    told = Notification.objects.get(recipient=mentee, event="withdrawn")
    pointer = "When you are ready, Find Mentor suggests other mentors who match your profile: "
    link = f"http://localhost:8000{reverse('find_mentor')}"
    assert f"{pointer}{link}" in told.body_text and f'{pointer}<a href="{link}">{link}</a>' in told.body_html


def test_a_mentor_whose_mentee_withdrew_is_not_pointed_to_find_mentor(mentee, mentor):
    relationships.withdraw(walk_to(send(mentee, mentor), mentee, mentor, "progression"), mentee, "Moving abroad")
    told = Notification.objects.get(recipient=mentor, event="withdrawn")
    assert "Find Mentor" not in told.body_text
