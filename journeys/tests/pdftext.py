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
