"""Helpers for the Find Mentor tests: mentors with exactly the attributes a test needs."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from people.models import AreaOfSupport, ProfessionalCommunity, Profile, Role
from people.tests.factories import make_mentor


def area(name: str) -> AreaOfSupport:
    return AreaOfSupport.objects.get(name=name)


def role(name: str) -> Role:
    return Role.objects.get(name=name)


def community(name: str) -> ProfessionalCommunity:
    return ProfessionalCommunity.objects.get(name=name)


NETWORKING = "Networking and networking skills"
CAREER = "Career progression"
LEADERSHIP = "Leadership and management"
PROCUREMENT = "Procurement"


def mentor_with(
    first_name: str,
    *,
    areas: tuple[str, ...] = (),
    role_name: str = "Consultancy",
    community_name: str = "Aviation",
    region: str = "",
    biography: str = "",
    experience: str = "",
    active_days_ago: float = 1,
    accepting: bool = True,
    away_until: dt.date | None = None,
    capacity: int = 2,
    **extra,
):
    """A listed mentor. By default they match nothing a test searches for (Consultancy, Aviation)."""
    user = make_mentor(
        first_name=first_name,
        last_name=extra.pop("last_name", "Mentor"),
        role=role(role_name),
        community=community(community_name),
        biography=biography,
        experience=experience,
        capacity=capacity,
        accepting_requests=accepting,
        **extra,
    )
    profile = user.profile
    profile.areas.set([area(name) for name in areas])
    Profile.objects.filter(pk=profile.pk).update(
        region=region,
        away_until=away_until,
        last_active_at=timezone.now() - dt.timedelta(days=active_days_ago),
    )
    user.profile.refresh_from_db()
    return user


def names(page) -> list[str]:
    """First names of a search page's results, in order."""
    return [result.mentor.first_name for result in page.results]


def fill_capacity(mentor, capacity: int | None = None) -> None:
    """Give the mentor matched relationships up to their capacity (no flows: rows only)."""
    from journeys.models import Conversation, Relationship
    from people.tests.factories import make_mentee

    places = capacity if capacity is not None else mentor.profile.capacity
    for _ in range(places):
        mentee = make_mentee()
        Relationship.objects.create(
            mentee=mentee,
            mentor=mentor,
            conversation=Conversation.objects.create(mentee=mentee, mentor=mentor),
            area=AreaOfSupport.objects.first(),
            statement="Matched for a test.",
            state="progression",
        )


# -- Keywords: punctuation and emoji are not words --------------------------------------

# Mentors whose text the keyword tests search (first name, biography). No biography holds one of
# KEYWORD_VOCABULARY inside a longer word, so "mentions every word" is plain substring matching.
KEYWORD_MENTORS = (
    ("Rail", "Rail freight planning."),
    ("Road", "Road freight and haulage."),
    ("Sea", "Port operations and customs."),
    ("Mixed", "Freight by rail, then by road."),
    ("Hyphen", "Rail-freight terminals."),
    ("Tokens", "Led the U.K. COVID-19 response on S/4HANA."),
)
KEYWORD_VOCABULARY = ("rail", "freight", "road", "port", "customs", "haulage", "Rail", "FREIGHT", "zebra")

# What a tester typed on /find/, and the bare words it must find the same mentors as.
TESTER_SEARCHES = (
    ("rail;", "rail"),
    ("freight.", "freight"),
    ("rail, freight", "rail freight"),
    ("Rail!", "rail"),
    ("rail-freight", "rail freight"),
    ("😀 rail freight", "rail freight"),
    ("«customs»?!", "customs"),
    ("❤️port👍🏽", "port"),
)

# Around and between words: punctuation, symbols and emoji (one with a variation selector, one with
# a skin tone). Not the syntax: a double quote starts a phrase, and a hyphen starting a word leaves it
# out; and not a dot or slash between two words, which joins them (U.K, 24/7).
AROUND = tuple(".,;:!?¿¡…'’‘“”«»()[]{}<>*&^%$#@~+=|\\_–—-/") + ("😀", "🚆", "❤️", "👍🏽", "™", "°")
BETWEEN = tuple(c for c in AROUND if c not in "./")


def keywords_with_punctuation():
    """(keywords typed with punctuation and emoji around and between the words, the bare words)."""
    from hypothesis import strategies as st

    decoration = st.lists(st.sampled_from(AROUND), max_size=3).map("".join)
    before = decoration.filter(lambda text: not text.startswith("-"))
    between = st.one_of(
        st.tuples(decoration, st.sampled_from([" ", "  ", "\t"]), before).map("".join),
        st.lists(st.sampled_from(BETWEEN), min_size=1, max_size=3).map("".join),
    )

    @st.composite
    def typed(draw):
        words = draw(st.lists(st.sampled_from(KEYWORD_VOCABULARY), min_size=1, max_size=3))
        text = draw(before) + words[0]
        for word in words[1:]:
            text += draw(between) + word
        return text + draw(decoration), " ".join(words)

    return typed()


def keyword_mentors() -> None:
    for first_name, biography in KEYWORD_MENTORS:
        mentor_with(first_name, biography=biography)


def mentioning(words: str) -> set[str]:
    """The KEYWORD_MENTORS whose biography mentions every one of the words."""
    wanted = words.casefold().split()
    return {name for name, biography in KEYWORD_MENTORS if all(w in biography.casefold() for w in wanted)}
