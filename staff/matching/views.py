"""Matching rounds' pages: thin views over ``services`` and ``selectors``.

Staff pages: programme managers do everything; support staff may read the rounds and their
proposals (``staff_required``) but not open, steer, publish or close one (``perm=MANAGE``: 403).
The mentee's shortlist page is reached only through ``selectors.access_entry`` (404 for anyone
who is not a mentee of that round).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from journeys.services.base import Refused
from notifications.tasks import queue_soon
from project.roles import MANAGE, can, staff_required

from . import chart, forms, loading, selectors, services, tasks
from .models import MAX_SHORTLIST, PAST_STATUSES, Proposal, Round

User = get_user_model()


@staff_required
def round_list(request):
    rounds = Round.objects.select_related("created_by").order_by("-created_at", "-pk")
    return render(
        request,
        "staff/matching/rounds.html",
        {"rounds": rounds, "can_manage": can(request.user, MANAGE), "nav": "staff"},
    )


def _left_out_message(selection: services.Selection, label: str) -> str:
    """Who of those found was left out, each with why, the first ``NAMED_LEFT_OUT`` by name."""
    people = "; ".join(
        _("%(email)s (%(why)s)") % {"email": email, "why": why} if why else email
        for email, why in selection.named_left_out
    )
    text = ngettext(
        "%(n)d of the %(who)s found cannot be matched now and was left out: %(list)s.",
        "%(n)d of the %(who)s found cannot be matched now and were left out: %(list)s.",
        selection.left_out,
    ) % {"n": selection.left_out, "who": label, "list": people}
    return text + forms.and_more(selection.left_out - len(selection.named_left_out))


def _selection_notes(mentees: services.Selection | None, mentors: services.Selection | None) -> list[str]:
    """The addresses listed with no account, and the people found but left out with why, on each side
    (None: that side was not chosen)."""
    notes = []
    for label, selection in ((_("mentees"), mentees), (_("mentors"), mentors)):
        if selection is None:
            continue
        if selection.unknown:
            notes.append(
                ngettext(
                    "%(n)d address in the %(who)s list has no account: %(list)s.",
                    "%(n)d addresses in the %(who)s list have no account: %(list)s.",
                    len(selection.unknown),
                )
                % {
                    "n": len(selection.unknown),
                    "who": label,
                    "list": ", ".join(selection.unknown[: services.NAMED_LEFT_OUT]),
                }
                + forms.and_more(len(selection.unknown) - services.NAMED_LEFT_OUT)
            )
        if selection.left_out:
            notes.append(_left_out_message(selection, label))
    return notes


@staff_required(perm=MANAGE)
def round_new(request):
    form = forms.NewRoundForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        mentees = mentors = None
        try:
            mentees = services.select_mentees(
                data["mentees"], since=data.get("joined_since"), emails=data.get("mentee_list")
            )
            mentors = services.select_mentors(data["mentors"], emails=data.get("mentor_list"))
            round_ = services.open_round(
                staff_user=request.user,
                name=data["name"],
                mentee_ids=mentees.user_ids,
                mentor_ids=mentors.user_ids,
                shortlist_closes_on=data.get("shortlist_closes_on"),
                shortlist_weight=data["shortlist_weight"],
                min_score=data["min_score"],
                mentor_cap=data.get("mentor_cap"),
                avoid_same_organisation=data["avoid_same_organisation"],
                avoid_past_pairs=data["avoid_past_pairs"],
                on_decline=data["on_decline"],
            )
        except Refused as refused:
            # Nobody to match on one side: say why each person listed was not taken, as an opened round does.
            form.add_error(None, refused.message)
            for note in _selection_notes(mentees, mentors):
                form.add_error(None, note)
        else:
            messages.success(
                request,
                _("The round is open with %(mentees)s and %(mentors)s.")
                % {
                    "mentees": ngettext("%(n)d mentee", "%(n)d mentees", len(mentees.user_ids))
                    % {"n": len(mentees.user_ids)},
                    "mentors": ngettext("%(n)d mentor", "%(n)d mentors", len(mentors.user_ids))
                    % {"n": len(mentors.user_ids)},
                },
            )
            for note in _selection_notes(mentees, mentors):
                messages.warning(request, note)
            return redirect("staff_matching_round", round_.pk)
    status = 400 if form.errors else 200
    return render(request, "staff/matching/new.html", {"form": form, "nav": "staff"}, status=status)


@staff_required
def round_detail(request, pk: int):
    return _round_page(request, selectors.access_round(pk), request.GET.get("page", "1"))


def _round_page(request, round_: Round, raw_page: str, *, pair_form: forms.PairForm | None = None, status: int = 200):
    """The round's page; with ``pair_form``, the "Pin or forbid a pair" form as it was sent, with its errors."""
    page = int(raw_page) if _small_id(raw_page) else 1
    summary = selectors.summary(round_)
    pairs, page, pages = selectors.pairs_page(round_, page)
    return render(
        request,
        "staff/matching/round.html",
        {
            "round": round_,
            "summary": summary,
            "publishing": services.publishing_alive(round_),
            "publishing_stalled": round_.publishing_since is not None and not services.publishing_alive(round_),
            "chart": chart.histogram_svg(summary.histogram),
            "pairs": pairs,
            "page": page,
            "pages": pages,
            "page_numbers": range(1, pages + 1),
            "unmatched": selectors.unmatched(round_),
            "rules": selectors.rules_of(round_),
            "can_manage": can(request.user, MANAGE) and round_.status != Round.Status.CLOSED,
            "pair_form": pair_form or forms.PairForm(),
            "declined": Proposal.objects.filter(round=round_, status__in=PAST_STATUSES).select_related(
                "mentee", "mentor"
            ),
            "nav": "staff",
        },
        status=status,
    )


