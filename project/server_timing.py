"""The ``Server-Timing`` response header: where a request spent its time on the server.

Browsers' developer tools show the header next to each request, and ``make bench`` reads it
to tell the search apart from the rest of the page. ``ServerTimingMiddleware`` (first in
``MIDDLEWARE``) adds ``total``, the whole request inside Django; a view adds its own parts with
``timed(request, "search")``. Off unless ``SERVER_TIMING`` is set (it is on with ``DEBUG``):
the durations tell a visitor a little about the server.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

from django.conf import settings


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not getattr(settings, "SERVER_TIMING", False):
            return self.get_response(request)
        started = time.perf_counter()
        request.server_timing = []
        response = self.get_response(request)
        parts = [*request.server_timing, ("total", (time.perf_counter() - started) * 1000)]
        response["Server-Timing"] = ", ".join(f"{name};dur={ms:.3f}" for name, ms in parts)
        return response


@contextmanager
def timed(request, name: str):
    """Time the block as ``name`` in the request's ``Server-Timing`` header (when it is on)."""
    parts = getattr(request, "server_timing", None)
    if parts is None:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        parts.append((name, (time.perf_counter() - started) * 1000))


def parse(header: str) -> dict[str, float]:
    """``{"search": 3.2, "total": 9.1}`` from a ``Server-Timing`` header."""
    durations: dict[str, float] = {}
    for entry in header.split(","):
        name, _, rest = entry.strip().partition(";")
        for param in rest.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "dur" and name:
                try:
                    durations[name] = float(value)
                except ValueError:
                    pass
    return durations
