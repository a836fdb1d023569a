"""Who may be found and asked as a mentor: each rule once, as Python, as a Q and as SQL.

Each rule is written three ways side by side so they cannot drift apart unnoticed (a test,
``people/tests/test_rules_agree.py``, checks them against each other on generated mentors):

- a predicate over a ``Profile`` (with its user), for guards, services and pages;
- a ``Q`` over ``Profile``, for querysets (selectors, reports);
- a SQL condition over a profile aliased ``p``, for Find Mentor's hand-written ranking.

The capacity rule needs the relationships, so it lives in ``journeys.rules``; this module
imports nothing from ``journeys`` so both apps can read it.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from .models import LISTED_MENTOR


def _today(today: date | None) -> date:
    return today or timezone.localdate()


# -- the account is open (not deactivated, not anonymised) -----------------------------


def account_open(user) -> bool:
    return bool(user.is_active and user.anonymised_at is None)


def account_open_q(prefix: str = "user__") -> Q:
    return Q(**{f"{prefix}is_active": True, f"{prefix}anonymised_at__isnull": True})


def account_open_sql(user_id_column: str = "p.user_id") -> str:
    users = get_user_model()._meta.db_table
    return f"{user_id_column} NOT IN (SELECT id FROM {users} WHERE NOT is_active OR anonymised_at IS NOT NULL)"


# -- a listed mentor: may be found in Find Mentor and seen on their profile page --------


def mentor_listed(profile) -> bool:
    """A mentor with a completed profile and an open account."""
    return bool(profile.is_mentor and profile.completed_at is not None and account_open(profile.user))


def mentor_listed_q() -> Q:
    return LISTED_MENTOR & account_open_q()


def mentor_listed_sql() -> str:
    return f"p.is_mentor AND p.completed_at IS NOT NULL AND {account_open_sql()}"


# -- away: a return date still in the future ---------------------------------------------


def mentor_away(profile, today: date | None = None) -> bool:
    return profile.away_until is not None and profile.away_until > _today(today)


def mentor_away_q(today: date | None = None) -> Q:
    return Q(away_until__gt=_today(today))


def mentor_away_sql(today_param) -> tuple[str, tuple]:
    return "p.away_until > %s", (today_param,)


# -- paused: the mentor closed themselves to new requests ("open to new requests" unticked) --


def mentor_paused(profile) -> bool:
    return not profile.accepting_requests


def mentor_paused_q() -> Q:
    return Q(accepting_requests=False)


# -- open to requests: not paused and not away ------------------------------------------


def mentor_open_to_requests(profile, today: date | None = None) -> bool:
    """The mentor takes new requests for now: open to them (not paused) and not away."""
    return bool(profile.accepting_requests) and not mentor_away(profile, today)


def mentor_open_to_requests_q(today: date | None = None) -> Q:
    # Django negates a lookup on a nullable column as "not away, or no date at all".
    return Q(accepting_requests=True) & ~mentor_away_q(today)


def mentor_open_to_requests_sql(today_param) -> tuple[str, tuple]:
    return "p.accepting_requests AND (p.away_until IS NULL OR p.away_until <= %s)", (today_param,)


# -- available: listed and open to requests (capacity aside: see journeys.rules) --------


def mentor_available(profile, today: date | None = None) -> bool:
    return mentor_listed(profile) and mentor_open_to_requests(profile, today)


def mentor_available_conditions(today: date | None = None) -> list[tuple[str, Q]]:
    """``mentor_available_q`` one condition at a time, in order, each named by what fails it: a page that
    says why a mentor is not available (``staff.matching.loading.why_not_eligible_mentors``) reads the
    very conditions the filter joins, so the two cannot disagree."""
    return [
        ("account", account_open_q()),
        ("not_mentor", Q(is_mentor=True)),
        ("incomplete", Q(completed_at__isnull=False)),
        ("paused", Q(accepting_requests=True)),
        ("away", ~mentor_away_q(today)),
    ]


def all_of(conditions: list[tuple[str, Q]]) -> Q:
    """Named conditions (as ``mentor_available_conditions`` gives them) joined: all must hold."""
    q = Q()
    for _name, condition in conditions:
        q &= condition
    return q


def mentor_available_q(today: date | None = None) -> Q:
    return all_of(mentor_available_conditions(today))
