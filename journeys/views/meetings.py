"""A meeting's own page (notes, whether it took place), "We met earlier than planned", and the
personal calendar feed. Thin views over ``journeys.services.meetings`` and ``journeys.meeting_records``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST, require_safe

from notifications.ics import meetings_calendar
from project import identity

from .. import meeting_records, rules, selectors
from ..meeting_forms import MeetingNoteForm, MeetingOutcomeForm, MetEarlierForm
from ..models import State
from ..services import meetings as meeting_services
from ..services.base import Refused

# -- a meeting's page: notes and whether it took place ------------------------------------


def _meeting_page(request, meeting, *, note_form=None, outcome_form=None, status_code=200):
    rel = meeting.relationship
    status = meeting_records.status_of(meeting)
    read_only = rules.why_read_only(rel)
    return render(
        request,
        "journeys/meeting_detail.html",
        {
            "relationship": rel,
            "other": rel.other(request.user),
            "meeting": meeting,
            "status": status,
            # The forms show once the meeting has started (and, refused, with what was typed and why).
            "can_record": not read_only
            and status not in (meeting_records.Status.CANCELLED, meeting_records.Status.UPCOMING),
            "notes": meeting.notes.select_related("author"),
            "note_form": note_form or MeetingNoteForm(),
            "outcome_form": outcome_form or MeetingOutcomeForm(initial={"outcome": meeting.outcome or None}),
            "read_only": read_only,
            "nav": "relationships",
        },
        status=status_code,
    )


@login_required
@require_GET
def meeting_detail(request, pk: int):
    return _meeting_page(request, selectors.access_meeting(request.user, pk))


@login_required
@require_POST
def meeting_note_add(request, pk: int):
    meeting = selectors.access_meeting(request.user, pk)
    form = MeetingNoteForm(request.POST)
    if form.is_valid():
        try:
            meeting_services.add_meeting_note(meeting, request.user, text=form.cleaned_data["text"])
        except Refused as refused:
            form.add_error("text", refused.message)
        else:
            messages.success(request, _("Your notes are saved. Only the two of you can read them."))
            return redirect("meeting", meeting.pk)
    return _meeting_page(request, meeting, note_form=form)


@login_required
@require_POST
def meeting_outcome(request, pk: int):
    meeting = selectors.access_meeting(request.user, pk)
    form = MeetingOutcomeForm(request.POST)
    if form.is_valid():
        try:
            meeting_services.record_meeting_outcome(meeting, request.user, held=form.held)
        except Refused as refused:
            form.add_error("outcome", refused.message)
        else:
            if form.held:
                messages.success(request, _("Recorded: this meeting took place."))
            else:
                messages.success(request, _("Recorded: this meeting did not happen."))
            return redirect("meeting", meeting.pk)
    return _meeting_page(request, meeting, outcome_form=form)


# -- the first meeting, held earlier than planned ------------------------------------------


@login_required
def first_meeting_earlier(request, pk: int):
    """The mentee says the first meeting, still planned for later, already happened."""
    rel = selectors.access_party_relationship(request.user, pk)
    first = meeting_records.first_meeting(rel)
    planned = first.planned
    if rel.role_of(request.user) != "mentee" or rel.state != State.FIRST_CONVERSATION:
        messages.info(request, _("There is no planned first meeting to change here."))
        return redirect("relationship", rel.pk)
    if first.held:
        messages.info(request, _("Your first meeting has already taken place, so there is nothing to change."))
        return redirect("relationship", rel.pk)
    if planned is None:  # cancelled, or it did not happen: a meeting to arrange (or to add, if they met)
        messages.info(
            request,
            _(
                "No first meeting is planned, so there is none to move earlier. Arrange one here (if you have "
                "already met, add the meeting with the day you met): you can then mark the stage as completed."
            ),
        )
        return redirect("meetings", rel.pk)
    form = MetEarlierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_services.record_met_earlier(rel, request.user, met_at=form.cleaned_data["met_at"])
        except Refused as refused:
            form.add_error("date", refused.message)
        else:
            when = date_format(meeting.starts_at, "j F Y, H:i")
            messages.success(
                request,
                _("Recorded: your first meeting took place on %(when)s. You can now mark the stage as completed.")
                % {"when": when},
            )
            return redirect("next_step", rel.pk)
    return render(
        request,
        "journeys/met_earlier.html",
        {
            "relationship": rel,
            "other": rel.other(request.user),
            "planned": planned,
            "form": form,
            "nav": "relationships",
        },
    )


# -- the calendar feed -------------------------------------------------------------------


def feed_urls(feed) -> dict[str, str]:
    """The feed's https address (to copy) and its webcal:// one (opens the calendar app)."""
    path = reverse("calendar_feed", args=[feed.key, feed.secret])
    https = settings.SITE_URL.rstrip("/") + path
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


def _back(request, default: str) -> HttpResponseRedirect:
    """Back to the page the button was on (a path of this site only), else ``default``."""
    target = request.POST.get("next") or ""
    safe = target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return HttpResponseRedirect(target if safe else default)


@login_required
def calendar(request):
    """Your meetings in your own calendar: the secret address, made on request (POST)."""
    if request.method == "POST":
        meeting_services.open_calendar_feed(request.user)
        messages.success(
            request, _("Your calendar address is ready. Keep it to yourself: anyone with it can see your meetings.")
        )
        return _back(request, reverse("calendar"))
    feed = meeting_records.calendar_feed_of(request.user)
    return render(
        request,
        "journeys/calendar.html",
        {"feed": feed, "urls": feed_urls(feed) if feed else None},
    )


@login_required
def calendar_reset(request):
    """A new secret address (after a confirmation page of its own): the old one stops working."""
    if request.method == "POST":
        meeting_services.reset_calendar_feed(request.user)
        messages.success(
            request,
            _(
                "Your calendar address has been changed. The old one no longer works: add the new one to your calendar app."
            ),
        )
        return redirect("calendar")
    return render(request, "journeys/calendar_reset.html", {"feed": meeting_records.calendar_feed_of(request.user)})


NOT_A_FEED = gettext_lazy(
    "This calendar address does not work: it was changed (reset) or never existed. "
    "Sign in and open Meet / Video for your current address."
)


@require_safe
def calendar_feed(request, key: str, secret: str):
    """The feed itself, for calendar apps (no sign-in: the address is the key). Never cached by others."""
    from django.http import Http404

    try:
        feed = meeting_records.access_calendar_feed(key, secret)
    except Http404:
        response = HttpResponse(f"{NOT_A_FEED}\n", status=404, content_type="text/plain; charset=utf-8")
    else:
        name = _("Mentoring meetings (%(site)s)") % {"site": identity.current().name}
        body = meetings_calendar(meeting_records.feed_meetings(feed.user), name=name)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="meetings.ics"'
    response["Cache-Control"] = "private, no-store, max-age=0"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
