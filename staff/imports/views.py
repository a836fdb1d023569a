"""Bulk import's pages: thin views over ``services`` and ``selectors``.

The staff pages are for programme managers only (``staff_required(perm=MANAGE)``). The invitation
page (``accept``) is public: the signed link is the key, and a used, expired, replaced or tampered
link only shows a sentence saying so.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from journeys.services.base import Refused
from project.downloads import csv_attachment
from project.roles import MANAGE, staff_required

from . import forms, selectors, services
from .models import ImportBatch, ImportRow, SignupSettings


def _import_page(request, upload_form=None, invite_form=None, status=200):
    return render(
        request,
        "staff/imports/import.html",
        {
            "upload_form": upload_form or forms.UploadForm(),
            "invite_form": invite_form or forms.InviteForm(),
            "batches": selectors.recent_batches(),
            "invitations": selectors.waiting_invitations(),
            "invitation_counts": selectors.invitation_counts(),
            "signup": SignupSettings.current(),
            "now": timezone.now(),
            "nav": "staff",
        },
        status=status,
    )


@staff_required(perm=MANAGE)
def import_page(request):
    if request.method != "POST":
        return _import_page(request)
    form = forms.UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            batch = services.preview(staff_user=request.user, upload=form.cleaned_data["file"])
        except Refused as refused:
            form.add_error("file", refused.message)
        else:
            return redirect("staff_import_batch", batch.pk)
    return _import_page(request, upload_form=form, status=400)


@staff_required(perm=MANAGE)
def batch_page(request, pk: int):
    batch = selectors.access_batch(pk)
    return render(
        request,
        "staff/imports/batch.html",
        {
            "batch": batch,
            "counts": selectors.counts(batch),
            "problems": selectors.problem_rows(batch),
            "shown": selectors.PROBLEMS_SHOWN,
            "Status": ImportBatch.Status,
            "RowStatus": ImportRow.Status,
            "nav": "staff",
        },
    )


@require_POST
@staff_required(perm=MANAGE)
def confirm(request, pk: int):
    batch = selectors.access_batch(pk)
    try:
        services.confirm(batch, staff_user=request.user)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The import will start shortly. This page shows its progress."))
    return redirect("staff_import_batch", batch.pk)


@require_POST
@staff_required(perm=MANAGE)
def discard(request, pk: int):
    batch = selectors.access_batch(pk)
    try:
        services.discard(batch)
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("staff_import_batch", batch.pk)
    messages.success(request, _("The import was cancelled: nothing was created."))
    return redirect("staff_import")


@staff_required(perm=MANAGE)
def errors_csv(request, pk: int):
    batch = selectors.access_batch(pk)
    return csv_attachment(selectors.errors_csv(batch), f"import-{batch.pk}-problems.csv")


@require_POST
@staff_required(perm=MANAGE)
def invite(request):
    form = forms.InviteForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.invite(
                staff_user=request.user,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                role=data["role"],
                organisation=data["organisation"],
            )
        except Refused as refused:
            form.add_error("email", refused.message)
        else:
            messages.success(request, _("%(email)s has been invited by email.") % {"email": invitation.user.email})
            return redirect("staff_import")
    return _import_page(request, invite_form=form, status=400)


@require_POST
@staff_required(perm=MANAGE)
def resend(request, pk: int):
    invitation = selectors.access_invitation(pk)
    try:
        invitation = services.resend(invitation, staff_user=request.user)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("A new invitation has been sent to %(email)s; the earlier link no longer works.")
            % {"email": invitation.user.email},
        )
    next_url = request.POST.get("next", "")
    if next_url.startswith("/staff/") and "//" not in next_url:
        return redirect(next_url)
    return redirect("staff_import")


@staff_required(perm=MANAGE)
def signup_settings(request):
    current = SignupSettings.current()
    initial = {"mode": current.mode, "domains": "\n".join(current.domains)}
    form = forms.SignupModeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_signup_mode(
                staff_user=request.user, mode=form.cleaned_data["mode"], domains=form.cleaned_data["domains"]
            )
        except Refused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Registration settings saved."))
            return redirect("staff_signup_settings")
    status = 400 if form.errors else 200
    return render(
        request, "staff/imports/signup_settings.html", {"form": form, "current": current, "nav": "staff"}, status=status
    )


def accept(request, token: str):
    """The invited person sets a password, is signed in and goes on to complete their profile."""
    try:
        invitation = services.open_invitation(token)
    except services.InvalidLink as invalid:
        return render(request, "imports/invitation_invalid.html", {"reason": str(invalid)})
    user = invitation.user
    form = forms.SetPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept(token, password=form.cleaned_data["password1"])
        except services.InvalidLink as invalid:
            return render(request, "imports/invitation_invalid.html", {"reason": str(invalid)})
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your password is set. Now complete your profile."))
        return redirect(reverse("profile"))
    status = 400 if form.errors else 200
    return render(request, "imports/accept.html", {"form": form, "invitee": user}, status=status)
