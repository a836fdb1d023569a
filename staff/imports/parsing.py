"""Reading an uploaded spreadsheet (CSV or XLSX) into rows of named cells.

CSV text is UTF-8, Windows text (cp1252) or UTF-16 with its byte order mark (Excel's "Unicode
text"), its cells separated by commas, semicolons or tabs (``csv.Sniffer`` tells which).

The first row names the columns; names are matched loosely ("First name", "first_name" and
"Forename" are all the first name). Unknown columns are ignored; a file without an email column
is refused with a sentence that says so.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000

# Our column names and the headers (lower case, letters only) that mean them.
COLUMNS = {
    "email": ("email", "emailaddress", "mail"),
    "first_name": ("firstname", "forename", "givenname"),
    "last_name": ("lastname", "surname", "familyname"),
    "organisation": ("organisation", "organization", "employer", "company"),
    "role": ("role", "mentorormentee", "takespartas", "type", "registeras"),
    "areas": ("areas", "area", "areasofsupport", "supportareas"),
    "community": ("community", "professionalcommunity"),
}
_LOOKUP = {re.sub(r"[^a-z]", "", alias): key for key, aliases in COLUMNS.items() for alias in aliases}


class UnreadableFile(Exception):
    """The file cannot be read as a spreadsheet of members; ``str()`` is the sentence to show."""


@dataclass
class Sheet:
    columns: list[str]  # the known columns found, in our names
    rows: list[tuple[int, dict[str, str]]]  # (line number, cells by our column names)


def column_key(header: str) -> str | None:
    return _LOOKUP.get(re.sub(r"[^a-z]", "", str(header or "").lower()))


def read(upload) -> Sheet:
    """The rows of an uploaded ``.csv`` or ``.xlsx`` file."""
    name = (getattr(upload, "name", "") or "").lower()
    if getattr(upload, "size", 0) > MAX_BYTES:
        raise UnreadableFile(_("The file is too large: upload at most 5 MB."))
    data = upload.read()
    if is_xlsx(name, data):
        records = xlsx_records(data)
    elif name.endswith((".csv", ".txt")) or not name:
        records = _csv_records(data)
    else:
        raise UnreadableFile(_("Upload a CSV file or an Excel workbook (.xlsx)."))
    return _sheet(records)


def decode_text(data: bytes) -> str:
    """The file's text, or a refusal that says we could not read it (an import's file, and a matching
    round's uploaded list of addresses).

    UTF-16, little- or big-endian, when the file starts with its byte order mark (Excel's
    "Unicode text"); otherwise UTF-8 (with or without a byte order mark), then Windows text
    (cp1252). Text with NUL characters is refused: it is UTF-16 without a byte order mark, or
    not text at all, and read as either of the others it would be garbage.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)  # the codec reads the byte order from the mark and drops it
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
        break
    raise UnreadableFile(_("We could not read the file's text: save it as CSV (UTF-8)."))


def _csv_records(data: bytes) -> list[list[str]]:
    text = decode_text(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as exc:
        raise UnreadableFile(_("The CSV file is malformed (%(error)s).") % {"error": exc}) from None


def is_xlsx(name: str, data: bytes) -> bool:
    """Whether an upload is to be read as an Excel workbook: named ``.xlsx``, or a zip file (as a workbook is:
    its first bytes are a zip entry's mark, never text such as ``PKumar@example.org``)."""
    return (name or "").lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04"


def xlsx_records(data: bytes) -> list[list[str]]:
    """The cells of a workbook's first sheet, row by row, as text ("" for an empty cell); a file that is not
    a workbook is refused (an import's file, and a matching round's uploaded list of addresses)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise UnreadableFile(_("We could not open that file as an Excel workbook (.xlsx).")) from None
    try:
        sheet = workbook.worksheets[0]
        return [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _sheet(records: list[list[str]]) -> Sheet:
    numbered = [(n, r) for n, r in enumerate(records, start=1) if any(str(c).strip() for c in r)]
    if not numbered:
        raise UnreadableFile(_("The file is empty."))
    (_first, header), body = numbered[0], numbered[1:]
    keys = [column_key(h) for h in header]
    if "email" not in keys:
        raise UnreadableFile(
            _(
                "The first row must name the columns, one of them the email address (for example: email, "
                "first name, last name, organisation, role, areas, community)."
            )
        )
    if len(body) > MAX_ROWS:
        raise UnreadableFile(_("The file has more than %(max)s rows: split it into smaller files.") % {"max": MAX_ROWS})
    rows = []
    for number, record in body:
        cells = {key: "" for key in COLUMNS}
        for key, value in zip(keys, record, strict=False):
            if key and not cells[key]:
                cells[key] = str(value).strip()
        rows.append((number, cells))
    return Sheet(columns=[k for k in COLUMNS if k in keys], rows=rows)
