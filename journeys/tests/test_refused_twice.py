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
