"""A list of email addresses, typed, pasted or uploaded (a matching round's mentees or mentors).

One address a line, or several separated by commas or semicolons, each written as addresses are
usually copied: ``anna@example.org``, ``<anna@example.org>``, ``Anna Smith <anna@example.org>`` or
``"Smith, Anna" <anna@example.org>``; space around them and a separator at the end are fine. A line
with anything else on it (``anna@example.org blah``, ``anna@example.org, xyz``) is not read for the
addresses it holds: it is named, as written, for staff to correct, so nobody is taken from a line
that may not mean them.

An uploaded file may start with a heading line (no address in it). When that heading names an email
column among others (as the members list's export does: ``Name,Email address,…``), that column is
read, each of its cells one address (``staff.imports.parsing.column_key`` reads the heading).

An uploaded Excel workbook (``.xlsx``: its first sheet, ``staff.imports.parsing.xlsx_records``) is
read the same way, each row a line of its cells: under a heading naming an email column among others,
that column; otherwise each cell of a row is an address (or several, as on a line), and a row with
anything else in it is named, its cells joined by commas, and none of its addresses taken.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from staff.imports.parsing import column_key

_ADDRESS = r"[^\s,;<>\"@]+@[^\s,;<>\"@]+"
# An address alone, or in angle brackets after a name (quoted, or any words without brackets, quotes or @).
_ONE = re.compile(rf"(?:(?:\"[^\"]*\"|[^<>\"@]*?)\s*<\s*(?P<named>{_ADDRESS})\s*>|(?P<bare>{_ADDRESS}))")
_SEPARATORS = ",;"


@dataclass
class AddressList:
    emails: list[str] = field(default_factory=list)  # lower-cased, once each, in the list's order
    not_addresses: list[str] = field(default_factory=list)  # the lines that are not addresses, as written, once each
    from_sheet: bool = False  # read from a workbook: its lines are rows

    def add(self, line: str, found: list[str] | None) -> None:
        if found is None:
            self.not_addresses.append(line)
        else:
            self.emails.extend(found)

    def once_each(self) -> AddressList:
        return AddressList(
            list(dict.fromkeys(self.emails)), list(dict.fromkeys(self.not_addresses)), from_sheet=self.from_sheet
        )


def address(text: str) -> str | None:
    """The one address ``text`` is (alone, or ``Name <address>``), lower-cased; None when it is anything else."""
    match = _ONE.fullmatch(text.strip())
    if match is None:
        return None
    found = match.group("named") or match.group("bare")
    try:
        validate_email(found)
    except ValidationError:
        return None
    return found.lower()


def _parts(line: str) -> list[str] | None:
    """The line cut at its commas and semicolons (not those inside quotes), empty parts dropped; None
    when a quote is left open."""
    parts, current, quoted = [], [], False
    for char in line:
        if char == '"':
            quoted = not quoted
        if char in _SEPARATORS and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return None if quoted else [part for part in parts if part.strip()]


def addresses_on(line: str) -> list[str] | None:
    """The addresses on one line, or None when there is anything else on it."""
    parts = _parts(line)
    if parts is None:
        return None
    found = [address(part) for part in parts]
    return None if None in found else found


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def read_typed(text: str) -> AddressList:
    """The addresses typed or pasted into a box, and the lines that are not addresses."""
    read = AddressList()
    for line in _lines(text):
        read.add(line, addresses_on(line))
    return read.once_each()


def read_uploaded(text: str) -> AddressList:
    """The addresses in an uploaded file's text, and the lines that are not addresses: as typed, after
    a heading line if there is one; under a heading naming an email column among others, that column."""
    lines = _lines(text)
    if not lines or "@" in lines[0]:
        return read_typed(text)
    heading, body = lines[0], lines[1:]
    dialect = _dialect(heading)
    columns = [column_key(name) for name in next(csv.reader([heading], dialect))]
    if len(columns) < 2 or "email" not in columns:
        return read_typed("\n".join(body))
    at = columns.index("email")
    read = AddressList()
    for line in body:
        cells = next(csv.reader([line], dialect), [])
        found = address(cells[at]) if at < len(cells) else None
        read.add(line, None if found is None else [found])
    return read.once_each()


def read_sheet(records: list[list[str]]) -> AddressList:
    """The addresses in a workbook's rows of cells (``staff.imports.parsing.xlsx_records``), and the rows
    that are not addresses, read as ``read_uploaded`` reads a file's lines: after a heading row if there
    is one; under a heading naming an email column among others, that column."""
    rows = [cells for cells in ([str(cell).strip() for cell in record] for record in records) if any(cells)]
    read = AddressList(from_sheet=True)
    if not rows:
        return read
    at = None
    if not any("@" in cell for cell in rows[0]):
        heading, rows = rows[0], rows[1:]
        columns = [column_key(cell) for cell in heading]
        if sum(1 for cell in heading if cell) >= 2 and "email" in columns:
            at = columns.index("email")
    for cells in rows:
        shown = ", ".join(cell for cell in cells if cell)
        if at is None:
            found = [addresses_on(cell) for cell in cells if cell]
            read.add(shown, None if None in found else [email for part in found for email in part])
        else:
            email = address(cells[at]) if at < len(cells) and cells[at] else None
            read.add(shown, None if email is None else [email])
    return read.once_each()


def _dialect(heading: str):
    try:
        return csv.Sniffer().sniff(heading, delimiters=",;\t")
    except csv.Error:
        return csv.excel