def _back(round_pk: int, request):
    page = request.POST.get("page", "")
    url = redirect("staff_matching_round", round_pk).url
    return redirect(f"{url}?page={int(page)}" if _small_id(page) else url)


@staff_required(perm=MANAGE)
@require_POST
def run(request, pk: int):
    round_ = selectors.access_round(pk)
    try:
        round_ = services.run_proposal(round_, request.user)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Proposal ready in %(seconds)s s.") % {"seconds": f"{round_.proposal_seconds:.2f}"})
    return redirect("staff_matching_round", pk)


def _small_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) < 10


def _rule_action(request, pk: int, action, done):
    """Pin or forbid a pair: from a button in the table (by ids, back to the page with a message), or
    from the "Pin or forbid a pair" form (by email addresses: a mistake is shown on the form, on the
    field it is about, with what was typed kept). ``done(rule)`` is the message once it is made."""
    round_ = selectors.access_round(pk)
    mentee_id, mentor_id = request.POST.get("mentee_id", ""), request.POST.get("mentor_id", "")
    if mentee_id or mentor_id:
        if not (_small_id(mentee_id) and _small_id(mentor_id)):
            messages.error(request, _("That pair is not in this round."))
            return _back(pk, request)
        try:
            rule = action(round_, request.user, mentee_id=int(mentee_id), mentor_id=int(mentor_id))
        except Refused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, done(rule))
        return _back(pk, request)
    form = forms.PairForm(request.POST)
    if form.is_valid():
        found = {
            field: User.objects.filter(email=form.cleaned_data[field].lower()).values_list("pk", flat=True).first()
            for field in ("mentee", "mentor")
        }
        for field, user_id in found.items():
            if user_id is None:
                form.add_error(field, _("No account has this email address."))
    if form.is_valid():
        try:
            rule = action(round_, request.user, mentee_id=found["mentee"], mentor_id=found["mentor"])
        except Refused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, done(rule))
            return _back(pk, request)
    return _round_page(request, round_, request.POST.get("page", "1"), pair_form=form, status=400)


@staff_required(perm=MANAGE)
@require_POST
def pin(request, pk: int):
    return _rule_action(request, pk, services.pin, _pinned_message)


def _pinned_message(rule) -> str:
    """ "Pair pinned", and what it replaced: the mentee's earlier pin (a mentee has one), and a ban on the
    pair that it lifted. Each a whole sentence."""
    names = {"mentee": rule.mentee.display_name, "mentor": rule.mentor.display_name}
    if rule.replaced is None:
        said = [_("Pair pinned.")]
    else:
        said = [
            _(
                "Pair pinned: %(mentee)s with %(mentor)s. It replaces %(mentee)s’s earlier pin to %(earlier)s, as a "
                "mentee has one pin."
            )
            % {**names, "earlier": rule.replaced.mentor.display_name}
        ]
    if rule.lifted_ban:
        said.append(_("This pair had been forbidden: the pin lifts that."))
    said.append(_("Re-run the proposal to apply it."))
    return " ".join(said)


@staff_required(perm=MANAGE)
@require_POST
def forbid(request, pk: int):
    return _rule_action(
        request, pk, services.forbid, lambda rule: _("Pair forbidden. Re-run the proposal to apply it.")
    )


@staff_required(perm=MANAGE)
@require_POST
def remove_rule(request, pk: int, rule_pk: int):
    round_ = selectors.access_round(pk)
    try:
        services.remove_rule(round_, request.user, rule_pk)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Removed. Re-run the proposal to apply it."))
    return _back(pk, request)


