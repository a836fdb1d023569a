"""Find Mentor: the criteria, the weighted match score, the ranking and each result's explanation.

How a search runs, whatever the number of mentors: one SQL statement (``Ranking.search_sql``)
does it all.

1. A capped count: how many mentors meet at least one criterion (every criterion, with exact
   matching), counting no further than ``COUNT_CAP``.
2. The ranking, in the database: a mentor's score is the sum of the weights of the criteria
   they meet; mentors are listed by score, then availability, then recent activity, with
   full mentors at the end. The query reads one page's worth of mentors, not all of them
   (see "Ranking" below for how).
3. What the page shows about those mentors, joined to the page's rows: profile, user, role,
   community and areas; places taken; the mentee's own request or relationship with them;
   whether their text matches the keywords.

So a page costs the same single query for 10 mentors or 100,000, and no mentor is loaded
into Python except the ones on the page.

Weights come from ``settings.MATCH_WEIGHTS`` (see ``match_weights``). Each chosen area of
support counts as one criterion with the "area" weight.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from itertools import combinations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from project.dates import long_date

from .models import AreaOfSupport, ProfessionalCommunity, Profile, Region, Role
from .selectors import REGION_LABELS, MentorCard

DEFAULT_MATCH_WEIGHTS: dict[str, float] = {
    "area": 3,
    "role": 2,
    "community": 2,
    "keywords": 2,
    "region": 1,
}
PAGE_SIZE = 10
KEYWORDS_MAX_LENGTH = 200
MAX_PAGE = 10_000
# The query-string names of the search form; any of them in the URL means "this is a search".
SEARCH_PARAMS = ("area", "role", "community", "q", "region", "exact", "away", "full")


def match_weights() -> dict[str, float]:
    """The weight of each kind of criterion: ``settings.MATCH_WEIGHTS`` over the defaults.

    Unknown keys and values that are not non-negative numbers are ignored, so a typo in
    the settings never breaks the search.
    """
    weights = dict(DEFAULT_MATCH_WEIGHTS)
    configured = getattr(settings, "MATCH_WEIGHTS", None) or {}
    if isinstance(configured, Mapping):
        for key, value in configured.items():
            if key not in weights:
                continue
            try:
                number = float(value)
            except (TypeError, ValueError):
                continue
            if math.isfinite(number) and number >= 0:
                weights[key] = number
    return weights


# -- Criteria ------------------------------------------------------------------------


@dataclass(frozen=True)
class Criteria:
    """What a mentee is looking for, already checked against the taxonomy."""

    areas: tuple[AreaOfSupport, ...] = ()
    role: Role | None = None
    community: ProfessionalCommunity | None = None
    keywords: str = ""
    region: str = ""
    exact: bool = False
    show_unavailable: bool = False
    hide_full: bool = False

    @property
    def has_any(self) -> bool:
        return bool(self.areas or self.role or self.community or self.keywords or self.region)

    @property
    def region_label(self) -> str:
        return REGION_LABELS.get(self.region, "")

    def max_score(self, weights: Mapping[str, float]) -> float:
        return (
            weights["area"] * len(self.areas)
            + (weights["role"] if self.role else 0)
            + (weights["community"] if self.community else 0)
            + (weights["keywords"] if self.keywords else 0)
            + (weights["region"] if self.region else 0)
        )

    def query_params(self) -> dict[str, list[str]]:
        """The criteria as query-string parameters (for links, pages and the saved search)."""
        params: dict[str, list[str]] = {}
        if self.areas:
            params["area"] = [str(a.pk) for a in self.areas]
        if self.role:
            params["role"] = [str(self.role.pk)]
        if self.community:
            params["community"] = [str(self.community.pk)]
        if self.keywords:
            params["q"] = [self.keywords]
        if self.region:
            params["region"] = [self.region]
        if self.exact:
            params["exact"] = ["on"]
        if self.show_unavailable:
            params["away"] = ["on"]
        params["full"] = ["hide" if self.hide_full else "end"]
        return params

    def form_initial(self) -> dict:
        return {
            "area": [str(a.pk) for a in self.areas],
            "role": str(self.role.pk) if self.role else "",
            "community": str(self.community.pk) if self.community else "",
            "q": self.keywords,
            "region": self.region,
            "exact": self.exact,
            "away": self.show_unavailable,
            "full": "hide" if self.hide_full else "end",
        }


def criteria_from_profile(profile: Profile | None, taxonomy: Taxonomy | None = None) -> Criteria:
    """Suggestions before any search: the areas and community the mentee gave in their profile."""
    if profile is None or profile.pk is None:
        return Criteria()
    taxonomy = taxonomy or Taxonomy.load()
    area_ids = list(profile.areas.values_list("pk", flat=True))
    return Criteria(
        areas=tuple(taxonomy.areas[pk] for pk in area_ids if pk in taxonomy.areas),
        community=taxonomy.communities.get(profile.community_id),
    )


def normalise_keywords(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


# -- The search form ------------------------------------------------------------------


@dataclass(frozen=True)
class Taxonomy:
    """The active areas, roles and communities, loaded once per page (three small queries)."""

    areas: dict[int, AreaOfSupport]
    roles: dict[int, Role]
    communities: dict[int, ProfessionalCommunity]

    @classmethod
    def load(cls) -> Taxonomy:
        """One query for all three lists (a page needs them all, every time)."""
        models = {"area": AreaOfSupport, "role": Role, "community": ProfessionalCommunity}
        parts = [
            f"SELECT '{kind}', id, name, position FROM {model._meta.db_table} WHERE active"
            for kind, model in models.items()
        ]
        lists: dict[str, dict] = {kind: {} for kind in models}
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts) + " ORDER BY 1, 4, 3")
            for kind, pk, name, position in cursor.fetchall():
                lists[kind][pk] = models[kind](pk=pk, name=name, position=position, active=True)
        return cls(areas=lists["area"], roles=lists["role"], communities=lists["community"])


def _known_id(raw) -> int | None:
    text = str(raw).strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


class KnownChoicesField(forms.MultipleChoiceField):
    """Several ids: keeps those it knows and remembers how many it had to leave out.

    A stale bookmark with one retired area should still search with the others.
    """

    MAX_VALUES = 50

    def clean(self, value):
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        known = {str(key) for key, _ in self.choices}
        kept = list(dict.fromkeys(str(v).strip() for v in values[: self.MAX_VALUES] if str(v).strip() in known))
        self.left_out = sum(1 for v in values if str(v).strip() and str(v).strip() not in known)
        return kept


FULL_CHOICES = [
    ("end", "Show them at the end, marked as full"),
    ("hide", "Hide them"),
]


class SearchForm(forms.Form):
    """Find Mentor's criteria, read from the query string.

    Bad input never stops the search: each field that cannot be used carries an error saying
    what was left out, and the search runs with the rest (see ``criteria``). Choices come from
    a preloaded ``Taxonomy``, so checking them costs no query.
    """

    area = KnownChoicesField(
        required=False,
        label="Areas of support",
        help_text="Choose one or more. Mentors who cover more of them come first.",
    )
    role = forms.ChoiceField(
        required=False,
        label="Mentor's role",
        error_messages={"invalid_choice": "We could not find that role, so we searched every role."},
    )
    community = forms.ChoiceField(
        required=False,
        label="Professional community",
        error_messages={"invalid_choice": "We could not find that professional community, so we searched them all."},
    )
    q = forms.CharField(
        required=False,
        max_length=KEYWORDS_MAX_LENGTH,
        label="Keywords",
        help_text="Words to look for in mentors' biographies and experience, for example: rail freight.",
        error_messages={
            "max_length": f"Keywords can be at most {KEYWORDS_MAX_LENGTH} characters, so we searched without them."
        },
    )
    region = forms.ChoiceField(
        choices=[("", "Anywhere")] + list(Region.choices),
        required=False,
        label="Region",
        error_messages={"invalid_choice": "We do not know that region, so we searched everywhere."},
    )
    exact = forms.BooleanField(
        required=False,
        label="Add exact matching",
        help_text="Only show mentors who meet every criterion you chose.",
    )
    away = forms.BooleanField(
        required=False,
        label="Also show mentors who are away or have paused new requests",
        help_text="They come after available mentors with the same match, with the date they are back if known.",
    )
    full = forms.ChoiceField(
        choices=FULL_CHOICES,
        required=False,
        label="Mentors with no places left",
        initial="end",
        error_messages={"invalid_choice": "Please choose whether to show or hide full mentors."},
    )

    def __init__(self, *args, taxonomy: Taxonomy | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.taxonomy = taxonomy or Taxonomy.load()
        self.fields["area"].choices = [(str(pk), a.name) for pk, a in self.taxonomy.areas.items()]
        self.fields["role"].choices = [("", "Any role")] + [(str(pk), r.name) for pk, r in self.taxonomy.roles.items()]
        self.fields["community"].choices = [("", "Any professional community")] + [
            (str(pk), c.name) for pk, c in self.taxonomy.communities.items()
        ]
        self._kept: dict = {}

    def clean_q(self) -> str:
        return normalise_keywords(self.cleaned_data.get("q", ""))

    def clean(self):
        data = super().clean()
        left_out = getattr(self.fields["area"], "left_out", 0)
        if left_out:
            # add_error() drops the field from cleaned_data: keep the areas we could use.
            self._kept["area"] = data.get("area", [])
            self.add_error(
                "area",
                "One of the areas you chose does not exist any more, so we left it out."
                if left_out == 1
                else f"{left_out} of the areas you chose do not exist any more, so we left them out.",
            )
        return data

    def criteria(self) -> Criteria:
        """The usable criteria: everything valid, nothing that was not."""
        if not self.is_bound:
            return Criteria()
        self.is_valid()
        data = self.cleaned_data

        def get(name, default):
            if name in data:
                return data[name]
            return self._kept.get(name, default)

        taxonomy = self.taxonomy
        return Criteria(
            areas=tuple(taxonomy.areas[int(pk)] for pk in get("area", [])),
            role=taxonomy.roles.get(_known_id(get("role", "")) or 0),
            community=taxonomy.communities.get(_known_id(get("community", "")) or 0),
            keywords=get("q", ""),
            region=get("region", ""),
            exact=bool(get("exact", False)),
            show_unavailable=bool(get("away", False)),
            hide_full=get("full", "end") == "hide",
        )


# -- Ranking --------------------------------------------------------------------------
#
# A mentor's score is the sum of the weights of the criteria they meet (in whole hundredths,
# so equal scores are exactly equal). The ranking query is written here as SQL, with every
# value the mentee typed passed as a parameter, because it is built from many similar parts
# and Django's query compiler would cost more than running it.
#
# It is made of "levels": each combination of criteria a mentor can meet has a score, and the
# combinations are grouped by score, best first. Each level is one branch of a UNION ALL that
# lists its mentors by recent activity and stops after the rows the page needs; PostgreSQL
# runs the branches in order and stops as soon as the page is full. A rare level (all four
# criteria, say) is found by intersecting indexes; a common one by walking
# ``profile_mentor_rank`` from the most recently active mentor until enough turn up. Either
# way a page reads a page's worth of mentors, not all of them. Past the levels spelled out,
# one branch scores the remaining candidates in full; a last branch lists the mentors with no
# places left (unless the mentee hides them).

SCALE = 100
MAX_LEVEL_MASKS = 8  # how many combinations the levels may spell out before "the rest" (each costs planning)
MAX_SPELLED_CRITERIA = 12  # past this many criteria (4,095 combinations), levels are not worked out
COUNT_CAP = 1000  # "more than 1,000 mentors match": counting further buys nothing

# Sent with each ranking query, for that query only: the branches must run in order (a plain
# Append, never a parallel one); a query this short is not worth compiling; and the rows it
# reads are in memory, so fetching one by its index is cheap (PostgreSQL's default cost of
# 4 assumes a disk read and steers it towards reading whole posting lists instead).
PAGE_SETTINGS = (
    "SELECT set_config('enable_parallel_append', 'off', true), set_config('jit', 'off', true), "
    "set_config('random_page_cost', '1.1', true)"
)
AVAILABLE, AWAY, PAUSED = 0, 1, 2


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def keyword_words(keywords: str) -> list[str]:
    """SQLite only: the words to look for as substrings (no stemming there)."""
    words = []
    for word in keywords.split()[:10]:
        word = word.strip("\"'()")
        if word and word.lower() != "or" and not word.startswith("-"):
            words.append(word)
    return words


@dataclass(frozen=True)
class Sql:
    """A piece of SQL and its parameters."""

    text: str
    params: tuple = ()

    def __and__(self, other: Sql) -> Sql:
        return Sql(f"({self.text} AND {other.text})", self.params + other.params)

    def __or__(self, other: Sql) -> Sql:
        return Sql(f"({self.text} OR {other.text})", self.params + other.params)


def _join(parts: list[Sql], glue: str) -> Sql:
    return Sql(glue.join(part.text for part in parts), tuple(p for part in parts for p in part.params))


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class Ranking:
    """The SQL for one search: a capped count, and one page of ranked rows."""

    def __init__(self, criteria: Criteria, viewer=None, today: date | None = None):
        from journeys.models import CAPACITY_STATES, Relationship

        self.criteria = criteria
        self.viewer_id = getattr(viewer, "pk", None)
        self.postgres = is_postgresql()
        self.today = today or timezone.localdate()
        weights = match_weights()
        scaled = {kind: round(weight * SCALE) for kind, weight in weights.items()}
        profile = Profile._meta.db_table
        self.profile_table = profile
        user_table = get_user_model()._meta.db_table
        areas_table = Profile.areas.through._meta.db_table
        relationship_table = Relationship._meta.db_table

        self.conditions: list[tuple[Sql, int]] = []
        self.keyword_condition: Sql | None = None
        # Words too common to search for ("the", punctuation) make an empty query; count() finds out.
        self.keywords_usable = bool(criteria.keywords) and (self.postgres or bool(re.search(r"\w", criteria.keywords)))
        for area in criteria.areas:
            if self.postgres:
                condition = Sql("p.area_ids @> ARRAY[%s]::bigint[]", (area.pk,))
            else:
                condition = Sql(
                    f"p.id IN (SELECT profile_id FROM {areas_table} WHERE areaofsupport_id = %s)", (area.pk,)
                )
            self.conditions.append((condition, scaled["area"]))
        if criteria.role:
            self.conditions.append((Sql("p.role_id = %s", (criteria.role.pk,)), scaled["role"]))
        if criteria.community:
            self.conditions.append((Sql("p.community_id = %s", (criteria.community.pk,)), scaled["community"]))
        if criteria.keywords:
            if self.postgres:
                condition = Sql("p.search_vector @@ websearch_to_tsquery('english', %s)", (criteria.keywords,))
            else:
                words = keyword_words(criteria.keywords) or [criteria.keywords]
                condition = _join(
                    [
                        Sql(
                            "(p.biography LIKE %s ESCAPE '\\' OR p.experience LIKE %s ESCAPE '\\')",
                            (_like(w), _like(w)),
                        )
                        for w in words
                    ],
                    " AND ",
                )
            self.conditions.append((condition, scaled["keywords"]))
            self.keyword_condition = condition
        if criteria.region:
            self.conditions.append((Sql("p.region = %s", (criteria.region,)), scaled["region"]))

        today_param = self.today if self.postgres else self.today.isoformat()
        where = [
            Sql("p.is_mentor AND p.completed_at IS NOT NULL"),
            Sql(f"p.user_id NOT IN (SELECT id FROM {user_table} WHERE NOT is_active OR anonymised_at IS NOT NULL)"),
        ]
        if self.viewer_id:
            where.append(Sql("p.user_id <> %s", (self.viewer_id,)))
        if not criteria.show_unavailable:
            where.append(Sql("p.accepting_requests AND (p.away_until IS NULL OR p.away_until <= %s)", (today_param,)))
        self.base = _join(where, " AND ")
        self.full_mentors = Sql(
            f"SELECT r.mentor_id FROM {relationship_table} r JOIN {profile} fp ON fp.user_id = r.mentor_id "
            f"WHERE r.state IN ({', '.join(['%s'] * len(CAPACITY_STATES))}) "
            "GROUP BY r.mentor_id, fp.capacity HAVING count(*) >= fp.capacity",
            tuple(str(state) for state in CAPACITY_STATES),
        )
        self.availability = (
            Sql(
                f"CASE WHEN NOT p.accepting_requests THEN {PAUSED} WHEN p.away_until > %s THEN {AWAY} "
                f"ELSE {AVAILABLE} END",
                (today_param,),
            )
            if criteria.show_unavailable
            else Sql(str(AVAILABLE))
        )

    # -- pieces --------------------------------------------------------------------

    @property
    def score(self) -> Sql:
        if not self.conditions:
            return Sql("0")
        return _join([Sql(f"(CASE WHEN {c.text} THEN {w} ELSE 0 END)", c.params) for c, w in self.conditions], " + ")

    @property
    def matches(self) -> Sql | None:
        """Meets at least one criterion (every criterion, with exact matching)."""
        if not self.conditions:
            return None
        parts = [c for c, _ in self.conditions]
        return Sql("(" + _join(parts, " AND " if self.criteria.exact else " OR ").text + ")", _join(parts, "").params)

    def candidates(self) -> Sql:
        matches = self.matches
        where = self.base if matches is None else self.base & matches
        if self.criteria.hide_full:
            where = where & Sql("p.user_id NOT IN (SELECT mentor_id FROM full_mentors)")
        return where

    def levels(self) -> tuple[list[tuple[int, list[tuple[int, ...]]]], bool]:
        """Combinations of criteria grouped by score, best first; and whether they cover all."""
        count = len(self.conditions)
        if self.criteria.exact:
            return [(sum(w for _, w in self.conditions), [tuple(range(count))])], True
        if count > MAX_SPELLED_CRITERIA:  # too many to list their combinations: best level, then the rest
            return [(sum(w for _, w in self.conditions), [tuple(range(count))])], False
        by_score: dict[int, list[tuple[int, ...]]] = {}
        for size in range(count, 0, -1):
            for mask in combinations(range(count), size):
                by_score.setdefault(sum(self.conditions[i][1] for i in mask), []).append(mask)
        chosen: list[tuple[int, list[tuple[int, ...]]]] = []
        spelled = 0
        for score in sorted(by_score, reverse=True):
            masks = by_score[score]
            if score <= 0 or (chosen and spelled + len(masks) > MAX_LEVEL_MASKS):
                return chosen, score <= 0
            chosen.append((score, masks))
            spelled += len(masks)
        return chosen, True

    def branch(self, number: int, where: Sql, score: Sql, *, full: bool, by_score: bool, limit: int) -> Sql:
        # Every branch lists its rows in the order of ORDER_ROWS (the score is a constant in
        # a level's branch, the availability when away mentors are not shown).
        order = ["score DESC"] if by_score else []
        if self.criteria.show_unavailable:
            order.append("availability")
        order += ["p.last_active_at DESC", "p.id"]
        return Sql(
            f"SELECT * FROM (SELECT p.id AS pk, p.user_id, {score.text} AS score, "
            f"{self.availability.text} AS availability, {'TRUE' if full else 'FALSE'} AS is_full, "
            f"p.last_active_at, {int(number)} AS branch "
            f"FROM {self.profile_table} p WHERE {where.text} ORDER BY {', '.join(order)} LIMIT %s) AS b",
            score.params + self.availability.params + where.params + (limit,),
        )

    def branches(self, limit: int) -> list[Sql]:
        """The UNION ALL's branches, in the order their rows are listed."""
        candidates = self.candidates()
        open_ = candidates & Sql("p.user_id NOT IN (SELECT mentor_id FROM full_mentors)")
        branches: list[Sql] = []
        if not self.conditions:
            branches.append(self.branch(len(branches) + 1, open_, Sql("0"), full=False, by_score=False, limit=limit))
        else:
            levels, complete = self.levels()
            everything = tuple(range(len(self.conditions)))
            for level_score, masks in levels:
                # "Meets every criterion of one of these combinations" is what indexes answer;
                # "scores exactly this" keeps out mentors who belong to a better level.
                some = _join(
                    [_join([self.conditions[i][0] for i in mask], " AND ") for mask in masks],
                    ") OR (",
                )
                where = open_ & Sql(f"(({some.text}))", some.params)
                if masks != [everything]:
                    where = where & Sql(f"({self.score.text}) = {level_score}", self.score.params)
                branches.append(
                    self.branch(
                        len(branches) + 1, where, Sql(str(level_score)), full=False, by_score=False, limit=limit
                    )
                )
            if not complete:
                lowest = levels[-1][0]
                rest = open_ & Sql(f"({self.score.text}) < {lowest}", self.score.params)
                branches.append(
                    self.branch(len(branches) + 1, rest, self.score, full=False, by_score=True, limit=limit)
                )
        if not self.criteria.hide_full:
            full = candidates & Sql("p.user_id IN (SELECT mentor_id FROM full_mentors)")
            branches.append(self.branch(len(branches) + 1, full, self.score, full=True, by_score=True, limit=limit))
        return branches

    # -- queries -------------------------------------------------------------------

    def with_ctes(self, body: Sql, *ctes: tuple[str, Sql]) -> Sql:
        """``body`` after ``WITH full_mentors AS (...)`` and any further named parts."""
        materialized = "MATERIALIZED " if self.postgres else ""
        parts = [("full_mentors", Sql(f"{materialized}({self.full_mentors.text})", self.full_mentors.params))]
        parts += [(name, Sql(f"({sql.text})", sql.params)) for name, sql in ctes]
        listed = _join([Sql(f"{name} AS {sql.text}", sql.params) for name, sql in parts], ", ")
        return Sql(f"WITH {listed.text} {body.text}", listed.params + body.params)

    def count_select(self, cap: int | None = None) -> Sql:
        """Count the candidates, stopping after ``cap`` + 1: ``total``; and ``usable``.

        With keywords and other criteria (and no exact matching), the criteria without the
        keywords are counted first, from the index alone; only when they find fewer than
        ``cap`` does the keyword search run. On PostgreSQL, ``usable`` says whether the
        keywords made a usable query at all (NULL when there are none, and on SQLite).
        """
        cap = COUNT_CAP if cap is None else cap

        def capped(where: Sql) -> Sql:
            return Sql(
                f"(SELECT count(*) FROM (SELECT 1 FROM {self.profile_table} p WHERE {where.text} LIMIT %s) AS c)",
                where.params + (cap + 1,),
            )

        counted = capped(self.candidates())
        others = [c for c, _ in self.conditions if c is not self.keyword_condition]
        if self.keyword_condition is not None and others and not self.criteria.exact:
            without_keywords = self.base & Sql("(" + _join(others, " OR ").text + ")", _join(others, "").params)
            if self.criteria.hide_full:
                without_keywords = without_keywords & Sql("p.user_id NOT IN (SELECT mentor_id FROM full_mentors)")
            cheap = capped(without_keywords)
            counted = Sql(
                f"CASE WHEN {cheap.text} > %s THEN %s ELSE {counted.text} END",
                cheap.params + (cap, cap + 1) + counted.params,
            )
        usable = Sql("NULL")
        if self.postgres and self.criteria.keywords:
            usable = Sql("numnode(websearch_to_tsquery('english', %s)) > 0", (self.criteria.keywords,))
        return Sql(f"SELECT {counted.text} AS total, {usable.text} AS usable", counted.params + usable.params)

    def count_sql(self, cap: int | None = None) -> Sql:
        return self.with_ctes(self.count_select(cap))

    def ranked(self, offset: int, limit: int) -> Sql:
        """One page of ranked rows (``pk, user_id, score, availability, is_full, ...``), without
        the ``full_mentors`` part it reads."""
        union = _join(self.branches(offset + limit), " UNION ALL ")
        return Sql(f"{union.text} LIMIT %s OFFSET %s", union.params + (limit, offset))

    def page_sql(self, offset: int, limit: int) -> Sql:
        return self.with_ctes(self.ranked(offset, limit))

    def search_sql(self, offset: int, limit: int) -> Sql:
        """The whole search in one statement: the capped count, and one page of ranked
        mentors with everything their cards show (``selectors.card_columns``).

        One row per mentor on the page, in ranking order, each starting with the count
        (``total``, ``usable``); a single row of the count alone when the page is empty. The
        page is the UNION ALL of the branches, cut by LIMIT/OFFSET in the order the branches
        list their rows; the final ORDER BY restores that order after the joins.
        """
        from . import selectors

        keyword = self.keyword_condition
        columns, column_params = selectors.card_columns(
            self.viewer_id, (keyword.text, keyword.params) if keyword else None
        )
        page = Sql(
            f"SELECT rk.branch, rk.score, rk.availability, rk.is_full, rk.last_active_at AS active, {columns} "
            f"FROM ranked rk JOIN {self.profile_table} p ON p.id = rk.pk {selectors.CARD_JOINS}",
            column_params,
        )
        body = Sql(
            "SELECT f.total, f.usable, pg.* FROM found f LEFT JOIN page pg ON TRUE "
            "ORDER BY pg.branch, pg.score DESC, pg.availability, pg.active DESC, pg.pk"
        )
        return self.with_ctes(
            body, ("found", self.count_select()), ("ranked", self.ranked(offset, limit)), ("page", page)
        )

    def count(self, cap: int | None = None) -> int:
        """How many mentors the search finds, counting no further than ``cap`` + 1."""
        sql = self.count_sql(cap)
        with connection.cursor() as cursor:
            cursor.execute(self._with_settings(sql.text), sql.params)
            total, usable = cursor.fetchone()
        self._note_usable(usable)
        return total

    def run(self, offset: int, limit: int) -> tuple[int, list[RankedRow]]:
        """The capped count and one page of ranked mentors with their cards: one query."""
        from . import selectors

        sql = self.search_sql(offset, limit)
        with connection.cursor() as cursor:
            cursor.execute(self._with_settings(sql.text), sql.params)
            rows = cursor.fetchall()
        total, usable = rows[0][0], rows[0][1]
        self._note_usable(usable)
        ranked = [
            RankedRow(
                score=row[3],
                availability=row[4],
                is_full=bool(row[5]),
                card=selectors.card_from_row(row[7:]),
            )
            for row in rows
            if row[2] is not None  # the count's own row when the page is empty
        ]
        return total, ranked

    def _note_usable(self, usable) -> None:
        if self.postgres and self.criteria.keywords:
            self.keywords_usable = bool(usable)

    def _with_settings(self, text: str) -> str:
        # Sent in one message with the query, the settings last exactly as long as its
        # implicit transaction.
        return f"{PAGE_SETTINGS}; {text}" if self.postgres else text


