"""Matching rounds: one function per thing staff (or a mentee) do, each in one transaction.

- ``open_round``: staff choose the round's settings, mentees and mentors; mentees are invited to
  shortlist (an email) when the round has a closing date for shortlists.
- ``save_shortlist``: a mentee picks up to three of the round's mentors (and, optionally, keywords
  and a few words for their mentor) before the closing date.
- ``pin`` / ``forbid`` / ``remove_rule``: staff steer the proposal; ``run_proposal`` re-optimises.
- ``publish``: every proposed pair becomes a request proposed by the programme
  (``journeys.services.proposals.propose_request``): the mentor reviews it as any other.
- ``after_decline``: a mentor declined a published pair (``journeys.events.proposed_request_declined``):
  the round proposes that mentee's next best mentor (and publishes it, if the round says so).
- ``close_round``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from journeys import rules as journey_rules
from journeys.services.base import Refused
from journeys.services.proposals import propose_request
from notifications.services import notify, notify_each
from people.models import AreaOfSupport, Profile
from people.search.criteria import Taxonomy
from project.dates import long_date

from . import loading, proposal
from .models import (
    MAX_SHORTLIST,
    PAST_STATUSES,
    PairRule,
    Proposal,
    Reason,
    Round,
    RoundMentee,
    RoundMentor,
    ShortlistChoice,
)

User = get_user_model()

# How the round's people are chosen (the new-round form's choices).
MENTEES_JOINED_SINCE = "joined"
MENTEES_LISTED = "list"
MENTEES_UNMATCHED = "unmatched"
MENTORS_AVAILABLE = "available"
MENTORS_LISTED = "list"

# A round's shortlists close at most this many days ahead (a year, as the refusal says): the
# invitation names the day, and a round left open longer helps nobody (a case's snooze is capped
# likewise, ``staff.services.MAX_SNOOZE_DAYS``).
MAX_SHORTLIST_DAYS = 365


def why_not_closing_date(day: date) -> str | None:
    """Why ``day`` cannot be a round's closing date for shortlists (it has passed, or it is more than
    ``MAX_SHORTLIST_DAYS`` ahead), or None. The new-round form shows it on the field; ``open_round``
    refuses with it."""
    today = timezone.localdate()
    if day < today:
        return _("The closing date for shortlists has passed: choose today or a later day.")
    latest = today + timedelta(days=MAX_SHORTLIST_DAYS)
    if day > latest:
        return _("Shortlists can close at most a year ahead: choose %(date)s or an earlier day.") % {
            "date": long_date(latest)
        }
    return None


# How many of the people left out a round's new page names (it says how many more).
NAMED_LEFT_OUT = 20


@dataclass
class Selection:
    """Who a round's choice found: the user ids taken, and what was left out and why."""

    user_ids: list[int] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # listed addresses with no account
    left_out: int = 0  # found, but not someone the round can take
    # The first ``NAMED_LEFT_OUT`` of those left out: (email address, why in plain words).
    named_left_out: list[tuple[str, str]] = field(default_factory=list)


def _name_left_out(user_ids: list[int], why_not) -> list[tuple[str, str]]:
    """The first ``NAMED_LEFT_OUT`` of these people left out, each with why (``why_not``:
    ``loading.why_not_eligible_mentees`` or ``loading.why_not_eligible_mentors``)."""
    first = user_ids[:NAMED_LEFT_OUT]
    why = why_not(first)
    emails = dict(User.objects.filter(pk__in=first).values_list("pk", "email"))
    return [(emails.get(uid, ""), why.get(uid, "")) for uid in first]


