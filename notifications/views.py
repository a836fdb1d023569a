from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import services
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
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect("notifications")
