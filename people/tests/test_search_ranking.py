"""Find Mentor's ranking, on crafted data: the order a mentee sees and why."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

import pytest
from django.db import connection
from django.utils import timezone

from journeys.selectors import suggested_mentors
from people import search
from people.models import AreaOfSupport, DefaultRegion, ProfessionalCommunity, Profile, Role
from people.search import Criteria
from people.search.keywords import keyword_words
from people.tests.search_helpers import (
    CAREER,
    LEADERSHIP,
    NETWORKING,
    PROCUREMENT,
    area,
    community,
    fill_capacity,
    mentor_with,
    names,
    role,
)

pytestmark = pytest.mark.django_db


def criteria(**kwargs) -> Criteria:
    return Criteria(**kwargs)


def test_three_of_three_above_two_of_three_above_one_of_three(mentee):
    mentor_with("Three", areas=(NETWORKING,), role_name="Operations", community_name="Logistics")
    mentor_with("Two", areas=(NETWORKING,), role_name="Operations")
    mentor_with("One", areas=(NETWORKING,))
    mentor_with("None")

    page = search.search(
        criteria(areas=(area(NETWORKING),), role=role("Operations"), community=community("Logistics")), mentee
    )

    assert names(page) == ["Three", "Two", "One"]
    assert page.total == 3
    percents = [r.explanation.percent for r in page.results]
    assert percents[0] == 100 and percents[0] > percents[1] > percents[2] > 0


def test_heavier_criteria_count_for_more(mentee):
    # Default weights: an area of support (3) outweighs a role (2).
    mentor_with("RoleOnly", role_name="Operations", active_days_ago=0)
    mentor_with("AreaOnly", areas=(NETWORKING,), active_days_ago=5)

    page = search.search(criteria(areas=(area(NETWORKING),), role=role("Operations")), mentee)

    assert names(page) == ["AreaOnly", "RoleOnly"]


def test_each_chosen_area_counts(mentee):
    mentor_with("Both", areas=(NETWORKING, CAREER), active_days_ago=9)
    mentor_with("OneArea", areas=(CAREER,), active_days_ago=0)

    page = search.search(criteria(areas=(area(NETWORKING), area(CAREER))), mentee)

    assert names(page) == ["Both", "OneArea"]
    assert page.results[1].explanation.missed == ["Does not list Networking and networking skills"]


def test_exact_matching_shows_only_mentors_meeting_every_criterion(mentee):
    mentor_with("Exact", areas=(NETWORKING, CAREER), role_name="Operations")
    mentor_with("Almost", areas=(NETWORKING,), role_name="Operations")
    mentor_with("Far", areas=(CAREER,))
    wanted = criteria(areas=(area(NETWORKING), area(CAREER)), role=role("Operations"), exact=True)

    page = search.search(wanted, mentee)

    assert names(page) == ["Exact"]
    assert page.results[0].explanation.strength == "Meets everything you asked for"
    assert names(search.search(replace(wanted, exact=False), mentee)) == ["Exact", "Almost", "Far"]


def test_keyword_stemming_networking_finds_network(mentee):
    mentor_with("Net", biography="I have built a strong professional network over the years.")
    mentor_with("Networks", experience="Designed rail networks across the north.")
    mentor_with("Other", biography="Warehouse operations and lean improvement.")

    page = search.search(criteria(keywords="networking"), mentee)

    assert sorted(names(page)) == ["Net", "Networks"]
    assert page.results[0].explanation.met == ["Mentions “networking” in their biography or experience"]


def test_keywords_support_phrases_or_and_exclusions(mentee):
    mentor_with("Rail", biography="Rail freight planning.")
    mentor_with("Road", biography="Road freight and haulage.")
    mentor_with("Sea", biography="Port operations.")

    assert sorted(names(search.search(criteria(keywords="freight -road"), mentee))) == ["Rail"]
    assert sorted(names(search.search(criteria(keywords="rail or port"), mentee))) == ["Rail", "Sea"]
    assert sorted(names(search.search(criteria(keywords='"road freight"'), mentee))) == ["Road"]


def test_keywords_are_parameters_never_sql(mentee):
    mentor_with("Safe", biography="Plain text.")
    nasty = "'); DROP TABLE people_profile; -- \\ % _ :* & | ! <script>"

    page = search.search(criteria(keywords=nasty), mentee)

    assert page.results == []
    assert Profile.objects.filter(user__first_name="Safe").exists()


def test_keywords_made_only_of_common_words_are_set_aside_with_a_notice(mentee):
    mentor_with("Anyone", areas=(NETWORKING,))

    page = search.search(criteria(areas=(area(NETWORKING),), keywords="the and of"), mentee)

    assert names(page) == ["Anyone"]
    assert page.criteria.keywords == ""
    assert any("too common" in notice for notice in page.notices)


def test_region_is_a_criterion(mentee):
    mentor_with("Leeds", areas=(NETWORKING,), region=DefaultRegion.YORKSHIRE)
    mentor_with("Cardiff", areas=(NETWORKING,), region=DefaultRegion.WALES, active_days_ago=0)

    page = search.search(criteria(areas=(area(NETWORKING),), region=DefaultRegion.YORKSHIRE), mentee)

    assert names(page) == ["Leeds", "Cardiff"]
    assert "Based in Yorkshire and the Humber" in page.results[0].explanation.met
    assert "Based in Wales, not Yorkshire and the Humber" in page.results[1].explanation.missed


def test_ties_are_broken_by_availability_then_recent_activity(mentee):
    today = timezone.localdate()
    mentor_with("OpenOld", areas=(NETWORKING,), active_days_ago=30)
    mentor_with("OpenNew", areas=(NETWORKING,), active_days_ago=1)
    mentor_with("Away", areas=(NETWORKING,), active_days_ago=0, away_until=today + dt.timedelta(days=10))
    mentor_with("Paused", areas=(NETWORKING,), active_days_ago=0, accepting=False)
    mentor_with("BackToday", areas=(NETWORKING,), active_days_ago=3, away_until=today)

    wanted = criteria(areas=(area(NETWORKING),))
    assert names(search.search(wanted, mentee)) == ["OpenNew", "BackToday", "OpenOld"]

    shown = search.search(replace(wanted, show_unavailable=True), mentee)
    assert names(shown) == ["OpenNew", "BackToday", "OpenOld", "Away", "Paused"]
    assert [r.is_away for r in shown.results] == [False, False, False, True, False]
    assert shown.results[-1].is_paused


def test_a_better_match_beats_availability(mentee):
    today = timezone.localdate()
    mentor_with("AwayButExact", areas=(NETWORKING, CAREER), away_until=today + dt.timedelta(days=3))
    mentor_with("OpenPartial", areas=(NETWORKING,))

    page = search.search(criteria(areas=(area(NETWORKING), area(CAREER)), show_unavailable=True), mentee)

    assert names(page) == ["AwayButExact", "OpenPartial"]


def test_full_mentors_come_last_or_are_hidden(mentee):
    full = mentor_with("Full", areas=(NETWORKING, CAREER), role_name="Operations", capacity=1, active_days_ago=0)
    fill_capacity(full)
    mentor_with("Partial", areas=(NETWORKING,))

    wanted = criteria(areas=(area(NETWORKING), area(CAREER)), role=role("Operations"))
    page = search.search(wanted, mentee)
    assert names(page) == ["Partial", "Full"]
    assert [r.is_full for r in page.results] == [False, True]
    assert page.results[1].places_left == 0

    assert names(search.search(replace(wanted, hide_full=True), mentee)) == ["Partial"]


def test_weights_come_from_settings(mentee, settings):
    mentor_with("RoleOnly", role_name="Operations", active_days_ago=5)
    mentor_with("AreaOnly", areas=(NETWORKING,), active_days_ago=0)
    wanted = criteria(areas=(area(NETWORKING),), role=role("Operations"))

    settings.MATCH_WEIGHTS = {"role": 10, "area": 1}
    assert names(search.search(wanted, mentee)) == ["RoleOnly", "AreaOnly"]

    # Nonsense in the setting is ignored, key by key.
    settings.MATCH_WEIGHTS = {"role": "lots", "area": -4, "colour": 3}
    assert search.match_weights() == search.DEFAULT_MATCH_WEIGHTS
    assert names(search.search(wanted, mentee)) == ["AreaOnly", "RoleOnly"]


def test_without_criteria_every_open_mentor_is_listed_most_recently_active_first(mentee):
    mentor_with("Old", active_days_ago=20)
    mentor_with("New", active_days_ago=0)

    page = search.search(Criteria(), mentee)

    assert names(page) == ["New", "Old"]
    assert all(r.explanation is None for r in page.results)


def test_excluded_the_viewer_inactive_anonymised_and_incomplete_mentors(mentee):
    from django.contrib.auth import get_user_model

    me = mentor_with("Me", areas=(NETWORKING,))
    Profile.objects.filter(user=me).update(is_mentee=True)
    mentor_with("Listed", areas=(NETWORKING,))
    gone = mentor_with("Inactive", areas=(NETWORKING,))
    get_user_model().objects.filter(pk=gone.pk).update(is_active=False)
    ghost = mentor_with("Anonymised", areas=(NETWORKING,))
    get_user_model().objects.filter(pk=ghost.pk).update(anonymised_at=timezone.now())
    draft = mentor_with("Incomplete", areas=(NETWORKING,))
    Profile.objects.filter(user=draft).update(completed_at=None)
    mentee_only = mentor_with("MenteeOnly", areas=(NETWORKING,))
    Profile.objects.filter(user=mentee_only).update(is_mentor=False, is_mentee=True)

    assert names(search.search(criteria(areas=(area(NETWORKING),)), me)) == ["Listed"]


def test_count_stops_at_the_cap_and_pages_end_there(mentee, monkeypatch):
    for number in range(7):
        mentor_with(f"M{number}", areas=(NETWORKING,), active_days_ago=number)
    for module in (search, search.ranking, search.results):  # the count, the page and its numbers
        monkeypatch.setattr(module, "COUNT_CAP", 5)

    page = search.search(criteria(areas=(area(NETWORKING),)), mentee, page=1, page_size=2)
    assert page.capped and page.num_pages == 3
    assert names(page) == ["M0", "M1"]

    beyond = search.search(criteria(areas=(area(NETWORKING),)), mentee, page=9, page_size=2)
    assert beyond.number == 3 and names(beyond) == ["M4", "M5"]
    assert any("closest 5 matches" in notice for notice in beyond.notices)


def test_suggestions_use_the_mentees_areas_and_community(mentee):
    mentor_with("Fits", areas=(NETWORKING,), community_name="Supply chain", active_days_ago=3)
    mentor_with("Unrelated", areas=(PROCUREMENT,), active_days_ago=0)
    mentor_with("Community", areas=(LEADERSHIP,), community_name="Supply chain", active_days_ago=0)

    suggested = suggested_mentors(mentee, limit=3)

    # The conftest mentee wants networking and career progression, in the supply chain community.
    assert [r.mentor.first_name for r in suggested] == ["Fits", "Community"]


# -- The level-by-level query agrees with scoring everyone ---------------------------


def _full_mentor_ids() -> set[int]:
    from collections import Counter

    from journeys.models import CAPACITY_STATES, Relationship

    counts = Counter(Relationship.objects.filter(state__in=CAPACITY_STATES).values_list("mentor_id", flat=True))
    return {m for m, n in counts.items() if n >= Profile.objects.get(user_id=m).capacity}


def _reference_order(criteria: Criteria, viewer) -> list[int]:
    """Score every mentor in Python, exactly as documented, and sort."""
    weights = {k: round(v * search.SCALE) for k, v in search.match_weights().items()}
    today = timezone.localdate()
    rows = []
    profiles = (
        Profile.objects.filter(is_mentor=True, completed_at__isnull=False, user__is_active=True)
        .exclude(user=viewer)
        .prefetch_related("areas")
    )
    taken = _full_mentor_ids()
    for p in profiles:
        met = [a for a in criteria.areas if a in p.areas.all()]
        score = weights["area"] * len(met)
        hits = len(met)
        if criteria.role and p.role_id == criteria.role.pk:
            score, hits = score + weights["role"], hits + 1
        if criteria.community and p.community_id == criteria.community.pk:
            score, hits = score + weights["community"], hits + 1
        # Every word of the keywords, found as Find Mentor splits them (stemming aside: the
        # biographies below use the keywords' own forms).
        words = keyword_words(criteria.keywords)
        if words and all(w.lower() in (p.biography + " " + p.experience).lower() for w in words):
            score, hits = score + weights["keywords"], hits + 1
        if criteria.region and p.region == criteria.region:
            score, hits = score + weights["region"], hits + 1
        wanted = len(criteria.areas) + sum(
            bool(x) for x in (criteria.role, criteria.community, criteria.keywords, criteria.region)
        )
        if wanted and (hits == 0 or (criteria.exact and hits < wanted)):
            continue
        away = p.away_until is not None and p.away_until > today
        if not criteria.show_unavailable and (not p.accepting_requests or away):
            continue
        availability = 2 if not p.accepting_requests else 1 if away else 0
        full = p.user_id in taken
        if full and criteria.hide_full:
            continue
        rows.append(
            (
                (full, -score, availability if criteria.show_unavailable else 0, -p.last_active_at.timestamp(), p.pk),
                p.pk,
            )
        )
    return [pk for _, pk in sorted(rows)]


@pytest.mark.parametrize("max_masks", [24, 2, 1])
def test_level_by_level_ranking_agrees_with_scoring_everyone(mentee, monkeypatch, max_masks):
    monkeypatch.setattr(search.ranking, "MAX_LEVEL_MASKS", max_masks)
    rng = random.Random(7)
    areas = list(AreaOfSupport.objects.order_by("pk")[:4])
    roles = list(Role.objects.order_by("pk")[:3])
    communities = list(ProfessionalCommunity.objects.order_by("pk")[:3])
    regions = [DefaultRegion.LONDON, DefaultRegion.WALES, ""]
    today = timezone.localdate()
    for number in range(45):
        user = mentor_with(
            f"R{number}",
            role_name=rng.choice(roles).name,
            community_name=rng.choice(communities).name,
            region=rng.choice(regions),
            biography=rng.choice(["Rail freight planner.", "Buses and trams.", "Warehouse lead."]),
            active_days_ago=rng.randint(0, 60) + number / 1000,
            accepting=rng.random() > 0.15,
            away_until=today + dt.timedelta(days=5) if rng.random() < 0.1 else None,
            capacity=1,
        )
        user.profile.areas.set(rng.sample(areas, k=rng.randint(0, 3)))
        if rng.random() < 0.1:
            fill_capacity(user)

    searches = [
        Criteria(areas=(areas[0],)),
        Criteria(areas=(areas[0], areas[1]), role=roles[0]),
        Criteria(areas=(areas[1],), role=roles[1], community=communities[0], keywords="rail"),
        Criteria(
            areas=(areas[2],), role=roles[2], community=communities[1], region=DefaultRegion.WALES, keywords="buses"
        ),
        Criteria(areas=(areas[3],), role=roles[0], keywords="😀 Rail-freight,"),
        Criteria(areas=(areas[0], areas[3]), community=communities[2], exact=True),
        Criteria(role=roles[0], show_unavailable=True),
        Criteria(areas=(areas[0],), region=DefaultRegion.LONDON, hide_full=True),
        Criteria(
            areas=tuple(areas), role=roles[0], community=communities[0], region=DefaultRegion.LONDON, keywords="rail"
        ),
        Criteria(show_unavailable=True),
        Criteria(
            areas=tuple(AreaOfSupport.objects.all()),
            role=roles[1],
            community=communities[1],
            region=DefaultRegion.WALES,
            keywords="warehouse",
        ),
    ]
    for wanted in searches:
        expected = _reference_order(wanted, mentee)
        got: list[int] = []
        for number in range(1, 40):
            page = search.search(wanted, mentee, page=number, page_size=4)
            if number > page.num_pages:
                break
            got += [r.mentor.pk for r in page.results]
            assert page.total == len(expected), wanted
        assert got == expected, wanted


def test_the_ranking_reads_a_page_not_every_mentor(mentee):
    """The plan stops early: a search touches its page, not the whole table (PostgreSQL)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    for number in range(30):
        mentor_with(f"P{number}", areas=(NETWORKING,), active_days_ago=number)
    ranking = search.Ranking(criteria(areas=(area(NETWORKING),)), mentee)
    sql = ranking.page_sql(0, 5)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql.text, sql.params)
        plan = cursor.fetchone()[0][0]["Plan"]
    assert plan["Actual Rows"] == 5


