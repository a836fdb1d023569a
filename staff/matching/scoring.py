"""A pair's match score, the one Find Mentor ranks by, for one pair or for a whole round at once.

A round scores each mentee against each mentor as Find Mentor would if that mentee searched with
their own profile: their areas of support (each one a criterion), role, professional community and
region, and the keywords they gave on their shortlist page (``mentee_criteria``). The weights are
``MATCH_WEIGHTS`` in whole hundredths, exactly as ``people.search.ranking`` adds them up, so equal
scores are equal and a round's total is exact.

- ``score_pair`` is the definition: one pair's score and its met / missed criteria, worded by
  Find Mentor's own ``explain``. ``tests/test_scoring.py`` checks that it agrees with what Find
  Mentor shows the same mentee about the same mentor.
- ``score_matrix`` is the same sum for every pair of a round at once (numpy over indicator
  matrices, no query per pair); the tests check it against ``score_pair`` pair by pair.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from people.search.criteria import Criteria, Taxonomy, match_weights
from people.search.ranking import SCALE
from people.search.results import explain
from people.selectors import MentorCard

KINDS = ("area", "role", "community", "keywords", "region")


def scaled_weights(weights: Mapping[str, float] | None = None) -> dict[str, int]:
    """Each kind's weight in whole hundredths, rounded as the ranking's SQL rounds them."""
    weights = weights or match_weights()
    return {kind: round(weights[kind] * SCALE) for kind in KINDS}


def mentee_criteria(
    *,
    area_ids: Iterable[int],
    role_id: int | None,
    community_id: int | None,
    region: str,
    keywords: str,
    taxonomy: Taxonomy,
) -> Criteria:
    """What Find Mentor would search for, for this mentee: their own profile (and keywords).

    Only what the taxonomy still offers counts (a retired area is not a criterion, as in Find Mentor).
    """
    return Criteria(
        areas=tuple(taxonomy.areas[pk] for pk in sorted(set(area_ids)) if pk in taxonomy.areas),
        role=taxonomy.roles.get(role_id) if role_id else None,
        community=taxonomy.communities.get(community_id) if community_id else None,
        keywords=keywords,
        region=region or "",
    )


@dataclass(frozen=True)
class PairScore:
    score: int  # in hundredths of a point
    met: list[str]
    missed: list[str]
    percent: int
    strength: str

    @property
    def points(self) -> float:
        return self.score / SCALE


def score_pair(criteria: Criteria, mentor: MentorCard, weights: Mapping[str, float] | None = None) -> PairScore:
    """One pair: the score Find Mentor ranks ``mentor`` by for ``criteria``, and why.

    ``mentor.keyword_hit`` must be the database's answer to the keywords (as on a Find Mentor card).
    """
    weights = weights or match_weights()
    scaled = scaled_weights(weights)
    explanation = explain(mentor, criteria, weights)
    score = scaled["area"] * sum(1 for area in criteria.areas if area.pk in mentor.area_ids)
    if criteria.role and mentor.role_id == criteria.role.pk:
        score += scaled["role"]
    if criteria.community and mentor.community_id == criteria.community.pk:
        score += scaled["community"]
    if criteria.keywords and mentor.keyword_hit:
        score += scaled["keywords"]
    if criteria.region and mentor.region == criteria.region:
        score += scaled["region"]
    return PairScore(
        score=score,
        met=explanation.met,
        missed=explanation.missed,
        percent=explanation.percent,
        strength=explanation.strength,
    )


# -- a whole round at once --------------------------------------------------------------


@dataclass(frozen=True)
class People:
    """One side of a round as arrays (mentees: their criteria; mentors: what criteria are checked on)."""

    user_ids: np.ndarray  # int64
    areas: list[frozenset[int]]
    role_ids: np.ndarray  # int64, -1 when none (or, for mentees, not an active role)
    community_ids: np.ndarray  # int64, -1 when none
    regions: Sequence[str]
    organisations: Sequence[str]

    def __len__(self) -> int:
        return len(self.user_ids)


def people(rows: Sequence[tuple]) -> People:
    """``People`` from rows of (user_id, area_ids, role_id, community_id, region, organisation)."""
    return People(
        user_ids=np.array([r[0] for r in rows], dtype=np.int64),
        areas=[frozenset(r[1] or ()) for r in rows],
        role_ids=np.array([r[2] if r[2] is not None else -1 for r in rows], dtype=np.int64),
        community_ids=np.array([r[3] if r[3] is not None else -1 for r in rows], dtype=np.int64),
        regions=[r[4] or "" for r in rows],
        organisations=[r[5] or "" for r in rows],
    )


def _codes(values: Sequence[str], table: dict[str, int], missing: int) -> np.ndarray:
    return np.array([table.setdefault(v, len(table)) if v else missing for v in values], dtype=np.int64)


def score_matrix(
    mentees: People,
    mentors: People,
    taxonomy: Taxonomy,
    *,
    has_keywords: np.ndarray | None = None,
    keyword_hits: Iterable[tuple[int, int]] = (),
    weights: Mapping[str, float] | None = None,
) -> np.ndarray:
    """Every (mentee, mentor) score in hundredths, as an int32 matrix (mentees × mentors).

    The sum ``score_pair`` makes, for all pairs at once: shared active areas by one product of
    indicator matrices; role, community and region by comparing code vectors (a mentee's missing
    or retired criterion never matches); keywords from the database's hits, given as (mentee
    index, mentor index). ``has_keywords`` says which mentees searched with keywords.
    """
    scaled = scaled_weights(weights)
    n, m = len(mentees), len(mentors)
    area_index = {pk: k for k, pk in enumerate(taxonomy.areas)}
    if area_index and n and m:
        mentee_areas = np.zeros((n, len(area_index)), dtype=np.float32)
        for i, areas in enumerate(mentees.areas):
            for pk in areas:
                if pk in area_index:
                    mentee_areas[i, area_index[pk]] = 1
        mentor_areas = np.zeros((len(area_index), m), dtype=np.float32)
        for j, areas in enumerate(mentors.areas):
            for pk in areas:
                if pk in area_index:
                    mentor_areas[area_index[pk], j] = 1
        shared = mentee_areas @ mentor_areas  # exact: small whole numbers
        scores = np.rint(shared).astype(np.int32) * np.int32(scaled["area"])
    else:
        scores = np.zeros((n, m), dtype=np.int32)

    def active(ids: np.ndarray, known) -> np.ndarray:
        return np.array([pk if pk in known else -1 for pk in ids.tolist()], dtype=np.int64)

    same = [
        ("role", active(mentees.role_ids, taxonomy.roles), mentors.role_ids),
        ("community", active(mentees.community_ids, taxonomy.communities), mentors.community_ids),
    ]
    regions: dict[str, int] = {}
    same.append(("region", _codes(mentees.regions, regions, -1), _codes(mentors.regions, regions, -2)))
    for kind, mine, theirs in same:
        weight = scaled[kind]
        if weight and n and m:
            theirs = np.where(theirs < 0, -2, theirs)  # a mentor's missing value matches nothing
            scores += (mine[:, None] == theirs[None, :]).astype(np.int32) * np.int32(weight)
    hits = list(keyword_hits)
    if hits and scaled["keywords"]:
        rows, cols = np.array(hits, dtype=np.int64).T
        if has_keywords is not None:
            keep = np.asarray(has_keywords, dtype=bool)[rows]
            rows, cols = rows[keep], cols[keep]
        scores[rows, cols] += np.int32(scaled["keywords"])
    return scores


def organisation_codes(mentees: People, mentors: People) -> tuple[np.ndarray, np.ndarray]:
    """The two sides' organisations as codes, equal when the names are (ignoring case and spaces);
    -1 / -2 for none, so no one is in the same organisation as someone who gave none."""
    table: dict[str, int] = {}

    def norm(values):
        return [" ".join(v.split()).casefold() for v in values]

    return _codes(norm(mentees.organisations), table, -1), _codes(norm(mentors.organisations), table, -2)
