"""The ranking's SQL: a capped count and one page of ranked mentors, in one statement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import combinations

from django.db import connection
from django.utils import timezone

from journeys import rules

from .. import rules as people_rules
from .. import selectors
from ..models import Profile
from ..selectors import MentorCard
from .criteria import Criteria, match_weights
from .keywords import keyword_words, websearch_query

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

    def __init__(self, criteria: Criteria, viewer=None, today: date | None = None, *, suggestions: bool = False):
        self.criteria = criteria
        self.viewer_id = getattr(viewer, "pk", None)
        self.suggestions = suggestions  # suggested to the viewer: leave out those not suggested again
        self.postgres = is_postgresql()
        self.today = today or timezone.localdate()
        self.profile_table = Profile._meta.db_table
        # Keywords with no word (punctuation only) or only words too common to search for ("the")
        # make an empty query: on PostgreSQL, count() finds out.
        self.keywords_usable = bool(criteria.keywords) and (self.postgres or bool(keyword_words(criteria.keywords)))
        self.keyword_condition: Sql | None = None
        self.conditions: list[tuple[Sql, int]] = self._criteria_conditions()
        self.base = self._listed_candidates()
        self.full_mentors = Sql(*rules.full_mentors_sql(self.profile_table))
        self.availability = self._availability_column()

    # -- setting up ----------------------------------------------------------------

    def _criteria_conditions(self) -> list[tuple[Sql, int]]:
        """Each criterion the mentee gave, as a condition on ``p`` and its weight in hundredths.

        Also notes the keywords' condition (``keyword_condition``): the cards and the count
        read it on its own.
        """
        criteria = self.criteria
        scaled = {kind: round(weight * SCALE) for kind, weight in match_weights().items()}
        conditions: list[tuple[Sql, int]] = []
        for area in criteria.areas:
            conditions.append((self._area_condition(area.pk), scaled["area"]))
        if criteria.role:
            conditions.append((Sql("p.role_id = %s", (criteria.role.pk,)), scaled["role"]))
        if criteria.community:
            conditions.append((Sql("p.community_id = %s", (criteria.community.pk,)), scaled["community"]))
        if criteria.keywords:
            self.keyword_condition = self._keywords_condition(criteria.keywords)
            conditions.append((self.keyword_condition, scaled["keywords"]))
        if criteria.region:
            conditions.append((Sql("p.region = %s", (criteria.region,)), scaled["region"]))
        return conditions

    def _area_condition(self, area_id: int) -> Sql:
        if self.postgres:
            return Sql("p.area_ids @> ARRAY[%s]::bigint[]", (area_id,))
        areas_table = Profile.areas.through._meta.db_table
        return Sql(f"p.id IN (SELECT profile_id FROM {areas_table} WHERE areaofsupport_id = %s)", (area_id,))

    def _keywords_condition(self, keywords: str) -> Sql:
        """Whether a mentor's text matches the keywords, split into words by ``keywords.py`` on either database."""
        if self.postgres:
            return Sql("p.search_vector @@ websearch_to_tsquery('english', %s)", (websearch_query(keywords),))
        words = keyword_words(keywords)
        if not words:  # nothing to look for: the keywords are unusable and set aside (see search())
            return Sql("(1 = 0)")
        return _join(
            [
                Sql("(p.biography LIKE %s ESCAPE '\\' OR p.experience LIKE %s ESCAPE '\\')", (_like(w), _like(w)))
                for w in words
            ],
            " AND ",
        )

    @property
    def _today_param(self):
        return self.today if self.postgres else self.today.isoformat()

    def _listed_candidates(self) -> Sql:
        """Who may be found at all (``people.rules``): listed mentors other than the viewer,
        and only those open to requests unless the mentee asks to see the others too."""
        where = [Sql(people_rules.mentor_listed_sql())]
        if self.viewer_id:
            where.append(Sql("p.user_id <> %s", (self.viewer_id,)))
            if self.suggestions:
                passed, params = rules.not_suggested_again_sql(self.viewer_id)
                where.append(Sql(f"p.user_id NOT IN ({passed})", params))
        if not self.criteria.show_unavailable:
            where.append(Sql(*people_rules.mentor_open_to_requests_sql(self._today_param)))
        return _join(where, " AND ")

    def _availability_column(self) -> Sql:
        """Paused, away or available (only worked out when unavailable mentors are shown)."""
        if not self.criteria.show_unavailable:
            return Sql(str(AVAILABLE))
        away, params = people_rules.mentor_away_sql(self._today_param)
        return Sql(
            f"CASE WHEN NOT p.accepting_requests THEN {PAUSED} WHEN {away} THEN {AWAY} ELSE {AVAILABLE} END",
            params,
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
            usable = Sql("numnode(websearch_to_tsquery('english', %s)) > 0", (websearch_query(self.criteria.keywords),))
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
