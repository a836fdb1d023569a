"""A programme manager signs in and lands on the staff home: what needs attention, the charts with
their tables, a period of their own, a chart's numbers downloaded; axe finds nothing serious."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from journeys.tests.helpers import send, walk_to
from people.tests.factories import make_mentee, make_mentor, make_staff

pytestmark = pytest.mark.e2e


def test_a_manager_lands_on_the_staff_home_and_reads_the_programme(new_page, check_a11y):
    manager = make_staff(email="maria@example.com")
    rhys = make_mentor(first_name="Rhys", last_name="Evans", capacity=3)
    send(make_mentee(first_name="Hannah", last_name="Wright"), rhys)  # waiting for an answer
    done = send(make_mentee(first_name="Priya", last_name="Shah"), rhys)
    walk_to(done, done.mentee, rhys, "completed")

    page = new_page(manager)  # signs in through the form
    page.wait_for_url(re.compile("/staff/$"))
    expect(page.get_by_role("heading", name="The programme at a glance")).to_be_visible()
    staff_nav = page.get_by_role("navigation", name="Staff area")
    expect(staff_nav.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("row").filter(has_text="Hannah Wright")).to_contain_text("Rhys Evans")
    check_a11y(page)

    for title in (
        "The journey funnel",
        "Requests and matches per week",
        "Time for mentors to answer",
        "Feedback ratings",
        "Mentor capacity used",
    ):
        expect(page.get_by_role("img", name=title)).to_be_visible()
    funnel_table = page.get_by_role("table", name="The journey funnel: the numbers")
    expect(funnel_table.get_by_role("row").filter(has_text="Feedback given")).to_contain_text("2")
    page.get_by_text("The numbers: requests and matches per week").click()
    expect(page.get_by_role("table", name="Requests and matches per week: the numbers")).to_be_visible()
    check_a11y(page)

    # A period of their own; a wrong date is explained on its field.
    start = timezone.localdate() - timedelta(days=60)
    period = page.get_by_role("group", name="From")
    period.get_by_label("Day").fill("31")
    period.get_by_label("Month").fill("2")
    page.get_by_role("button", name="Show this period").click()
    expect(page.get_by_text("That date does not exist")).to_be_visible()
    check_a11y(page)
    period.get_by_label("Day").fill(str(start.day))
    period.get_by_label("Month").fill(str(start.month))
    period.get_by_label("Year").fill(str(start.year))
    page.get_by_role("button", name="Show this period").click()
    expect(page.get_by_text(re.compile(f"^From {start:%-d %B %Y} to .*both days included"))).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download “The journey funnel” as a spreadsheet (CSV)").click()
    rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read())))
    assert rows[0] == ["Step", "People", "Of those registered"]
    assert rows[1] == ["Registered", "3", "100%"]
    assert download.value.suggested_filename == f"funnel-{start.isoformat()}-{timezone.localdate().isoformat()}.csv"


def test_a_wrong_date_in_the_period_takes_the_keyboard_focus_to_the_error(new_page, check_a11y):
    page = new_page(make_staff(email="maria@example.com"))
    page.goto("/staff/")
    period = page.get_by_role("group", name="From")
    period.get_by_label("Day").fill("31")
    period.get_by_label("Month").fill("2")
    period.get_by_label("Month").press("Enter")
    errors = page.get_by_role("alert")
    expect(errors).to_be_focused()
    expect(errors).to_contain_text("From")
    errors.get_by_role("link", name="From").focus()
    page.keyboard.press("Enter")
    expect(period.get_by_label("Day")).to_be_focused()
    check_a11y(page)
