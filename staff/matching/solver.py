"""The best assignment of a round's mentees to its mentors: a min-cost flow (OR-Tools).

Pure arithmetic over arrays: no Django, no database. ``scoring`` builds the candidate pairs (each
mentee's best mentors, their shortlist, under the round's rules) and this module picks among them.

The network::

    source ──(cap 1)──> mentee ──(cap 1, cost −value(pair))──> mentor ──(cap places)──> sink
                           └────────────(cap 1, cost 0: left unmatched)─────────────────┘

Every mentee sends one unit of flow, through one mentor or straight to the sink (unmatched);
each mentor passes at most their places. The min-cost flow is an optimal assignment: flows on
a network with integer capacities are integral, so no pair is split.

``value(pair) = score × (N + 1) + 1`` with N the number of mentees being placed: the total score
comes first, and among assignments with the same total, the one that matches more mentees wins
(N + 1 > any number of mentees, so the "+1 per pair" can never outweigh one hundredth of score).

Pinned pairs are placed before the flow: their mentee leaves the network and their mentor has
one place fewer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow


class SolverError(RuntimeError):
    pass


@dataclass(frozen=True)
class Candidates:
    """The pairs the solver may choose from: parallel arrays, one entry per pair."""

    mentee: np.ndarray  # mentee index, int
    mentor: np.ndarray  # mentor index, int
    score: np.ndarray  # the pair's score (hundredths), int >= 0

    def __len__(self) -> int:
        return len(self.mentee)


@dataclass(frozen=True)
class Assignment:
    mentor_of: np.ndarray  # per mentee: the mentor index, or -1 when unmatched
    score_of: np.ndarray  # per mentee: the pair's score, 0 when unmatched
    total: int
    matched: int


def solve(
    n_mentees: int,
    capacity: np.ndarray,
    candidates: Candidates,
    pinned: Mapping[int, tuple[int, int]] | None = None,
) -> Assignment:
    """The assignment with the greatest total score (then the most pairs) over ``candidates``.

    ``capacity[j]`` is mentor j's places; ``pinned`` maps a mentee to (mentor, score), forced.
    """
    capacity = np.asarray(capacity, dtype=np.int64).copy()
    mentor_of = np.full(n_mentees, -1, dtype=np.int64)
    score_of = np.zeros(n_mentees, dtype=np.int64)
    for i, (j, score) in (pinned or {}).items():
        if capacity[j] <= 0:
            raise SolverError(f"pinned pairs give mentor {j} more mentees than places")
        capacity[j] -= 1
        mentor_of[i], score_of[i] = j, score

    free = np.ones(n_mentees, dtype=bool)
    if pinned:
        free[list(pinned)] = False
    keep = free[candidates.mentee] & (capacity[candidates.mentor] > 0) if len(candidates) else np.zeros(0, bool)
    pair_mentee = np.asarray(candidates.mentee, dtype=np.int64)[keep]
    pair_mentor = np.asarray(candidates.mentor, dtype=np.int64)[keep]
    pair_score = np.asarray(candidates.score, dtype=np.int64)[keep]
    if len(pair_mentee):
        _flow(n_mentees, capacity, pair_mentee, pair_mentor, pair_score, int(free.sum()), mentor_of, score_of)
    matched = mentor_of >= 0
    return Assignment(mentor_of=mentor_of, score_of=score_of, total=int(score_of.sum()), matched=int(matched.sum()))


def _flow(n, capacity, pair_mentee, pair_mentor, pair_score, placed, mentor_of, score_of) -> None:
    # Only the mentees and mentors that appear in some pair enter the network.
    mentees = np.unique(pair_mentee)
    mentors = np.unique(pair_mentor)
    mentee_node = np.full(n, -1, dtype=np.int64)
    mentee_node[mentees] = np.arange(len(mentees)) + 2  # 0: source, 1: sink
    mentor_node = np.full(len(capacity), -1, dtype=np.int64)
    mentor_node[mentors] = np.arange(len(mentors)) + 2 + len(mentees)
    source, sink = 0, 1
    k = len(mentees)
    value = pair_score * (placed + 1) + 1

    tails = np.concatenate([np.full(k, source), mentee_node[pair_mentee], mentee_node[mentees], mentor_node[mentors]])
    heads = np.concatenate(
        [mentee_node[mentees], mentor_node[pair_mentor], np.full(k, sink), np.full(len(mentors), sink)]
    )
    caps = np.concatenate([np.ones(k), np.ones(len(pair_mentee)), np.ones(k), capacity[mentors]]).astype(np.int64)
    costs = np.concatenate([np.zeros(k), -value, np.zeros(k), np.zeros(len(mentors))]).astype(np.int64)

    network = min_cost_flow.SimpleMinCostFlow()
    arcs = network.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supplies = np.zeros(2 + k + len(mentors), dtype=np.int64)
    supplies[source], supplies[sink] = k, -k
    network.set_nodes_supplies(np.arange(len(supplies)), supplies)
    status = network.solve()
    if status != network.OPTIMAL:
        raise SolverError(f"min-cost flow ended with status {status}")
    pair_arcs = arcs[k : k + len(pair_mentee)]
    chosen = network.flows(pair_arcs) > 0
    mentor_of[pair_mentee[chosen]] = pair_mentor[chosen]
    score_of[pair_mentee[chosen]] = pair_score[chosen]


def greedy(n_mentees: int, capacity: np.ndarray, candidates: Candidates) -> Assignment:
    """ "Best available mentor first": each mentee in turn takes their best candidate with a place left.

    The comparison ``bench_matching`` reports (not used to propose anything).
    """
    capacity = np.asarray(capacity, dtype=np.int64).copy()
    mentor_of = np.full(n_mentees, -1, dtype=np.int64)
    score_of = np.zeros(n_mentees, dtype=np.int64)
    order = np.lexsort((-np.asarray(candidates.score), np.asarray(candidates.mentee)))
    for idx in order:
        i, j = int(candidates.mentee[idx]), int(candidates.mentor[idx])
        if mentor_of[i] >= 0 or capacity[j] <= 0:
            continue
        mentor_of[i], score_of[i] = j, int(candidates.score[idx])
        capacity[j] -= 1
    matched = mentor_of >= 0
    return Assignment(mentor_of=mentor_of, score_of=score_of, total=int(score_of.sum()), matched=int(matched.sum()))