@staff_required(perm=MANAGE)
def publish(request, pk: int):
    """A page of its own to confirm (it sends requests and emails); publishing then runs in the
    background and the round's page shows its progress."""
    round_ = selectors.access_round(pk)
    if request.method == "POST":
        try:
            round_ = services.start_publishing(round_, request.user)
        except Refused as refused:
            messages.error(request, refused.message)
            return redirect("staff_matching_round", pk)
        if queue_soon(tasks.publish_round, round_.pk, request.user.pk):
            said = ngettext(
                "Publishing has started: %(n)d request is being sent. This page shows how far it has got.",
                "Publishing has started: %(n)d requests are being sent. This page shows how far it has got.",
                round_.publish_total,
            )
        else:  # the task queue cannot be reached now: the sweep starts the run (tasks.resume_waiting_work)
            said = ngettext(
                "Publishing will start within a few minutes: %(n)d request will be sent. "
                "This page shows how far it has got.",
                "Publishing will start within a few minutes: %(n)d requests will be sent. "
                "This page shows how far it has got.",
                round_.publish_total,
            )
        messages.success(request, said % {"n": round_.publish_total})
        return redirect("staff_matching_round", pk)
    summary = selectors.summary(round_)
    return render(
        request,
        "staff/matching/publish.html",
        {"round": round_, "summary": summary, "publishing": services.publishing_alive(round_), "nav": "staff"},
    )


@staff_required(perm=MANAGE)
def close(request, pk: int):
    round_ = selectors.access_round(pk)
    if request.method == "POST":
        try:
            closed = services.close_round(round_, request.user)
        except Refused as refused:
            messages.error(request, refused.message)
        else:
            said = _("The round is closed.")
            if closed.told:
                said += " " + ngettext(
                    "%(n)d mentee invited to shortlist, who had no request from it, is emailed that it closed "
                    "without a mentor for them.",
                    "%(n)d mentees invited to shortlist, who had no request from it, are emailed that it closed "
                    "without a mentor for them.",
                    closed.told,
                ) % {"n": closed.told}
            messages.success(request, said)
        return redirect("staff_matching_round", pk)
    told = len(loading.mentees_told_on_close(round_)) if round_.status != Round.Status.CLOSED else 0
    return render(request, "staff/matching/close.html", {"round": round_, "told": told, "nav": "staff"})


# -- the mentee's page ----------------------------------------------------------------------------


@login_required
def shortlist(request, pk: int):
    entry = selectors.access_entry(request.user, pk, closed_too=True)
    round_ = entry.round
    if round_.status == Round.Status.CLOSED:
        return _closed_for_mentee(request, entry)
    choices = selectors.shortlist_choices(entry)
    option_list = [(str(c["card"].user_id), c["card"].display_name) for c in choices]
    initial = {
        "mentors": [str(c["card"].user_id) for c in choices if c["chosen"]],
        "keywords": entry.keywords,
        "note": entry.note,
    }
    form = forms.ShortlistForm(request.POST or None, initial=initial, choices=option_list)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_shortlist(
                    entry,
                    request.user,
                    mentor_ids=form.cleaned_data["mentors"],
                    keywords=form.cleaned_data["keywords"],
                    note=form.cleaned_data["note"],
                )
            except Refused as refused:
                form.add_error(None, refused.message)
                status = 400
            else:
                messages.success(request, _("Your shortlist is saved. You can change it until the closing date."))
                return redirect("matching_shortlist", pk)
        else:
            status = 400
    chosen = set(request.POST.getlist("mentors")) if request.method == "POST" else set(initial["mentors"])
    return render(
        request,
        "staff/matching/shortlist.html",
        {
            "round": round_,
            "entry": entry,
            "form": form,
            "choices": choices,
            "chosen": chosen,
            "max_shortlist": MAX_SHORTLIST,
            "open": round_.shortlisting_open,
            "nav": "relationships",
        },
        status=status,
    )


def _closed_for_mentee(request, entry):
    """The shortlist link of a closed round: that it closed, and what the mentee can do now (a shortlist
    sent to it is not saved: 400, as a shortlist sent after the closing date)."""
    return render(
        request,
        "staff/matching/shortlist_closed.html",
        {
            "round": entry.round,
            "sent": request.method == "POST",
            "published": selectors.request_from_round(entry),
            "can_look": not loading.why_not_eligible_mentees([entry.mentee_id]),
            "nav": "relationships",
        },
        status=400 if request.method == "POST" else 200,
    )