def select_mentees(how: str, *, since: date | None = None, emails: list[str] | None = None) -> Selection:
    eligible = User.objects.filter(loading.eligible_mentees_q())
    if how == MENTEES_JOINED_SINCE:
        if since is None:
            raise Refused(_("Give the date from which new mentees are taken."))
        found = User.objects.filter(profile__is_mentee=True, date_joined__date__gte=since)
        taken = eligible.filter(profile__is_mentee=True, date_joined__date__gte=since)
        ids = list(taken.order_by("date_joined", "pk").values_list("pk", flat=True))
        left = list(found.exclude(pk__in=ids).order_by("date_joined", "pk").values_list("pk", flat=True))
        return Selection(ids, [], len(left), _name_left_out(left, loading.why_not_eligible_mentees))
    if how == MENTEES_LISTED:
        return _listed(emails or [], eligible, loading.why_not_eligible_mentees)
    if how == MENTEES_UNMATCHED:
        taken = eligible.filter(profile__completed_at__isnull=False)
        return Selection(list(taken.order_by("date_joined", "pk").values_list("pk", flat=True)))
    raise Refused(_("Choose how to find the round's mentees."))


def select_mentors(how: str, *, emails: list[str] | None = None) -> Selection:
    """The round's mentors: those ``journeys.rules.mentor_takes_requests_q`` takes (every one, or those
    listed); a listed mentor left out is named with why (``loading.why_not_eligible_mentors``, from the
    same conditions)."""
    available = Profile.objects.filter(journey_rules.mentor_takes_requests_q())
    users = User.objects.filter(pk__in=available.values("user_id"))
    if how == MENTORS_AVAILABLE:
        return Selection(list(users.order_by("pk").values_list("pk", flat=True)))
    if how == MENTORS_LISTED:
        return _listed(emails or [], users, loading.why_not_eligible_mentors)
    raise Refused(_("Choose how to find the round's mentors."))


def _listed(emails: list[str], allowed, why_not) -> Selection:
    """The listed addresses' people that ``allowed`` takes, in the list's order; those with no account;
    and those left out, named with why (``why_not``) in the list's order."""
    if not emails:
        raise Refused(_("Paste or upload at least one email address."))
    known = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    ok = set(allowed.filter(pk__in=known.values()).values_list("pk", flat=True))
    ids = [known[e] for e in emails if e in known and known[e] in ok]
    left = [known[e] for e in emails if e in known and known[e] not in ok]
    return Selection(ids, [e for e in emails if e not in known], len(left), _name_left_out(left, why_not))


def open_round(
    *,
    staff_user,
    name: str,
    mentee_ids: list[int],
    mentor_ids: list[int],
    shortlist_closes_on: date | None = None,
    shortlist_weight: Decimal | float = 2,
    min_score: Decimal | float = 1,
    mentor_cap: int | None = None,
    avoid_same_organisation: bool = True,
    avoid_past_pairs: bool = True,
    on_decline: str = Round.OnDecline.PROPOSE,
) -> Round:
    if not mentee_ids:
        raise Refused(_("The round has no mentees: choose at least one mentee who can be matched."))
    if not mentor_ids:
        raise Refused(_("The round has no mentors: choose at least one mentor open to requests with a place left."))
    if shortlist_closes_on is not None and (why := why_not_closing_date(shortlist_closes_on)):
        raise Refused(why)
    with transaction.atomic():
        round_ = Round.objects.create(
            name=name.strip(),
            created_by=staff_user,
            shortlist_closes_on=shortlist_closes_on,
            shortlist_weight=shortlist_weight,
            min_score=min_score,
            mentor_cap=mentor_cap,
            avoid_same_organisation=avoid_same_organisation,
            avoid_past_pairs=avoid_past_pairs,
            on_decline=on_decline,
        )
        now = timezone.now()
        invite = shortlist_closes_on is not None
        RoundMentee.objects.bulk_create(
            [
                RoundMentee(round=round_, mentee_id=uid, invited_at=now if invite else None)
                for uid in dict.fromkeys(mentee_ids)
            ],
            batch_size=2000,
        )
        RoundMentor.objects.bulk_create(
            [RoundMentor(round=round_, mentor_id=uid) for uid in dict.fromkeys(mentor_ids)], batch_size=5000
        )
        if invite:
            for entry in RoundMentee.objects.filter(round=round_).select_related("mentee__profile"):
                notify(entry.mentee, "matching_invitation", round=round_, closes_on=shortlist_closes_on)
    return round_


