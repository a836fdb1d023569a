"""`manage.py receive_support_email`: one email on standard input, an answer to a programme reply.

For a mail server that delivers to a program (Postfix ``pipe``, Exim ``pipe`` transport, a
``.forward`` / aliases ``|command``): the whole RFC 822 message on stdin, the envelope recipient
in ``--recipient`` (or ``$ORIGINAL_RECIPIENT`` / ``$RECIPIENT``, which Postfix and Exim set). No
shared secret: whoever can run this command on the server already has the database.

Exit codes tell the mail server what to do: 0 taken (or an automatic message, ignored), 65 not an
email (EX_DATAERR), 67 no such reply address, or a concern's answered from another address than its
raiser's (EX_NOUSER: the server bounces it to the sender).
"""

from __future__ import annotations

import os
import sys

from django.core.management.base import BaseCommand, CommandParser

from support import inbound

EXIT = {"added": 0, "ignored": 0, "empty": 0, "bad": 65, "unknown": 67, "refused": 67}


class Command(BaseCommand):
    help = "Read one email (RFC 822) on stdin and add it to its conversation (a Contact message's or a concern's)."
    stealth_options = ("stdin",)  # tests pass the message in

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--recipient", default="", help="The envelope recipient (default: $ORIGINAL_RECIPIENT).")

    def handle(self, *args, **options) -> None:
        recipient = options["recipient"] or os.environ.get("ORIGINAL_RECIPIENT") or os.environ.get("RECIPIENT", "")
        stdin = getattr(options.get("stdin"), "buffer", None) or options.get("stdin") or sys.stdin.buffer
        raw = stdin.read(inbound.MAX_BYTES + 1)
        if isinstance(raw, str):
            raw = raw.encode()
        outcome = inbound.receive(raw, recipient)
        self.stderr.write(outcome.status)
        if EXIT[outcome.status]:
            sys.exit(EXIT[outcome.status])
