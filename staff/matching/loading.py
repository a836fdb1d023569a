"""A round's numbers read from the database in bulk: a handful of queries, whatever its size.

``load`` gives ``proposal.RoundData`` for the mentees still to be placed, with everything the rules
need: the mentors who may be asked now and their places in the round (``people.rules``,
``journeys.rules``), the match scores (``scoring.score_matrix``; keywords answered by the database
as Find Mentor answers them), same-organisation pairs, pairs declined or ended before, the pins,
the forbidden pairs and the shortlists.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from journeys import rules as journey_rules
from journeys.models import Relationship
from journeys.states import PAIR_ENDED_STATES, State
from people import rules as people_rules
from people.models import Profile
from people.search.criteria import Taxonomy
from people.search.keywords import websearch_query
from people.search.ranking import Ranking, is_postgresql
from project.dates import long_date

from . import proposal, scoring
from .models import PAST_STATUSES, PairRule, Proposal, Round, RoundMentee, RoundMentor, ShortlistChoice

SCALE = 100


def hundredths(points) -> int:
    return int(round(float(points) * SCALE))


@dataclass
class Loaded:
    data: proposal.RoundData
    mentees: list[int]  # user ids, by index
    mentors: list[int]
    mentee_people: scoring.People
    mentor_people: scoring.People
    keywords: dict[int, str]  # mentee user id -> the keywords that count (usable ones only)
    keyword_hits: np.ndarray  # bool (mentees × mentors): the mentor's text matches the mentee's keywords
    ineligible: list[int] = field(default_factory=list)  # mentee user ids that cannot be matched now
    fixed: list[Proposal] = field(default_factory=list)


def _mentee_conditions(prefix: str = "") -> list[tuple[str, Q]]:
    """What makes a mentee matchable now, each condition with the name of what fails it: the one home
    of the rule (``eligible_mentees_q`` joins the conditions; ``why_not_eligible_mentees`` names the first
    each person fails)."""
    open_rel = Relationship.objects.filter(journey_rules.open_q()).values("mentee_id")
    return [
        ("account", people_rules.account_open_q(prefix)),
        ("not_mentee", Q(**{f"{prefix}profile__is_mentee": True})),
        ("open", ~Q(**{f"{prefix}pk__in": open_rel})),
    ]


def eligible_mentees_q(prefix: str = "") -> Q:
    """Mentees who can be matched now: a mentee's open account, no open request or relationship as mentee."""
    return people_rules.all_of(_mentee_conditions(prefix))


def mentees_told_on_close(round_: Round) -> list[int]:
    """The mentees told when the round closes: those invited to shortlist (the invitation promised them a
    proposed mentor even if they chose nobody) who had no request from the round and can still be matched
    (a mentee with a request or relationship of their own by then has a mentor in view)."""
    had_request = Proposal.objects.filter(round=round_, status__in=[Proposal.Status.PUBLISHED, *PAST_STATUSES]).values(
        "mentee_id"
    )
    return list(
        RoundMentee.objects.filter(round=round_, invited_at__isnull=False)
        .exclude(mentee_id__in=had_request)
        .filter(eligible_mentees_q("mentee__"))
        .order_by("pk")
        .values_list("mentee_id", flat=True)
    )


def _account_reason(anonymised_at) -> str:
    """Why an account that is not open cannot take part: closed (the person left the programme) or deactivated."""
    return _("account closed (left the programme)") if anonymised_at is not None else _("account deactivated")


def why_not_eligible_mentees(user_ids: Iterable[int]) -> dict[int, str]:
    """For each of these users who cannot be matched now as a mentee, why, in plain words (the first
    condition of ``eligible_mentees_q`` they fail). Users who can be matched are not in the answer."""
    users = get_user_model().objects.filter(pk__in=list(user_ids))
    why: dict[int, str] = {}
    for name, condition in _mentee_conditions():
        failing = users.exclude(pk__in=list(why)).exclude(condition)
        for uid, anonymised_at, is_staff in failing.values_list("pk", "anonymised_at", "is_staff"):
            if name == "account":
                why[uid] = _account_reason(anonymised_at)
            elif name == "not_mentee":
                why[uid] = _("is programme staff, not a mentee") if is_staff else _("is not a mentee")
            else:
                why[uid] = _("has an open request or relationship as mentee")
    return why


