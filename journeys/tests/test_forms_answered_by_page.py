"""The journey's forms are ``novalidate``: the browser's bubble (which some screen readers never
announce) does not stand in for the page's own answer. Sent empty or wrong, each page comes back with
status 400, the error box that takes the focus, the error tied to its field, what was typed kept, and
nothing changed."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from journeys import answer_links
from journeys.models import Conversation, Message, Relationship, State
from journeys.selectors import task_url

from .helpers import open_task, send, walk_to

pytestmark = pytest.mark.django_db

BOX = 'class="form-errors" role="alert" tabindex="-1" autofocus'
TOO_LONG = "x" * 2001


def refused(response, field: str | None) -> str:
    assert response.status_code == 400
    html = response.content.decode()
    assert BOX in html
    if field:
        assert f'id="id_{field}_error"' in html
        assert re.search(rf'aria-describedby="[^"]*\bid_{field}_error"', html)
    return html


def test_asking_a_mentor_an_empty_question_is_answered_on_the_page(client, mentee, mentor):
    client.force_login(mentee)
    url = reverse("ask_question", args=[mentor.pk])
    assert 'class="stacked" novalidate>' in client.get(url).content.decode()
    html = refused(client.post(url, {"body": "   "}), None)
    assert "Write a message or add a file before sending." in html
    assert not Conversation.objects.exists()


def test_an_empty_message_in_a_relationship_is_answered_on_the_page(client, mentee, mentor):
    rel = send(mentee, mentor)
    client.force_login(mentee)
    url = reverse("messages", args=[rel.pk])
    assert 'class="stacked" novalidate>' in client.get(url).content.decode()
    before = Message.objects.count()
    html = refused(client.post(url, {"body": ""}), None)
    assert "Write a message or add a file before sending." in html
    assert Message.objects.count() == before


def test_a_too_long_reason_for_withdrawing_a_request_is_kept_on_its_field(client, mentee, mentor):
    rel = send(mentee, mentor)
    client.force_login(mentee)
    page = client.get(reverse("request_withdraw_confirm", args=[rel.pk])).content.decode()
    assert 'class="stacked" novalidate>' in page
    html = refused(client.post(reverse("request_withdraw", args=[rel.pk]), {"reason": TOO_LONG}), "reason")
    assert TOO_LONG in html  # kept, to shorten
    assert Relationship.objects.get(pk=rel.pk).state == State.REQUESTED


def test_the_mentors_review_page_keeps_a_too_long_message_on_its_field(client, mentee, mentor):
    rel = send(mentee, mentor)
    client.force_login(mentor)
    url = task_url(open_task(rel, mentor))
    assert 'class="stacked" novalidate>' in client.get(url).content.decode()
    html = refused(client.post(url, {"accept": "1", "message": TOO_LONG}), "message")
    assert TOO_LONG in html
    assert Relationship.objects.get(pk=rel.pk).state == State.REQUESTED


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_answering_from_the_email_keeps_a_too_long_message_on_its_field(client, mentee, mentor, action):
    rel = send(mentee, mentor)
    url = answer_links.url_for(rel.pk, open_task(rel, mentor).pk, action)
    assert 'class="stacked" novalidate>' in client.get(url).content.decode()
    html = refused(client.post(url, {"message": TOO_LONG}), "message")
    assert TOO_LONG in html
    assert Relationship.objects.get(pk=rel.pk).state == State.REQUESTED


def test_the_other_confirmation_pages_are_novalidate_too(client, mentee, mentor):
    """Deleting a goal and cancelling a meeting (a tick box, nothing to refuse): the same template."""
    from .helpers import goal, meet

    rel = walk_to(send(mentee, mentor), mentee, mentor, "progression")
    client.force_login(mentee)
    meeting = meet(rel, mentee)
    page = client.get(reverse("meeting_cancel_confirm", args=[meeting.pk])).content.decode()
    assert 'class="stacked" novalidate>' in page
    g = goal(rel, mentee)
    assert 'class="stacked" novalidate>' in client.get(reverse("goal_delete_confirm", args=[g.pk])).content.decode()
