"""A round's list of addresses: one address a line (or several separated by commas or semicolons),
as addresses are usually copied; a line with anything else beside its addresses is named as not an
address, and none of its addresses is taken."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from staff.matching.addresses import AddressList, read_typed, read_uploaded
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
    upload = SimpleUploadedFile(
        "mentees.xlsx", b"PK\x03\x04\x14\x00\x00\x00\x08\x00binary", content_type="application/zip"
    )
    response = client.post(reverse("staff_matching_new"), new_round_post(mentees="list", mentee_file=upload))
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "mentee_file": ["We could not read that file: upload a text or CSV file of email addresses."]
    }
    assert not Round.objects.exists()
