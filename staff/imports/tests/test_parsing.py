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
