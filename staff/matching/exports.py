"""The matching rounds' part of Download my data (``people.exports.Section``) and of erasure
(``people.erasure.Part``): what a round keeps that a member gave or was told.

A mentee's entry in a round holds their own words (the keywords they searched with, the note their
mentor reads) and the mentors they shortlisted, whom they saw on the shortlist page; the requests a
round sent for them are theirs to see too (they are on their Relationships page). A round's working
proposals, its scores and the reasons a mentee was left unmatched, are staff's work, as staff's notes
are, and stay out. A mentor is told only that they were listed.

Erasure clears the mentee's own words from their entries (the notes are mentee-written free text);
the rest stays as the round's record, against the anonymised account, as relationships do.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from people import erasure, exports

from .models import Proposal, RoundMentee, RoundMentor

ABOUT = _(
    "the matching rounds you were in: as a mentee, the keywords, note and shortlist you gave and the "
    "requests each round sent for you; as a mentor, the rounds that listed you"
)


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def rounds_of(user) -> dict:
    entries = (
        RoundMentee.objects.filter(mentee=user)
        .select_related("round")
        .prefetch_related("shortlist__mentor")
        .order_by("added_at", "pk")
    )
    sent = {}
    published = (
        Proposal.objects.filter(mentee=user, relationship__isnull=False)
        .select_related("mentor")
        .order_by("created_at", "pk")
    )
    for row in published:
        sent.setdefault(row.round_id, []).append(
            {"mentor": row.mentor.display_name if row.mentor else "", "status": row.get_status_display()}
        )
    return {
        "as_mentee": [
            {
                "round": entry.round.name,
                "added": _iso(entry.added_at),
                "invited_to_shortlist": _iso(entry.invited_at),
                "shortlist_saved": _iso(entry.shortlist_saved_at),
                "keywords": entry.keywords,
                "note_for_your_mentor": entry.note,
                "shortlist": [choice.mentor.display_name for choice in entry.shortlist.all()],
                "requests_sent_for_you": sent.get(entry.round_id, []),
            }
            for entry in entries
        ],
        "as_mentor": [
            {"round": listed.round.name, "added": _iso(listed.round.created_at)}
            for listed in RoundMentor.objects.filter(mentor=user).select_related("round").order_by("round__created_at")
        ],
    }


SECTION = exports.Section(name="matching_rounds.json", about=ABOUT, build=rounds_of)


def _delete_own(user) -> None:
    RoundMentee.objects.filter(mentee=user).update(keywords="", note="")


def _remove_concerns(user, removed: str) -> None:
    pass  # rounds keep no concerns


def _local(relationships) -> erasure.Rows:
    return []  # a round's rows are not inside a relationship


def _everywhere() -> erasure.Rows:
    # Other mentees' notes may name the person (a mentor they hoped for, say).
    return [(RoundMentee.objects.exclude(note=""), ["note"])]


PART = erasure.Part(delete_own=_delete_own, remove_concerns=_remove_concerns, local=_local, everywhere=_everywhere)
