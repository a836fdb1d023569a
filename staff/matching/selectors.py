"""Reads for matching rounds: the review page's figures and explained pairs, a mentee's invitation.

Rounds are reached by id from staff URLs (``access_round``: programme staff only, checked by the
views' ``staff_required``) and by mentees through ``access_entry`` (their own place in a round,
404 for anyone else).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from people import selectors as people_selectors
from people.models import Profile
from people.search.criteria import Taxonomy
from people.selectors import MentorCard
from project.dates import long_date

from . import loading, proposal, scoring
from .models import PairRule, Proposal, Reason, Round, RoundMentee, RoundMentor, ShortlistChoice

PAGE_SIZE = 50


def access_round(pk: int) -> Round:
    return get_object_or_404(Round, pk=pk)


def access_entry(user, round_pk: int, *, closed_too: bool = False) -> RoundMentee:
    """The user's own place in a round that is not closed (404 for everyone else). With ``closed_too``,
    in a closed round too: the shortlist link the mentee was emailed says the round has closed."""
    entries = RoundMentee.objects.select_related("round").filter(round_id=round_pk, mentee_id=getattr(user, "pk", None))
    if not closed_too:
        entries = entries.exclude(round__status=Round.Status.CLOSED)
    entry = entries.first()
    if entry is None:
        raise Http404(_("No such matching round for you."))
    return entry


def request_from_round(entry: RoundMentee) -> Proposal | None:
    """The mentee's latest pair published in the round (a request sent on their behalf, whatever became
    of it since), with its mentor, or None."""
    return (
        Proposal.objects.filter(
            round_id=entry.round_id,
            mentee_id=entry.mentee_id,
            status__in=[Proposal.Status.PUBLISHED, Proposal.Status.DECLINED, Proposal.Status.CLOSED],
        )
        .select_related("mentor")
        .order_by("-created_at", "-pk")
        .first()
    )


def invitations_for(user):
    """The Relationships page's invitations: rounds whose shortlists this mentee may still choose."""
    from journeys.events import Invitation

    if not getattr(user, "is_authenticated", False):
        return []
    entries = (
        RoundMentee.objects.select_related("round")
        .filter(mentee=user, round__shortlist_closes_on__isnull=False)
        .exclude(round__status=Round.Status.CLOSED)
    )
    found = []
    for entry in entries:
        round_ = entry.round
        if not round_.shortlisting_open:
            continue
        found.append(
            Invitation(
                title=_("Matching round: %(name)s") % {"name": round_.name},
                text=_(
                    "The programme team will propose a mentor for you. You may shortlist up to three mentors "
                    "you would like until %(date)s."
                )
                % {"date": long_date(round_.shortlist_closes_on)},
                url=reverse("matching_shortlist", args=[round_.pk]),
                link_label=_("Choose your shortlist") if not entry.shortlist_saved_at else _("Change your shortlist"),
            )
        )
    return found


# -- cards and explanations ------------------------------------------------------------------


def mentor_cards(user_ids: list[int]) -> dict[int, MentorCard]:
    """Find Mentor's own cards (``people.selectors.card_columns``) for these mentors, by user id."""
    if not user_ids:
        return {}
    columns, params = people_selectors.card_columns(None)
    marks = ", ".join(["%s"] * len(user_ids))
    sql = f"SELECT {columns} FROM {Profile._meta.db_table} p {people_selectors.CARD_JOINS} WHERE p.user_id IN ({marks})"
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, *user_ids))
        cards = [people_selectors.card_from_row(row) for row in cursor.fetchall()]
    return {card.user_id: card for card in cards}


def mentee_criteria_for(round_: Round, mentee_ids: list[int], taxonomy: Taxonomy | None = None) -> dict:
    """Each mentee's criteria as the round scores them (their profile and usable keywords)."""
    taxonomy = taxonomy or Taxonomy.load()
    keywords = loading.usable_keywords(
        dict(RoundMentee.objects.filter(round=round_, mentee_id__in=mentee_ids).values_list("mentee_id", "keywords"))
    )
    criteria = {}
    for uid, areas, role, community, region, _org in loading.profile_rows(mentee_ids):
        criteria[uid] = scoring.mentee_criteria(
            area_ids=areas,
            role_id=role,
            community_id=community,
            region=region,
            keywords=keywords.get(uid, ""),
            taxonomy=taxonomy,
        )
    return criteria


