"""The preview's checks, one by one, and the names suggested for unknown areas and communities."""

from __future__ import annotations

import pytest

from people.tests.factories import make_mentee
from staff.imports import checks, parsing
from staff.imports.models import ImportRow

from .helpers import csv_upload, taxonomy

pytestmark = pytest.mark.django_db


def checked(rows):
    return checks.check(parsing.read(csv_upload(rows)))


def test_a_good_row_is_ready_with_its_areas_and_community():
    areas, communities = taxonomy()
    [row] = checked([["Ada@Example.org ", "Ada", "L", "Acme", "Both", "leadership; Confidence", "engineering"]])
    assert row.status == ImportRow.Status.VALID and row.problems == []
    assert row.email == "ada@example.org" and row.role == "both"
    assert row.area_ids == [areas[0].pk, areas[2].pk]
    assert row.community_id == communities[0].pk


def test_each_problem_is_found_and_worded():
    taxonomy()
    make_mentee(email="member@example.org")
    rows = checked(
        [
            ["", "No", "Email", "", "mentee", "", ""],
            ["not-an-address", "Bad", "Email", "", "mentee", "", ""],
            ["ada@example.org", "Ada", "", "", "", "", ""],
            ["bo@example.org", "Bo", "", "", "teacher", "", ""],
            ["ada@example.org", "Ada", "Again", "", "mentor", "", ""],
            ["member@example.org", "Already", "Here", "", "mentee", "", ""],
            ["cy@example.org", "Cy", "", "", "mentor", "Leadershp, Confidense", "Enginering"],
            ["di@example.org", "Di", "", "", "mentor", "Astrology", ""],
        ]
    )
    by_line = {row.line: row for row in rows}
    assert by_line[2].problems == ["The email address is missing."]
    assert by_line[3].problems == ["“not-an-address” is not a valid email address."]
    assert by_line[4].problems == ["The role is missing: say mentor, mentee or both."]
    assert by_line[5].problems == ["The role “teacher” is not mentor, mentee or both."]
    assert by_line[6].status == ImportRow.Status.DUPLICATE
    assert by_line[6].problems == ["The same address is already on row 4."]
    assert by_line[7].status == ImportRow.Status.EXISTS
    assert by_line[7].problems == ["Already in the programme: no new account is made."]
    assert by_line[8].problems == [
        "The programme has no area of support called “Leadershp”. Did you mean “Leadership”?",
        "The programme has no area of support called “Confidense”. Did you mean “Confidence”?",
        "The programme has no professional community called “Enginering”. Did you mean “Engineering”?",
    ]
    assert by_line[9].problems == ["The programme has no area of support called “Astrology”."]
    assert [row.status for row in rows].count(ImportRow.Status.INVALID) == 6


def test_suggestions_offer_up_to_three_close_names_and_never_retired_ones():
    areas, _communities = taxonomy()
    areas[1].active = False
    areas[1].save()
    taxonomy_ = checks.Taxonomy(type(areas[0]))
    assert taxonomy_.suggest("career chang") == []  # retired
    assert taxonomy_.suggest("LEADERSHIP!") == ["Leadership"]
    assert taxonomy_.find("career change") is None


def test_a_name_with_a_comma_is_one_name_when_the_programme_has_it():
    from people.models import AreaOfSupport

    area = AreaOfSupport.objects.create(name="Leadership, management")
    [row] = checked([["ada@example.org", "Ada", "", "", "mentor", "Leadership, management", ""]])
    assert row.area_ids == [area.pk]
