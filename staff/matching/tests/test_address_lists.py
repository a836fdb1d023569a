"""A round's list of addresses: one address a line (or several separated by commas or semicolons),
as addresses are usually copied; a line with anything else beside its addresses is named as not an
address, and none of its addresses is taken."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from staff.imports.parsing import xlsx_records
from staff.matching.addresses import AddressList, read_sheet, read_typed, read_uploaded
from staff.matching.models import Round

from .test_pages import new_round_post
from .world import small_world

JUNK_BESIDE_AN_ADDRESS = [
    "anna@example.org blah",
    "anna@example.org, xyz",
    "<anna@example.org> trailing",
    "blah anna@example.org",
    "Anna Smith anna@example.org",
    "anna@example.org; ben@example.org; and the others",
    "anna@example.org ben@example.org",
    "anna@example.org.",
    "mailto:anna@example.org",
    '"Smith, Anna <anna@example.org>',
    "Anna <anna@example.org",
    "Anna <anna@example.org> <ben@example.org>",
]


@pytest.mark.parametrize("line", JUNK_BESIDE_AN_ADDRESS)
def test_a_line_with_anything_beside_its_address_is_not_an_address_and_nothing_on_it_is_taken(line):
    assert read_typed(f"ben@example.com\n  {line}  \n") == AddressList(["ben@example.com"], [line])


def test_addresses_as_they_are_usually_copied_are_read():
    text = (
        "  ADA@example.com  \n"
        "Ben Mentee <ben@example.com>,\n"
        '"Lovelace, Ada" <ada@example.com>; <carl@example.org>;\n'
        "\n"
        "dee@example.org, eve@example.org\n"
        "Fay<fay@example.org>\n"
    )
    assert read_typed(text) == AddressList(
        [
            "ada@example.com",
            "ben@example.com",
            "carl@example.org",
            "dee@example.org",
            "eve@example.org",
            "fay@example.org",
        ]
    )


def test_an_uploaded_file_may_start_with_a_heading_or_be_read_by_its_email_column():
    assert read_uploaded("email\nada@example.com\nBen <ben@example.com>\n") == AddressList(
        ["ada@example.com", "ben@example.com"]
    )
    # The members list's export: the column headed "Email address" is read, the others are not.
    export = (
        "Name,Email address,Role,Organisation\n"
        "Ada Mentee,ADA@example.com,Mentee,Acme\n"
        '"Mentee, Ben",ben@example.com,Mentee,"Bolt, Transport"\n'
        "Carl,carl@example.org blah,Mentee,Acme\n"
        "Dee,,Mentee,Acme\n"
    )
    assert read_uploaded(export) == AddressList(
        ["ada@example.com", "ben@example.com"], ["Carl,carl@example.org blah,Mentee,Acme", "Dee,,Mentee,Acme"]
    )
    assert read_uploaded("email;name\nada@example.com;Ada\n") == AddressList(["ada@example.com"])


# -- generated lists ----------------------------------------------------------------------------------

_WORD = r"[a-z0-9]{1,20}"
emails = st.from_regex(rf"{_WORD}(?:[._+-]{_WORD})?@{_WORD}(?:-{_WORD})?\.[a-z]{{2,6}}", fullmatch=True)
names = st.from_regex(r"[A-Za-z][A-Za-z .'-]{0,20}", fullmatch=True)
quoted_names = st.from_regex(r"[A-Za-z ,;'.-]{1,20}", fullmatch=True).map(lambda name: f'"{name}"')


@st.composite
def copied(draw, email):
    """``email`` as it may be copied: alone, in angle brackets, after a name (quoted or not), with spaces."""
    form = draw(st.sampled_from(["{e}", "<{e}>", "{n} <{e}>", "{q} <{e}>", "{n}<{e}>"]))
    written = form.format(e=email, n=draw(names), q=draw(quoted_names))
    return draw(st.sampled_from(["", " ", "\t"])) + written + draw(st.sampled_from(["", " "]))


@st.composite
def address_lists(draw):
    addresses = draw(st.lists(emails, min_size=1, max_size=8))
    text = ""
    for email in addresses:
        text += draw(copied(email)) + draw(st.sampled_from(["\n", ",", ", ", "; ", ",\n", ";\r\n", "\n\n"]))
    return addresses, text


@given(address_lists())
def test_every_address_copied_in_a_usual_form_is_read_once_in_order(generated):
    addresses, text = generated
    assert read_typed(text) == AddressList(list(dict.fromkeys(a.lower() for a in addresses)))


# Words beside an address: anything on one line with something other than spaces and separators in it,
# and no @ (another address beside it may be a list, but "@" alone is junk too: see the examples above).
junk = st.text(
    st.characters(blacklist_categories=["Cs", "Zl", "Zp", "Cc"], blacklist_characters="@"), min_size=1
).filter(lambda words: re.sub(r"[\s,;]", "", words))


@given(emails, junk, st.sampled_from([" ", ", ", "; ", "\t"]), st.booleans())
def test_an_address_with_words_beside_it_is_refused_with_its_line(email, words, between, after):
    line = f"{email}{between}{words}" if after else f"{words}{between}{email}"
    read = read_typed(f"ok@example.org\n{line}")
    assert read.emails == ["ok@example.org"]
    assert read.not_addresses == [line.strip()]


@given(st.text())
def test_any_text_is_read_without_error_and_every_line_is_either_addresses_or_named(text):
    read = read_typed(text)
    assert len(read.not_addresses) <= len(text.splitlines())
    for line in read.not_addresses:
        assert line in [row.strip() for row in text.splitlines()]


# -- the page -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_junk_line_is_refused_on_its_field_keeping_what_was_typed(client):
    w = small_world()
    client.force_login(w["staff"])
    typed = "noor@example.com\nmaya@example.com blah"
    response = client.post(reverse("staff_matching_new"), new_round_post(mentors="list", mentor_emails=typed))
    assert response.status_code == 400
    message = "1 line is not an email address: “maya@example.com blah”. Correct or remove it."
    assert response.context["form"].errors == {"mentor_emails": [message]}
    text = response.content.decode()
    assert f'<p class="error" id="id_mentor_emails_error">{message} </p>' in text
    assert 'aria-describedby="id_mentor_emails_helptext id_mentor_emails_error"' in text
    assert "noor@example.com\nmaya@example.com blah</textarea>" in text
    assert not Round.objects.exists()


@pytest.mark.django_db
def test_the_members_export_uploaded_opens_a_round_with_its_addresses(client):
    w = small_world()
    client.force_login(w["staff"])
    export = b"Name,Email address,Role\nAda Mentee,ada@example.com,Mentee\nBen Mentee,ben@example.com,Mentee\n"
    upload = SimpleUploadedFile("members.csv", export, content_type="text/csv")
    response = client.post(reverse("staff_matching_new"), new_round_post(mentees="list", mentee_file=upload))
    assert response.status_code == 302
    round_ = Round.objects.get()
    assert sorted(round_.mentees.values_list("mentee__email", flat=True)) == ["ada@example.com", "ben@example.com"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "encoded",
    [
        # Excel's "CSV" on Windows: Windows text (cp1252), the accent one byte not UTF-8 can read.
        "Name,Email address\r\nAda Müller,ada@example.com\r\nBen José,ben@example.com\r\n".encode("cp1252"),
        # Excel's "Unicode text": UTF-16 with its byte order mark, cells separated by tabs.
        "Name\tEmail address\r\nAda Müller\tada@example.com\r\nBen José\tben@example.com\r\n".encode("utf-16"),
    ],
    ids=["windows-csv", "unicode-text"],
)
def test_a_list_saved_by_excel_with_accented_names_opens_a_round(client, encoded):
    w = small_world()
    client.force_login(w["staff"])
    upload = SimpleUploadedFile("mentees.csv", encoded, content_type="text/csv")
    response = client.post(reverse("staff_matching_new"), new_round_post(mentees="list", mentee_file=upload))
    assert response.status_code == 302, response.context["form"].errors
    round_ = Round.objects.get()
    assert sorted(round_.mentees.values_list("mentee__email", flat=True)) == ["ada@example.com", "ben@example.com"]


@pytest.mark.django_db
def test_a_file_that_is_not_text_is_refused_on_its_field(client):
    w = small_world()
    client.force_login(w["staff"])
    upload = SimpleUploadedFile("mentees.csv", "ada@example.com\n".encode("utf-16-le"), content_type="text/csv")
    response = client.post(reverse("staff_matching_new"), new_round_post(mentees="list", mentee_file=upload))
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "mentee_file": [
            "We could not read that file: upload a text or CSV file, or an Excel workbook (.xlsx), of email addresses."
        ]
    }
    assert not Round.objects.exists()


# -- an Excel workbook --------------------------------------------------------------------------------


def workbook(rows: list[list]) -> bytes:
    """A real .xlsx file, made by openpyxl as Excel would save it: these rows on its first sheet."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.create_sheet("Notes").append(["not@read.example.org"])  # only the first sheet is read
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_is_read_by_its_email_column_or_by_its_cells():
    # The members list's export saved as a workbook: the column headed "Email address" is read.
    export = [
        ["Name", "Email address", "Role"],
        ["Ada Mentee", "ADA@example.com", "Mentee"],
        ["Ben Mentee", "Ben <ben@example.com>", "Mentee"],
        ["Carl", "carl@example.org blah", "Mentee"],
        ["Dee", None, "Mentee"],
        [None, None, None],
    ]
    assert read_sheet(xlsx_records(workbook(export))) == AddressList(
        ["ada@example.com", "ben@example.com"], ["Carl, carl@example.org blah, Mentee", "Dee, Mentee"], from_sheet=True
    )
    # No email column: every cell is an address (or a list of them), after a heading if there is one; a row
    # with anything else in it is named, and none of its addresses taken.
    cells = [
        ["Mentees"],
        ["ada@example.com", None, "ben@example.com; carl@example.org"],
        ["Dee Smith", "dee@example.org"],
    ]
    assert read_sheet(xlsx_records(workbook(cells))) == AddressList(
        ["ada@example.com", "ben@example.com", "carl@example.org"], ["Dee Smith, dee@example.org"], from_sheet=True
    )
    assert read_sheet(xlsx_records(workbook([["eve@example.org"], ["fay@example.org"]]))).emails == [
        "eve@example.org",
        "fay@example.org",
    ]


