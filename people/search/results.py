"""A page of results: each mentor's card, the explanation of their match, and the page's numbers."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from project.dates import long_date
from project.text import and_list

from ..selectors import MentorCard
from .criteria import Criteria
from .ranking import AVAILABLE, AWAY, COUNT_CAP, PAUSED

PAGE_SIZE = 10
MAX_PAGE = 10_000


# -- Results and their explanations ------------------------------------------------------


@dataclass
class Explanation:
    met: list[str]
    missed: list[str]
    percent: int
    strength: str


def strength_in_words(percent: int) -> str:
    if percent >= 100:
        return _("Meets everything you asked for")
    if percent >= 60:
        return _("Strong match")
    if percent >= 30:
        return _("Fair match")
    return _("Partial match")


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
        met.append(_("Supports %(areas)s") % {"areas": and_list(a.name for a in covered)})
    if not_covered:
        missed.append(_("Does not list %(areas)s") % {"areas": and_list(a.name for a in not_covered)})
    if criteria.role:
        if mentor.role_id == criteria.role.pk:
            score += weights["role"]
            met.append(_("Role: %(role)s") % {"role": criteria.role.name})
        else:
            missed.append(
                _("Role is %(actual)s, not %(role)s")
                % {"actual": mentor.role_name or _("not given"), "role": criteria.role.name}
            )
    if criteria.community:
        if mentor.community_id == criteria.community.pk:
            score += weights["community"]
            met.append(_("Professional community: %(community)s") % {"community": criteria.community.name})
        else:
            missed.append(
                _("Professional community is %(actual)s, not %(community)s")
                % {"actual": mentor.community_name or _("not given"), "community": criteria.community.name}
            )
    if criteria.keywords:
        if mentor.keyword_hit:
            score += weights["keywords"]
            met.append(_("Mentions “%(keywords)s” in their biography or experience") % {"keywords": criteria.keywords})
        else:
            missed.append(_("Does not mention “%(keywords)s”") % {"keywords": criteria.keywords})
    if criteria.region:
        if mentor.region == criteria.region:
            score += weights["region"]
            met.append(_("Based in %(region)s") % {"region": criteria.region_label})
        else:
            actual = mentor.region_label or _("an unstated region")
            missed.append(
                _("Based in %(actual)s, not %(region)s") % {"actual": actual, "region": criteria.region_label}
            )
    maximum = criteria.max_score(weights)
    if not criteria.has_any:
        percent = 0
    elif maximum > 0:
        percent = round(100 * score / maximum)
    else:  # every chosen kind of criterion weighs nothing: count the criteria met instead
        met_count = len(covered) + len(met) - (1 if covered else 0)
        percent = round(100 * met_count / (met_count + len(not_covered) + len(missed) - (1 if not_covered else 0)))
    return Explanation(met=met, missed=missed, percent=percent, strength=strength_in_words(percent))


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
            state_class, state, availability = "state state-full", _("Full"), _("No places left at the moment.")
        elif self.is_paused:
            state_class, state = "state state-paused", _("Paused")
            if mentor.is_away:
                availability = _("Not taking new requests for now; back on %(date)s.") % {
                    "date": long_date(mentor.away_until)
                }
            else:
                availability = _("Not taking new requests for now.")
        elif self.is_away:
            state_class, state = "state state-away", _("Away")
            availability = _("Away until %(date)s.") % {"date": long_date(mentor.away_until)}
        else:
            places = self.places_left
            state_class, state = "state", _("Open to requests")
            availability = ngettext("%(places)d place left.", "%(places)d places left.", places) % {"places": places}
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
        return 1, _("Pages start at 1, so here is the first page.")
    if not text.isdigit():
        return 1, _("That page number was not one we could use, so here is the first page.")
    if len(text) > 9:
        return MAX_PAGE, None
    number = int(text)
    if number < 1:
        return 1, _("Pages start at 1, so here is the first page.")
    return min(number, MAX_PAGE), None