@dataclass
class PairRow:
    proposal: Proposal
    explained: scoring.PairScore | None

    @property
    def points(self) -> str:
        return points(self.proposal.score)

    @property
    def match_points(self) -> str:
        return points(self.proposal.match_score)


def points(hundredths: int) -> str:
    from .services import points as words

    return words(hundredths)


def explain_rows(round_: Round, rows: list[Proposal]) -> list[PairRow]:
    """Each pair with its met and missed criteria, worded as Find Mentor words them (a few queries)."""
    mentee_ids = sorted({r.mentee_id for r in rows if r.mentor_id})
    mentor_ids = sorted({r.mentor_id for r in rows if r.mentor_id})
    criteria = mentee_criteria_for(round_, mentee_ids)
    cards = mentor_cards(mentor_ids)
    out = []
    for row in rows:
        card = cards.get(row.mentor_id)
        explained = None
        if card is not None and row.mentee_id in criteria:
            card.keyword_hit = row.keyword_hit
            explained = scoring.score_pair(criteria[row.mentee_id], card)
        out.append(PairRow(row, explained))
    return out


# -- the review page ---------------------------------------------------------------------------

MATCHED = [Proposal.Status.PROPOSED, Proposal.Status.PUBLISHED]


@dataclass
class Summary:
    mentees: int
    mentors: int
    matched: int
    proposed: int
    published: int
    unmatched: int
    declined: int
    closed: int  # the mentor stopped taking part before answering (not a decline)
    total: int  # hundredths
    shortlisted: int
    pinned: int
    histogram: list[dict]

    @property
    def total_points(self) -> str:
        return points(self.total)

    @property
    def average_points(self) -> str:
        return points(round(self.total / self.matched)) if self.matched else "0"


def summary(round_: Round) -> Summary:
    current = Proposal.objects.filter(round=round_)
    counts = current.aggregate(
        matched=Count("pk", filter=Q(status__in=MATCHED)),
        proposed=Count("pk", filter=Q(status=Proposal.Status.PROPOSED)),
        published=Count("pk", filter=Q(status=Proposal.Status.PUBLISHED)),
        unmatched=Count("pk", filter=Q(status=Proposal.Status.UNMATCHED)),
        declined=Count("pk", filter=Q(status=Proposal.Status.DECLINED)),
        closed=Count("pk", filter=Q(status=Proposal.Status.CLOSED)),
        shortlisted=Count("pk", filter=Q(status__in=MATCHED, shortlisted=True)),
        pinned=Count("pk", filter=Q(status__in=MATCHED, pinned=True)),
        total=Sum("score", filter=Q(status__in=MATCHED)),
    )
    scores = list(current.filter(status__in=MATCHED).values_list("score", flat=True))
    return Summary(
        mentees=RoundMentee.objects.filter(round=round_).count(),
        mentors=RoundMentor.objects.filter(round=round_).count(),
        matched=counts["matched"],
        proposed=counts["proposed"],
        published=counts["published"],
        unmatched=counts["unmatched"],
        declined=counts["declined"],
        closed=counts["closed"],
        total=counts["total"] or 0,
        shortlisted=counts["shortlisted"],
        pinned=counts["pinned"],
        histogram=histogram(scores),
    )


