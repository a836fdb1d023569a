"""Read a PDF back (pypdf): its text, whitespace folded, and its title."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-"), data[:20]
    reader = PdfReader(BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def pdf_title(data: bytes) -> str:
    return PdfReader(BytesIO(data)).metadata.title or ""


def pdf_language(data: bytes) -> str:
    """The language the PDF says it is written in (its catalogue's /Lang), "" when it says none."""
    return str(PdfReader(BytesIO(data)).trailer["/Root"].get("/Lang", ""))


def pdf_shows_its_title(data: bytes) -> bool:
    """Whether a PDF reader is asked to show the title (not the file name) in its window."""
    prefs = PdfReader(BytesIO(data)).trailer["/Root"].get("/ViewerPreferences")
    return bool(prefs and prefs.get_object().get("/DisplayDocTitle"))
