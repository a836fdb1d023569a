"""Checks for uploaded files: a size limit and an allow-list of types, by content."""

from __future__ import annotations

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from .base import Refused

# Office Open XML files are ZIP archives; filetype recognises them by their parts.
TEXT_TYPES = {"text/plain"}


def sniff(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    # No magic number: accept as plain text only if it decodes as UTF-8 without control bytes.
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(ord(c) < 9 or 13 < ord(c) < 32 for c in text):
        return None
    return "text/plain"


def check_upload(upload: UploadedFile) -> str:
    """Return the detected content type, or refuse with a message the person understands."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise Refused(
            _("“%(name)s” is too large: files can be up to %(megabytes)d MB.")
            % {"name": upload.name, "megabytes": limit // (1024 * 1024)}
        )
    if upload.size == 0:
        raise Refused(_("“%(name)s” is empty.") % {"name": upload.name})
    mime = sniff(upload)
    if mime is None or mime not in settings.ATTACHMENT_ALLOWED_TYPES:
        raise Refused(
            _(
                "“%(name)s” is not a type of file we accept. Please attach a PDF, Word, Excel or PowerPoint "
                "document, an image (PNG, JPEG, GIF) or a text file."
            )
            % {"name": upload.name}
        )
    return mime
