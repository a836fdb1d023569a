"""The 403 page: one sentence saying why, and never an exception's own text; the 405 page.

A ``PermissionDenied`` raised anywhere (viewflow's task pages, Django's own checks) carries text
written for developers, such as viewflow's ``Start :: no transition from "DONE"``: the page shows
none of it, only that the page is not available. A refusal whose reason was written for the person
refused raises ``Denied(reason)``, and the page says that reason instead, alone.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token


class Denied(PermissionDenied):
    """A 403 whose ``reason`` (a translated sentence) is shown on the page."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@requires_csrf_token
def permission_denied(request, exception=None):
    """``handler403``: Django's ``permission_denied``, given a reason only when it is a ``Denied``'s."""
    reason = exception.reason if isinstance(exception, Denied) else None
    return render(request, "403.html", {"reason": reason}, status=403)


class MethodNotAllowedPage:
    """An address that only takes a form's POST (``require_POST``), opened with a GET from a bookmark,
    the history or a reload, answered Django's empty 405: the same status and Allow header, with a
    page that says what the address is for and that nothing was changed."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and request.method == "GET" and not response.content:
            page = render(request, "405.html", status=405)
            if allowed := response.get("Allow"):
                page["Allow"] = allowed
            return page
        return response
