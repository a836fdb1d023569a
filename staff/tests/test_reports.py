"""Programme reports: the figures add up on known data, only staff see them, the export names nobody."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from journeys.models import Meeting
from journeys.services import meetings, relationships
from journeys.tests.helpers import goal, meet, send, walk_to
from people.tests.factories import make_mentee, make_staff
from project.dates import long_date
from staff import reports, services
from staff.models import CaseKind

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def programme(mentee, mentor, staff):
    done = walk_to(send(mentee, mentor), mentee, mentor, "progression")
    meeting = done.meetings.get()
    meetings.record_meeting_outcome(meeting, mentor, held=True)  # an hour, held
    past = meet(done, mentee, title="Did not happen")
    past.starts_at = timezone.now() - timedelta(days=1)
    past.save()
    meetings.record_meeting_outcome(past, mentee, held=False)
    goal(done, mentee, label="Second goal")
    done = walk_to(done, mentee, mentor, "completed")  # feedback 5 and 4
    declined_by = make_mentee(first_name="Declined")
    relationships.decline_request(send(declined_by, mentor), mentor, "Full diary")
    waiting = send(make_mentee(first_name="Waiting"), mentor)
    case = services.escalate_unanswered_request(waiting)
    services.resolve(case, staff, "Mentor answered by phone.")
    services.escalate_unanswered_request(waiting)  # a second, still open
    return {"done": done, "waiting": waiting}


def test_the_figures_add_up(programme):
    report = reports.build("30")
    assert (report.meetings_held, report.hours_held) == (1, 1.0)
    assert (report.requests, report.accepted, report.declined, report.waiting) == (3, 1, 1, 1)
    assert report.acceptance_rate == 50
    assert report.completed == 1 and report.feedback_count == 2 and report.feedback_average == 4.5
    states = dict(report.by_state)
    assert states["Completed"] == 1 and states["Request declined"] == 1 and states["Request awaiting the mentor"] == 1
    by_kind = {label: (n, snoozed) for label, n, snoozed in report.open_cases}
    assert by_kind[CaseKind.UNANSWERED_REQUEST.label] == (1, 0)  # (open, snoozed included; of them snoozed)
    assert report.resolved_cases == 1
    assert report.mentors == 1 and report.mentees == 3
    assert report.typical_answer_words == "under an hour"  # both answers came straight away
    assert reports.build("all").requests == 3


def test_only_staff_see_reports_and_the_export(client, programme, mentee, staff, django_assert_max_num_queries):
    for url in (reverse("staff_reports"), reverse("staff_reports_csv")):
        client.force_login(mentee)
        assert client.get(url).status_code == 403
    client.force_login(staff)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("staff_reports"), {"period": "365"})
    html = page.content.decode()
    assert "Requests sent" in html and "50%" in html and "average rating 4.5 out of 5" in html
    assert client.get(reverse("staff_reports"), {"period": "nonsense"}).status_code == 200


def test_the_export_lists_relationships_without_names_or_addresses(client, programme, staff, mentee, mentor):
    from people.models import AreaOfSupport

    AreaOfSupport.objects.filter(pk=programme["done"].area_id).update(name="=HYPERLINK(1)")
    client.force_login(staff)
    response = client.get(reverse("staff_reports_csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "private, no-store"  # as every download: kept out of shared caches
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")  # the mark Excel reads UTF-8 by
    body = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == reports.CSV_HEADER and len(rows) == 4
    # each heading says what it counts: whose rating (the mentee gave 5), meetings arranged and held
    assert rows[0][6:9] == ["meetings arranged", "meetings held", "hours held"]
    assert rows[0][11:13] == ["rating given by the mentee", "rating given by the mentor"]
    done = next(r for r in rows[1:] if r[0] == str(programme["done"].pk))
    assert done[1] == "'=HYPERLINK(1)"  # no formula reaches a spreadsheet
    assert done[2] == "Completed" and done[11:] == ["5", "4", "Accepted"]
    # Meetings: arranged (not cancelled), held (journeys.rules.held_q: not the one that did not happen)
    # and the hours held; the relationship's two goals do not count them twice.
    assert done[6:9] == ["2", "1", "1.0"]
    for secret in (mentee.email, mentor.email, mentee.last_name, mentor.last_name):
        assert secret not in body


def test_a_past_meeting_nobody_recorded_counts_as_held(programme, mentee, client, staff):
    """The one rule (journeys.rules.held_q), as the CPD record counts: its time has passed, it was not
    cancelled and nobody said it did not happen."""
    done = programme["done"]
    Meeting.objects.create(
        relationship=done,
        organiser=mentee,
        title="Unrecorded",
        starts_at=timezone.now() - timedelta(days=2),
        duration_minutes=60,
    )
    report = reports.build("30")
    assert (report.meetings_held, report.hours_held) == (2, 2.0)
    client.force_login(staff)
    rows = list(
        csv.reader(
            io.StringIO(b"".join(client.get(reverse("staff_reports_csv")).streaming_content).decode("utf-8-sig"))
        )
    )
    assert next(r for r in rows[1:] if r[0] == str(done.pk))[6:9] == ["3", "2", "2.0"]


def test_a_request_pending_when_its_mentee_leaves_stays_a_withdrawn_request(client, programme, staff):
    """The mentee of the waiting request deletes her account: the request is counted as withdrawn, the
    figures still add up, and neither the stage table nor the export show a withdrawn relationship."""
    from people.services import delete_account

    waiting = programme["waiting"]
    delete_account(waiting.mentee)
    report = reports.build("30")
    assert (report.requests, report.accepted, report.declined, report.withdrawn, report.waiting) == (3, 1, 1, 1, 0)
    assert report.requests == report.accepted + report.declined + report.withdrawn + report.waiting
    states = dict(report.by_state)
    assert (states["Request withdrawn"], states["Withdrawn"]) == (1, 0)
    client.force_login(staff)
    body = b"".join(client.get(reverse("staff_reports_csv")).streaming_content).decode("utf-8-sig")
    row = next(r for r in csv.reader(io.StringIO(body)) if r[0] == str(waiting.pk))
    assert row[2] == "Request withdrawn" and row[4] == ""  # never matched


@pytest.mark.parametrize("how", ["left", "deactivated"])
def test_a_request_closed_when_its_mentor_stopped_taking_part_is_not_a_decline(client, programme, staff, how):
    """The mentor of the waiting request leaves or is deactivated: the request is counted as closed for
    them, not as declined nor answered (the acceptance rate and the typical time to answer are as they
    were), the figures still add up, and the stage table and the export say what it is."""
    from people.services import delete_account
    from staff.members.services import deactivate

    before = reports.build("30")
    waiting = programme["waiting"]
    mentor = waiting.mentor
    if how == "left":
        delete_account(mentor)  # their declined request and completed relationship stay as they were
    else:
        deactivate(mentor, staff)
    report = reports.build("30")
    assert (report.requests, report.accepted, report.declined, report.waiting) == (3, 1, 1, 0)
    assert report.closed_for_mentor == 1 and report.withdrawn == 0
    assert report.requests == (
        report.accepted + report.declined + report.withdrawn + report.waiting + report.closed_for_mentor
    )
    assert (report.acceptance_rate, report.typical_answer) == (before.acceptance_rate, before.typical_answer)
    states = dict(report.by_state)
    assert (states["Request declined"], states["Request closed: the mentor stopped taking part"]) == (1, 1)
    client.force_login(staff)
    page = client.get(reverse("staff_reports"), {"period": "30"}).content.decode()
    assert "<dt>Closed when the mentor left or was deactivated</dt><dd>1</dd>" in page
    assert "<dt>Declined</dt><dd>1</dd>" in page
    body = b"".join(client.get(reverse("staff_reports_csv")).streaming_content).decode("utf-8-sig")
    row = next(r for r in csv.reader(io.StringIO(body)) if r[0] == str(waiting.pk))
    assert row[2] == "Request closed: the mentor stopped taking part"
    assert row[13] == "Closed when the mentor left or was deactivated"


def test_the_export_link_is_offered_only_to_staff_who_may_download_it(client, staff):
    client.force_login(staff)  # a programme manager
    assert reverse("staff_reports_csv") in client.get(reverse("staff_reports")).content.decode()
    client.force_login(make_staff(role="support", email="support@example.com"))
    page = client.get(reverse("staff_reports")).content.decode()
    assert reverse("staff_reports_csv") not in page and "Download every relationship" not in page
    assert client.get(reverse("staff_reports_csv")).status_code == 403


@pytest.mark.parametrize("period", ["abc", "7", "0", "-5", ""])
def test_a_period_not_in_the_list_is_refused_on_its_field(client, staff, period):
    client.force_login(staff)
    page = client.get(reverse("staff_reports"), {"period": period}).content.decode()
    assert "Choose one of the periods in the list." in page
    assert 'aria-describedby="period_error"' in page or 'aria-describedby="id_period_error"' in page
    assert "So these figures are for the last 90 days." in page
    # the box that takes the focus as the page loads, as on the staff home, its link to the field
    assert '<div class="form-errors" role="alert" tabindex="-1" autofocus id="period-errors">' in page
    assert '<a href="#id_period">Period</a>' in page
    download = client.get(reverse("staff_reports_csv"), {"period": period})
    assert download.status_code == 302 and download.url.startswith(reverse("staff_reports"))
    assert "Nothing was downloaded" in client.get(download.url).content.decode()


def test_a_period_in_the_list_is_shown_without_an_error(client, staff):
    client.force_login(staff)
    page = client.get(reverse("staff_reports"), {"period": "30"}).content.decode()
    assert "Choose one of the periods" not in page and "Requests: the last 30 days" in page
    assert client.get(reverse("staff_reports_csv"), {"period": "30"}).status_code == 200


def _sent_at(rel, day, at):
    from datetime import datetime

    from journeys.models import Relationship

    Relationship.objects.filter(pk=rel.pk).update(created_at=timezone.make_aware(datetime.combine(day, at)))


def test_a_period_is_whole_days_and_the_page_says_which(client, staff, mentor):
    """ "The last 30 days" is today and the 29 days before it, each whole: a request sent late on the
    day before is not counted (it was, from the hour it is now), one sent just after midnight on the
    first day is; and the last 12 months count what the staff home's last 12 months count."""
    from datetime import time

    from staff import dashboard

    today = timezone.localdate()
    _sent_at(send(make_mentee(first_name="Early"), mentor), today - timedelta(days=29), time(0, 0, 1))
    _sent_at(send(make_mentee(first_name="Late"), mentor), today - timedelta(days=30), time(23, 59, 59))
    _sent_at(send(make_mentee(first_name="Year"), mentor), today - timedelta(days=365), time(23, 59, 59))
    assert reports.build("30").requests == 1
    year = reports.build("365")
    home = dashboard.answers(dashboard.default_period())
    assert year.requests == sum(n for _label, n in home.rows) == 2
    assert reports.build("all").requests == 3
    client.force_login(staff)
    page = client.get(reverse("staff_reports"), {"period": "30"}).content.decode()
    start, end = (long_date(day) for day in (today - timedelta(days=29), today))
    assert f"From {start} to {end}, both days included." in page
    page = client.get(reverse("staff_reports"), {"period": "all"}).content.decode()
    assert f"Everything up to today, {end}." in page and "Cases resolved in the period: 0;" in page


def test_the_participants_figures_say_who_they_count(client, staff, mentor):
    """A mentee deactivated, or with a profile not complete, is on the Members list but not in these
    figures: the page says so, so the two can be told apart."""
    from staff.members.services import deactivate

    gone, unfinished = make_mentee(first_name="Gone"), make_mentee(first_name="Unfinished")
    unfinished.profile.completed_at = None
    unfinished.profile.save()
    deactivate(gone, staff)
    assert reports.build("30").mentees == 0
    client.force_login(staff)
    page = client.get(reverse("staff_reports")).content.decode()
    assert "members with a complete profile whose account is active (not deactivated)" in page
