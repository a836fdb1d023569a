from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from . import services
from .forms import DeleteAccountForm, ProfileForm
from .models import Profile


def home(request):
    if request.user.is_authenticated:
        return redirect("relationships")
    return render(request, "people/landing.html")


@login_required
def profile(request):
    instance, _ = Profile.objects.get_or_create(user=request.user)
    was_complete = instance.is_complete
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=instance, user=request.user)
        if form.is_valid():
            saved = services.save_profile(form, request.user)
            messages.success(request, "Your profile has been saved.")
            if saved.is_complete and not was_complete and saved.is_mentee:
                messages.info(request, "Your profile is complete. Now let's find you a mentor.")
                return redirect("find_mentor")
            return redirect("profile")
        messages.error(request, "Please correct the highlighted fields.")
    else:
        form = ProfileForm(instance=instance, user=request.user)
    return render(request, "people/profile.html", {"form": form, "profile": instance, "nav": "profile"})


@login_required
def account(request):
    from notifications.forms import ReminderSettingsForm
    from notifications.reminders import stopped_kinds

    form = ReminderSettingsForm.for_user(request.user, stopped_kinds(request.user))
    return render(request, "people/account.html", {"reminder_form": form})


@login_required
def delete_account(request):
    if request.method == "POST":
        form = DeleteAccountForm(request.POST, user=request.user)
        if form.is_valid():
            services.delete_account(request.user)
            logout(request)
            messages.success(request, "Your account has been deleted and your personal details removed.")
            return redirect("home")
    else:
        form = DeleteAccountForm(user=request.user)
    return render(request, "people/delete_account.html", {"form": form})
