"""Accept or decline a request from its email (``journeys.answer_links``).

GET shows the request and one button; only the POST acts, through the same services as the
review page. A link that was tampered with, has expired, or whose request has moved on
(answered, withdrawn, expired, or reinstated since) gets a page that says so, and nothing changes.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import answer_links, rules
from ..forms import DecisionForm
from ..models import MATCHED_STATES, State
from ..services import relationships
from ..services.base import Refused


def _problem(request, title: str, explanation: str, status: int, link=None, onward=None):
    """``onward``: (address, words) of the one link the page offers, when not the Relationships page."""
    context = {"title": title, "explanation": explanation, "link": link, "onward": onward}
    return render(request, "journeys/email_answer_problem.html", context, status=status)


def _moved_on(request, link: answer_links.Link):
    rel = link.relationship
    names = {"mentee": rel.mentee.display_name}
    # Signed in here means signed in as the mentor (anyone else was turned away): no "sign in" for them.
    signed_in = request.user.is_authenticated
    onward = None
    if rel.state in MATCHED_STATES or rel.matched_at is not None:
        title = _("You have accepted %(mentee)s’s request") % names
        if signed_in:
            text = _(
                "%(mentee)s has been told. Their contact details and what comes next are on your relationship’s page."
            )
            text %= names
            onward = (reverse("relationship", args=[rel.pk]), _("Go to your relationship with %(mentee)s") % names)
        else:
            text = _("%(mentee)s has been told. Sign in to see their contact details and what comes next.") % names
    elif rel.state == State.DECLINED:
        title = _("You have declined %(mentee)s’s request") % names
        text = _("%(mentee)s has been told. Nothing more is needed from you.") % names
    elif rel.state == State.EXPIRED:
        title = _("This request has expired")
        text = _("%(mentee)s’s request was not answered in time, so it expired. Nothing more is needed from you.") % (
            names
        )
    elif rel.state in (State.REQUEST_WITHDRAWN, State.WITHDRAWN):
        title = _("This request was withdrawn")
        text = _("%(mentee)s withdrew the request, so there is nothing to answer.") % names
    elif rel.state == State.REQUESTED:
        title = _("This link is from an earlier email")
        if signed_in:
            text = _(
                "%(mentee)s’s request has been sent to you again since: use the link in the newest email, "
                "or answer it from your Relationships page."
            )
        else:
            text = _(
                "%(mentee)s’s request has been sent to you again since: use the link in the newest email, "
                "or sign in and answer it from your Relationships page."
            )
        text %= names
    else:
        title = _("This request has moved on")
        text = _("It is now “%(stage)s”, so it cannot be answered from this link.") % {"stage": rel.get_state_display()}
    return _problem(request, title, text, status=200, link=link, onward=onward)


def answer_from_email(request, token: str):
    try:
        link = answer_links.read(token)
    except answer_links.ExpiredLink:
        return _problem(
            request,
            _("This link has expired"),
            _("Links in emails work for a limited time. Sign in to see the request on your Relationships page."),
            status=410,
        )
    except answer_links.BadLink:
        return _problem(
            request,
            _("This link does not work"),
            _(
                "It may have been cut short or changed on its way. Open it again from the email, or sign in to "
                "see the request on your Relationships page."
            ),
            status=400,
        )
    rel = link.relationship
    if request.user.is_authenticated and request.user.pk != rel.mentor_id:
        return _problem(
            request,
            _("This link is for someone else"),
            _(
                "It was sent to the mentor this request was made to, and you are signed in as another person. "
                "Nothing has been changed."
            ),
            status=403,
        )
    if not link.waiting():
        return _moved_on(request, link)

    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        message = form.cleaned_data["message"]
        try:
            if link.action == "accept":
                relationships.accept_request(rel, rel.mentor, message)
            else:
                relationships.decline_request(rel, rel.mentor, message)
            # (the page it leads to says what was done and that the mentee has been told)
            messages.success(request, _("Thank you for answering."))
        except Refused as refused:
            messages.error(request, refused.message)
            rel.refresh_from_db()
            if rel.state == State.REQUESTED:  # still waiting (e.g. the mentor has no place left)
                return _page(request, link, form)
        return redirect("answer_from_email", token)
    return _page(request, link, form)


def _page(request, link: answer_links.Link, form):
    """The answer's page; a refused message (too long) is shown again on its field, kept, with status 400."""
    rel = link.relationship
    other = "decline" if link.action == "accept" else "accept"
    return render(
        request,
        "journeys/email_answer.html",
        {
            "relationship": rel,
            "action": link.action,
            "form": form,
            "other_url": answer_links.url_for(rel.pk, link.task_id, other),
            # no place left to accept: said before the button is pressed
            "no_place": rules.why_no_place_to_accept(rel) if link.action == "accept" else None,
        },
        status=400 if form.errors else 200,
    )
