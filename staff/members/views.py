"""The member directory and member pages: thin views over ``filters``, ``selectors`` and ``services``.

Every page is for programme staff (``staff_required``); support staff read, programme managers act
(``perm=MANAGE``) and export (``perm=EXPORT``).
"""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from journeys import rules as journey_rules
from journeys.services.base import Refused
from journeys.states import MATCHED_STATES
from people.models import Region
from project.downloads import csv_attachment, csv_cell
from project.roles import EXPORT, MANAGE, can, staff_required

from . import forms, selectors, services
from .filters import MemberFilter

PER_PAGE = 25


def _filtered(request) -> MemberFilter:
    return MemberFilter(request.GET, queryset=selectors.members())


@staff_required
def directory(request):
    found = _filtered(request)
    rows = selectors.directory_rows(found.qs)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    today = selectors.today()
    for member in page.object_list:
        profile = selectors.profile_of(member)
        member.role_label = selectors.role_label(profile)
        status = selectors.mentor_status(profile, member.places_taken, today)
        member.mentor_status_label = selectors.MentorStatus(status).label if status else ""
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/members/directory.html",
        {
            "filter": found,
            "form": found.form,
            "page": page,
            "query": query.urlencode(),
            "can_export": can(request.user, EXPORT),
            "filters_valid": found.is_valid(),  # a wrong filter is left out of the page, but not downloaded
            "can_manage": can(request.user, MANAGE),
            "exports": selectors.recent_exports() if can(request.user, EXPORT) else [],
            "nav": "staff",
        },
    )


@staff_required
def member_page(request, pk: int, *, note_form=None, status: int = 200):
    member = selectors.access_member(pk)
    profile = selectors.profile_of(member)
    taken = journey_rules.active_mentee_count(member) if profile and profile.is_mentor else 0
    status_key = selectors.mentor_status(profile, taken, selectors.today())
    manage = can(request.user, MANAGE)
    return render(
        request,
        "staff/members/member.html",
        {
            "member": member,
            "profile": profile,
            "areas": list(profile.areas.all()) if profile else [],
            "role_label": selectors.role_label(profile),
            "mentor_status": status_key,
            "mentor_status_label": selectors.MentorStatus(status_key).label if status_key else "",
            "places_taken": taken,
            "relationships": selectors.relationships_of(member),
            "cases": selectors.cases_of(member),
            "activity": selectors.recent_activity(member),
            "actions": selectors.actions_on(member),
            "notes": selectors.notes_of(member),
            "note_form": note_form or (forms.NoteForm() if manage else None),
            "can_manage": manage,
            "nav": "staff",
        },
        status=status,
    )


def _done(request, pk: int, message: str):
    messages.success(request, message)
    return redirect("staff_member", pk)


def _refused(request, pk: int, refused: Refused):
    messages.error(request, refused.message)
    return redirect("staff_member", pk)


@staff_required(perm=MANAGE)
@require_POST
def add_note(request, pk: int):
    member = selectors.access_member(pk)
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        return member_page(request, pk, note_form=form, status=400)
    try:
        services.add_note(member, request.user, form.cleaned_data["body"])
    except Refused as refused:
        form.add_error("body", refused.message)
        return member_page(request, pk, note_form=form, status=400)
    return _done(request, pk, _("Note saved. Only programme staff can see it."))


def _member_action(request, pk: int, action, done: str):
    """Run ``action(member, staff_user)`` on the member page's behalf: said with ``done`` (naming the
    member), or refused with the reason."""
    member = selectors.access_member(pk)
    try:
        action(member, request.user)
    except Refused as refused:
        return _refused(request, pk, refused)
    return _done(request, pk, done % {"name": member.display_name})


@staff_required(perm=MANAGE)
@require_POST
def pause(request, pk: int):
    return _member_action(
        request, pk, services.pause_mentor, _("%(name)s is paused: they get no new requests until resumed.")
    )


@staff_required(perm=MANAGE)
@require_POST
def resume(request, pk: int):
    return _member_action(request, pk, services.resume_mentor, _("%(name)s is open to new requests again."))


