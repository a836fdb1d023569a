"""The SWOT and G-STAR worksheets: the mentee fills them in, both people comment.

Every save is a new version (who and when), so nothing written is ever overwritten; the page
shows the newest and lists the earlier ones. Only the two people of the relationship take part.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from notifications.services import notify

from .. import rules, worksheets
from ..models import MATCHED_STATES, Relationship, Worksheet, WorksheetAnswer, WorksheetComment, WorksheetVersion
from .base import Refused, atomic, just_made, lock, record, require_party, touch


def _definition(kind: str) -> worksheets.WorksheetKind:
    definition = worksheets.KINDS.get(kind)
    if definition is None:
        raise Refused(_("There is no such worksheet."))
    return definition


def _require_open(rel: Relationship) -> None:
    read_only = rules.why_read_only(rel)
    if read_only:
        raise Refused(read_only)
    if rel.state not in MATCHED_STATES:
        raise Refused(_("Worksheets open once the mentor has accepted the request."))


def latest_answers(sheet: Worksheet | None) -> dict[str, str]:
    version = sheet.versions.order_by("-number").first() if sheet else None
    return {a.heading: a.text for a in version.answers.all()} if version else {}


def save_worksheet(relationship: Relationship, user, *, kind: str, answers: dict[str, str]) -> WorksheetVersion:
    """The mentee saves the worksheet: a new version with every heading's answer.

    The mentor is told when the first version is saved; later saves are on the page (each
    version listed with who saved it and when), not in their inbox.
    """
    definition = _definition(kind)
    texts = {name: (answers.get(name) or "").strip() for name in definition.names}
    if not any(texts.values()):
        raise Refused(_("Write something under at least one heading before saving."))
    with atomic():
        rel = lock(relationship)
        require_party(rel, user, "mentee")
        _require_open(rel)
        sheet, _created = Worksheet.objects.get_or_create(relationship=rel, kind=kind)
        last = sheet.versions.order_by("-number").first()
        if last is not None and latest_answers(sheet) == {k: v for k, v in texts.items() if v}:
            raise Refused(_("Nothing has changed since the last version, so no new version was saved."))
        version = WorksheetVersion.objects.create(worksheet=sheet, number=(last.number + 1) if last else 1, author=user)
        WorksheetAnswer.objects.bulk_create(
            WorksheetAnswer(version=version, heading=name, text=text) for name, text in texts.items() if text
        )
        record(rel, user, "save_worksheet", f"{definition.title}, version {version.number}")
        touch(rel)
        if version.number == 1:
            notify(rel.mentor, "worksheet_saved", relationship=rel, worksheet=sheet, author=user)
    return version


def comment_on_worksheet(relationship: Relationship, user, *, kind: str, text: str) -> WorksheetComment:
    """Either person comments on the worksheet's newest version; the other person is told."""
    definition = _definition(kind)
    text = (text or "").strip()
    if not text:
        raise Refused(_("Write your comment before sending it."))
    with atomic():
        rel = lock(relationship)
        require_party(rel, user)
        _require_open(rel)
        sheet = Worksheet.objects.filter(relationship=rel, kind=kind).first()
        version = sheet.versions.order_by("-number").first() if sheet else None
        if version is None:
            raise Refused(_("There is nothing to comment on yet: the mentee has not saved this worksheet."))
        same = WorksheetComment.objects.filter(worksheet=sheet, version=version, author=user, text=text)
        if same := just_made(same, "at"):
            return same  # the same comment sent twice: one comment, the other person told once
        comment = WorksheetComment.objects.create(worksheet=sheet, version=version, author=user, text=text)
        record(rel, user, "comment_worksheet", str(definition.title))
        touch(rel)
        notify(rel.other(user), "worksheet_comment", relationship=rel, worksheet=sheet, comment=comment, author=user)
    return comment