@dataclass
class RankedRow:
    """One mentor of a page, as the ranking placed them."""

    score: int
    availability: int
    is_full: bool
    card: MentorCard


# -- Results and their explanations ------------------------------------------------------


@dataclass
class Explanation:
    met: list[str]
    missed: list[str]
    percent: int
    strength: str


def strength_in_words(percent: int) -> str:
    if percent >= 100:
        return "Meets everything you asked for"
    if percent >= 60:
        return "Strong match"
    if percent >= 30:
        return "Fair match"
    return "Partial match"


def explain(mentor: MentorCard, criteria: Criteria, weights: Mapping[str, float]) -> Explanation:
    """Which criteria a mentor meets and misses, in words, and how strong the match is.

    Uses the mentor's own fields (and, for keywords, the database's answer), so it agrees
    with the score the database ranked by.
    """
    met: list[str] = []
    missed: list[str] = []
    score = 0.0
    mentor_areas = mentor.area_ids
    covered = [a for a in criteria.areas if a.pk in mentor_areas]
    not_covered = [a for a in criteria.areas if a.pk not in mentor_areas]
    score += weights["area"] * len(covered)
    if covered:
        met.append("Supports " + _and_list(a.name for a in covered))
    if not_covered:
        missed.append("Does not list " + _and_list(a.name for a in not_covered))
    if criteria.role:
        if mentor.role_id == criteria.role.pk:
            score += weights["role"]
            met.append(f"Role: {criteria.role.name}")
        else:
            missed.append(f"Role is {mentor.role_name or 'not given'}, not {criteria.role.name}")
    if criteria.community:
        if mentor.community_id == criteria.community.pk:
            score += weights["community"]
            met.append(f"Professional community: {criteria.community.name}")
        else:
            missed.append(
                f"Professional community is {mentor.community_name or 'not given'}, not {criteria.community.name}"
            )
    if criteria.keywords:
        if mentor.keyword_hit:
            score += weights["keywords"]
            met.append(f"Mentions “{criteria.keywords}” in their biography or experience")
        else:
            missed.append(f"Does not mention “{criteria.keywords}”")
    if criteria.region:
        if mentor.region == criteria.region:
            score += weights["region"]
            met.append(f"Based in {criteria.region_label}")
        else:
            actual = mentor.region_label or "an unstated region"
            missed.append(f"Based in {actual}, not {criteria.region_label}")
    maximum = criteria.max_score(weights)
    if not criteria.has_any:
        percent = 0
    elif maximum > 0:
        percent = round(100 * score / maximum)
    else:  # every chosen kind of criterion weighs nothing: count the criteria met instead
        met_count = len(covered) + len(met) - (1 if covered else 0)
        percent = round(100 * met_count / (met_count + len(not_covered) + len(missed) - (1 if not_covered else 0)))
    return Explanation(met=met, missed=missed, percent=percent, strength=strength_in_words(percent))


