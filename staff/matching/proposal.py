"""A round's proposal from its numbers: the rules, the candidate pairs, the solver, and why some are left out.

Pure arithmetic over arrays (``loading`` reads them from the database), so the property tests can
build thousands of small rounds without one.

1. The round score of a pair is its match score (``scoring``), plus the shortlist weight when
   the mentee shortlisted that mentor.
2. A pair is *allowed* when its mentor has a place in the round, its round score is at least the
   minimum, and the round's rules do not exclude it: same organisation (if that rule is on), a
   pair declined or ended before (if that rule is on), a pair staff forbade. A mentee is never
   their own mentor (``same_person``): that is no pair at all, whatever the rules, and it counts
   for no reason either.
3. The *candidates* are each mentee's ``per_mentee`` best allowed pairs (ties broken by a fixed
   shuffle of the pair, so equally good mentors share the load instead of all mentees eyeing the
   same few), plus every allowed shortlisted pair.
4. The solver (``solver.solve``) picks the assignment with the greatest total round score among
   the candidates, pins forced, each mentor within their places, each mentee at most one mentor.
5. Each mentee left unmatched gets a reason, worked out from all their pairs (not only candidates).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import solver

# Why a mentee is left unmatched (``Proposal.reason``; the words are in ``models.Reason``).
NO_MENTORS = "no_mentors"
ONLY_THEMSELVES = "only_themselves"
BELOW_MINIMUM = "below_minimum"
EXCLUDED = "excluded"
FULL = "full"

TIE_RANGE = 1 << 16


@dataclass
class RoundData:
    """One round's numbers. Index i is a mentee (of those being placed), j a mentor."""

    scores: np.ndarray  # (n, m) match scores in hundredths
    capacity: np.ndarray  # (m,) places each mentor has in the round now
    min_score: int = 0  # hundredths
    same_org: np.ndarray | None = None  # (n, m) bool: same organisation (None: rule off)
    past: set[tuple[int, int]] = field(default_factory=set)  # declined or ended before (empty: rule off)
    forbidden: set[tuple[int, int]] = field(default_factory=set)
    shortlist: set[tuple[int, int]] = field(default_factory=set)
    shortlist_bonus: int = 0  # hundredths
    pins: dict[int, int] = field(default_factory=dict)  # mentee -> mentor
    per_mentee: int = 40
    # The people's user ids: for the tie-break shuffle (default: the indexes), and to know someone
    # who is both mentee and mentor in the round (``same_person``; without ids, nobody is).
    mentee_ids: np.ndarray | None = None
    mentor_ids: np.ndarray | None = None

    @property
    def n(self) -> int:
        return self.scores.shape[0]

    @property
    def m(self) -> int:
        return self.scores.shape[1]


@dataclass
class Result:
    assignment: solver.Assignment
    match_score_of: np.ndarray  # per mentee: the match score of their pair (without the shortlist bonus)
    shortlisted: np.ndarray  # per mentee: their pair was on their shortlist
    pinned: np.ndarray  # per mentee: their pair was pinned
    reasons: dict[int, tuple[str, dict]]  # unmatched mentee -> (reason, counts)
    skipped_pins: dict[int, str]  # mentee -> why their pin could not be kept
    candidates: solver.Candidates
    round_scores: np.ndarray  # (n, m) round scores (match + shortlist bonus)
    allowed: np.ndarray  # (n, m) bool


def round_scores(data: RoundData) -> np.ndarray:
    scores = data.scores.astype(np.int32, copy=True)
    if data.shortlist and data.shortlist_bonus:
        rows, cols = np.array(sorted(data.shortlist), dtype=np.int64).T
        scores[rows, cols] += np.int32(data.shortlist_bonus)
    return scores


def _pairs_mask(pairs: set[tuple[int, int]], n: int, m: int) -> np.ndarray:
    mask = np.zeros((n, m), dtype=bool)
    if pairs:
        rows, cols = np.array(sorted(pairs), dtype=np.int64).T
        mask[rows, cols] = True
    return mask


def same_person(data: RoundData) -> np.ndarray:
    """(n, m) bool: the mentee and the mentor are one person (someone both mentee and mentor).

    Such a pair does not exist: it is never allowed, so never a candidate, proposed, pinned or
    shortlisted, and it takes none of the mentor's places; nor is it counted in why a mentee is
    unmatched (a person is not "a mentor from their own organisation" to themselves). This is the
    one place the rule is written; every path (the proposal, the proposal after a decline, a pin,
    the shortlist's suggestions) asks it.
    """
    mask = np.zeros((data.n, data.m), dtype=bool)
    if data.mentee_ids is not None and data.mentor_ids is not None:
        _ids, rows, cols = np.intersect1d(
            np.asarray(data.mentee_ids), np.asarray(data.mentor_ids), assume_unique=True, return_indices=True
        )
        mask[rows, cols] = True
    return mask


def excluded_masks(data: RoundData) -> dict[str, np.ndarray]:
    """Each rule's excluded pairs, as (n, m) masks."""
    n, m = data.n, data.m
    return {
        "same_organisation": data.same_org if data.same_org is not None else np.zeros((n, m), dtype=bool),
        "past": _pairs_mask(data.past, n, m),
        "forbidden": _pairs_mask(data.forbidden, n, m),
    }


def allowed_pairs(
    data: RoundData, scores: np.ndarray, masks: dict[str, np.ndarray], own: np.ndarray | None = None
) -> np.ndarray:
    """The pairs that may be proposed; ``own`` is ``same_person(data)`` when the caller has it already."""
    own = same_person(data) if own is None else own
    allowed = ~own & (scores >= data.min_score) & (np.asarray(data.capacity)[None, :] > 0)
    for mask in masks.values():
        allowed &= ~mask
    return allowed


