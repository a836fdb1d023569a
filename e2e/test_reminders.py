"""A request goes unanswered: the beat task on the real worker fires the reminder, the mentor
gets the email, and stops that kind of reminder from its link in the browser."""

import datetime as dt
import re
from urllib.parse import urlparse

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from journeys.tasks import fire_workflow_timers
from journeys.tests.helpers import send
from notifications.models import ReminderOptOut
from notifications.tests.worker import wait_until
from people.tests.factories import make_mentee, make_mentor

pytestmark = pytest.mark.e2e


def test_an_unanswered_request_reminds_the_mentor_who_stops_it_in_one_click(new_page, visit, check_a11y, mailbox):
    mentor = make_mentor(first_name="Rhys", last_name="Evans", email="rhys@example.com")
    mentee = make_mentee(first_name="Hannah", last_name="Wright", email="hannah@example.com")
    send(mentee, mentor, "I would like help planning my next career step.")
    mailbox.wait_for(to=mentor.email, subject_contains="New mentoring request")

    first = Task.objects.filter(flow_task_type="TIMER", status=STATUS.SCHEDULED).order_by("scheduled").first()
    Task.objects.filter(pk=first.pk).update(scheduled=timezone.now() - dt.timedelta(seconds=1))
    fire_workflow_timers.delay()  # what beat sends every minute; the worker runs it

    reminder = mailbox.wait_for(to=mentor.email, subject_contains="is waiting for your answer")
    assert "Hannah Wright" in reminder.text
    stop_link = reminder["List-Unsubscribe"].strip().strip("<>")
    assert stop_link in reminder.text
    wait_until(lambda: Task.objects.get(pk=first.pk).status == STATUS.DONE, message="timer marked done")

    page = new_page()  # the link works without logging in
    visit(page, urlparse(stop_link).path)
    expect(page.get_by_role("heading", name="Stop these reminders?")).to_be_visible()
    page.get_by_role("button", name="Stop these reminders").click()
    expect(page.get_by_role("heading", name="Reminders stopped")).to_be_visible()
    check_a11y(page)
    assert ReminderOptOut.objects.filter(user=mentor, kind="review_request").exists()

    # Changed their mind: Edit Account turns that kind back on.
    account = new_page(mentor)
    visit(account, "/account/")
    box = account.get_by_label("Reminders to answer a mentoring request")
    expect(box).not_to_be_checked()
    box.check()
    account.get_by_role("button", name="Save reminder choices").click()
    account.wait_for_url(re.compile("/account/$"))
    expect(account.get_by_text("Your reminder emails are saved.")).to_be_visible()
    expect(account.get_by_label("Reminders to answer a mentoring request")).to_be_checked()
    check_a11y(account)
    assert not ReminderOptOut.objects.filter(user=mentor).exists()
