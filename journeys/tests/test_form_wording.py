"""What the answer and ending forms say about their fields: each thing said once, and a refusal that
says what to write."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .helpers import send, walk_to

pytestmark = pytest.mark.django_db


def test_the_review_page_says_the_message_is_optional_once(client, mentee, mentor):
    rel = send(mentee, mentor)
    client.force_login(mentor)
    page = client.get(reverse("next_step", args=[rel.pk]), follow=True).content.decode()
    assert 'Message to the mentee <span class="optional">(optional)</span>' in page
    assert "Sent to the mentee with your answer, whether you accept or decline." in page
    assert "Optional." not in page


def test_withdrawing_without_a_reason_says_what_to_write_in_the_error_box(client, mentee, mentor):
    """The server's error box (it takes the focus) answers, not the browser's bubble: the form is
    ``novalidate``, as the house's other forms are."""
    rel = walk_to(send(mentee, mentor), mentee, mentor, "progression")
    client.force_login(mentee)
    url = reverse("withdraw", args=[rel.pk])
    assert f'<form method="post" action="{url}" class="stacked" novalidate>' in client.get(url).content.decode()
    page = client.post(url, {"reason": "  "}).content.decode()
    assert 'class="form-errors" role="alert" tabindex="-1" autofocus' in page
    assert "Write a sentence on why you are withdrawing, for example that you no longer have the time." in page
    assert "This field is required." not in page


def test_the_feedback_form_is_checked_by_the_server_too(client, mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "feedback")
    client.force_login(mentee)
    url = reverse("next_step", args=[rel.pk])
    page = client.get(url, follow=True)
    step_url = page.redirect_chain[-1][0]
    assert f'<form method="post" action="{step_url}" class="stacked" novalidate>' in page.content.decode()
    refused = client.post(step_url, {"comments": "Good."}).content.decode()
    assert 'class="form-errors" role="alert" tabindex="-1" autofocus' in refused
    assert "Choose a rating from 1 to 5." in refused