def test_a_search_is_one_query_whatever_the_page_shows(mentee, django_assert_num_queries):
    """Count, ranking and every card's details (places, the mentee's own request, keyword hits)
    come back in one statement."""
    from journeys.models import Conversation, Relationship

    for number in range(12):
        m = mentor_with(f"M{number}", areas=(NETWORKING, CAREER), biography="Rail freight planning.")
        if number % 4 == 0:
            fill_capacity(m, 1)
        if number % 5 == 0:
            Relationship.objects.create(
                mentee=mentee,
                mentor=m,
                conversation=Conversation.objects.create(mentee=mentee, mentor=m),
                area=area(NETWORKING),
                statement="Please",
            )
    networking = area(NETWORKING)
    wanted = criteria(areas=(networking,), keywords="freight")
    with django_assert_num_queries(1):
        page = search.search(wanted, mentee, page=1, page_size=5)
    assert page.total == 12 and len(page.results) == 5
    with django_assert_num_queries(1):
        last = search.search(wanted, mentee, page=3, page_size=5)
    assert len(last.results) == 2
    requested = [r for p in (page, last) for r in p.results if r.relationship_url]
    assert requested and all(r.relationship_label for r in requested)
    assert all(r.mentor.keyword_hit and r.mentor.area_ids >= {networking.pk} for r in page.results)


def test_an_empty_page_still_reports_the_count_and_past_the_end_costs_one_more_query(mentee, django_assert_num_queries):
    for number in range(3):
        mentor_with(f"M{number}", areas=(NETWORKING,))
    networking = area(NETWORKING)
    with django_assert_num_queries(1):
        nothing = search.search(criteria(areas=(networking,), exact=True, keywords="zebra"), mentee)
    assert nothing.total == 0 and nothing.results == []
    with django_assert_num_queries(2):  # the count shows page 9 is past the end: the last page instead
        past = search.search(criteria(areas=(networking,)), mentee, page=9, page_size=2)
    assert past.number == 2 and len(past.results) == 1 and past.notices
