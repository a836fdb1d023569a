"""What a mentee is looking for: the criteria, their weights, and the taxonomy they are checked against."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.db import connection

from ..models import AreaOfSupport, ProfessionalCommunity, Profile, Region, Role

DEFAULT_MATCH_WEIGHTS: dict[str, float] = {
    "area": 3,
    "role": 2,
    "community": 2,
    "keywords": 2,
    "region": 1,
}


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

    @cached_property
    def region_label(self) -> str:
        """The region's name (one query, once per criteria)."""
        if not self.region:
            return ""
        return Region.objects.filter(code=self.region).values_list("name", flat=True).first() or ""

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


@dataclass(frozen=True)
class Taxonomy:
    """The active (not retired) areas, roles, communities and regions, loaded once per page."""

    areas: dict[int, AreaOfSupport]
    roles: dict[int, Role]
    communities: dict[int, ProfessionalCommunity]
    regions: dict[str, Region] = field(default_factory=dict)  # by code

    @classmethod
    def load(cls) -> Taxonomy:
        """One query for all four lists (a page needs them all, every time)."""
        models = {"area": AreaOfSupport, "role": Role, "community": ProfessionalCommunity, "region": Region}
        parts = [
            f"SELECT '{kind}', id, name, position, {'code' if kind == 'region' else 'NULL'} "
            f"FROM {model._meta.db_table} WHERE active"
            for kind, model in models.items()
        ]
        lists: dict[str, dict] = {kind: {} for kind in models}
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts) + " ORDER BY 1, 4, 3")
            for kind, pk, name, position, code in cursor.fetchall():
                if kind == "region":
                    lists[kind][code] = Region(pk=pk, code=code, name=name, position=position, active=True)
                else:
                    lists[kind][pk] = models[kind](pk=pk, name=name, position=position, active=True)
        return cls(areas=lists["area"], roles=lists["role"], communities=lists["community"], regions=lists["region"])
