"""Once matched, the mentee's other open requests: each withdrawn in one click, its mentor thanked.

The page is the confirmation (it says what will happen, and works without JavaScript): each request
has its own small form, and its button withdraws that one (``relationships.withdraw_request`` with
``matched_elsewhere``: the mentor gets the polite ``request_withdrawn_matched`` email).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import selectors
from ..services import relationships
from ..services.base import Refused


@login_required
def other_requests(request, pk: int):
    rel = selectors.access_party_relationship(request.user, pk)
    if rel.role_of(request.user) != "mentee":
        raise Http404("No such page")
    if not rel.is_matched:
        messages.info(request, _("Once a mentor accepts your request, your other open requests are listed here."))
        return redirect("relationship", rel.pk)
    waiting = selectors.other_open_requests(rel)
    if request.method == "POST":
        chosen = next((r for r in waiting if str(r.pk) == request.POST.get("request", "")), None)
        if chosen is None:
            messages.error(request, _("That request is no longer waiting, so there is nothing to withdraw."))
            return redirect("other_requests", rel.pk)
        try:
            relationships.withdraw_request(
                chosen, request.user, _("Matched with another mentor"), matched_elsewhere=True
            )
        except Refused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                _("Your request to %(name)s has been withdrawn. They have been thanked and told you have a mentor.")
                % {"name": chosen.mentor.display_name},
            )
        return redirect("other_requests", rel.pk)
    return render(
        request,
        "journeys/other_requests.html",
        {"relationship": rel, "other": rel.mentor, "waiting": waiting, "nav": "relationships"},
    )
