"""A text box's line breaks count once, as the browser counted them (project.newlines)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from journeys.models import Message
from journeys.tests.helpers import send, walk_to

pytestmark = pytest.mark.django_db


def test_a_message_that_fit_in_the_browser_is_accepted_and_stored_with_one_kind_of_line_break(client, mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    client.force_login(mentee)
    typed = ("x" * 9 + "\r\n") * 1000  # 10,000 characters as the browser counts them; 11,000 as sent
    response = client.post(reverse("messages", args=[rel.pk]), {"body": typed})
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = Message.objects.get(conversation=rel.conversation)
    assert "\r" not in stored.body and stored.body.count("\n") == 999  # (the last one stripped)
    # One more character than the limit is still refused, with its own count.
    refused = client.post(reverse("messages", args=[rel.pk]), {"body": typed + "y"})
    assert "at most 10000 characters (it has 10001)" in refused.content.decode()
