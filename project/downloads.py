"""A file a person downloads from a page (a PDF, an .ics, a CSV): its headers, said once."""

from __future__ import annotations

from django.http import HttpResponse

# Every download is someone's own: kept out of shared caches.
PRIVATE = "private, no-store"


def attachment(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    """``content`` as a download named ``filename``, kept out of shared caches (it is someone's own)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = PRIVATE
    return response


# A CSV starts with the byte order mark, so Excel reads it as UTF-8: without it, Excel on Windows
# opens the file in the computer's own code page and "Zoë Łukasz" comes out as "ZoÃ« Å\x81ukasz".
# Other spreadsheets, and Python's "utf-8-sig", read the mark and drop it.
CSV_START = "\ufeff"
CSV_TYPE = "text/csv; charset=utf-8"


def csv_attachment(text: str, filename: str) -> HttpResponse:
    """A CSV download (``text`` written by ``csv.writer``), readable in Excel as written."""
    return attachment(CSV_START + text, CSV_TYPE, filename)


def csv_cell(value) -> str:
    """A spreadsheet cell that cannot start a formula (a leading =, +, -, @, tab or carriage return is
    quoted with an apostrophe), for every CSV the platform serves."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
