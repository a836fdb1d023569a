"""A programme manager finds a member in the directory, pauses them, notes why and exports the list."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from people.models import Profile
from people.tests.factories import make_mentee, make_mentor, make_staff
from staff.members.models import MemberExport, MemberNote

pytestmark = pytest.mark.e2e


def test_find_a_member_pause_them_note_it_and_export(new_page, visit, check_a11y):
    staff = make_staff(email="sam@example.com")  # Sam Staff
    rhys = make_mentor(first_name="Rhys", last_name="Evans", email="rhys@example.com")
    Profile.objects.filter(user=rhys).update(organisation="Harbour Freight", region="wales")
    make_mentor(first_name="Ola", last_name="Other", email="ola@example.com")
    make_mentee(first_name="Hannah", last_name="Wright", email="hannah@example.com")

    page = new_page(staff)
    visit(page, "/staff/inbox/")
    page.get_by_role("navigation", name="Staff area").get_by_role("link", name="Members").click()
    page.wait_for_url(re.compile("/staff/members/$"))
    check_a11y(page)

    page.get_by_role("searchbox", name=re.compile("^Search")).fill("harbour")
    page.get_by_role("combobox", name=re.compile("^Mentor status")).select_option("open")
    page.get_by_role("button", name="Show members").click()
    page.wait_for_url(re.compile("q=harbour"))
    expect(page.get_by_role("heading", name="1 member found")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Rhys Evans").click()
    page.wait_for_url(re.compile(rf"/staff/members/{rhys.pk}/$"))
    expect(page.get_by_role("heading", name="Rhys Evans", level=1)).to_be_visible()
    check_a11y(page)

    page.get_by_role("button", name="Pause new requests").click()
    expect(page.get_by_text("Rhys Evans is paused")).to_be_visible()
    expect(page.get_by_role("button", name="Resume new requests")).to_be_visible()
    page.get_by_label("Add a note").fill("Asked to pause over the summer; back in September.")
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_text("Asked to pause over the summer; back in September.")).to_be_visible()
    check_a11y(page)

    page.get_by_role("link", name="Back to the members").click()
    page.get_by_role("combobox", name=re.compile("^Mentor status")).select_option("paused")
    page.get_by_role("button", name="Show members").click()
    page.wait_for_url(re.compile("mentor_status=paused"))
    expect(page.get_by_role("heading", name="1 member found")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these members as a spreadsheet (CSV)").click()
    download = download_info.value
    assert re.fullmatch(r"members-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    table = list(csv.reader(io.StringIO(open(download.path(), encoding="utf-8-sig").read())))
    assert [row[0] for row in table[1:]] == ["Rhys Evans"]
    assert table[1][8] == "Paused"

    page.reload()
    log = page.get_by_role("table").filter(has_text="Search and filters")
    expect(log).to_contain_text("Mentor status: Paused")
    expect(log).to_contain_text("Sam Staff")
    check_a11y(page)

    assert not Profile.objects.get(user=rhys).accepting_requests
    assert MemberNote.objects.get(member=rhys).author == staff
    assert MemberExport.objects.get().row_count == 1