def _and_list(names: Iterable[str]) -> str:
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


@dataclass
class Result:
    """One mentor on a results page, with everything the card shows worked out."""

    mentor: MentorCard
    explanation: Explanation | None
    availability: int
    is_full: bool
    profile_url: str = ""
    request_url: str = ""
    relationship_url: str = ""

    @property
    def places_left(self) -> int:
        return self.mentor.places_left

    @property
    def relationship_label(self) -> str:
        return self.mentor.relationship_label

    @property
    def is_open(self) -> bool:
        return self.availability == AVAILABLE and not self.is_full

    @property
    def is_away(self) -> bool:
        return self.availability == AWAY

    @property
    def is_paused(self) -> bool:
        return self.availability == PAUSED

    @cached_property
    def card(self) -> dict:
        """Everything ``people/_mentor_card.html`` shows, as ready-made text.

        Worked out here once, in plain Python, so drawing a card is a handful of dictionary
        look-ups: no properties, no filters, no number formatting in the template.
        """
        mentor, explanation = self.mentor, self.explanation
        if self.is_full:
            state_class, state, availability = "state state-full", "Full", "No places left at the moment."
        elif self.is_paused:
            back = f"; back on {long_date(mentor.away_until)}" if mentor.is_away else ""
            state_class, state, availability = "state state-paused", "Paused", f"Not taking new requests for now{back}."
        elif self.is_away:
            state_class, state = "state state-away", "Away"
            availability = f"Away until {long_date(mentor.away_until)}."
        else:
            places = self.places_left
            state_class, state = "state", "Open to requests"
            availability = f"{places} place{'' if places == 1 else 's'} left."
        return {
            "id": str(mentor.user_id),
            "name": mentor.display_name,
            "initials": mentor.initials,
            "subtitle": mentor.subtitle,
            "details": mentor.details,
            "explained": explanation is not None,
            "percent": str(explanation.percent) if explanation else "",
            "strength": explanation.strength if explanation else "",
            "met": explanation.met if explanation else [],
            "missed": explanation.missed if explanation else [],
            "state_class": state_class,
            "state": state,
            "availability": availability,
            "is_open": self.is_open,
            "profile_url": self.profile_url,
            "request_url": self.request_url,
            "relationship_url": self.relationship_url,
            "relationship_label": self.relationship_label if self.relationship_url else "",
        }


