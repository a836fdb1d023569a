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
from dataclasses import replace

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .criteria import DEFAULT_MATCH_WEIGHTS, Criteria, Taxonomy, criteria_from_profile, match_weights
from .form import FULL_CHOICES, KEYWORDS_MAX_LENGTH, SEARCH_PARAMS, SearchForm
from .ranking import COUNT_CAP, PAGE_SETTINGS, SCALE, RankedRow, Ranking
from .results import PAGE_SIZE, Result, SearchPage, explain, parse_page

__all__ = [
    "COUNT_CAP",
    "DEFAULT_MATCH_WEIGHTS",
    "FULL_CHOICES",
    "KEYWORDS_MAX_LENGTH",
    "SCALE",
    "match_weights",
    "PAGE_SETTINGS",
    "PAGE_SIZE",
    "SEARCH_PARAMS",
    "Criteria",
    "Ranking",
    "SearchForm",
    "SearchPage",
    "Taxonomy",
    "build_results",
    "criteria_from_profile",
    "parse_page",
    "search",
]


def search(
    criteria: Criteria,
    viewer=None,
    *,
    page: int = 1,
    page_size: int | None = None,
    notices: list[str] | None = None,
    suggestions: bool = False,
) -> SearchPage:
    """Run a search and return one page of explained results.

    One query (``Ranking.run``), for ten mentors or a hundred thousand; a second only when
    the keywords turn out to be unusable or the page asked for is past the last one.
    ``suggestions``: mentors suggested to the viewer, not searched for: those not suggested to
    them again (``journeys.rules.not_suggested_again_sql``) are left out.
    """
    page_size = page_size or PAGE_SIZE
    notices = list(notices or [])
    page = max(1, page)
    ranking = Ranking(criteria, viewer, suggestions=suggestions)
    total, rows = ranking.run((page - 1) * page_size, page_size)
    if criteria.keywords and not ranking.keywords_usable:
        notices.append(
            _("“%(keywords)s” only has words too common to search for, so we searched without keywords.")
            % {"keywords": criteria.keywords}
        )
        criteria = replace(criteria, keywords="")
        ranking = Ranking(criteria, viewer, suggestions=suggestions)
        total, rows = ranking.run((page - 1) * page_size, page_size)
    shown = min(total, COUNT_CAP)
    last_page = max(1, math.ceil(shown / page_size))
    if page > last_page:
        if total > COUNT_CAP:
            notices.append(
                _(
                    "We list the closest %(cap)s matches only, so here is the last page of them. "
                    "Add criteria or exact matching to narrow your search."
                )
                % {"cap": f"{COUNT_CAP:,}"}
            )
        elif total:
            notices.append(
                ngettext(
                    "There is only one page of results, so here is the last one.",
                    "There are only %(pages)d pages of results, so here is the last one.",
                    last_page,
                )
                % {"pages": last_page}
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