def _lock(round_: Round) -> Round:
    return Round.objects.select_for_update().get(pk=round_.pk)


def _refuse_if_closed(round_: Round) -> None:
    if round_.status == Round.Status.CLOSED:
        raise Refused(_("This round is closed: nothing in it can change any more."))


# -- the mentee's shortlist ------------------------------------------------------------------


def save_shortlist(
    entry: RoundMentee, user, *, mentor_ids: list[int], keywords: str = "", note: str = ""
) -> RoundMentee:
    if entry.mentee_id != user.pk:
        raise Refused(_("Only the mentee can change their shortlist."))
    mentor_ids = list(dict.fromkeys(int(m) for m in mentor_ids))
    if len(mentor_ids) > MAX_SHORTLIST:
        raise Refused(
            ngettext("Choose at most %(count)d mentor.", "Choose at most %(count)d mentors.", MAX_SHORTLIST)
            % {"count": MAX_SHORTLIST}
        )
    with transaction.atomic():
        round_ = _lock(entry.round)
        if not round_.shortlisting_open:
            raise Refused(_("Shortlists for this round are closed."))
        in_round = set(
            RoundMentor.objects.filter(round=round_, mentor_id__in=mentor_ids)
            .exclude(mentor_id=entry.mentee_id)  # nobody is their own mentor (``proposal.same_person``)
            .values_list("mentor_id", flat=True)
        )
        if set(mentor_ids) - in_round:
            raise Refused(_("Choose mentors from this round's list."))
        entry = RoundMentee.objects.select_for_update().get(pk=entry.pk)
        entry.keywords = " ".join(keywords.split())[:200]
        entry.note = note.strip()
        entry.shortlist_saved_at = timezone.now()
        entry.save(update_fields=["keywords", "note", "shortlist_saved_at"])
        ShortlistChoice.objects.filter(entry=entry).delete()
        ShortlistChoice.objects.bulk_create(
            [ShortlistChoice(entry=entry, mentor_id=m, rank=rank) for rank, m in enumerate(mentor_ids, start=1)]
        )
    return entry


# -- staff steer the proposal ----------------------------------------------------------------


def _pair_facts(round_: Round, mentee_id: int, mentor_id: int) -> tuple[RoundMentee, RoundMentor]:
    entry = RoundMentee.objects.filter(round=round_, mentee_id=mentee_id).first()
    if entry is None:
        raise Refused(_("That mentee is not in this round."))
    seat = RoundMentor.objects.filter(round=round_, mentor_id=mentor_id).first()
    if seat is None:
        raise Refused(_("That mentor is not in this round."))
    if mentee_id == mentor_id:  # no such pair to pin or forbid (``proposal.same_person``)
        raise Refused(own_mentor_refusal())
    if Proposal.objects.filter(round=round_, mentee_id=mentee_id, status=Proposal.Status.PUBLISHED).exists():
        raise Refused(_("This mentee's pair is already published: it can no longer be changed here."))
    return entry, seat


def own_mentor_refusal() -> str:
    """Why a pair of someone with themselves is refused, wherever it is asked for."""
    return _("Nobody can be their own mentor: choose another mentor for this mentee.")


