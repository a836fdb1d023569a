"""Every request sent is counted once: in one row of the staff home's "Time for mentors to answer" and
in one line of the reports (and its export), whichever way it went. Each request below is taken where
it is by the services people and staff use, one for every way a request can go."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from journeys.flows.timers import fire_due_timers
from journeys.models import Relationship, State
from journeys.services import relationships
from journeys.tests.helpers import send, walk_to
from people.services import delete_account
from people.tests.factories import make_mentee, make_mentor
from staff import dashboard, reports, services
from staff.members.services import deactivate

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_state_is_in_one_line_and_one_only():
    """A state no line names would leave its requests out of the figures: a new state needs its line."""
    lines_of = Counter(state for ending in reports.ENDINGS for state in ending.states)
    for state in State:
        assert lines_of[state] == 1, f"{state.label}: in {lines_of[state]} lines of staff.reports.ENDINGS"
    assert set(lines_of) == set(State)
    assert reports.ANSWERED == ["accepted", "declined"]


def _people(name: str):
    return make_mentee(first_name=f"Mentee {name}"), make_mentor(first_name=f"Mentor {name}", capacity=2)


def _expire(rel) -> None:
    """As if REQUEST_EXPIRE_DAYS had passed: the review step's timer fires (``journeys.services.expiry``)."""
    Relationship.objects.filter(pk=rel.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    Task.objects.filter(
        process__mentoringprocess__relationship=rel, flow_task_type="TIMER", status=STATUS.SCHEDULED
    ).update(scheduled=timezone.now() - dt.timedelta(seconds=1))
    fire_due_timers()


def _staff_close(rel, staff, *, waiting: bool) -> None:
    """Staff close it from a case: the platform's case about an unanswered request, or one they raise."""
    case = services.escalate_unanswered_request(rel) if waiting else services.raise_case(rel, staff, "Check")
    services.close_relationship(case, staff, "The programme is pausing this.")


def _paths(staff) -> list[tuple[str, Relationship, str]]:
    """(how it went, the request, the key of its line): every way a request can go, each step one a
    person or staff take (``then``: each given the request, its mentee and its mentor, in turn)."""
    made = []

    def request(how: str, ending: str, *then, accepted_as: str | None = None) -> None:
        mentee, mentor = _people(how)
        rel = send(mentee, mentor)
        if accepted_as:
            rel = walk_to(rel, mentee, mentor, accepted_as)
        for step in then:
            step(rel, mentee, mentor)
        rel.refresh_from_db()
        made.append((how, rel, ending))

    def withdraw_it(rel, mentee, mentor):
        relationships.withdraw_request(rel, mentee, "Not now")

    def mentee_leaves(rel, mentee, mentor):
        delete_account(mentee)

    def mentor_leaves(rel, mentee, mentor):
        delete_account(mentor)

    def decline_it(rel, mentee, mentor):
        relationships.decline_request(rel, mentor, "Full")

    def staff_close_it(rel, mentee, mentor):
        _staff_close(rel, staff, waiting=rel.state == State.REQUESTED)

    request("waiting", "waiting")
    request("withdrawn, then reinstated", "waiting", withdraw_it, lambda r, e, m: relationships.reinstate_request(r, e))
    for state in ("arranging", "first_conversation", "progression", "completion", "feedback", "completed"):
        request(f"accepted, now {state}", "accepted", accepted_as=state)
    request(
        "accepted, then withdrawn",
        "accepted",
        lambda r, e, m: relationships.withdraw(r, e, "Moved"),
        accepted_as="arranging",
    )
    request("accepted, then the mentee left", "accepted", mentee_leaves, accepted_as="arranging")
    request("accepted, then closed by staff", "accepted", staff_close_it, accepted_as="progression")
    request("declined", "declined", decline_it)
    request("declined, then the mentor left", "declined", decline_it, mentor_leaves)
    request("withdrawn", "withdrawn", withdraw_it)
    request("withdrawn, then the mentee left", "withdrawn", withdraw_it, mentee_leaves)
    request("withdrawn, then the mentor left", "withdrawn", withdraw_it, mentor_leaves)
    request("waiting when the mentee left", "withdrawn", mentee_leaves)
    request("waiting when the mentee was deactivated", "withdrawn", lambda r, e, m: deactivate(e, staff))
    request("expired", "expired", lambda r, e, m: _expire(r))
    request("waiting when the mentor left", "closed_for_mentor", mentor_leaves)
    request("waiting when the mentor was deactivated", "closed_for_mentor", lambda r, e, m: deactivate(m, staff))
    request("closed by staff while waiting", "closed_by_staff", staff_close_it)
    request("withdrawn, then closed by staff", "closed_by_staff", withdraw_it, staff_close_it)
    return made


@pytest.fixture
def paths(staff):
    return _paths(staff)


def _month():
    today = timezone.localdate()
    return dashboard.Period(today - dt.timedelta(days=30), today)


def _csv(response) -> list[list[str]]:
    body = response.content if hasattr(response, "content") else b"".join(response.streaming_content)
    return list(csv.reader(io.StringIO(body.decode())))


def test_requests_reach_every_state_and_each_is_in_the_line_expected(paths):
    reached = {rel.state for _how, rel, _ending in paths}
    for state in State:  # a new state: a way to reach it here, and its line in staff.reports.ENDINGS
        assert state in reached, f"no request here ends in “{state.label}”"
    lines = dict(reports.requests_sent(Q()).values_list("pk", "ending"))
    for how, rel, ending in paths:
        assert lines[rel.pk] == ending, how
    assert len(lines) == len(paths)


def test_the_chart_counts_every_request_sent_once(client, paths, staff):
    """The chart's rows add up to the requests sent, each in its row: every answer came at once."""
    labels = {ending.key: str(ending.label) for ending in reports.ENDINGS}
    expected = Counter("Within a day" if e in reports.ANSWERED else labels[e] for _how, _rel, e in paths)
    chart = dashboard.answers(_month())
    rows = dict(chart.rows)
    assert len(rows) == len(chart.rows)  # no two rows with the same words
    assert sum(rows.values()) == len(paths) == Relationship.objects.count()
    assert {label: n for label, n in rows.items() if n} == dict(expected)
    assert f"{len(paths)} requests sent in the period, each in one row" in chart.summary
    assert "Typical time to answer: under an hour." in chart.summary
    client.force_login(staff)
    download = _csv(client.get(reverse("staff_home_csv", args=["answers"])))
    assert download[1:] == [[label, str(n)] for label, n in chart.rows]


def test_the_report_counts_every_request_sent_once(client, paths, staff):
    """The report's lines add up to the requests sent, each in its line; the share accepted and the time
    to answer count the answers only; the page says each line, and the export each request's."""
    expected = Counter(ending for _how, _rel, ending in paths)
    report = reports.build("30")
    assert report.requests == len(paths) == sum(n for _label, n in report.request_lines)
    for ending in reports.ENDINGS:
        assert getattr(report, ending.key) == expected[ending.key], ending.key
    assert report.acceptance_rate == round(100 * expected["accepted"] / (expected["accepted"] + expected["declined"]))
    assert report.typical_answer_words == "under an hour"

    client.force_login(staff)
    page = client.get(reverse("staff_reports"), {"period": "30"}).content.decode()
    assert f"<dt>Requests sent (proposals included)</dt><dd>{len(paths)}</dd>" in page
    for label, n in report.request_lines:
        assert f"<dt>{label}</dt><dd>{n}</dd>" in page
    assert "Each request sent in the period is counted once below" in page

    rows = _csv(client.get(reverse("staff_reports_csv")))
    assert rows[0][-1] == "request outcome"
    outcome = {int(row[0]): row[-1] for row in rows[1:]}
    labels = {ending.key: str(ending.label) for ending in reports.ENDINGS}
    for how, rel, ending in paths:
        assert outcome[rel.pk] == labels[ending], how
