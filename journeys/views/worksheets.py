"""The SWOT and G-STAR worksheets of a relationship: the mentee fills them in, both read and
comment, earlier versions stay readable, and each version downloads as a PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from project.downloads import attachment

from .. import rules, selectors
from ..forms import WorksheetCommentForm, WorksheetForm
from ..models import MATCHED_STATES
from ..pdf import worksheet_pdf as render_worksheet_pdf
from ..services import worksheets as service
from ..services.base import Refused


@login_required
def worksheet(request, pk: int, kind: str):
    rel, definition, sheet = selectors.access_worksheet(request.user, pk, kind)
    role = rel.role_of(request.user)
    versions = selectors.worksheet_versions(sheet)
    current = versions[-1] if versions else None
    is_open = rel.state in MATCHED_STATES and not rules.why_read_only(rel)
    can_edit = role == "mentee" and is_open
    can_comment = is_open and current is not None
    answers = {a.heading: a.text for a in current.answers.all()} if current else {}
    form = WorksheetForm(definition, initial=answers, prefix="sheet") if can_edit else None
    comment_form = WorksheetCommentForm(prefix="comment") if can_comment else None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "save" and can_edit:
            form = WorksheetForm(definition, request.POST, prefix="sheet")
            if form.is_valid():
                try:
                    version = service.save_worksheet(rel, request.user, kind=kind, answers=form.cleaned_data)
                except Refused as refused:
                    form.add_error(None, refused.message)
                else:
                    messages.success(
                        request,
                        _("Your %(worksheet)s is saved (version %(number)d). %(other)s can read it.")
                        % {"worksheet": definition.title, "number": version.number, "other": rel.mentor.display_name},
                    )
                    return redirect("worksheet", rel.pk, kind)
            status = 400
        elif action == "comment" and can_comment:
            comment_form = WorksheetCommentForm(request.POST, prefix="comment")
            if comment_form.is_valid():
                try:
                    service.comment_on_worksheet(rel, request.user, kind=kind, text=comment_form.cleaned_data["text"])
                except Refused as refused:
                    comment_form.add_error(None, refused.message)
                else:
                    messages.success(
                        request,
                        _("Your comment is added. %(other)s can read it.")
                        % {"other": rel.other(request.user).display_name},
                    )
                    return redirect("worksheet", rel.pk, kind)
            status = 400
        else:
            messages.error(
                request, rules.why_read_only(rel) or _("That is not something you can do on this worksheet.")
            )
            return redirect("worksheet", rel.pk, kind)
    return render(
        request,
        "journeys/worksheets/worksheet.html",
        {
            "relationship": rel,
            "role": role,
            "other": rel.other(request.user),
            "definition": definition,
            "current": current,
            "answers": current.answer_list() if current else [],
            "versions": list(reversed(versions)),
            "comments": selectors.worksheet_comments(sheet),
            "form": form,
            "comment_form": comment_form,
            "read_only": rules.why_read_only(rel),
            "nav": "relationships",
        },
        status=status,
    )


def _version(versions, number: int):
    for version in versions:
        if version.number == number:
            return version
    raise Http404("No such version")


@login_required
def worksheet_version(request, pk: int, kind: str, number: int):
    rel, definition, sheet = selectors.access_worksheet(request.user, pk, kind)
    versions = selectors.worksheet_versions(sheet)
    version = _version(versions, number)
    return render(
        request,
        "journeys/worksheets/version.html",
        {
            "relationship": rel,
            "definition": definition,
            "version": version,
            "answers": version.answer_list(),
            "is_latest": version is versions[-1],
            "comments": [c for c in selectors.worksheet_comments(sheet) if c.version_id == version.pk],
            "nav": "relationships",
        },
    )


@login_required
def worksheet_pdf(request, pk: int, kind: str):
    """The newest version as a PDF, or ``?version=N``; with the comments written on it."""
    rel, definition, sheet = selectors.access_worksheet(request.user, pk, kind)
    versions = selectors.worksheet_versions(sheet)
    if not versions:
        messages.info(request, _("There is nothing to download yet: the worksheet has not been saved."))
        return redirect("worksheet", rel.pk, kind)
    wanted = request.GET.get("version", "")
    if wanted:
        if not wanted.isdigit() or len(wanted) > 9:
            raise Http404("No such version")
        version = _version(versions, int(wanted))
    else:
        version = versions[-1]
    comments = [c for c in selectors.worksheet_comments(sheet) if c.version_id == version.pk]
    pdf = render_worksheet_pdf(rel, definition, version, comments)
    return attachment(pdf, "application/pdf", f"{kind}-{rel.pk}-v{version.number}.pdf")


@login_required
def worksheet_open(request, pk: int):
    """A worksheet by its own id (the link in its emails): on to its page."""
    sheet = selectors.access_worksheet_by_id(request.user, pk)
    return redirect("worksheet", sheet.relationship_id, sheet.kind)