def pin(round_: Round, staff_user, *, mentee_id: int, mentor_id: int) -> PairRule:
    """Force this pair into every proposal (replacing the mentee's other pin), if the rules allow it.

    The rule returned carries ``replaced``: the mentee's earlier pin to another mentor that it replaced
    (with its mentor read), or None, so the page can say so: a mentee has one pin; and ``lifted_ban``:
    whether staff had forbidden this pair, which the pin lifts."""
    with transaction.atomic():
        round_ = _lock(round_)
        _refuse_if_closed(round_)
        _pair_facts(round_, mentee_id, mentor_id)
        loaded = loading.load(round_, only=[mentee_id], keep_proposed=False)
        if not loaded.mentees:
            raise Refused(
                _(
                    "This mentee cannot be matched now (the account is closed, or they have a mentor or an open request)."
                )
            )
        if mentor_id not in loaded.mentors:
            raise Refused(_("This mentor is not open to requests now."))
        i, j = 0, loaded.mentors.index(mentor_id)
        data = loaded.data
        # Pinning a pair staff forbade lifts the ban (a pair its mentor declined stays out).
        staff_forbade = PairRule.objects.filter(
            round=round_, mentee_id=mentee_id, mentor_id=mentor_id, kind=PairRule.Kind.FORBID
        ).exists()
        if (
            staff_forbade
            and not Proposal.objects.filter(
                round=round_, mentee_id=mentee_id, mentor_id=mentor_id, status=Proposal.Status.DECLINED
            ).exists()
        ):
            data.forbidden.discard((i, j))
        why = why_not_pair(data, i, j)
        if why:
            raise Refused(why)
        pinned_elsewhere = PairRule.objects.filter(round=round_, mentor_id=mentor_id, kind=PairRule.Kind.PIN).exclude(
            mentee_id=mentee_id
        )
        if pinned_elsewhere.count() >= int(data.capacity[j]):
            raise Refused(_("This mentor's places in the round are all taken by other pinned pairs."))
        replaced = (
            PairRule.objects.filter(round=round_, mentee_id=mentee_id, kind=PairRule.Kind.PIN)
            .exclude(mentor_id=mentor_id)
            .select_related("mentee", "mentor")
            .first()
        )
        PairRule.objects.filter(round=round_, mentee_id=mentee_id).filter(
            Q(kind=PairRule.Kind.PIN) | Q(mentor_id=mentor_id)
        ).delete()
        rule = PairRule.objects.create(
            round=round_, mentee_id=mentee_id, mentor_id=mentor_id, kind=PairRule.Kind.PIN, created_by=staff_user
        )
        _rules_changed(round_)
    rule.replaced = replaced
    rule.lifted_ban = staff_forbade  # the pair was forbidden: the pin lifted that (the page says so)
    return rule


def why_not_pair(data: proposal.RoundData, i: int, j: int) -> str | None:
    """Why the round's rules exclude pair (i, j), or None (the pin's refusal, in words)."""
    scores = proposal.round_scores(data)
    masks = proposal.excluded_masks(data)
    if proposal.same_person(data)[i, j]:
        return own_mentor_refusal()
    if masks["same_organisation"][i, j]:
        return _(
            "These two are in the same organisation, and this round never pairs people from the same organisation."
        )
    if masks["past"][i, j]:
        return _(
            "These two had a request declined or a relationship end before, and this round never proposes such pairs again."
        )
    if masks["forbidden"][i, j]:
        return _("This mentor declined this mentee in this round.")
    if scores[i, j] < data.min_score:
        return _("This pair scores %(score)s, below the round's minimum of %(minimum)s.") % {
            "score": points(scores[i, j]),
            "minimum": points(data.min_score),
        }
    if data.capacity[j] <= 0:
        return _("This mentor has no places left in this round.")
    return None


def points(hundredths_: int) -> str:
    value = Decimal(int(hundredths_)) / 100
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.2f}".rstrip("0")


def forbid(round_: Round, staff_user, *, mentee_id: int, mentor_id: int) -> PairRule:
    with transaction.atomic():
        round_ = _lock(round_)
        _refuse_if_closed(round_)
        _pair_facts(round_, mentee_id, mentor_id)
        PairRule.objects.filter(round=round_, mentee_id=mentee_id, mentor_id=mentor_id).delete()
        rule = PairRule.objects.create(
            round=round_, mentee_id=mentee_id, mentor_id=mentor_id, kind=PairRule.Kind.FORBID, created_by=staff_user
        )
        _rules_changed(round_)
    return rule