@dataclass
class SearchPage:
    criteria: Criteria
    results: list[Result]
    total: int
    number: int
    page_size: int
    notices: list[str] = field(default_factory=list)

    @property
    def cap_label(self) -> str:
        return f"{COUNT_CAP:,}"

    @property
    def capped(self) -> bool:
        """True when more mentors match than we list (the count stopped at COUNT_CAP)."""
        return self.total > COUNT_CAP

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(min(self.total, COUNT_CAP) / self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.page_size + 1 if self.results else 0

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.results) - 1 if self.results else 0

    def page_links(self, around: int = 2) -> list[int | None]:
        """Page numbers to link to: first, last and a window around this one (None = a gap)."""
        wanted = {1, self.num_pages, *range(self.number - around, self.number + around + 1)}
        pages = sorted(p for p in wanted if 1 <= p <= self.num_pages)
        links: list[int | None] = []
        for page in pages:
            if links and page - (links[-1] or 0) > 1:
                links.append(None)
            links.append(page)
        return links


def parse_page(raw: str | None) -> tuple[int, str | None]:
    """The page number asked for, and a notice when it could not be used as it was.

    Numbers past the last page are dealt with by ``search``, which knows where the last page is.
    """
    if raw in (None, ""):
        return 1, None
    text = str(raw).strip()
    if text.startswith("-") and text[1:].isdigit():
        return 1, "Pages start at 1, so here is the first page."
    if not text.isdigit():
        return 1, "That page number was not one we could use, so here is the first page."
    if len(text) > 9:
        return MAX_PAGE, None
    number = int(text)
    if number < 1:
        return 1, "Pages start at 1, so here is the first page."
    return min(number, MAX_PAGE), None