def why_not_eligible_mentors(user_ids: Iterable[int], today: date | None = None) -> dict[int, str]:
    """For each of these users whom a round cannot take as a mentor now, why, in plain words: the first
    condition of ``journeys.rules.mentor_takes_requests_q`` (the filter ``services.select_mentors``
    reads) they fail, or no profile at all. Users it takes are not in the answer."""
    ids = list(user_ids)
    profiles = Profile.objects.filter(user_id__in=ids)
    taken = journey_rules.places_taken_by(ids)
    why: dict[int, str] = {}
    for name, condition in journey_rules.mentor_takes_requests_conditions(today):
        failing = profiles.exclude(user_id__in=list(why)).exclude(condition).select_related("user")
        for profile in failing:
            why[profile.user_id] = _mentor_reason(name, profile.user, profile, taken.get(profile.user_id, 0))
    for user in get_user_model().objects.filter(pk__in=ids, profile__isnull=True):
        why[user.pk] = _mentor_reason("not_mentor" if people_rules.account_open(user) else "account", user)
    return why


def _mentor_reason(name: str, user, profile=None, taken: int = 0) -> str:
    """The words for a mentor failing the condition ``name`` of ``journeys.rules.mentor_takes_requests_conditions``."""
    if name == "account":
        return _account_reason(user.anonymised_at)
    if name == "not_mentor":
        return _("is programme staff, not a mentor") if user.is_staff else _("is not a mentor")
    if name == "incomplete":
        return _("has not finished their profile")
    if name == "paused":
        return _("has paused new requests")
    if name == "away":
        return _("is away until %(date)s") % {"date": long_date(profile.away_until)}
    return _("has no place left (%(taken)d of %(capacity)d taken)") % {"taken": taken, "capacity": profile.capacity}


def profile_rows(user_ids) -> list[tuple]:
    """(user_id, area ids, role_id, community_id, region, organisation), for these users, in bulk.

    On PostgreSQL one query, reading the areas from ``Profile.area_ids`` (kept by a trigger);
    elsewhere two.
    """
    ids = [int(pk) for pk in user_ids]
    if is_postgresql():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT p.user_id, p.area_ids, p.role_id, p.community_id, p.region, p.organisation "
                f"FROM {Profile._meta.db_table} p WHERE p.user_id = ANY(%s::bigint[])",
                [ids],
            )
            return [
                (uid, set(areas or ()), role, community, region, org)
                for uid, areas, role, community, region, org in cursor.fetchall()
            ]
    rows = list(
        Profile.objects.filter(user_id__in=ids).values_list(
            "user_id", "role_id", "community_id", "region", "organisation"
        )
    )
    areas: dict[int, set[int]] = defaultdict(set)
    through = Profile.areas.through
    for uid, area in through.objects.filter(profile__user_id__in=ids).values_list(
        "profile__user_id", "areaofsupport_id"
    ):
        areas[uid].add(area)
    return [(uid, areas.get(uid, set()), role, community, region, org) for uid, role, community, region, org in rows]


def usable_keywords(keywords: dict[int, str]) -> dict[int, str]:
    """The mentees' keywords that make a query (Find Mentor drops those with only common words)."""
    keywords = {uid: kw for uid, kw in keywords.items() if kw.strip()}
    if not keywords:
        return {}
    if not is_postgresql():
        return {uid: kw for uid, kw in keywords.items() if Ranking(scoring_criteria(kw)).keywords_usable}
    uids = list(keywords)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT k.uid FROM unnest(%s::bigint[], %s::text[]) AS k(uid, kw) "
            "WHERE numnode(websearch_to_tsquery('english', k.kw)) > 0",
            [uids, [websearch_query(keywords[u]) for u in uids]],
        )
        good = {row[0] for row in cursor.fetchall()}
    return {uid: kw for uid, kw in keywords.items() if uid in good}


def scoring_criteria(keywords: str):
    from people.search.criteria import Criteria

    return Criteria(keywords=keywords)