@staff_required(perm=MANAGE)
def deactivate(request, pk: int):
    """GET: what deactivating will do, and a button to confirm (no JavaScript needed). POST: do it."""
    member = selectors.access_member(pk)
    if request.method == "POST":
        try:
            closed = services.deactivate(member, request.user)
        except Refused as refused:
            return _refused(request, pk, refused)
        return _done(
            request,
            pk,
            _("%(name)s's account is deactivated: they can no longer sign in. %(closed)s")
            % {"name": member.display_name, "closed": services.closed_requests_words(closed)},
        )
    if not member.is_active:
        messages.error(request, _("%(name)s's account is already deactivated.") % {"name": member.display_name})
        return redirect("staff_member", pk)
    waiting = services.waiting_requests(member)
    matched = [
        rel for group in selectors.relationships_of(member).values() for rel in group if rel.state in MATCHED_STATES
    ]
    return render(
        request,
        "staff/members/confirm_deactivate.html",
        {"member": member, "waiting": waiting, "matched": matched, "nav": "staff"},
    )


@staff_required(perm=MANAGE)
@require_POST
def reactivate(request, pk: int):
    member = selectors.access_member(pk)
    try:
        done = services.reactivate(member, request.user)
    except Refused as refused:
        return _refused(request, pk, refused)
    return _done(
        request,
        pk,
        _("%(name)s's account is active again: they can sign in. %(told)s")
        % {"name": member.display_name, "told": services.reactivated_words(done)},
    )


CSV_HEADER = [
    gettext_lazy("Name"),
    gettext_lazy("Email address"),
    gettext_lazy("Role"),
    gettext_lazy("Organisation"),
    gettext_lazy("Job title"),
    gettext_lazy("Professional community"),
    gettext_lazy("Region"),
    gettext_lazy("Profile complete"),
    gettext_lazy("Mentor status"),
    gettext_lazy("Places taken"),
    gettext_lazy("Places offered"),
    gettext_lazy("Account"),
    gettext_lazy("Joined"),
    gettext_lazy("Last signed in"),
    gettext_lazy("Last active"),
]


def _csv_row(member, today, regions: dict[str, str]) -> list:
    profile = selectors.profile_of(member)
    status = selectors.mentor_status(profile, member.places_taken, today)
    mentor = bool(profile and profile.is_mentor)
    return [
        member.get_full_name(),
        member.email,
        selectors.role_label(profile),
        profile.organisation if profile else "",
        profile.job_title if profile else "",
        profile.community.name if profile and profile.community else "",
        regions.get(profile.region, profile.region) if profile else "",
        _("yes") if profile and profile.completed_at else _("no"),
        selectors.MentorStatus(status).label if status else "",
        member.places_taken if mentor else "",
        profile.capacity if mentor else "",
        _("active") if member.is_active else _("deactivated"),
        # Days on the programme's calendar (UK time), as the page shows them: not the UTC date the
        # database keeps, a day early for anything between midnight and 1am in summer.
        timezone.localdate(member.date_joined).isoformat(),
        timezone.localdate(member.last_login).isoformat() if member.last_login else _("never"),
        timezone.localdate(profile.last_active_at).isoformat()
        if member.last_login and profile and profile.last_active_at
        else "",
    ]


@staff_required(perm=EXPORT)
def export_csv(request):
    """The filtered list (every page of it) as CSV, each cell formula-safe; the download is logged.

    A wrong search or filter refuses the download: the page leaves a wrong filter out and says so,
    but a file of everyone, logged as "Everyone", is not what was asked for. Back to the page, which
    shows the same search and filters with their errors; nothing is written or logged."""
    found = _filtered(request)
    if not found.is_valid():
        messages.error(request, _("Nothing was downloaded: correct the search and filters marked below first."))
        return redirect(f"{reverse('staff_members')}?{request.GET.urlencode()}")
    today = selectors.today()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(h) for h in CSV_HEADER])
    count = 0
    regions = Region.names()
    for member in selectors.directory_rows(found.qs).iterator(chunk_size=2000):
        writer.writerow([csv_cell(v) for v in _csv_row(member, today, regions)])
        count += 1
    services.log_export(request.user, found.applied(), count)
    return csv_attachment(out.getvalue(), f"members-{today.isoformat()}.csv")
