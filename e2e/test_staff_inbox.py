"""Programme staff work a case in the browser: a request left unanswered reaches the inbox;
staff claim it, nudge the mentor (who gets the email from the real worker), note and resolve."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from journeys.flows.timers import fire_due_timers
from journeys.tests.helpers import send
from people.tests.factories import make_mentee, make_mentor, make_staff
from staff.models import StaffCase, StaffNote

pytestmark = pytest.mark.e2e


def test_staff_claim_nudge_and_resolve_an_unanswered_request(new_page, visit, check_a11y, mailbox):
    staff = make_staff(email="sam@example.com")  # Sam Staff
    mentor = make_mentor(first_name="Rhys", last_name="Evans", email="rhys@example.com")
    mentee = make_mentee(first_name="Hannah", last_name="Wright", email="hannah@example.com")
    send(mentee, mentor, "I would like help planning my next career step.")
    escalation = [
        t for t in Task.objects.filter(flow_task_type="TIMER") if t.flow_task.name == "review_request__timeout_3"
    ]
    Task.objects.filter(pk__in=[t.pk for t in escalation]).update(scheduled=timezone.now() - dt.timedelta(seconds=1))
    assert fire_due_timers() == 1
    case = StaffCase.objects.get()

    page = new_page(staff)
    visit(page, "/")
    page.get_by_role("link", name="Staff area").click()
    page.wait_for_url(re.compile("/staff/$"))
    page.get_by_role("navigation", name="Staff area").get_by_role("link", name="Inbox").click()
    page.wait_for_url(re.compile("/staff/inbox/"))
    check_a11y(page)
    row = page.get_by_role("row").filter(has_text="Rhys Evans has not answered")
    expect(row).to_contain_text("Nobody yet")
    row.get_by_role("button", name=re.compile("^Claim")).click()
    page.wait_for_url(re.compile(r"/staff/cases/flow/"))
    expect(page.get_by_role("heading", name=re.compile("Request not answered"))).to_be_visible()
    check_a11y(page)

    page.get_by_text("Nudge the participants").click()
    page.get_by_label("The mentor").check()
    page.get_by_label("A line of your own").fill("Hannah would value even a short answer.")
    page.get_by_role("button", name="Send the nudge").click()
    expect(page.get_by_text("Nudge sent.")).to_be_visible()
    nudge = mailbox.wait_for(to=mentor.email, subject_contains="still waiting for your answer")
    assert "Hannah would value even a short answer." in nudge.text

    page.get_by_text("Add a private note").click()
    page.get_by_label("Private note").fill("Tried phoning Rhys: no answer.")
    page.get_by_role("button", name="Add the note").click()
    expect(page.get_by_text("Tried phoning Rhys: no answer.")).to_be_visible()
    check_a11y(page)

    page.get_by_label("How was it resolved?").fill("Rhys replied to the nudge and will answer today.")
    page.get_by_role("button", name="Resolve the case").click()
    page.wait_for_url(re.compile("/staff/inbox/$"))
    expect(page.get_by_text("Case resolved. It is in the archive.")).to_be_visible()
    page.get_by_role("link", name="Archive").click()
    expect(page.get_by_role("row").filter(has_text="Rhys Evans has not answered")).to_contain_text("by Sam")
    check_a11y(page)

    page.get_by_role("link", name="programme reports").click()
    page.wait_for_url(re.compile("/staff/reports/"))
    expect(page.get_by_role("heading", name="Programme reports")).to_be_visible()
    page.get_by_label("Period").select_option("all")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile("period=all"))
    check_a11y(page)

    case.refresh_from_db()
    assert case.status == PROCESS.DONE
    assert StaffNote.objects.filter(case=case, body__contains="Tried phoning").exists()
    assert Task.objects.filter(process=case, status=STATUS.DONE, flow_task_type="HUMAN").exists()