def keyword_hits(queries: Iterable[str], mentor_ids: list[int]) -> dict[str, list[int]]:
    """For each keyword query, the mentors (of ``mentor_ids``) whose text matches it.

    The condition is Find Mentor's own (``Ranking._keywords_condition``, the keywords read by
    ``people.search.keywords``). On PostgreSQL one query for all: each distinct query once
    (mentees often give the same words), found through the GIN index as Find Mentor finds it,
    kept to the round's mentors by a hashed semi-join. Elsewhere (SQLite in development) one
    query per distinct keywords.
    """
    queries = sorted(set(queries))
    found: dict[str, list[int]] = defaultdict(list)
    if not queries or not mentor_ids:
        return found
    table = Profile._meta.db_table
    if is_postgresql():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT k.kw, p.user_id FROM unnest(%s::text[], %s::text[]) AS k(kw, query) "
                f"JOIN {table} p ON p.search_vector @@ websearch_to_tsquery('english', k.query) "
                f"AND p.is_mentor AND p.completed_at IS NOT NULL "
                f"WHERE p.user_id IN (SELECT unnest(%s::bigint[]))",
                [queries, [websearch_query(kw) for kw in queries], list(mentor_ids)],
            )
            for kw, mentor in cursor.fetchall():
                found[kw].append(mentor)
        return found
    wanted = set(mentor_ids)
    for kw in queries:
        condition = Ranking(scoring_criteria(kw))._keywords_condition(kw)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT p.user_id FROM {table} p WHERE {condition.text}", condition.params)
            found[kw] = [m for (m,) in cursor.fetchall() if m in wanted]
    return found


def hits_matrix(
    keywords: dict[int, str], found: dict[str, list[int]], mentee_index: dict[int, int], mentor_index: dict[int, int]
) -> np.ndarray:
    """The mentees' keyword hits as a boolean matrix (mentees × mentors)."""
    hits = np.zeros((len(mentee_index), len(mentor_index)), dtype=bool)
    columns = {
        kw: np.array([mentor_index[m] for m in mentors if m in mentor_index], dtype=np.int64)
        for kw, mentors in found.items()
    }
    for uid, kw in keywords.items():
        if uid in mentee_index and kw in columns:
            hits[mentee_index[uid], columns[kw]] = True
    return hits


def mentor_places(round_: Round, mentor_ids: list[int], fixed: list[Proposal]) -> np.ndarray:
    """Each mentor's places in the round now: their places left (``journeys.rules``) less this round's
    requests still waiting for them and its proposals not yet published, within the round's cap."""
    profiles = dict(Profile.objects.filter(user_id__in=mentor_ids).values_list("user_id", "capacity"))
    taken = journey_rules.places_taken_by(mentor_ids)
    pending: Counter[int] = Counter()
    used: Counter[int] = Counter()
    for row in fixed:
        if row.mentor_id is None:
            continue
        state = row.relationship.state if row.relationship_id else None
        if row.status == Proposal.Status.PROPOSED or state == State.REQUESTED:
            pending[row.mentor_id] += 1
        if row.status == Proposal.Status.PROPOSED or (row.relationship_id and journey_rules.is_open(row.relationship)):
            used[row.mentor_id] += 1
    places = []
    for uid in mentor_ids:
        free = journey_rules.places_left(profiles.get(uid, 0), taken.get(uid, 0)) - pending[uid]
        if round_.mentor_cap is not None:
            free = min(free, round_.mentor_cap - used[uid])
        places.append(max(0, free))
    return np.array(places, dtype=np.int64)