def search(
    criteria: Criteria,
    viewer=None,
    *,
    page: int = 1,
    page_size: int | None = None,
    notices: list[str] | None = None,
) -> SearchPage:
    """Run a search and return one page of explained results.

    One query (``Ranking.run``), for ten mentors or a hundred thousand; a second only when
    the keywords turn out to be unusable or the page asked for is past the last one.
    """
    page_size = page_size or PAGE_SIZE
    notices = list(notices or [])
    page = max(1, page)
    ranking = Ranking(criteria, viewer)
    total, rows = ranking.run((page - 1) * page_size, page_size)
    if criteria.keywords and not ranking.keywords_usable:
        notices.append(
            f"“{criteria.keywords}” only has words too common to search for, so we searched without keywords."
        )
        criteria = replace(criteria, keywords="")
        ranking = Ranking(criteria, viewer)
        total, rows = ranking.run((page - 1) * page_size, page_size)
    shown = min(total, COUNT_CAP)
    last_page = max(1, math.ceil(shown / page_size))
    if page > last_page:
        if total > COUNT_CAP:
            notices.append(
                f"We list the closest {COUNT_CAP:,} matches only, so here is the last page of them. "
                "Add criteria or exact matching to narrow your search."
            )
        elif total:
            notices.append(
                f"There {'is only one page' if last_page == 1 else f'are only {last_page} pages'} of results, "
                "so here is the last one."
            )
        page = last_page
        if total:
            total, rows = ranking.run((page - 1) * page_size, page_size)
    return SearchPage(
        criteria=criteria,
        results=build_results(rows, criteria),
        total=total,
        number=page,
        page_size=page_size,
        notices=notices,
    )