def remove_rule(round_: Round, staff_user, rule_id: int) -> None:
    with transaction.atomic():
        round_ = _lock(round_)
        _refuse_if_closed(round_)
        deleted, _rows = PairRule.objects.filter(round=round_, pk=rule_id).delete()
        if not deleted:
            raise Refused(_("That pin or ban was already removed."))
        _rules_changed(round_)


def _rules_changed(round_: Round) -> None:
    round_.rules_changed_at = timezone.now()
    round_.save(update_fields=["rules_changed_at"])


# -- the proposal ----------------------------------------------------------------------------


def run_proposal(round_: Round, staff_user=None, *, only: list[int] | None = None) -> Round:
    """Propose the best assignment for the round's mentees not yet published (or ``only`` these).

    The previous proposal's unpublished rows for those mentees are replaced; published pairs (and,
    with ``only``, every other mentee's pair) keep their mentor's places.
    """
    with transaction.atomic():
        round_ = _lock(round_)
        _refuse_if_closed(round_)
        started = time.perf_counter()
        loaded = loading.load(round_, only=only)
        result = proposal.propose(loaded.data)
        replaced = Proposal.objects.filter(
            round=round_, status__in=[Proposal.Status.PROPOSED, Proposal.Status.UNMATCHED]
        )
        if only is not None:
            replaced = replaced.filter(mentee_id__in=only)
        replaced.delete()
        rows = _rows(round_, loaded, result)
        Proposal.objects.bulk_create(rows, batch_size=2000)
        if only is None:
            round_.proposed_at = timezone.now()
            round_.proposal_seconds = time.perf_counter() - started
            round_.save(update_fields=["proposed_at", "proposal_seconds"])
    return round_


def _rows(round_: Round, loaded: loading.Loaded, result: proposal.Result) -> list[Proposal]:
    a = result.assignment
    rows = []
    for i, mentee_id in enumerate(loaded.mentees):
        j = int(a.mentor_of[i])
        if j >= 0:
            rows.append(
                Proposal(
                    round=round_,
                    mentee_id=mentee_id,
                    mentor_id=loaded.mentors[j],
                    status=Proposal.Status.PROPOSED,
                    score=int(a.score_of[i]),
                    match_score=int(result.match_score_of[i]),
                    keyword_hit=bool(loaded.keyword_hits[i, j]),
                    shortlisted=bool(result.shortlisted[i]),
                    pinned=bool(result.pinned[i]),
                )
            )
        else:
            reason, detail = result.reasons[i]
            if i in result.skipped_pins:
                detail = {**detail, "pin_skipped": result.skipped_pins[i]}
            rows.append(
                Proposal(
                    round=round_, mentee_id=mentee_id, status=Proposal.Status.UNMATCHED, reason=reason, detail=detail
                )
            )
    rows += [
        Proposal(round=round_, mentee_id=uid, status=Proposal.Status.UNMATCHED, reason=Reason.INELIGIBLE)
        for uid in loaded.ineligible
    ]
    return rows


# -- publishing ------------------------------------------------------------------------------


@dataclass
class Published:
    sent: int = 0
    refused: int = 0


def request_area(mentee_id: int, mentor_id: int) -> AreaOfSupport:
    """The area the request names: the first of the mentee's areas the mentor supports, else the
    mentee's first, else the mentor's first, else the first area the programme offers."""
    taxonomy = Taxonomy.load()
    through = Profile.areas.through
    mine = list(
        through.objects.filter(profile__user_id=mentee_id)
        .order_by("areaofsupport__position", "areaofsupport__name")
        .values_list("areaofsupport_id", flat=True)
    )
    theirs = set(through.objects.filter(profile__user_id=mentor_id).values_list("areaofsupport_id", flat=True))
    for choice in [a for a in mine if a in theirs] + mine + sorted(theirs):
        if choice in taxonomy.areas:
            return AreaOfSupport.objects.get(pk=choice)
    area = AreaOfSupport.objects.filter(active=True).order_by("position", "name").first()
    if area is None:
        raise Refused(_("The programme offers no areas of support, so no request can be made."))
    return area


