"""Logging: one line per expected refusal, not a traceback.

Django logs every 403 on ``django.request`` with the exception's traceback. Our refusals are
expected (``project.errors.Denied``, a participant opening someone else's step, a page for staff
only): ``QuietForbidden`` keeps the one line ("Forbidden (Permission denied): /path/") and drops
the traceback. Django's own ``django`` logger hands its records to the root handler only (it also
had a console handler of its own with DEBUG on, which printed each one twice).
"""

from __future__ import annotations

import logging


class QuietForbidden(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
