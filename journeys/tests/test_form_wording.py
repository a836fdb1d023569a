"""What the answer and ending forms say about their fields: each thing said once, and a refusal that
says what to write."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .helpers import send

pytestmark = pytest.mark.django_db


def test_the_review_page_says_the_message_is_optional_once(client, mentee, mentor):
    rel = send(mentee, mentor)
    client.force_login(mentor)
    page = client.get(reverse("next_step", args=[rel.pk]), follow=True).content.decode()
    assert 'Message to the mentee <span class="optional">(optional)</span>' in page
    assert "Sent to the mentee with your answer, whether you accept or decline." in page
    assert "Optional." not in page