PUBLISH_STALE_SECONDS = 120  # a background run silent this long is taken for dead and may be started again


def publishing_alive(round_: Round) -> bool:
    """Whether a background publishing run is under way (it showed a sign of life lately)."""
    if round_.publishing_since is None or round_.publish_seen_at is None:
        return False
    return (timezone.now() - round_.publish_seen_at).total_seconds() < PUBLISH_STALE_SECONDS


def _refuse_unpublishable(round_: Round, *, only: list[int] | None = None) -> None:
    _refuse_if_closed(round_)
    if round_.needs_rerun and only is None:
        raise Refused(_("Pins or bans changed since the last proposal: re-run it before publishing."))
    if not round_.proposed_at:
        raise Refused(_("Run the proposal before publishing it."))


def start_publishing(round_: Round, staff_user) -> Round:
    """Check the round can be published and mark it as publishing; the caller then queues
    ``tasks.publish_round``, which sends the requests and counts its progress on the round."""
    with transaction.atomic():
        locked = _lock(round_)
        _refuse_unpublishable(locked)
        if publishing_alive(locked):
            raise Refused(_("This round is already being published: its page shows how far it has got."))
        total = Proposal.objects.filter(round=locked, status=Proposal.Status.PROPOSED).count()
        if not total:
            raise Refused(_("No proposed pair is waiting to be published."))
        now = timezone.now()
        locked.publishing_since = now
        locked.publishing_by = staff_user
        locked.publish_seen_at = now
        locked.publish_total = total
        locked.publish_sent = 0
        locked.publish_refused = 0
        locked.save(
            update_fields=[
                "publishing_since",
                "publishing_by",
                "publish_seen_at",
                "publish_total",
                "publish_sent",
                "publish_refused",
            ]
        )
    return locked


def resume_stalled_publishing() -> int:
    """The sweep's part for publishing: each round whose run shows no sign of life for PUBLISH_STALE_SECONDS
    (its queue message was lost to a broker outage, or its worker died) carries on, as the staff member who
    started it; how many were resumed. Each is claimed first under the round's lock (its sign of life set
    to now), so a second sweep passes it by; and ``publish`` sends each pair once whoever else runs it."""
    resumed = 0
    stale = timezone.now() - timedelta(seconds=PUBLISH_STALE_SECONDS)
    for pk in Round.objects.filter(publishing_since__isnull=False, publish_seen_at__lt=stale).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            round_ = Round.objects.select_for_update().filter(pk=pk, publishing_since__isnull=False).first()
            if round_ is None or publishing_alive(round_):
                continue
            round_.publish_seen_at = timezone.now()
            round_.save(update_fields=["publish_seen_at"])
        staff_user = round_.publishing_by or round_.created_by
        try:
            publish(round_, staff_user, progress=True)
        except Refused:  # closed, or changed since: ``publish`` ended the run
            pass
        resumed += 1
    return resumed


def publish(round_: Round, staff_user, *, only: list[int] | None = None, progress: bool = False) -> Published:
    """Every proposed pair (or those of ``only``) becomes a request proposed by the programme.

    Each pair is published in its own transaction, holding its proposal row: a pair refused (the
    mentor paused meanwhile, say) keeps its row, with the refusal, and does not stop the others,
    and a pair another run has published already is skipped, so two runs never send one request
    twice. With ``progress`` (the background run), the round's counters move after each pair and
    the round stops being "publishing" at the end, whatever happened.
    """
    outcome = Published()
    try:
        with transaction.atomic():
            _refuse_unpublishable(_lock(round_), only=only)
        rows = Proposal.objects.filter(round=round_, status=Proposal.Status.PROPOSED)
        if only is not None:
            rows = rows.filter(mentee_id__in=only)
        notes = dict(RoundMentee.objects.filter(round=round_).values_list("mentee_id", "note"))
        for pk in rows.order_by("pk").values_list("pk", flat=True):
            sent = _publish_pair(pk, staff_user, notes)
            if sent is None:
                continue
            if sent:
                outcome.sent += 1
            else:
                outcome.refused += 1
            if progress:
                Round.objects.filter(pk=round_.pk).update(
                    publish_sent=F("publish_sent") + int(sent),
                    publish_refused=F("publish_refused") + int(not sent),
                    publish_seen_at=timezone.now(),
                )
    finally:
        _finish_publishing(round_, outcome, progress=progress)
    return outcome


