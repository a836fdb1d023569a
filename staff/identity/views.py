"""Staff → Programme settings (programme managers), and the logo every page shows."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from project import identity
from project.colour import AA, contrast
from project.roles import MANAGE, staff_required

from . import services
from .forms import IdentityForm, text_colour_name
from .models import SINGLETON, ProgrammeIdentity


@staff_required(perm=MANAGE)
def settings_page(request):
    row = services.editable()
    if request.method == "POST":
        form = IdentityForm(request.POST, request.FILES, instance=row)
        if form.is_valid():
            services.save_identity(form, request.user)
            messages.success(request, _("The programme settings have been saved: every page and email now uses them."))
            return redirect("staff_settings")
    else:
        form = IdentityForm(instance=row)
    now = identity.current()
    colours = now.colours
    return render(
        request,
        "staff/identity/settings.html",
        {
            "form": form,
            "saved": row if row._state.adding is False else None,
            "programme": now,
            "text_colour": text_colour_name(colours.on_brand),
            "ratio": contrast(colours.brand, colours.on_brand),
            "passes": contrast(colours.brand, colours.on_brand) >= AA,
        },
    )


@require_GET
def logo(request, version: int):
    """The programme's logo, for everyone (it is on every page). The URL carries the logo's version,
    so browsers may keep it for a year: a new logo has a new address."""
    row = ProgrammeIdentity.objects.filter(pk=SINGLETON).only("logo").first()
    if row is None or not row.logo:
        raise Http404(_("No logo has been set."))
    try:
        handle = row.logo.open("rb")
    except OSError:
        raise Http404(_("No logo has been set.")) from None
    content_type = mimetypes.guess_type(row.logo.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