def load(
    round_: Round,
    *,
    only: list[int] | None = None,
    keep_proposed: bool | None = None,
    taxonomy: Taxonomy | None = None,
) -> Loaded:
    """The round's numbers for the mentees to place: all those not yet published (or only ``only``).

    Published pairs keep their mentor's places; so do the other mentees' proposed pairs when
    ``keep_proposed`` (by default, when placing ``only`` some mentees).
    """
    taxonomy = taxonomy or Taxonomy.load()
    keep_proposed = only is not None if keep_proposed is None else keep_proposed
    current = Proposal.objects.filter(round=round_).exclude(status__in=PAST_STATUSES)
    kept = Q(status=Proposal.Status.PUBLISHED)
    if keep_proposed:
        kept |= Q(status=Proposal.Status.PROPOSED) & ~Q(mentee_id__in=only or [])
    fixed = list(current.filter(kept).select_related("relationship"))
    fixed_mentees = {row.mentee_id for row in fixed}

    entries = RoundMentee.objects.filter(round=round_).exclude(mentee_id__in=fixed_mentees)
    if only is not None:
        entries = entries.filter(mentee_id__in=only)
    entry_ids = dict(entries.values_list("mentee_id", "pk"))
    eligible = set(entries.filter(eligible_mentees_q("mentee__")).values_list("mentee_id", flat=True))
    ineligible = sorted(set(entry_ids) - eligible)

    available = Profile.objects.filter(people_rules.mentor_available_q()).filter(
        user_id__in=RoundMentor.objects.filter(round=round_).values("mentor_id")
    )
    mentor_ids = sorted(available.values_list("user_id", flat=True))
    mentee_rows = sorted(profile_rows(sorted(eligible)))
    mentor_rows = sorted(profile_rows(mentor_ids))
    mentees = scoring.people(mentee_rows)
    mentors = scoring.people(mentor_rows)
    mentee_ids = mentees.user_ids.tolist()
    mentor_ids = mentors.user_ids.tolist()
    mentee_index = {uid: i for i, uid in enumerate(mentee_ids)}
    mentor_index = {uid: j for j, uid in enumerate(mentor_ids)}

    keywords = usable_keywords(
        dict(RoundMentee.objects.filter(pk__in=[entry_ids[u] for u in mentee_ids]).values_list("mentee_id", "keywords"))
    )
    hits = hits_matrix(keywords, keyword_hits(keywords.values(), mentor_ids), mentee_index, mentor_index)
    scores = scoring.score_matrix(mentees, mentors, taxonomy, keyword_hits=hits)

    same_org = None
    if round_.avoid_same_organisation:
        mine, theirs = scoring.organisation_codes(mentees, mentors)
        same_org = mine[:, None] == theirs[None, :]

    def pairs(rows) -> set[tuple[int, int]]:
        return {(mentee_index[a], mentor_index[b]) for a, b in rows if a in mentee_index and b in mentor_index}

    past: set[tuple[int, int]] = set()
    if round_.avoid_past_pairs and mentee_ids and mentor_ids:
        past = pairs(
            Relationship.objects.filter(
                mentee_id__in=RoundMentee.objects.filter(round=round_).values("mentee_id"),
                mentor_id__in=RoundMentor.objects.filter(round=round_).values("mentor_id"),
                state__in=PAIR_ENDED_STATES,  # not a request closed because its mentor stopped taking part
            ).values_list("mentee_id", "mentor_id")
        )
    rules = list(
        PairRule.objects.filter(round=round_, mentee_id__in=mentee_ids).values_list("mentee_id", "mentor_id", "kind")
    )
    forbidden = pairs((a, b) for a, b, kind in rules if kind == PairRule.Kind.FORBID)
    # A pair this round proposed and its mentor declined is never proposed again, whatever the rules (not
    # one closed because its mentor stopped taking part: that says nothing about the pair).
    forbidden |= pairs(
        Proposal.objects.filter(round=round_, status=Proposal.Status.DECLINED).values_list("mentee_id", "mentor_id")
    )
    pins = dict(pairs((a, b) for a, b, kind in rules if kind == PairRule.Kind.PIN))
    shortlist = pairs(
        ShortlistChoice.objects.filter(entry__round=round_, entry__mentee_id__in=mentee_ids).values_list(
            "entry__mentee_id", "mentor_id"
        )
    )
    data = proposal.RoundData(
        scores=scores,
        capacity=mentor_places(round_, mentor_ids, fixed),
        min_score=hundredths(round_.min_score),
        same_org=same_org,
        past=past,
        forbidden=forbidden,
        shortlist=shortlist,
        shortlist_bonus=hundredths(round_.shortlist_weight),
        pins=pins,
        per_mentee=settings.MATCHING_CANDIDATES_PER_MENTEE,
        mentee_ids=mentees.user_ids,
        mentor_ids=mentors.user_ids,
    )
    return Loaded(
        data=data,
        mentees=mentee_ids,
        mentors=mentor_ids,
        mentee_people=mentees,
        mentor_people=mentors,
        keywords=keywords,
        keyword_hits=hits,
        ineligible=ineligible,
        fixed=fixed,
    )