def _lock_mentee(mentee_id: int) -> None:
    """Lock the mentee's places in every round (their ``RoundMentee`` rows, in id order), before they are
    checked again: a pair of theirs published in another round at the same moment waits here, then finds
    that request and is refused with why, so no mentee is sent two requests at once.

    The order: the proposal row, then these rows (both the round's own, which no journey service takes),
    then ``propose_request``'s (the mentor's account row, then the new relationship's). Not the mentee's
    account row: the written order has a place for the mentor's only, and a round publishing Ada to Ben
    while another publishes Ben to Ada (people who are both) would take the two account rows the other
    way round and deadlock."""
    list(
        RoundMentee.objects.select_for_update().filter(mentee_id=mentee_id).order_by("pk").values_list("pk", flat=True)
    )


def _publish_pair(pk: int, staff_user, notes: dict[int, str]) -> bool | None:
    """Publish one proposed pair: True when sent, False when refused (the reason kept on the row),
    None when the pair is no longer waiting (another run published it, or staff re-ran the round)."""
    try:
        with transaction.atomic():
            row = (
                Proposal.objects.select_for_update(of=("self",))
                .select_related("mentee", "mentor", "mentor__profile", "mentee__profile")
                .filter(pk=pk, status=Proposal.Status.PROPOSED)
                .first()
            )
            if row is None:
                return None
            _lock_mentee(row.mentee_id)
            # The round's own rule, again now: since the proposal the mentee may have been deactivated,
            # sent a request themselves or been published in another round (a second request at once).
            if why := loading.why_not_eligible_mentees([row.mentee_id]).get(row.mentee_id):
                raise Refused(
                    _("Not sent: %(name)s cannot be matched now (%(why)s).")
                    % {"name": row.mentee.display_name, "why": why}
                )
            relationship = propose_request(
                mentee=row.mentee,
                mentor=row.mentor,
                area=request_area(row.mentee_id, row.mentor_id),
                statement=notes.get(row.mentee_id, ""),
                staff_user=staff_user,
            )
            Proposal.objects.filter(pk=row.pk).update(
                status=Proposal.Status.PUBLISHED, relationship=relationship, problem=""
            )
        return True
    except Refused as refusal:
        Proposal.objects.filter(pk=pk).update(problem=refusal.message)
        return False


def _finish_publishing(round_: Round, outcome: Published, *, progress: bool) -> None:
    with transaction.atomic():
        locked = _lock(round_)
        fields = []
        if locked.status == Round.Status.OPEN and outcome.sent:
            locked.status = Round.Status.PUBLISHED
            locked.published_at = timezone.now()
            fields += ["status", "published_at"]
        if progress:
            locked.publishing_since = None
            locked.publish_seen_at = timezone.now()
            fields += ["publishing_since", "publish_seen_at"]
        if fields:
            locked.save(update_fields=fields)


def close_round(round_: Round, staff_user) -> Round:
    """Close the round: its pairs not yet published are dropped. The mentees invited to shortlist who had
    no request from it and can still be matched (``loading.mentees_told_on_close``) are emailed that it
    closed without a mentor for them: their invitation said a mentor would be proposed even if they chose
    nobody. The round returned carries ``told``, how many were emailed."""
    with transaction.atomic():
        round_ = _lock(round_)
        _refuse_if_closed(round_)
        round_.status = Round.Status.CLOSED
        round_.closed_at = timezone.now()
        round_.save(update_fields=["status", "closed_at"])
        Proposal.objects.filter(round=round_, status=Proposal.Status.PROPOSED).delete()
        told = loading.mentees_told_on_close(round_)
        notify_each(
            *((mentee, "matching_round_closed", {"round": round_}) for mentee in User.objects.filter(pk__in=told))
        )
    round_.told = len(told)
    return round_


