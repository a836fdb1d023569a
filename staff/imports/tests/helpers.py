"""Spreadsheets for the tests: CSV text and XLSX workbooks built in memory."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from people.models import AreaOfSupport, ProfessionalCommunity

HEADER = ["Email", "First name", "Last name", "Organisation", "Role", "Areas", "Community"]


def taxonomy():
    areas = [AreaOfSupport.objects.get_or_create(name=n)[0] for n in ("Leadership", "Career change", "Confidence")]
    communities = [ProfessionalCommunity.objects.get_or_create(name=n)[0] for n in ("Engineering", "Health")]
    return areas, communities


def csv_upload(rows: list[list[str]], *, header=HEADER, name="members.csv") -> SimpleUploadedFile:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_bytes(rows: list[list], *, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_upload(rows: list[list], *, header=HEADER, name="members.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name,
        xlsx_bytes(rows, header=header),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def member_rows(n: int, *, start: int = 0, domain: str = "example.org") -> list[list[str]]:
    roles = ("mentor", "mentee", "both")
    return [
        [f"person{i}@{domain}", f"First{i}", f"Last{i}", "Acme", roles[i % 3], "Leadership; Confidence", "Engineering"]
        for i in range(start, start + n)
    ]
