"""Checks for uploaded files: a size limit, an allow-list of types by content, no markup, and a
name that agrees with the content (``check_upload``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from project.text import or_list

from ..models import text_file_name
from .base import Refused

TEXT = "text/plain"
# Markup a browser would run (HTML, SVG, XML): text that is one is refused, whatever its name.
MARKUP = "text/html"
_MARKUP_RE = re.compile(
    rb"<\s*(?:!doctype\s+html|\?xml|html|head|body|script|svg|iframe|frame|object|embed|form|meta|link|style|img|"
    rb"base|math|template|xsl:|x:)[\s/>]",
    re.IGNORECASE,
)

# What each type's file name may end in (Office Open XML files are ZIP archives; filetype recognises
# them by their parts). A text file may be named anything but these, and downloads ending in ".txt".
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "image/gif": (".gif",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (".pptx",),
}
KINDS = {
    "application/pdf": gettext_lazy("a PDF"),
    "image/png": gettext_lazy("a PNG image"),
    "image/jpeg": gettext_lazy("a JPEG image"),
    "image/gif": gettext_lazy("a GIF image"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": gettext_lazy("a Word document"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": gettext_lazy("an Excel spreadsheet"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": gettext_lazy(
        "a PowerPoint presentation"
    ),
    TEXT: gettext_lazy("plain text"),
}
_IMAGES = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF"}


def accepted_kinds() -> str:
    """The kinds of file ATTACHMENT_ALLOWED_TYPES accepts, in words (the hint under "Add file" and the
    refusal of another kind): "a PDF, a Word document, an image (PNG, JPEG or GIF) or plain text"."""
    allowed = [m for m in settings.ATTACHMENT_ALLOWED_TYPES if m in KINDS]
    kinds = [str(KINDS[m]) for m in allowed if m not in _IMAGES and m != TEXT]
    images = [_IMAGES[m] for m in allowed if m in _IMAGES]
    if images:
        kinds.append(_("an image (%(types)s)") % {"types": or_list(images)})
    if TEXT in allowed:
        kinds.append(str(KINDS[TEXT]))
    return or_list(kinds)


# Names a text file may not have: another type's, or one a computer would open as a page or a program.
_NOT_TEXT_EXTENSIONS = {ext for exts in EXTENSIONS.values() for ext in exts} | {
    ".htm", ".html", ".xhtml", ".shtml", ".svg", ".svgz", ".xml", ".xsl", ".mht", ".mhtml", ".js", ".mjs",
    ".hta", ".url", ".webloc", ".desktop", ".exe", ".bat", ".cmd", ".com", ".ps1", ".vbs", ".jar", ".sh",
    ".doc", ".xls", ".ppt", ".rtf", ".zip",
}  # fmt: skip


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    name: str  # the name it is stored and downloaded under


def sniff(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    # No magic number: accept as plain text only if it decodes as UTF-8 without control bytes...
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(ord(c) < 9 or 13 < ord(c) < 32 for c in text):
        return None
    # ...and is not markup anywhere in it (the whole file, up to the size limit: a page can start
    # with a screen of text).
    if len(head) == 8192:
        head = upload.read()
        upload.seek(0)
    return MARKUP if _MARKUP_RE.search(head) else TEXT


def _extension(name: str) -> str:
    return PurePath(name).suffix.lower()


def name_as_written(name: str) -> str:
    """The file's name as the person wrote it: browsers send a double quote in a file name as "%22" (the
    HTML standard's multipart/form-data encoding, which leaves every other character as it is)."""
    return name.replace("%22", '"')


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """The detected content type and the name to keep, or refuse with a message the person understands."""
    upload.name = name_as_written(upload.name)
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise Refused(
            _("“%(name)s” is too large: files can be up to %(megabytes)d MB.")
            % {"name": upload.name, "megabytes": limit // (1024 * 1024)}
        )
    if upload.size == 0:
        raise Refused(_("“%(name)s” is empty.") % {"name": upload.name})
    mime = sniff(upload)
    if mime == MARKUP:
        raise Refused(
            _(
                "“%(name)s” is a web page or other markup (HTML, SVG or XML), which could run code when "
                "opened, so it cannot be attached. Please save it as a PDF, or paste its text into your message."
            )
            % {"name": upload.name}
        )
    if mime is None or mime not in settings.ATTACHMENT_ALLOWED_TYPES:
        raise Refused(
            _("“%(name)s” is not a type of file we accept. Please attach %(kinds)s.")
            % {"name": upload.name, "kinds": accepted_kinds()}
        )
    name = upload.name[:196]
    extension = _extension(name)
    if mime == TEXT:
        if extension in _NOT_TEXT_EXTENSIONS:
            raise Refused(_mismatch(upload.name, mime, extension, (".txt",)))
        return CheckedUpload(mime, text_file_name(name))
    expected = EXTENSIONS.get(mime)
    if expected is not None and extension not in expected:
        raise Refused(_mismatch(upload.name, mime, extension, expected))
    return CheckedUpload(mime, name)


def _mismatch(name: str, mime: str, extension: str, expected: tuple[str, ...]) -> str:
    kind = KINDS.get(mime, mime)
    if extension:
        text = _(
            "“%(name)s” is named as a “%(extension)s” file but it is %(kind)s. Please attach the file you "
            "meant, or rename it to end in “%(expected)s”."
        )
    else:
        text = _(
            "“%(name)s” has no ending saying what kind of file it is; it is %(kind)s. Please rename it to "
            "end in “%(expected)s”."
        )
    return text % {"name": name, "extension": extension, "kind": kind, "expected": expected[0]}
