"""The relationship's record: its proposal, the CPD evidence pack, a mentor's hours, and
"Raise a concern" (a message to the programme the other person is not shown) and the conversation
that follows it on the concern's own page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from project.downloads import attachment

from .. import record, selectors
from ..forms import ConcernAnswerForm, ConcernForm
from ..pdf import cpd_pdf as render_cpd_pdf
from ..pdf import hours_pdf as render_hours_pdf
from ..services import concerns
from ..services.base import Refused


def _pdf(content: bytes, filename: str) -> HttpResponse:
    return attachment(content, "application/pdf", filename)


@login_required
def proposal(request, pk: int):
    """The mentoring request as sent (area and personal statement), at every stage, for both people
    (and programme staff, who see the relationship's summary too)."""
    rel = selectors.access_relationship(request.user, pk)
    role = rel.role_of(request.user)
    return render(
        request,
        "journeys/record/proposal.html",
        {
            "relationship": rel,
            "role": role,
            "other": rel.other(request.user) if role else None,
            "can_edit_request": role == "mentee" and rel.state == "requested",
            "nav": "relationships",
        },
    )


@login_required
def cpd_pdf(request, pk: int):
    """The person's CPD evidence pack for this relationship (its two people only)."""
    rel = selectors.access_party_relationship(request.user, pk)
    content = render_cpd_pdf(record.cpd_record(request.user, rel))
    return _pdf(content, f"cpd-mentoring-{rel.pk}-{timezone.localdate().isoformat()}.pdf")


@login_required
def hours_pdf(request):
    """The hours the signed-in person gave as a mentor, across all their mentees (only for someone
    who is or was a mentor: ``record.hours_are_theirs``)."""
    if not record.hours_are_theirs(request.user):
        raise Refused(
            _("The mentoring hours statement is for mentors, and you have not been a mentor in the programme."),
            redirect_to=reverse("relationships"),
        )
    content = render_hours_pdf(record.mentoring_hours(request.user))
    return _pdf(content, f"mentoring-hours-{timezone.localdate().isoformat()}.pdf")


@login_required
def raise_concern(request, pk: int):
    rel = selectors.access_party_relationship(request.user, pk)
    other = rel.other(request.user)
    form = ConcernForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                concern = concerns.raise_concern(rel, request.user, form.cleaned_data["message"])
            except Refused as refused:
                form.add_error("message", refused.message)
            else:
                if concern.already_sent:
                    messages.success(
                        request,
                        _(
                            "You had already sent this concern at %(time)s, so it has not been sent again. "
                            "The programme team has it and will reply to you. %(other)s has not been told."
                        )
                        % {
                            "time": date_format(timezone.localtime(concern.raised_at), "TIME_FORMAT"),
                            "other": other.display_name,
                        },
                    )
                    return redirect("relationship", rel.pk)
                messages.success(
                    request,
                    _(
                        "Your concern has been sent to the programme team, who will reply to you by email and under "
                        "“Concerns you raised” below. %(other)s has not been told. We have emailed you a confirmation."
                    )
                    % {"other": other.display_name},
                )
                return redirect("relationship", rel.pk)
        status = 400
    return render(
        request,
        "journeys/record/concern.html",
        {"relationship": rel, "other": other, "form": form, "nav": "relationships"},
        status=status,
    )


@login_required
def concern(request, pk: int):
    """A concern the person raised, the programme team's replies, and their answer (theirs alone: the
    other person in the relationship and staff get 404)."""
    raised = selectors.access_my_concern(request.user, pk)
    rel = raised.relationship
    other = rel.other(request.user)
    form = ConcernAnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                answer = concerns.answer_as_raiser(raised, request.user, form.cleaned_data["body"])
            except Refused as refused:
                form.add_error("body", refused.message)
            else:
                if answer.already_sent:
                    said = _("You had already sent this answer at %(time)s, so it has not been sent again.") % {
                        "time": date_format(timezone.localtime(answer.at), "TIME_FORMAT")
                    }
                else:
                    said = _("Your answer has been sent to the programme team. %(other)s is not told.") % {
                        "other": other.display_name
                    }
                messages.success(request, said)
                return redirect("concern", raised.pk)
        status = 400
    return render(
        request,
        "journeys/record/concern_conversation.html",
        {
            "relationship": rel,
            "other": other,
            "concern": raised,
            "conversation": list(raised.replies.select_related("author")),
            "form": form,
            "nav": "relationships",
        },
        status=status,
    )
