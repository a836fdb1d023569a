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
    keyword_hits: np.ndarray | None = None,
    weights: Mapping[str, float] | None = None,
) -> np.ndarray:
    """Every (mentee, mentor) score in hundredths, as an int32 matrix (mentees × mentors).

    The sum ``score_pair`` makes, for all pairs at once, as one product of indicator matrices: a
    mentee's row holds, for each active area, role, community and region they search with, that
    kind's weight; a mentor's column holds 1 for each area, role, community and region they have.
    A mentee's missing or retired criterion has no column, so it never matches. Keywords come from
    the database: ``keyword_hits`` is a boolean matrix (mentees × mentors), True where the mentor's
    text matches that mentee's keywords. Weights are whole hundredths, so float32 sums are exact.
    """
    scaled = scaled_weights(weights)
    n, m = len(mentees), len(mentors)
    features: dict[tuple[str, object], int] = {}

    def column(kind: str, value) -> int:
        return features.setdefault((kind, value), len(features))

    mine: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for i in range(n):
        for pk in mentees.areas[i]:
            if pk in taxonomy.areas and scaled["area"]:
                mine[i].append((column("area", pk), scaled["area"]))
        role, community, region = int(mentees.role_ids[i]), int(mentees.community_ids[i]), mentees.regions[i]
        if role in taxonomy.roles and scaled["role"]:
            mine[i].append((column("role", role), scaled["role"]))
        if community in taxonomy.communities and scaled["community"]:
            mine[i].append((column("community", community), scaled["community"]))
        if region and scaled["region"]:
            mine[i].append((column("region", region), scaled["region"]))
    searched = np.zeros((n, len(features)), dtype=np.float32)
    for i, cells in enumerate(mine):
        for k, weight in cells:
            searched[i, k] = weight
    offered = np.zeros((len(features), m), dtype=np.float32)
    for j in range(m):
        keys = [("area", pk) for pk in mentors.areas[j]]
        keys += [("role", int(mentors.role_ids[j])), ("community", int(mentors.community_ids[j]))]
        keys.append(("region", mentors.regions[j]))
        for key in keys:
            k = features.get(key)
            if k is not None:
                offered[k, j] = 1
    if features and n and m:
        scores = np.rint(searched @ offered).astype(np.int32)
    else:
        scores = np.zeros((n, m), dtype=np.int32)
    if keyword_hits is not None and scaled["keywords"]:
        np.add(scores, np.int32(scaled["keywords"]), out=scores, where=np.asarray(keyword_hits, dtype=bool))
    return scores


def organisation_codes(mentees: People, mentors: People) -> tuple[np.ndarray, np.ndarray]:
    """The two sides' organisations as codes, equal when the names are (ignoring case and spaces);
    -1 / -2 for none, so no one is in the same organisation as someone who gave none."""
    table: dict[str, int] = {}

    def norm(values):
        return [" ".join(v.split()).casefold() for v in values]

    return _codes(norm(mentees.organisations), table, -1), _codes(norm(mentors.organisations), table, -2)
