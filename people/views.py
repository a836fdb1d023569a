from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from notifications.forms import ReminderSettingsForm
from notifications.reminders import set_stopped, stopped_kinds

from . import services, tasks
from .exports import access_data_export, expire_days
from .forms import DeleteAccountForm, ProfileForm
from .models import DataExport, Profile


def home(request):
    if request.user.is_authenticated:
        return redirect("relationships")
    return render(request, "people/landing.html")


@login_required
def profile(request):
    instance, _created = Profile.objects.get_or_create(user=request.user)
    was_complete, was_mentor = instance.is_complete, instance.is_mentor
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=instance, user=request.user)
        if form.is_valid():
            saved = services.save_profile(form, request.user)
            messages.success(request, _("Your profile has been saved."))
            if saved.is_mentor and not was_mentor and form.mentee_only:
                messages.info(
                    request,
                    _(
                        "You are now a mentor too. Check your mentor settings below: how many mentees you can "
                        "support at once, whether you are open to requests, and any time away."
                    ),
                )
                return redirect("profile")
            if saved.is_complete and not was_complete and saved.is_mentee:
                messages.info(request, _("Your profile is complete. Now let's find you a mentor."))
                return redirect("find_mentor")
            return redirect("profile")
    else:
        form = ProfileForm(instance=instance, user=request.user)
    return render(request, "people/profile.html", {"form": form, "profile": instance, "nav": "profile"})


@login_required
def account(request):
    return account_page(request)


def account_page(request, reminder_form=None, status: int = 200):
    """The Account page; its reminders form, refused (``reminder_settings``), is
    shown again with the error on its field and the ticks as they were sent."""
    form = reminder_form or ReminderSettingsForm.for_user(request.user, stopped_kinds(request.user))
    latest_export = DataExport.objects.filter(user=request.user).first()
    return render(
        request, "people/account.html", {"reminder_form": form, "latest_export": latest_export}, status=status
    )


@login_required
@require_POST
def request_data_export(request):
    _export, new = tasks.request_data_export(request.user)
    if new:
        messages.success(
            request,
            _(
                "We are preparing a copy of your data. We will email you a download link when it is ready; "
                "the link works for %(days)d days."
            )
            % {"days": expire_days()},
        )
    else:
        messages.info(request, _("We are already preparing a copy of your data: we will email you when it is ready."))
    return redirect("account")


@login_required
def download_data_export(request, token):
    export = access_data_export(request.user, token)
    if export.is_expired:
        return render(request, "people/data_export_unavailable.html", {"export": export, "expired": True}, status=410)
    if export.status != DataExport.Status.READY or not export.file:
        return render(request, "people/data_export_unavailable.html", {"export": export, "expired": False}, status=404)
    stamp = timezone.localtime(export.ready_at).strftime("%Y-%m-%d")
    return FileResponse(
        export.file.open("rb"), as_attachment=True, filename=f"my-data-{stamp}.zip", content_type="application/zip"
    )


@login_required
@require_http_methods(["GET", "POST"])
def reminder_settings(request):
    """The Account page's reminders form posts here; opened (a bookmark, a reload), the address leads to it."""
    if request.method != "POST":
        return redirect(reverse("account") + "#reminders-heading")
    form = ReminderSettingsForm.for_user(request.user, stopped_kinds(request.user), data=request.POST)
    if form.is_valid():
        set_stopped(request.user, form.stopped())
        messages.success(request, _("Your reminder emails are saved."))
        return redirect("account")
    return account_page(request, reminder_form=form, status=400)


@login_required
def delete_account(request):
    if request.method == "POST":
        form = DeleteAccountForm(request.POST, user=request.user)
        if form.is_valid():
            services.delete_account(request.user)
            logout(request)
            messages.success(request, _("Your account has been deleted and your personal details removed."))
            return redirect("home")
    else:
        form = DeleteAccountForm(user=request.user)
    status = 429 if form.too_many_tries else 400 if form.errors else 200
    return render(request, "people/delete_account.html", {"form": form}, status=status)
