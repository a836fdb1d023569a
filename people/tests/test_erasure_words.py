"""A leaver's first or last name alone is replaced as a name, never as the other person's own words."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from journeys.services import activity
from journeys.tests.helpers import send, walk_to
from people.erasure import Needles
from people.services import delete_account
from people.tests.factories import make_mentee, make_mentor

pytestmark = pytest.mark.django_db

WILL = SimpleNamespace(first_name="Will", last_name="Long", email="will.long@example.com")


def test_a_name_that_is_also_a_word_is_replaced_only_as_a_name():
    needles = Needles.for_user(WILL)
    text = "Hi Will, I will call you. It was a long year, but WILL do. Will Long said so; so did will long."
    assert needles.scrub(text, local=True) == (
        "Hi Former participant, I will call you. It was a long year, but WILL do. "
        "Former participant said so; so did Former participant."
    )


def test_deleting_an_account_leaves_the_other_persons_words_alone():
    mentee = make_mentee(first_name="John", last_name="Smith")
    will = make_mentor(first_name="Will", last_name="Long", email="will.long@example.com")
    rel = walk_to(
        send(mentee, will, statement="I want help with long-term leadership, Will."), mentee, will, "arranging"
    )
    message = activity.send_message(rel.conversation, mentee, "Hi Will, I will call you after a long year. WILL do.")
    delete_account(will)
    message.refresh_from_db()
    rel.refresh_from_db()
    assert message.body == "Hi Former participant, I will call you after a long year. WILL do."
    assert rel.statement == "I want help with long-term leadership, Former participant."
