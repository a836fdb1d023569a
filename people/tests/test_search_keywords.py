"""Find Mentor's keywords are words: punctuation and emoji around or between them change nothing.

One rule splits the keywords into words (``people.search.keywords``) for PostgreSQL's
``websearch_to_tsquery``, for SQLite's substring search and for the tests' reference ranking.
Here on the suite's database (PostgreSQL); ``test_search_on_sqlite.py`` runs the same searches
on SQLite, as ``make run`` uses it.
"""

from __future__ import annotations

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings

from people import search
from people.search import Criteria
from people.search.keywords import keyword_words, websearch_query
from people.tests.search_helpers import (
    TESTER_SEARCHES,
    keyword_mentors,
    keywords_with_punctuation,
    mentioning,
    names,
)

# -- The rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, words",
    [
        ("rail;", ["rail"]),
        ("freight.", ["freight"]),
        ("rail, freight", ["rail", "freight"]),
        ("Rail!", ["Rail"]),
        ("rail-freight", ["rail", "freight"]),
        ("😀 rail freight", ["rail", "freight"]),
        ("❤️rail👍🏽", ["rail"]),
        ("rail_freight o'brien", ["rail", "freight", "o", "brien"]),
        # PostgreSQL indexes these as one token each: only the whole token finds them.
        ("U.K. 3.5 COVID-19 24/7 S/4HANA.", ["U.K", "3.5", "COVID-19", "24/7", "S/4HANA"]),
        ("हिन्दी, café!", ["हिन्दी", "café"]),
        ("😀 !!! —", []),
    ],
)
def test_words_are_runs_of_letters_and_digits(typed, words):
    assert keyword_words(typed) == words


@pytest.mark.parametrize(
    "typed, query",
    [
        ('"road freight", haulage', '"road freight" haulage'),
        ("freight, -road!", "freight -road"),
        ("(rail or port)", "rail or port"),
        ("or rail or", "rail"),
        ("rail-or-freight", "rail freight"),  # "or" inside other characters is not the operator
        ("-rail-freight", '-"rail freight"'),  # leaves out rail-freight, not every rail or freight
        ('-"rail"', '-"rail"'),
        ("😀 !!! —", ""),
    ],
)
def test_the_syntax_survives_and_nothing_else(typed, query):
    assert websearch_query(typed) == query


def test_sqlite_looks_for_the_wanted_words_only():
    assert keyword_words('"road freight" -port or customs') == ["road", "freight", "customs"]


@settings(max_examples=300, deadline=None, database=None)
@given(query=keywords_with_punctuation())
def test_punctuation_and_emoji_around_words_leave_the_same_words(query):
    typed, bare = query
    assert keyword_words(typed) == bare.split()
    assert websearch_query(typed) == bare


# -- The searches -----------------------------------------------------------------------


def found(keywords: str, mentee) -> list[str]:
    page = search.search(Criteria(keywords=keywords), mentee)
    assert page.criteria.keywords == keywords  # not set aside as unusable
    return names(page)


@pytest.mark.django_db
@pytest.mark.parametrize("typed, bare", TESTER_SEARCHES)
def test_a_testers_searches_find_what_the_bare_words_find(mentee, typed, bare):
    keyword_mentors()

    assert found(typed, mentee) == found(bare, mentee)
    assert set(found(typed, mentee)) == mentioning(bare) != set()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed, expected",
    [
        ("rail-freight", {"Rail", "Mixed", "Hyphen"}),
        ("U.K.", {"Tokens"}),
        ("(COVID-19)", {"Tokens"}),
        ("s/4hana!", {"Tokens"}),
    ],
)
def test_words_joined_by_punctuation(mentee, typed, expected):
    keyword_mentors()

    assert set(found(typed, mentee)) == expected


@pytest.mark.django_db
def test_keywords_with_no_word_are_set_aside_with_a_notice(mentee):
    keyword_mentors()

    page = search.search(Criteria(keywords="😀 !!! —"), mentee)

    assert page.criteria.keywords == ""
    assert any("too common" in notice for notice in page.notices)
    assert len(page.results) == 6


@pytest.fixture
def pool(db):
    keyword_mentors()


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=keywords_with_punctuation())
@pytest.mark.django_db
def test_punctuation_and_emoji_around_words_find_what_the_bare_words_find(pool, mentee, query):
    typed, bare = query

    assert found(typed, mentee) == found(bare, mentee)
    assert set(found(bare, mentee)) == mentioning(bare)
    if connection.vendor == "postgresql":
        # PostgreSQL reads the cleaned keywords exactly as it reads the bare words.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT websearch_to_tsquery('english', %s)::text, websearch_to_tsquery('english', %s)::text",
                [websearch_query(typed), bare],
            )
            cleaned, plain = cursor.fetchone()
        assert cleaned == plain