# -- a published pair ended unanswered: its mentor declined, or stopped taking part ----------------


def proposal_declined(relationship) -> Proposal | None:
    """Inside the decline's transaction: mark the round's pair declined. Returns the declined row when
    the round follows it up (the caller queues ``tasks.propose_after_decline`` once it commits)."""
    return _published_pair_ended(relationship, Proposal.Status.DECLINED, Reason.DECLINED)


def proposal_closed(relationship) -> Proposal | None:
    """Inside the closing's transaction: the pair's mentor stopped taking part before answering (left the
    programme, or was deactivated). The pair is marked closed, not declined: it says nothing about the pair,
    so the round does not bar it (``loading``: only declined pairs are). The round follows it up as it
    follows up a decline (``Round.on_decline``): the mentee was left without a mentor through no answer."""
    return _published_pair_ended(relationship, Proposal.Status.CLOSED, Reason.CLOSED_FOR_MENTOR)


def _published_pair_ended(relationship, status: str, reason: str) -> Proposal | None:
    row = (
        Proposal.objects.select_for_update().filter(relationship=relationship, status=Proposal.Status.PUBLISHED).first()
    )
    if row is None:
        return None
    row.status = status
    row.save(update_fields=["status"])
    round_ = row.round
    if round_.status != Round.Status.CLOSED and round_.on_decline != Round.OnDecline.NOTHING:
        return row
    Proposal.objects.create(round=round_, mentee_id=row.mentee_id, status=Proposal.Status.UNMATCHED, reason=reason)
    return None


def waiting_follow_ups() -> list[int]:
    """Declined (or closed) pairs that an open round follows up, whose mentee has no current row in it: the
    follow-up (``after_decline``) has not run, its queue message lost to a broker outage. One per mentee."""
    current = Proposal.objects.filter(round=OuterRef("round"), mentee=OuterRef("mentee")).exclude(
        status__in=PAST_STATUSES
    )
    rows = (
        Proposal.objects.filter(status__in=PAST_STATUSES)
        .exclude(round__status=Round.Status.CLOSED)
        .exclude(round__on_decline=Round.OnDecline.NOTHING)
        .exclude(Exists(current))
        .order_by("round_id", "mentee_id", "pk")
        .values_list("round_id", "mentee_id", "pk")
    )
    first: dict[tuple[int, int], int] = {}
    for round_id, mentee_id, pk in rows:
        first.setdefault((round_id, mentee_id), pk)
    return list(first.values())


def after_decline(ended_pk: int) -> Proposal | None:
    """After a decline (or a closing, ``proposal_closed``): the round proposes the mentee's next best mentor
    within the places left (publishing it when the round says so). Safe to run twice, at once too (its task
    and the sweep): under the round's lock, a mentee who already has a current row is left alone."""
    with transaction.atomic():
        ended = Proposal.objects.filter(pk=ended_pk, status__in=PAST_STATUSES).first()
        if ended is None:
            return None
        round_ = _lock(ended.round)
        mentee_id = ended.mentee_id
        if round_.status == Round.Status.CLOSED or round_.on_decline == Round.OnDecline.NOTHING:
            return None
        if Proposal.objects.filter(round=round_, mentee_id=mentee_id).exclude(status__in=PAST_STATUSES).exists():
            return None
        run_proposal(round_, only=[mentee_id])
    current = Proposal.objects.filter(round=round_, mentee_id=mentee_id).exclude(status__in=PAST_STATUSES).first()
    if current and current.status == Proposal.Status.PROPOSED and round_.on_decline == Round.OnDecline.PUBLISH:
        publish(round_, round_.created_by, only=[mentee_id])
        current.refresh_from_db()
    return current
