from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from project.roles import staff_required

from . import reminders, services
from .models import Notification


@login_required
def notification_list(request):
    page = Paginator(Notification.objects.filter(recipient=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
def open_notification(request, pk: int):
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(request.user, note.pk)
    target = note.link if url_has_allowed_host_and_scheme(note.link, allowed_hosts={request.get_host()}) else ""
    return redirect(target or "notifications")


@login_required
@require_POST
def read_all(request):
    count = services.mark_read(request.user)
    if not count:
        messages.info(request, _("Nothing was unread, so nothing was changed."))
        return redirect("notifications")
    messages.success(
        request,
        ngettext("Marked %(count)d notification as read.", "Marked %(count)d notifications as read.", count)
        % {"count": count},
    )
    return redirect("notifications")


@csrf_exempt  # the signed token is the authority; mail programs POST here with no page (RFC 8058)
@require_http_methods(["GET", "POST"])
def stop_reminders(request, token: str):
    """The link in every reminder: stop that kind of reminder, no login needed."""
    from django.contrib.auth import get_user_model

    found = reminders.read_stop_token(token)
    user = get_user_model().objects.filter(pk=found[0], is_active=True).first() if found else None
    if user is None:
        return render(request, "notifications/stop.html", {"invalid": True}, status=404)
    kind = found[1]
    stopped = reminders.is_stopped(user, kind)
    if request.method == "POST":
        reminders.stop(user, kind)
        stopped = True
    return render(
        request,
        "notifications/stop.html",
        {"kind": kind, "stopped": stopped, "person": user, "just_stopped": request.method == "POST"},
    )


@staff_required
def email_problems(request):
    """Staff: the emails that did not go (failed) or may not have gone (uncertain), with what to do."""
    from . import selectors

    page = Paginator(selectors.email_problems(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/staff_email.html",
        {"page": page, "counts": selectors.email_counts(request.user), "Email": Notification.Email, "nav": "staff"},
    )


def _decide(request, pk: int, action, done: str):
    from . import selectors

    note = selectors.access_email_problem(request.user, pk)
    try:
        action(user=request.user, note=note)
    except services.EmailNotActionable as taken:
        messages.error(
            request,
            _("The email to %(address)s is no longer waiting for a decision (it is now: %(state)s).")
            % {"address": note.email, "state": taken},
        )
    else:
        messages.success(request, done % {"address": note.email})
    return redirect("staff_email")


@staff_required
@require_POST
def email_retry(request, pk: int):
    return _decide(request, pk, services.retry_email, _("The email to %(address)s will be sent again now."))


@staff_required
@require_POST
def email_discard(request, pk: int):
    return _decide(
        request, pk, services.discard_email, _("The email to %(address)s is discarded: it will not be sent.")
    )
