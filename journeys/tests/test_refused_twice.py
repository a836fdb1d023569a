"""Doing a thing twice (two tabs, a second click) says plainly that nothing changed and why."""

from __future__ import annotations

import pytest

from journeys.services import relationships
from journeys.services.base import Refused

from .helpers import send, walk_to

pytestmark = pytest.mark.django_db


def test_withdrawing_twice_says_it_has_ended(mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    relationships.withdraw(rel, mentee, "Moving abroad")
    with pytest.raises(Refused) as refused:
        relationships.withdraw(rel, mentee, "Moving abroad")
    assert refused.value.message == "Nothing was changed: this has ended (Withdrawn)."


def test_reinstating_twice_says_where_it_is_now(mentee, mentor):
    rel = send(mentee, mentor)
    relationships.withdraw_request(rel, mentee)
    relationships.reinstate_request(rel, mentee)
    with pytest.raises(Refused) as refused:
        relationships.reinstate_request(rel, mentee)
    assert refused.value.message == (
        "Nothing was changed: this is now at “Request awaiting the mentor”, so it may have been done already."
    )


def test_saving_a_request_unchanged_tells_nobody(client, mentee, mentor, django_capture_on_commit_callbacks):
    from django.core import mail
    from django.urls import reverse

    rel = send(mentee, mentor, statement="I would like help building my professional network.")
    mail.outbox.clear()
    client.force_login(mentee)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("request_edit", args=[rel.pk]),
            {"area": rel.area_id, "statement": "I would like help building my professional network.  "},
        )
    assert "Nothing was changed: your request is as it was" in page.content.decode()
    assert mail.outbox == [] and not rel.history.filter(action="edit").exists()
