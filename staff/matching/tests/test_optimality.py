"""The proposal is optimal and keeps the round's rules, on hundreds of small random rounds.

Each round is drawn by hypothesis: scores, capacities, organisations, past pairs, forbidden and
shortlisted pairs, pins, a minimum, a candidate limit and, sometimes, the people's ids (some of them
both mentee and mentor). The solver's total is compared with a brute-force search over every
assignment of the same candidate pairs (and, when every allowed pair is a candidate, over every
allowed pair), and every rule is checked on the result.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from staff.matching import proposal, solver


@st.composite
def rounds(draw):
    n = draw(st.integers(0, 6))
    m = draw(st.integers(0, 4))
    pairs = [(i, j) for i in range(n) for j in range(m)]
    scores = np.array(
        [[draw(st.sampled_from([0, 100, 200, 300, 350, 500, 600, 800])) for _ in range(m)] for _ in range(n)],
        dtype=np.int32,
    ).reshape(n, m)
    capacity = np.array([draw(st.integers(0, 2)) for _ in range(m)], dtype=np.int64)
    orgs_e = [draw(st.sampled_from(["", "a", "b"])) for _ in range(n)]
    orgs_m = [draw(st.sampled_from(["", "a", "b", "c"])) for _ in range(m)]
    same_org = None
    if draw(st.booleans()):
        same_org = np.array([[bool(e) and e == t for t in orgs_m] for e in orgs_e], dtype=bool).reshape(n, m)
    subset = st.sets(st.sampled_from(pairs), max_size=len(pairs)) if pairs else st.just(set())
    past = draw(subset)
    forbidden = draw(subset)
    shortlist = draw(subset)
    pins = {}
    for i in range(n):
        if m and draw(st.integers(0, 4)) == 0:
            pins[i] = draw(st.integers(0, m - 1))
    mentee_ids = mentor_ids = None
    if draw(st.booleans()):  # the people's ids, from a small pool: some are both mentee and mentor
        ids = st.integers(1, 8)
        mentee_ids = np.array(draw(st.lists(ids, min_size=n, max_size=n, unique=True)), dtype=np.int64)
        mentor_ids = np.array(draw(st.lists(ids, min_size=m, max_size=m, unique=True)), dtype=np.int64)
    return proposal.RoundData(
        scores=scores,
        capacity=capacity,
        min_score=draw(st.sampled_from([0, 100, 300, 500])),
        same_org=same_org,
        past=past,
        forbidden=forbidden,
        shortlist=shortlist,
        shortlist_bonus=draw(st.sampled_from([0, 50, 200])),
        pins=pins,
        per_mentee=draw(st.integers(1, 5)),
        mentee_ids=mentee_ids,
        mentor_ids=mentor_ids,
    )


def one_person(data, i: int, j: int) -> bool:
    return data.mentee_ids is not None and int(data.mentee_ids[i]) == int(data.mentor_ids[j])


def brute_force(n, capacity, pairs: list[tuple[int, int, int]], pinned: dict[int, tuple[int, int]]):
    """The best (total, matched) over every assignment of ``pairs``, pins forced."""
    left = list(capacity)
    for j, _score in pinned.values():
        left[j] -= 1
    by_mentee: dict[int, list[tuple[int, int]]] = {}
    for i, j, s in pairs:
        by_mentee.setdefault(i, []).append((j, s))
    free = [i for i in range(n) if i not in pinned]
    best = (-1, -1)

    def walk(k, total, matched):
        nonlocal best
        if k == len(free):
            best = max(best, (total, matched))
            return
        walk(k + 1, total, matched)  # unmatched
        for j, s in by_mentee.get(free[k], []):
            if left[j] > 0:
                left[j] -= 1
                walk(k + 1, total + s, matched + 1)
                left[j] += 1

    walk(0, 0, 0)
    pin_total = sum(s for _j, s in pinned.values())
    return best[0] + pin_total, best[1] + len(pinned)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds())
def test_the_solver_is_optimal_and_keeps_every_rule(data):
    result = proposal.propose(data)
    a = result.assignment
    scores = result.round_scores
    pinned = {i: (j, int(scores[i, j])) for i, j in data.pins.items() if i not in result.skipped_pins}

    # Optimal over the same candidate pairs (brute force), pins forced.
    pool = result.candidates
    pairs = [
        (int(i), int(j), int(s))
        for i, j, s in zip(pool.mentee, pool.mentor, pool.score, strict=True)
        if int(i) not in pinned
    ]
    assert (a.total, a.matched) == brute_force(data.n, data.capacity, pairs, pinned)

    # When every allowed pair is a candidate, that is the optimum over all allowed pairs.
    if data.per_mentee >= data.m:
        everything = [(i, j, int(scores[i, j])) for i in range(data.n) for j in range(data.m) if result.allowed[i, j]]
        assert len({(i, j) for i, j, _ in everything}) == len(pool)
        assert (a.total, a.matched) == brute_force(
            data.n, data.capacity, [p for p in everything if p[0] not in pinned], pinned
        )

    # The rules hold.
    taken = np.zeros(data.m, dtype=int)
    for i in range(data.n):
        j = int(a.mentor_of[i])
        if j < 0:
            assert int(a.score_of[i]) == 0
            assert i in result.reasons
            continue
        taken[j] += 1
        assert int(a.score_of[i]) == int(scores[i, j])
        assert scores[i, j] >= data.min_score  # the minimum
        assert (i, j) not in data.forbidden  # forbidden pairs never
        assert (i, j) not in data.past  # declined or ended pairs never
        if data.same_org is not None:
            assert not data.same_org[i, j]  # same organisation never
        assert not one_person(data, i, j)  # nobody is their own mentor
        assert int(result.match_score_of[i]) == int(data.scores[i, j])
        assert bool(result.shortlisted[i]) == ((i, j) in data.shortlist)
    assert (taken <= data.capacity).all()  # capacities
    for i, (j, _s) in pinned.items():
        assert int(a.mentor_of[i]) == j  # pins kept
    for i, why in result.skipped_pins.items():
        j = data.pins[i]
        assert why in ("not_allowed", "no_place")
        assert (why == "not_allowed") == (not result.allowed[i, j])


@settings(max_examples=200, deadline=None)
@given(rounds())
def test_unmatched_reasons_say_what_stood_in_the_way(data):
    result = proposal.propose(data)
    scores = result.round_scores
    for i, (reason, counts) in result.reasons.items():
        # A mentee's pair with themselves (as a mentor) is no pair: it counts for no reason.
        others = np.array([not one_person(data, i, j) for j in range(data.m)], dtype=bool)
        above = (scores[i] >= data.min_score) & others if data.m else np.zeros(0, bool)
        if reason == proposal.NO_MENTORS:
            assert data.m == 0
        elif reason == proposal.ONLY_THEMSELVES:
            assert data.m and not others.any()
        elif reason == proposal.BELOW_MINIMUM:
            assert not above.any()
            assert counts["best"] == max(int(scores[i, j]) for j in np.flatnonzero(others))
        elif reason == proposal.EXCLUDED:
            assert above.any()
            masks = proposal.excluded_masks(data)
            for j in np.flatnonzero(above):
                assert any(mask[i, j] for mask in masks.values())
            assert sum(counts.values()) >= int(above.sum())
        else:
            assert reason == proposal.FULL
            # someone above the minimum could have been paired, but their places are all taken
            masks = proposal.excluded_masks(data)
            open_ = [j for j in np.flatnonzero(above) if not any(mask[i, j] for mask in masks.values())]
            assert open_
            taken = np.bincount(result.assignment.mentor_of[result.assignment.mentor_of >= 0], minlength=data.m)
            # their places went to others: the solver would otherwise have used one, since any
            # allowed pair adds at least one to the objective (unless the pair was not a candidate)
            pool = set(zip(result.candidates.mentee.tolist(), result.candidates.mentor.tolist(), strict=True))
            for j in open_:
                if (i, j) in pool:
                    assert taken[j] >= data.capacity[j]


def test_greedy_is_no_better_than_the_solver_on_a_classic_trap():
    # Mentee 0 takes mentor 0 greedily (5), leaving mentee 1 with 1; the best is 4 + 5.
    pool = solver.Candidates(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]), np.array([5, 4, 5, 1]))
    best = solver.solve(2, np.array([1, 1]), pool)
    greedy = solver.greedy(2, np.array([1, 1]), pool)
    assert (best.total, greedy.total) == (9, 6)
    assert best.mentor_of.tolist() == [1, 0]
