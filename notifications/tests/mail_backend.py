"""The mail backend of the test worker: a mailbox on disk, and an SMTP server that can go down.

Each message is written to ``EMAIL_FILE_PATH`` exactly as Django's file backend does, so the
test process can read what the worker sent. While a file named ``SMTP_DOWN`` exists in that
directory, the backend instead talks real SMTP to ``127.0.0.1:<port written in the file>``
(a closed port in the tests), so the send fails the way it does when the mail server is down.
"""

from __future__ import annotations

from pathlib import Path

from django.core.mail.backends import filebased, smtp

SWITCH_NAME = "SMTP_DOWN"


class FileOrRefusedSMTPBackend(filebased.EmailBackend):
    def _down_port(self) -> int | None:
        try:
            return int((Path(self.file_path) / SWITCH_NAME).read_text().strip())
        except (OSError, ValueError):
            return None

    def send_messages(self, email_messages):
        port = self._down_port()
        if port is not None:
            backend = smtp.EmailBackend(host="127.0.0.1", port=port, timeout=5, fail_silently=self.fail_silently)
            return backend.send_messages(email_messages)
        return super().send_messages(email_messages)
