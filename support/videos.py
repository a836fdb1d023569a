"""Checks for the videos staff upload to Resources: MP4 or WebM by content (``filetype``), a size
limit (``settings.RESOURCE_VIDEO_MAX_BYTES``), and captions that are really WebVTT."""

from __future__ import annotations

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from journeys.services.base import Refused

VIDEO_TYPES = {"video/mp4": ".mp4", "video/webm": ".webm"}
CAPTIONS_MAX_BYTES = 1024 * 1024


def check_video(upload: UploadedFile) -> str:
    """The video's content type (``video/mp4`` or ``video/webm``), or a refusal saying why not."""
    limit = settings.RESOURCE_VIDEO_MAX_BYTES
    if upload.size > limit:
        raise Refused(
            _("“%(name)s” is too large: videos can be up to %(megabytes)d MB.")
            % {"name": upload.name, "megabytes": limit // (1024 * 1024)}
        )
    if upload.size == 0:
        raise Refused(_("“%(name)s” is empty.") % {"name": upload.name})
    upload.seek(0)
    kind = filetype.guess(upload.read(8192))
    upload.seek(0)
    if kind is None or kind.mime not in VIDEO_TYPES:
        raise Refused(_("“%(name)s” is not an MP4 or WebM video.") % {"name": upload.name})
    return kind.mime


def check_captions(upload: UploadedFile) -> None:
    """Refuse anything but a WebVTT file: UTF-8 text whose first line starts with ``WEBVTT``."""
    if upload.size > CAPTIONS_MAX_BYTES:
        raise Refused(_("“%(name)s” is too large for a captions file (up to 1 MB).") % {"name": upload.name})
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = ""
    if not is_webvtt(text):
        raise Refused(
            _("“%(name)s” is not a WebVTT captions file: its first line must start with WEBVTT.")
            % {"name": upload.name}
        )


def is_webvtt(text: str) -> bool:
    """WebVTT's signature: ``WEBVTT`` alone, or followed by a space or a tab, on the first line."""
    if not text.startswith("WEBVTT"):
        return False
    rest = text[len("WEBVTT") :]
    return rest == "" or rest[0] in " \t\r\n"
