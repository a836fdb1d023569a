"""The rules and their database side agree, on generated mentors.

Who may be found as a mentor, who is open to requests, and who has a place left are each
written once as a Python predicate and, beside it, as a ``Q`` / expression and as SQL for Find
Mentor's ranking (``people.rules``, ``journeys.rules``). Here hypothesis generates mentors with
random accounts (active or not, anonymised or not), profiles (mentor or not, finished or not,
open, paused, away, back already) and capacities, with relationships in random states, and
checks that every database side selects exactly the mentors the Python predicate accepts,
including what Find Mentor's search lists (and how it labels them).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeys import rules
from journeys.models import Conversation, Relationship, State
from people import rules as people_rules
from people import selectors
from people.models import AreaOfSupport, Profile, User
from people.search import Criteria, search
from people.search.ranking import AWAY

pytestmark = pytest.mark.django_db

EXAMPLES = 30
MAX_RELATIONSHIPS = 5
_seq = itertools.count(1)


@dataclass(frozen=True)
class MentorSpec:
    is_active: bool
    anonymised: bool
    is_mentor: bool
    completed: bool
    accepting: bool
    away_days: int | None  # away_until = today + away_days (None: not away)
    capacity: int
    states: tuple[State, ...]


mentor_specs = st.builds(
    MentorSpec,
    is_active=st.booleans(),
    anonymised=st.booleans(),
    is_mentor=st.booleans() | st.just(True),
    completed=st.booleans() | st.just(True),
    accepting=st.booleans(),
    away_days=st.none() | st.sampled_from([-30, -1, 0, 1, 30]),
    # The profile form allows 1 to 20 mentees at once.
    capacity=st.integers(min_value=1, max_value=4),
    states=st.lists(st.sampled_from(list(State)), max_size=MAX_RELATIONSHIPS).map(tuple),
)


@pytest.fixture
def pool(db):
    """The mentees who hold the generated relationships (one per relationship of a mentor), and
    the mentee who searches."""
    mentees = [_user(f"pool{n}") for n in range(MAX_RELATIONSHIPS)]
    for mentee in mentees:
        Profile.objects.create(user=mentee, is_mentee=True, completed_at=timezone.now())
    viewer = _user("viewer")
    Profile.objects.create(user=viewer, is_mentee=True, completed_at=timezone.now())
    return mentees, viewer


def _user(name: str, **extra) -> User:
    return User.objects.create(email=f"{name}.{next(_seq)}@example.com", first_name=name, last_name="X", **extra)


def _create(spec: MentorSpec, mentees, area, today) -> Profile:
    user = _user("mentor", is_active=spec.is_active, anonymised_at=timezone.now() if spec.anonymised else None)
    profile = Profile.objects.create(
        user=user,
        is_mentor=spec.is_mentor,
        completed_at=timezone.now() if spec.completed else None,
        accepting_requests=spec.accepting,
        away_until=today + dt.timedelta(days=spec.away_days) if spec.away_days is not None else None,
        capacity=spec.capacity,
    )
    for mentee, state in zip(mentees, spec.states, strict=False):
        conversation = Conversation.objects.create(mentee=mentee, mentor=user)
        Relationship.objects.create(
            mentee=mentee, mentor=user, conversation=conversation, area=area, statement="Please", state=state
        )
    return profile


def _sql_ids(condition: str, params: tuple = ()) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT p.id FROM {Profile._meta.db_table} p WHERE {condition}", params)
        return {row[0] for row in cursor.fetchall()}


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(mentor_specs, min_size=1, max_size=8))
def test_the_database_selects_the_mentors_the_python_rules_accept(pool, specs):
    mentees, viewer = pool
    area = AreaOfSupport.objects.order_by("pk").first()
    today = timezone.localdate()
    with transaction.atomic():
        created = [_create(spec, mentees, area, today) for spec in specs]
        profiles = list(Profile.objects.filter(pk__in=[p.pk for p in created]).select_related("user"))
        generated = Profile.objects.filter(pk__in=[p.pk for p in profiles])
        _check_rules(profiles, generated, today)
        _check_search(profiles, viewer, today)
        transaction.set_rollback(True)


def _check_rules(profiles: list[Profile], generated, today: dt.date) -> None:
    def accepted(predicate) -> set[int]:
        return {p.pk for p in profiles if predicate(p)}

    listed = accepted(people_rules.mentor_listed)
    away = accepted(lambda p: people_rules.mentor_away(p, today))
    open_ = accepted(lambda p: people_rules.mentor_open_to_requests(p, today))
    room = accepted(rules.mentor_has_room)
    takes = accepted(lambda p: rules.mentor_takes_requests(p, today=today))
    today_param = today if connection.vendor == "postgresql" else today.isoformat()
    mine = {p.pk for p in profiles}

    # Listed, away, open to requests: Python, Q and SQL.
    assert _ids(generated.filter(people_rules.mentor_listed_q())) == listed
    assert _sql_ids(people_rules.mentor_listed_sql()) & mine == listed
    assert _ids(generated.filter(people_rules.mentor_away_q(today))) == away
    assert _sql_ids(*people_rules.mentor_away_sql(today_param)) & mine == away
    assert _ids(generated.filter(people_rules.mentor_open_to_requests_q(today))) == open_
    assert _sql_ids(*people_rules.mentor_open_to_requests_sql(today_param)) & mine == open_
    assert _ids(generated.filter(people_rules.mentor_available_q(today))) == listed & open_

    # Capacity: places taken, as a count, an expression and SQL; room left, as a filter and SQL.
    taken = {p.user_id: rules.active_mentee_count(p.user) for p in profiles}
    assert {uid: n for uid, n in taken.items() if n} == rules.places_taken_by(taken)
    annotated = dict(generated.annotate(taken=rules.places_taken_expression()).values_list("user_id", "taken"))
    assert annotated == taken
    taken_sql, taken_params = rules.places_taken_sql("p.user_id")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT p.user_id, {taken_sql} FROM {Profile._meta.db_table} p", taken_params)
        assert {uid: n for uid, n in cursor.fetchall() if uid in taken} == taken
    assert _ids(generated.filter(rules.has_room_q())) == room
    full_sql, full_params = rules.full_mentors_sql("people_profile")
    assert _sql_ids(f"p.user_id IN ({full_sql})", full_params) & mine == mine - room

    # Available: listed, open to requests and a place left.
    assert takes == listed & open_ & room
    assert _ids(generated.filter(rules.mentor_takes_requests_q(today))) == takes

    # What a mentor's profile page says about them agrees too.
    for profile in profiles:
        shown = selectors.availability(profile)
        assert shown.is_open == (profile.pk in open_ and profile.pk in room)
        assert (shown.state == "paused") == (not profile.accepting_requests)
        assert (shown.state == "away") == (profile.accepting_requests and profile.pk in away)


def _check_search(profiles: list[Profile], viewer, today: dt.date) -> None:
    by_user = {p.user_id: p for p in profiles}

    def found(**criteria) -> dict[int, object]:
        page = search(Criteria(**criteria), viewer, page_size=50)
        return {result.mentor.user_id: result for result in page.results}

    def listed(p):
        return people_rules.mentor_listed(p)

    def open_(p):
        return people_rules.mentor_open_to_requests(p, today)

    available = {uid for uid, p in by_user.items() if rules.mentor_takes_requests(p, today=today)}
    # Find Mentor's default: available mentors, full ones at the end (marked full).
    default = found()
    assert set(default) == {uid for uid, p in by_user.items() if listed(p) and open_(p)}
    assert {uid for uid, r in default.items() if not r.is_full} == available
    # "Hide full mentors": exactly the available ones, all shown as open to requests.
    hidden_full = found(hide_full=True)
    assert set(hidden_full) == available
    assert all(result.is_open for result in hidden_full.values())
    # "Show paused and away mentors too": every listed mentor, each labelled as the rules say.
    everyone = found(show_unavailable=True)
    assert set(everyone) == {uid for uid, p in by_user.items() if listed(p)}
    for uid, result in everyone.items():
        profile = by_user[uid]
        assert result.is_paused == (not profile.accepting_requests)
        assert (result.availability == AWAY) == (
            profile.accepting_requests and people_rules.mentor_away(profile, today)
        )
        assert result.is_open == (uid in available)
        assert result.is_full == (not rules.mentor_has_room(profile))
        assert result.places_left == rules.places_left(profile.capacity, rules.active_mentee_count(profile.user))
