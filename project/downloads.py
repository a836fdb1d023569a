"""A file a person downloads from a page (a PDF, an .ics, a CSV): its headers, said once."""

from __future__ import annotations

from django.http import HttpResponse


def attachment(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    """``content`` as a download named ``filename``, kept out of shared caches (it is someone's own)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
