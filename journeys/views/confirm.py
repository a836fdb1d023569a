"""Confirmation pages for destructive actions: a page of their own, working without JavaScript.

Each shows what will happen and posts to the action's own URL (``goal_action`` delete,
``meeting_cancel``, ``request_withdraw``); the buttons on the Goals, Meet / Video and relationship
pages link here instead of acting at once. (Withdrawing from a relationship has its own page with
a reason; staff closing a relationship is confirmed on the case page, ``staff.views``.)
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from .. import rules, selectors
from ..forms import OptionalReasonForm
from ..models import State


def _confirm(request, rel, **context):
    form = context.get("form")
    status = 400 if form is not None and form.errors else 200  # refused: the error on its field, what was typed kept
    return render(
        request, "journeys/confirm.html", {"relationship": rel, "nav": "relationships", **context}, status=status
    )


@login_required
def goal_delete_confirm(request, pk: int):
    goal = selectors.access_goal(request.user, pk)
    rel = goal.relationship
    if rel.role_of(request.user) is None:
        raise Http404("No such goal")
    refusal = rules.why_read_only(rel)
    if goal.owner_id != request.user.pk:
        refusal = _("Only the person who set this goal can change it; you can view it.")
    if refusal:
        messages.error(request, refusal)
        return redirect("goals", rel.pk)
    return _confirm(
        request,
        rel,
        title=_("Delete the goal “%(label)s”?") % {"label": goal.label},
        explanation=_(
            "The goal and its milestones, reviews and outcomes are removed for both of you. This cannot be undone."
        ),
        action=reverse("goal_action", args=[goal.pk, "delete"]),
        button=_("Delete the goal"),
        back=reverse("goals", args=[rel.pk]),
    )


@login_required
def meeting_cancel_confirm(request, pk: int):
    meeting = selectors.access_meeting(request.user, pk)
    rel = meeting.relationship
    refusal = rules.why_read_only(rel) or rules.why_cancel_refused(meeting, timezone.now())
    if refusal:
        messages.error(request, refusal)
        return redirect("meetings", rel.pk)
    other = rel.other(request.user)
    return _confirm(
        request,
        rel,
        title=_("Cancel the meeting “%(title)s”?") % {"title": meeting.title},
        explanation=_("It stays in your list of meetings, marked as cancelled."),
        meeting=meeting,
        tell_label=_("Tell %(other)s (they are emailed a calendar cancellation)") % {"other": other.display_name},
        action=reverse("meeting_cancel", args=[meeting.pk]),
        button=_("Cancel the meeting"),
        back=reverse("meetings", args=[rel.pk]),
    )


@login_required
def request_withdraw_confirm(request, pk: int):
    rel = selectors.access_party_relationship(request.user, pk)
    if rel.role_of(request.user) != "mentee":
        raise Http404("No such request")
    if rel.state != State.REQUESTED:
        messages.error(request, _("This request is no longer waiting for the mentor, so it cannot be withdrawn."))
        return redirect("relationship", rel.pk)
    return request_withdraw_page(request, rel, OptionalReasonForm())


def request_withdraw_page(request, rel, form):
    """The confirmation page; shown again by ``request_withdraw`` when its reason is refused (the
    error on the field, the reason kept). The reason's help says who reads it: the mentor, in their
    email (``request_withdrawn``) and in the request's history, which the programme team sees too."""
    form.fields["reason"].help_text = _(
        "If you give one, %(mentor)s reads it in the email that tells them and in the request’s history, "
        "which the programme team can see too."
    ) % {"mentor": escape(rel.mentor.display_name)}  # help texts are shown as HTML
    return _confirm(
        request,
        rel,
        title=_("Withdraw your request to %(mentor)s?") % {"mentor": rel.mentor.display_name},
        explanation=_(
            "%(mentor)s is told that you have withdrawn it. You can reinstate it later, as long as they still have room."
        )
        % {"mentor": rel.mentor.display_name},
        form=form,
        action=reverse("request_withdraw", args=[rel.pk]),
        button=_("Withdraw the request"),
        back=reverse("relationship", args=[rel.pk]),
    )
