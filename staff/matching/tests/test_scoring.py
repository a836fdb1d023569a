"""A round scores a pair exactly as Find Mentor ranks and explains it, one pair or all at once.

A seeded random programme (areas, a retired area, roles, communities, regions, organisations,
biographies and keywords): for every mentee, Find Mentor's own query (``people.search.Ranking``,
searching with that mentee's criteria) and its explanation (``explain``) are compared with
``scoring.score_pair`` and with the round's bulk matrix (``loading.load`` → ``score_matrix``).
"""

from __future__ import annotations

import random

import pytest

from people.models import AreaOfSupport, DefaultRegion, ProfessionalCommunity, Role
from people.search.criteria import Taxonomy, match_weights
from people.search.ranking import Ranking
from people.search.results import explain
from people.tests.factories import make_mentee, make_mentor, make_staff
from staff.matching import loading, scoring, selectors, services

pytestmark = pytest.mark.django_db

WORDS = ["rail", "freight", "planning", "safety", "ports", "leadership", "budgets", "logistics"]


def random_programme(seed: int):
    rng = random.Random(seed)
    areas = list(AreaOfSupport.objects.order_by("position", "name")[:6])
    retired = areas[-1]
    retired.active = False
    retired.save()
    roles = list(Role.objects.order_by("position")[:3])
    communities = list(ProfessionalCommunity.objects.order_by("position")[:3])
    regions = [r for r, _label in DefaultRegion.choices][:4] + [""]
    orgs = ["Acme", "Bolt", ""]

    def attrs():
        return {
            "areas": rng.sample(areas, rng.randint(1, 4)),
            "role": rng.choice(roles),
            "community": rng.choice(communities),
        }

    mentors = []
    for k in range(24):
        user = make_mentor(
            first_name=f"Mentor{k}",
            capacity=rng.randint(1, 3),
            accepting_requests=rng.random() > 0.15,
            biography=" ".join(rng.sample(WORDS, 3)),
            organisation=rng.choice(orgs),
            **attrs(),
        )
        user.profile.region = rng.choice(regions)
        user.profile.save()
        mentors.append(user)
    mentees = []
    for k in range(8):
        user = make_mentee(first_name=f"Mentee{k}", **attrs())
        user.profile.region = rng.choice(regions)
        if rng.random() < 0.3:
            user.profile.role = None
        user.profile.save()
        mentees.append(user)
    return mentees, mentors, rng


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    "weights", [None, {"area": 2.5, "role": 1.25, "community": 0.5, "keywords": 3, "region": 0.75}]
)
def test_a_pair_scores_and_explains_as_find_mentor_shows_it(seed, weights, settings):
    if weights:
        settings.MATCH_WEIGHTS = weights
    mentees, mentors, rng = random_programme(seed)
    staff = make_staff()
    round_ = services.open_round(
        staff_user=staff, name="Check", mentee_ids=[m.pk for m in mentees], mentor_ids=[m.pk for m in mentors]
    )
    for n, entry in enumerate(round_.mentees.all()):  # some mentees give keywords on their shortlist page
        if rng.random() < 0.6:
            entry.keywords = rng.choice(WORDS) + (" " + rng.choice(WORDS) if rng.random() < 0.3 else "")
            if n % 2:  # typed with punctuation, which both searches read as Find Mentor does
                entry.keywords = "(" + entry.keywords.replace(" ", "-") + ")!"
            entry.save()
    taxonomy = Taxonomy.load()
    loaded = loading.load(round_)
    criteria_of = selectors.mentee_criteria_for(round_, [m.pk for m in mentees], taxonomy)
    cards = selectors.mentor_cards([m.pk for m in mentors])
    hits = {(loaded.mentees[i], loaded.mentors[j]) for i, j in zip(*loaded.keyword_hits.nonzero(), strict=True)}
    w = match_weights()
    assert hits and any(c.keywords for c in criteria_of.values())  # keywords are part of what is compared
    compared = 0
    for mentee in mentees:
        criteria = criteria_of[mentee.pk]
        if criteria.keywords:
            assert criteria.keywords == round_.mentees.get(mentee=mentee).keywords
        shown = {
            row.card.user_id: row
            for row in Ranking(criteria.__class__(**{**criteria.__dict__, "show_unavailable": True}), mentee).run(
                0, 100
            )[1]
        }
        i = loaded.mentees.index(mentee.pk)
        for mentor in mentors:
            if mentor.pk not in loaded.mentors:
                continue  # paused: not in the round's proposal, though Find Mentor can show them
            j = loaded.mentors.index(mentor.pk)
            card = cards[mentor.pk]
            card.keyword_hit = (mentee.pk, mentor.pk) in hits
            mine = scoring.score_pair(criteria, card)
            assert int(loaded.data.scores[i, j]) == mine.score  # the bulk matrix agrees with the pair function
            row = shown.get(mentor.pk)
            if row is None:  # Find Mentor lists only mentors who meet at least one criterion
                assert mine.score == 0 or not criteria.has_any
                assert not mine.met
                continue
            theirs = explain(row.card, criteria, w)
            assert (mine.score, mine.met, mine.missed, mine.percent) == (
                row.score,
                theirs.met,
                theirs.missed,
                theirs.percent,
            ), (mentee, mentor)
            compared += 1
    assert compared > 20