@pytest.mark.django_db
def test_an_excel_workbook_uploaded_opens_a_round_with_its_addresses(client):
    w = small_world()
    client.force_login(w["staff"])
    data = workbook([["Name", "Email address"], ["Ada Mentee", "ada@example.com"], ["Ben Mentee", "ben@example.com"]])
    upload = SimpleUploadedFile("mentees.xlsx", data, content_type="application/vnd.ms-excel")
    response = client.post(reverse("staff_matching_new"), new_round_post(mentees="list", mentee_file=upload))
    assert response.status_code == 302, response.context["form"].errors
    round_ = Round.objects.get()
    assert sorted(round_.mentees.values_list("mentee__email", flat=True)) == ["ada@example.com", "ben@example.com"]


@pytest.mark.django_db
def test_a_workbook_row_that_is_not_an_address_is_named_on_the_file_s_field(client):
    w = small_world()
    client.force_login(w["staff"])
    data = workbook([["noor@example.com"], ["Maya", "maya@example.com"]])
    upload = SimpleUploadedFile("mentors.xlsx", data)
    response = client.post(reverse("staff_matching_new"), new_round_post(mentors="list", mentor_file=upload))
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "mentor_file": ["1 row is not an email address: “Maya, maya@example.com”. Correct or remove it."]
    }
    assert not Round.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, data",
    [
        ("mentees.xlsx", b"PK\x03\x04\x14\x00\x00\x00\x08\x00binary"),  # a broken workbook
        ("mentees.xlsx", b"ada@example.com\n"),  # text saved under a workbook's name
        ("mentees", b"PK\x03\x04\x14\x00\x00\x00\x08\x00binary"),  # a zip file by its content
    ],
    ids=["broken", "text-named-xlsx", "zip-unnamed"],
)
def test_a_broken_workbook_is_refused_on_its_field(client, name, data):
    w = small_world()
    client.force_login(w["staff"])
    upload = SimpleUploadedFile(name, data)
    response = client.post(reverse("staff_matching_new"), new_round_post(mentees="list", mentee_file=upload))
    assert response.status_code == 400
    message = (
        "We could not open that file as an Excel workbook (.xlsx): save it again from Excel, or upload a text or "
        "CSV file of email addresses."
    )
    assert response.context["form"].errors == {"mentee_file": [message]}
    assert f'<p class="error" id="id_mentee_file_error">{message} </p>' in response.content.decode()
    assert not Round.objects.exists()


@pytest.mark.django_db
def test_a_text_file_starting_with_pk_is_read_as_text_not_as_a_workbook(client):
    """Only a zip file's mark (or the name .xlsx) makes a workbook: a list headed "PK list" is text."""
    w = small_world()
    client.force_login(w["staff"])
    upload = SimpleUploadedFile("mentees.csv", b"PK list\nada@example.com\n", content_type="text/csv")
    response = client.post(reverse("staff_matching_new"), new_round_post(mentees="list", mentee_file=upload))
    assert response.status_code == 302, response.context["form"].errors
    assert list(Round.objects.get().mentees.values_list("mentee__email", flat=True)) == ["ada@example.com"]