def histogram(scores: list[int]) -> list[dict]:
    """How many pairs score in each whole point (from 0 up to the best), for the chart and its table."""
    if not scores:
        return []
    by_point = Counter(int(s) // 100 for s in scores)
    top = max(by_point)
    return [
        {"low": p, "label": _("%(low)d to under %(high)d") % {"low": p, "high": p + 1}, "count": by_point.get(p, 0)}
        for p in range(0, top + 1)
    ]


def pairs_page(round_: Round, page: int) -> tuple[list[PairRow], int, int]:
    rows = Proposal.objects.filter(round=round_, status__in=MATCHED).select_related("mentee", "mentor", "relationship")
    total = rows.count()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    chosen = list(rows.order_by("-score", "mentee__last_name", "pk")[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    return explain_rows(round_, chosen), page, pages


def unmatched(round_: Round, limit: int = 500) -> list[dict]:
    rows = (
        Proposal.objects.filter(round=round_, status=Proposal.Status.UNMATCHED)
        .select_related("mentee")
        .order_by("mentee__last_name", "pk")[:limit]
    )
    return [{"proposal": row, "why": why_words(row)} for row in rows]


def why_words(row: Proposal) -> str:
    """The reason a mentee is unmatched, in a sentence with its numbers."""
    detail = row.detail or {}
    if row.reason == Reason.BELOW_MINIMUM and "best" in detail:
        text = _("No mentor scores at least the minimum: the best pair scores %(best)s.") % {
            "best": points(detail["best"])
        }
    elif row.reason == Reason.EXCLUDED:
        parts = []
        if detail.get("same_organisation"):
            parts.append(
                ngettext("%(n)d in their organisation", "%(n)d in their organisation", detail["same_organisation"])
                % {"n": detail["same_organisation"]}
            )
        if detail.get("past"):
            parts.append(
                ngettext("%(n)d declined or ended before", "%(n)d declined or ended before", detail["past"])
                % {"n": detail["past"]}
            )
        if detail.get("forbidden"):
            parts.append(
                ngettext(
                    "%(n)d forbidden or declined in this round",
                    "%(n)d forbidden or declined in this round",
                    detail["forbidden"],
                )
                % {"n": detail["forbidden"]}
            )
        if detail.get("same_organisation") and not detail.get("past") and not detail.get("forbidden"):
            text = _("Only mentors from their own organisation score at least the minimum.")
        else:
            text = _("Every mentor who scores at least the minimum is excluded by the round's rules: %(parts)s.") % {
                "parts": "; ".join(parts)
            }
    elif row.reason == Reason.FULL:
        text = ngettext(
            "All candidates full: the %(n)d mentor who scores at least the minimum has no place left for them.",
            "All candidates full: the %(n)d mentors who score at least the minimum have no place left for them.",
            detail.get("mentors", 0),
        ) % {"n": detail.get("mentors", 0)}
    else:
        text = str(Reason(row.reason).label) if row.reason else ""
    if detail.get("pin_skipped"):
        text += " " + _("Their pinned pair could not be kept: the rules exclude it now, or its mentor is full.")
    return text


def rules_of(round_: Round) -> list[PairRule]:
    return list(PairRule.objects.filter(round=round_).select_related("mentee", "mentor"))


# -- the mentee's shortlist page --------------------------------------------------------------

SUGGESTIONS = 20


def shortlist_choices(entry: RoundMentee) -> list[dict]:
    """The mentors the mentee may shortlist: their best-matched mentors in the round (and any already
    chosen), each explained as Find Mentor would explain them."""
    round_ = entry.round
    loaded = loading.load(round_, only=[entry.mentee_id], keep_proposed=False)
    chosen = list(ShortlistChoice.objects.filter(entry=entry).values_list("mentor_id", flat=True))
    if not loaded.mentees:
        ranked: list[int] = []
        scores = {}
    else:
        data = loaded.data
        row = data.scores[0].astype(np.int64)
        usable = ~proposal.same_person(data)[0]
        if data.same_org is not None:
            usable &= ~data.same_org[0]
        for _i, j in data.past:
            usable[j] = False
        order = sorted(
            (j for j in range(len(loaded.mentors)) if usable[j]),
            key=lambda j: (-row[j], loaded.mentors[j]),
        )
        ranked = [loaded.mentors[j] for j in order[:SUGGESTIONS]]
        scores = {loaded.mentors[j]: int(row[j]) for j in range(len(loaded.mentors))}
    shown = list(dict.fromkeys(chosen + ranked))
    cards = mentor_cards(shown)
    criteria = mentee_criteria_for(round_, [entry.mentee_id]).get(entry.mentee_id)
    hits = {loaded.mentors[j] for j in np.flatnonzero(loaded.keyword_hits[0])} if loaded.mentees else set()
    out = []
    for uid in shown:
        card = cards.get(uid)
        if card is None:
            continue
        card.keyword_hit = uid in hits
        explained = scoring.score_pair(criteria, card) if criteria is not None else None
        out.append(
            {
                "card": card,
                "explained": explained,
                "chosen": uid in chosen,
                "score": scores.get(uid),
            }
        )
    return out