def build_results(rows: list[RankedRow], criteria: Criteria) -> list[Result]:
    """The page's results, each explained against the criteria (no queries)."""
    weights = match_weights()
    profile_url, request_url, relationship_url = (
        _url_with_id("mentor_profile"),
        _url_with_id("request_new"),
        _url_with_id("relationship"),
    )
    return [
        Result(
            mentor=row.card,
            explanation=explain(row.card, criteria, weights) if criteria.has_any else None,
            availability=row.availability,
            is_full=row.is_full,
            profile_url=profile_url(row.card.user_id),
            request_url=request_url(row.card.user_id),
            relationship_url=relationship_url(row.card.relationship_id) if row.card.relationship_id else "",
        )
        for row in rows
    ]


_ID_MARKER = 987654321


def _url_with_id(name: str):
    """``reverse(name, args=[id])`` for many ids at the cost of one ``reverse``."""
    before, marker, after = reverse(name, args=[_ID_MARKER]).partition(str(_ID_MARKER))
    if not marker:  # the marker did not survive as it was: reverse each time
        return lambda pk: reverse(name, args=[pk])
    return lambda pk: f"{before}{int(pk)}{after}"


def suggested_mentors(user, limit: int = 3) -> list[Result]:
    """The mentee's top mentors from their own profile, for their home page and Find Mentor."""
    from . import selectors

    profile = selectors.profile_of(user)
    criteria = replace(criteria_from_profile(profile), hide_full=True)
    return search(criteria, user, page_size=limit).results


# -- The remembered search -------------------------------------------------------------


def remember_search(profile: Profile | None, criteria: Criteria) -> None:
    """Keep the mentee's latest criteria on their profile (one UPDATE, only when they change)."""
    if profile is None or profile.pk is None:
        return
    params = criteria.query_params()
    if profile.last_search != params:
        Profile.objects.filter(pk=profile.pk).update(last_search=params)
        profile.last_search = params


def forget_search(profile: Profile | None) -> None:
    if profile is not None and profile.pk is not None and profile.last_search:
        Profile.objects.filter(pk=profile.pk).update(last_search={})
        profile.last_search = {}


def saved_search_params(profile: Profile | None) -> dict[str, list[str]]:
    """The remembered criteria, limited to the parameters the search understands."""
    saved = getattr(profile, "last_search", None) or {}
    if not isinstance(saved, dict):
        return {}
    return {
        key: [str(v) for v in (value if isinstance(value, list) else [value])][: KnownChoicesField.MAX_VALUES]
        for key, value in saved.items()
        if key in SEARCH_PARAMS
    }