def _hash16(ids: np.ndarray, salt: int) -> np.ndarray:
    mixed = (np.asarray(ids, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(salt)) & np.uint64(
        0xFFFFFFFFFFFF
    )
    mixed ^= mixed >> np.uint64(17)
    mixed = (mixed * np.uint64(0xBF58476D1CE4E5B9)) & np.uint64(0xFFFFFFFFFFFF)
    return ((mixed >> np.uint64(20)) & np.uint64(TIE_RANGE - 1)).astype(np.uint16)


def tie_break(data: RoundData) -> np.ndarray:
    """A fixed pseudo-random number per pair in [0, TIE_RANGE): the order among equal scores.

    Each mentee orders equally good mentors differently (a 16-bit hash of the mentor, XOR one of the
    mentee), so mentees who want the same kind of mentor spread over all of them.
    """
    mentee_ids = np.arange(data.n) if data.mentee_ids is None else np.asarray(data.mentee_ids)
    mentor_ids = np.arange(data.m) if data.mentor_ids is None else np.asarray(data.mentor_ids)
    return _hash16(mentee_ids, 1)[:, None] ^ _hash16(mentor_ids, 2)[None, :]


def candidates(data: RoundData, scores: np.ndarray, allowed: np.ndarray) -> solver.Candidates:
    n, m = data.n, data.m
    if not n or not m:
        empty = np.zeros(0, dtype=np.int64)
        return solver.Candidates(empty, empty, empty)
    k = min(max(data.per_mentee, 1), m)
    key = scores.astype(np.int64) * TIE_RANGE
    key += tie_break(data)
    key[~allowed] = -1
    if k < m:
        best = np.argpartition(-key, k - 1, axis=1)[:, :k]
    else:
        best = np.broadcast_to(np.arange(m), (n, m))
    rows = np.repeat(np.arange(n, dtype=np.int64), best.shape[1])
    cols = best.reshape(-1).astype(np.int64)
    keep = allowed[rows, cols]
    rows, cols = rows[keep], cols[keep]
    extra = [(i, j) for i, j in data.shortlist if allowed[i, j]]
    if extra:
        er, ec = np.array(extra, dtype=np.int64).T
        rows, cols = np.concatenate([rows, er]), np.concatenate([cols, ec])
    flat = np.unique(rows * m + cols)
    rows, cols = flat // m, flat % m
    return solver.Candidates(rows, cols, scores[rows, cols].astype(np.int64))


def propose(data: RoundData) -> Result:
    n = data.n
    scores = round_scores(data)
    masks = excluded_masks(data)
    own = same_person(data)
    allowed = allowed_pairs(data, scores, masks, own)

    # Pins: kept when their pair is allowed and their mentor still has a place.
    pinned: dict[int, tuple[int, int]] = {}
    skipped: dict[int, str] = {}
    left = np.asarray(data.capacity, dtype=np.int64).copy()
    for i, j in sorted(data.pins.items()):
        if not allowed[i, j]:
            skipped[i] = "not_allowed"
        elif left[j] <= 0:
            skipped[i] = "no_place"
        else:
            left[j] -= 1
            pinned[i] = (j, int(scores[i, j]))

    pool = candidates(data, scores, allowed)
    assignment = solver.solve(n, data.capacity, pool, pinned)

    matched = assignment.mentor_of >= 0
    idx = np.arange(n)
    match_score_of = np.zeros(n, dtype=np.int64)
    shortlisted = np.zeros(n, dtype=bool)
    if matched.any():
        rows, cols = idx[matched], assignment.mentor_of[matched]
        match_score_of[rows] = data.scores[rows, cols]
        shortlisted[rows] = [(int(i), int(j)) in data.shortlist for i, j in zip(rows, cols, strict=True)]
    pinned_mask = np.zeros(n, dtype=bool)
    pinned_mask[list(pinned)] = True

    reasons = {int(i): why_unmatched(data, scores, masks, int(i), own=own) for i in idx[~matched]}
    return Result(
        assignment=assignment,
        match_score_of=match_score_of,
        shortlisted=shortlisted,
        pinned=pinned_mask,
        reasons=reasons,
        skipped_pins=skipped,
        candidates=pool,
        round_scores=scores,
        allowed=allowed,
    )


def why_unmatched(
    data: RoundData, scores: np.ndarray, masks: dict[str, np.ndarray], i: int, *, own: np.ndarray | None = None
) -> tuple[str, dict]:
    """Why mentee ``i`` has no mentor, from all their pairs (never one with themselves,
    ``same_person``; ``own`` is its mask when the caller has it): the first of these that holds.

    - ``no_mentors``: the round has no mentors;
    - ``only_themselves``: the round's only mentor is the mentee themselves;
    - ``below_minimum``: no mentor's round score reaches the minimum;
    - ``excluded``: every mentor who reaches it is excluded by the rules (with how many by each);
    - ``full``: some who reach it could be paired, but their places went to other mentees (or
      they had none left).
    """
    mine = same_person(data)[i] if own is None else own[i]
    others = ~mine
    if not others.any():
        return (ONLY_THEMSELVES if mine.any() else NO_MENTORS), {}
    above = (scores[i] >= data.min_score) & others
    if not above.any():
        return BELOW_MINIMUM, {"best": int(scores[i][others].max())}
    counts = {name: int((mask[i] & above).sum()) for name, mask in masks.items()}
    excluded = np.zeros(data.m, dtype=bool)
    for mask in masks.values():
        excluded |= mask[i]
    if not (above & ~excluded).any():
        return EXCLUDED, counts
    return FULL, {"mentors": int((above & ~excluded).sum())}
