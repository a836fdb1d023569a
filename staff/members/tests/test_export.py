"""The member list as CSV: the filtered list, every cell formula-safe, each download logged."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from people.models import Profile
from people.tests.factories import make_mentee, make_mentor, make_staff
from staff.members.models import MemberExport

pytestmark = pytest.mark.django_db
URL = "/staff/members/export.csv"


def rows(response) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")  # the mark Excel reads UTF-8 by
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_export_is_the_filtered_list_and_is_logged(client):
    staff = make_staff()
    make_mentor(first_name="Max", last_name="Mentor")
    make_mentor(first_name="Ola", last_name="Other")
    make_mentee(first_name="Mia", last_name="Mentee")
    client.force_login(staff)
    response = client.get(URL, {"role": "mentor", "sort": "-name"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="members-')
    assert "no-store" in response["Cache-Control"]
    table = rows(response)
    assert table[0][:3] == ["Name", "Email address", "Role"]
    assert [r[0] for r in table[1:]] == ["Ola Other", "Max Mentor"]
    log = MemberExport.objects.get()
    assert log.by == staff and log.row_count == 2
    assert log.filters == {
        "Role in the programme": "Mentors (including those who are both)",
        "Sort by": "Last name (Z to A)",
    }

    page = client.get(reverse("staff_members")).content.decode()
    assert "Downloads of the member list" in page
    assert "Mentors (including those who are both)" in page


@pytest.mark.parametrize(
    "bad",
    [
        {"inactive_days": "1000000"},  # over the most the filter takes
        {"inactive_days": "0", "role": "mentor"},  # a wrong value beside a right one
        {"role": "nonsense"},
        {"community": "999999"},
        {"q": "x" * 201},
    ],
)
def test_a_wrong_filter_exports_nothing_logs_nothing_and_says_why_on_the_page(client, bad):
    """The page says a wrong filter and leaves it out; a download must not: "everyone" is not what was
    asked for. Back to the page, with the same search and filters and their errors, and nothing logged."""
    staff = make_staff()
    make_mentor(first_name="Max", last_name="Mentor")
    make_mentee(first_name="Mia", last_name="Mentee")
    client.force_login(staff)
    response = client.get(URL, bad)
    assert response.status_code == 302
    assert "Content-Disposition" not in response
    assert response["Location"].startswith(reverse("staff_members") + "?")
    assert not MemberExport.objects.exists()
    page = client.get(response["Location"])
    assert page.context["form"].errors
    assert all(page.context["form"][name].value() == value for name, value in bad.items())
    html = page.content.decode()
    assert "Nothing was downloaded" in html
    assert "Download these members" not in html  # the page offers no download of a list it cannot make
    assert "Correct the search and filters above to download" in html


def test_cells_cannot_start_a_formula(client):
    staff = make_staff()
    evil = make_mentee(first_name="=HYPERLINK(1)", last_name="+x")
    Profile.objects.filter(user=evil).update(organisation="@SUM(A1)", job_title="-2+3")
    client.force_login(staff)
    table = rows(client.get(URL))
    row = next(r for r in table[1:] if "HYPERLINK" in r[0])
    assert row[0] == "'=HYPERLINK(1) +x"
    assert row[3] == "'@SUM(A1)"
    assert row[4] == "'-2+3"
    for cell in (c for r in table for c in r):
        assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), cell


def test_support_staff_and_participants_cannot_export(client):
    make_mentee()
    client.force_login(make_staff(email="support@example.com", role="support"))
    assert client.get(URL).status_code == 403
    assert "Download these members" not in client.get(reverse("staff_members")).content.decode()
    assert "Downloads of the member list" not in client.get(reverse("staff_members")).content.decode()
    client.force_login(make_mentee())
    assert client.get(URL).status_code == 403
    assert not MemberExport.objects.exists()


def test_dates_are_the_days_the_page_shows_in_uk_time(client):
    """Joined at 00:30 on 10 July (UK summer time) is 23:30 on 9 July in UTC: the CSV said the 9th, the
    page the 10th. Both now say the day in the programme's time."""
    from datetime import UTC, datetime

    from django.contrib.auth import get_user_model

    staff = make_staff()
    member = make_mentee(first_name="Nia", last_name="Night")
    late = datetime(2026, 7, 9, 23, 30, tzinfo=UTC)
    get_user_model().objects.filter(pk=member.pk).update(date_joined=late, last_login=late)
    Profile.objects.filter(user=member).update(last_active_at=late)
    client.force_login(staff)
    table = rows(client.get(URL))
    header, row = table[0], next(r for r in table[1:] if r[0] == "Nia Night")
    said = dict(zip(header, row, strict=True))
    assert (said["Joined"], said["Last signed in"], said["Last active"]) == ("2026-07-10",) * 3
    page = client.get(reverse("staff_members"), {"q": "Nia"}).content.decode()
    assert "10 Jul 2026" in page and "9 Jul 2026" not in page
