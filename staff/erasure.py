"""What programme staff keep about people, erased with them (``people.erasure``): their notes about a
member go; cases and case notes stay as staff records, with the person's words and names scrubbed."""

from __future__ import annotations

from people import erasure

from .members.models import MemberNote
from .models import StaffCase, StaffNote

CASE_TEXT = ["summary", "resolution"]


def _delete_own(user) -> None:
    MemberNote.objects.filter(member=user).delete()


def _remove_concerns(user, removed: str) -> None:
    StaffCase.objects.filter(concern__raised_by=user).update(summary=removed)


def _local(relationships) -> erasure.Rows:
    return [
        (StaffCase.objects.filter(relationship__in=relationships), CASE_TEXT),
        (StaffNote.objects.filter(case__relationship__in=relationships), ["body"]),
    ]


def _everywhere() -> erasure.Rows:
    return [
        (StaffCase.objects.all(), CASE_TEXT),
        (StaffNote.objects.all(), ["body"]),
        (MemberNote.objects.all(), ["body"]),
    ]


PART = erasure.Part(delete_own=_delete_own, remove_concerns=_remove_concerns, local=_local, everywhere=_everywhere)
