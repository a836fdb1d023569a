"""Reading CSV and XLSX files: columns matched loosely, line numbers kept, bad files refused in words."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from staff.imports import parsing

from .helpers import csv_upload, xlsx_upload


def test_a_csv_file_is_read_with_its_columns_named_loosely():
    upload = SimpleUploadedFile(
        "m.csv", "E-mail;Forename;Surname;Organization;Role\nada@x.org;Ada;Lovelace;Acme;Mentor\n".encode("utf-8-sig")
    )
    sheet = parsing.read(upload)
    assert sheet.columns == ["email", "first_name", "last_name", "organisation", "role"]
    assert sheet.rows == [
        (
            2,
            {
                "email": "ada@x.org",
                "first_name": "Ada",
                "last_name": "Lovelace",
                "organisation": "Acme",
                "role": "Mentor",
                "areas": "",
                "community": "",
            },
        )
    ]


def test_an_xlsx_workbook_is_read_like_a_csv_file():
    rows = [["ada@x.org", "Ada", "Lovelace", "Acme", "mentor", "Leadership", "Engineering"], [None] * 7, ["bo@x.org"]]
    sheet = parsing.read(xlsx_upload(rows))
    assert [line for line, _cells in sheet.rows] == [2, 4]  # the empty row is skipped, numbers kept
    assert sheet.rows[0][1]["community"] == "Engineering"
    assert sheet.rows[1][1] == {**dict.fromkeys(parsing.COLUMNS, ""), "email": "bo@x.org"}
    assert parsing.read(csv_upload(rows[:1])).rows[0] == sheet.rows[0]


def test_windows_text_is_read():
    upload = SimpleUploadedFile("m.csv", "email,first name\nzoe@x.org,Zoë\n".encode("cp1252"))
    assert parsing.read(upload).rows[0][1]["first_name"] == "Zoë"


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("m.csv", b"", "empty"),
        ("m.csv", b"name,phone\nAda,1\n", "email address"),
        ("m.xlsx", b"PK not really a workbook", "Excel workbook"),
        ("m.pdf", b"%PDF-1.4", "CSV file or an Excel workbook"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_reason(name, content, says):
    with pytest.raises(parsing.UnreadableFile, match=says):
        parsing.read(SimpleUploadedFile(name, content))


EXCEL_UNICODE_TEXT = (
    "Email\tFirst name\tLast name\tRole\tAreas\r\n"
    "u16@example.org\tZoë\tŁukasiewicz\tmentor\tLeadership, Confidence\r\n"
    "bo@example.org\tBo\tChen\tmentee\tCareer change\r\n"
)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_text_with_its_byte_order_mark_is_read(encoding):
    """Excel's "Unicode text": UTF-16 with a byte order mark (little- or big-endian), tab-separated."""
    bom = {"utf-16": b"", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}[encoding]
    upload = SimpleUploadedFile("members.txt", bom + EXCEL_UNICODE_TEXT.encode(encoding))
    sheet = parsing.read(upload)
    assert sheet.columns == ["email", "first_name", "last_name", "role", "areas"]
    assert [cells["email"] for _line, cells in sheet.rows] == ["u16@example.org", "bo@example.org"]
    assert sheet.rows[0][1]["last_name"] == "Łukasiewicz"
    assert sheet.rows[0][1]["areas"] == "Leadership, Confidence"  # a comma in a cell does not split it


def test_a_tab_separated_file_is_read_even_when_cells_hold_commas():
    text = "email\tfirst name\tareas\na@x.org\tAda\tLeadership, Confidence\nb@x.org\tBo\tCareer change, Confidence\n"
    sheet = parsing.read(SimpleUploadedFile("m.csv", text.encode("utf-8")))
    assert sheet.rows[1][1]["areas"] == "Career change, Confidence"


def test_utf16_text_without_a_byte_order_mark_is_refused_not_read_as_garbage():
    upload = SimpleUploadedFile("m.csv", "email\tfirst name\nu16@example.org\tZoe\n".encode("utf-16-le"))
    with pytest.raises(parsing.UnreadableFile, match="could not read the file's text"):
        parsing.read(upload)
