"""Bulk import in the browser: a manager uploads a 200-row spreadsheet, reads the preview, confirms and
watches the import finish (the real Celery worker creates the accounts); one invited person sets a
password from their email and lands on their profile. axe on every page."""

import re

import pytest
from playwright.sync_api import expect

from people.tests.factories import make_staff
from staff.imports.models import ImportBatch
from staff.imports.tests.helpers import member_rows, taxonomy, xlsx_bytes

pytestmark = pytest.mark.e2e
PASSWORD = "a long and unusual passphrase 42"


def test_a_manager_imports_200_members_and_one_of_them_joins(new_page, visit, check_a11y, mailbox):
    taxonomy()
    rows = member_rows(200)
    rows[10][5] = "Leadershp"  # an unknown area: the preview suggests the known one
    staff = new_page(make_staff())

    visit(staff, "/staff/import/")
    staff.get_by_label("Spreadsheet of members").set_input_files(
        {
            "name": "members.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": xlsx_bytes(rows),
        }
    )
    staff.get_by_role("button", name="Check the file").click()
    staff.wait_for_url(re.compile(r"/staff/import/\d+/$"))
    check_a11y(staff)
    expect(staff.get_by_text("199 rows are ready")).to_be_visible()
    expect(staff.get_by_text("1 row has errors and is left out.")).to_be_visible()
    expect(staff.get_by_text("Did you mean “Leadership”?")).to_be_visible()

    staff.get_by_role("button", name="Import 199 people").click()
    for _ in range(120):  # the real worker creates the accounts; the page offers its latest progress
        if not staff.locator("#import-refresh").count():
            break
        staff.wait_for_timeout(500)
        staff.locator("#import-refresh").click()
    expect(staff.get_by_text("Finished: 199 accounts created and invited.")).to_be_visible()
    progress = staff.locator("progress")
    expect(progress).to_have_attribute("value", "199")
    check_a11y(staff)
    assert ImportBatch.objects.get().created_count == 199

    # Person 7 follows the link in their invitation, sets a password and lands on their profile.
    mail = mailbox.wait_for(to="person7@example.org", subject_contains="invited", timeout=60)
    link = re.search(r"https?://\S+(/invitation/\S+/)", mail.text).group(1)
    person = new_page()
    visit(person, link)
    person.get_by_label("Choose a password").fill(PASSWORD)
    person.get_by_label("Type the password again").fill(PASSWORD)
    person.get_by_role("button", name="Set my password and continue").click()
    person.wait_for_url(re.compile(r"/profile/$"))
    expect(person.get_by_text("Welcome! Your password is set.")).to_be_visible()
    check_a11y(person)

    # The link is used now: it says so.
    visit(person, link)
    expect(person.get_by_text("This invitation has already been used.")).to_be_visible()

    # On the Import page, 1 joined and 198 waiting.
    visit(staff, "/staff/import/")
    expect(staff.get_by_text("Joined: 1. Waiting: 198.")).to_be_visible()
