"""The staff home's charts: each figure on a crafted programme, the period, the CSVs, the feedback export."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from journeys.models import Feedback, Relationship, StateChange
from journeys.services import relationships
from journeys.tests.helpers import send, walk_to
from people.models import Profile
from people.tests.factories import make_mentee, make_mentor, make_staff, make_user
from staff import charts, dashboard, services
from staff.imports.models import Invitation

pytestmark = pytest.mark.django_db


def _move(rel, days, field="created_at"):
    Relationship.objects.filter(pk=rel.pk).update(**{field: timezone.now() - timedelta(days=days)})


@pytest.fixture
def programme(staff):
    """Four mentors and seven mentees who joined this month, one person who joined long ago."""
    a = make_mentor(first_name="Ada", capacity=3)
    b = make_mentor(first_name="Bea", capacity=1)
    c = make_mentor(first_name="Cy", capacity=2)
    d = make_mentor(first_name="Dov", capacity=2)
    m = {k: make_mentee(first_name=f"Mentee{k}") for k in range(1, 8)}
    Profile.objects.filter(user=m[5]).update(completed_at=None)  # registered, profile not complete
    done = walk_to(send(m[1], a), m[1], a, "completed")  # feedback: 5 from the mentee, 4 from the mentor
    Feedback.objects.filter(author=m[1]).update(comments='=HYPERLINK("http://x")')
    arranging = send(m[2], b)
    _move(arranging, 2)  # answered 2 days after it was sent
    relationships.accept_request(arranging, b)
    waiting = send(m[3], a)
    declined = send(m[4], a)
    _move(declined, 8)  # answered 8 days after it was sent
    relationships.decline_request(declined, a, "Full diary")
    withdrawn = send(m[6], c)
    relationships.withdraw_request(withdrawn, m[6])
    matched = send(m[7], d)
    relationships.accept_request(matched, d)
    old = make_mentee(first_name="Long", last_name="Ago")
    type(old).objects.filter(pk=old.pk).update(date_joined=timezone.now() - timedelta(days=200))
    return {"done": done, "waiting": waiting, "declined": declined, "mentor": a, "mentee": m[1]}


def _month():
    today = timezone.localdate()
    return dashboard.Period(today - timedelta(days=30), today)


def test_the_funnel(programme):
    chart = dashboard.funnel(_month(), timezone.now())
    assert [(row[0], row[1]) for row in chart.rows] == [
        ("Registered", 11),
        ("Profile complete", 10),
        ("Request sent", 6),  # the six mentees who sent one, not the four mentors they went to
        ("Matched", 6),
        ("First meeting held", 2),
        ("Goals set", 2),
        ("Completed", 2),
        ("Feedback given", 2),
    ]
    assert chart.rows[3][2] == "55%"
    assert "Matched 6" in chart.svg and 'role="img"' in chart.svg and "<desc" in chart.svg


def test_someone_invited_counts_as_registered_once_they_have_joined(programme):
    """An imported or invited account is made before its person joins: the funnel counts them from
    the day they accept the invitation, as the Import page counts them "joined"."""
    invited = make_mentee(first_name="Invited")
    invitation = Invitation.objects.create(user=invited, expires_at=timezone.now() + timedelta(days=14))
    assert dashboard.funnel(_month(), timezone.now()).rows[0][1] == 11
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    assert dashboard.funnel(_month(), timezone.now()).rows[0][1] == 12


def test_a_request_counts_for_the_mentee_who_sent_it_not_the_mentor_it_went_to(client, staff):
    """As the chart says: only Matched and the steps after it count either side of a relationship. The
    page, its chart and the CSV read the same figure."""
    mentee, mentor = make_mentee(first_name="Sender"), make_mentor(first_name="Receiver")
    send(mentee, mentor)
    chart = dashboard.funnel(_month(), timezone.now())
    assert [row for row in chart.rows if row[0] == "Request sent"] == [["Request sent", 1, "50%"]]
    client.force_login(staff)
    html = client.get(reverse("staff_home")).content.decode()
    assert "Request sent 1;" in html  # the chart's description
    assert '<thscope="row">Requestsent</th><td>1</td><td>50%</td>' in "".join(html.split())  # its table
    rows = _rows(client.get(reverse("staff_home_csv", args=["funnel"])))
    assert ["Request sent", "1", "50%"] in rows


def test_a_request_the_programme_proposed_is_not_a_request_the_mentee_sent(client, staff):
    """A matching round's pair is proposed by the programme: its mentee sent nothing. The page, its
    chart and the CSV agree, and the chart says so."""
    sender, proposed_to = make_mentee(first_name="Sender"), make_mentee(first_name="Proposed")
    mentor = make_mentor(first_name="Receiver", capacity=3)
    send(sender, mentor)
    Relationship.objects.filter(pk=send(proposed_to, mentor).pk).update(proposed_by_programme=True)
    chart = dashboard.funnel(_month(), timezone.now())
    assert [row for row in chart.rows if row[0] == "Request sent"] == [["Request sent", 1, "33%"]]
    assert "not a request the programme proposed in a matching round" in chart.summary
    client.force_login(staff)
    html = client.get(reverse("staff_home")).content.decode()
    assert "Request sent 1;" in html
    assert '<thscope="row">Requestsent</th><td>1</td><td>33%</td>' in "".join(html.split())
    assert ["Request sent", "1", "33%"] in _rows(client.get(reverse("staff_home_csv", args=["funnel"])))

    # The weekly chart, the time to answer and the reports count both, and each says so (they said
    # "Requests sent" as if the figure were the funnel's).
    weekly = dashboard.weekly(_month())
    assert sum(row[1] for row in weekly.rows) == 2
    assert weekly.columns[1] == "Requests sent (proposals included)" and "(proposals included)" in weekly.svg
    assert "include those the programme proposed in a matching round" in weekly.summary
    answers = dashboard.answers(_month())
    assert "2 requests sent in the period" in answers.summary
    assert "include those the programme proposed in a matching round" in answers.summary
    assert ["Week starting", "Requests sent (proposals included)", "Matches"] in _rows(
        client.get(reverse("staff_home_csv", args=["weekly"]))
    )
    report = " ".join(client.get(reverse("staff_reports"), {"period": "30"}).content.decode().split())
    assert "<dt>Requests sent (proposals included)</dt><dd>2</dd>" in report
    assert "the programme proposed in a matching round (1 in the period)" in report


def test_the_funnel_follows_the_period(programme):
    today = timezone.localdate()
    earlier = dashboard.funnel(
        dashboard.Period(today - timedelta(days=300), today - timedelta(days=100)), timezone.now()
    )
    assert [row[1] for row in earlier.rows] == [1, 1, 0, 0, 0, 0, 0, 0]
    year = dashboard.funnel(dashboard.default_period(), timezone.now())
    assert year.rows[0][1] == 12


def test_an_empty_period_says_so_in_words_on_every_chart_of_the_period(programme):
    """Not a row of noughts and dashes under a sentence explaining what is counted: the summary says
    there was nothing, as the feedback ratings' does."""
    from datetime import date

    empty = dashboard.Period(date(2001, 1, 1), date(2001, 12, 31))
    now = timezone.now()
    summaries = {chart.key: chart.summary for chart in dashboard.all_charts(empty, now)}
    assert (
        summaries["funnel"]
        == "Nobody joined in the period (staff aside), so there is nobody to follow through the steps."
    )
    assert summaries["weekly"] == "No request was sent and nobody was matched in the period."
    assert summaries["answers"] == "No request was sent in the period."
    assert summaries["ratings"] == "No feedback was given in the period."


def test_requests_and_matches_per_week(programme):
    today = timezone.localdate()

    def week_of(day):
        return (day - timedelta(days=day.weekday())).isoformat()

    sent = Counter(week_of(today - timedelta(days=d)) for d in (0, 0, 0, 0, 2, 8))  # six requests
    chart = dashboard.weekly(_month())
    assert len(chart.rows) == len({week_of(today - timedelta(days=d)) for d in range(31)})
    assert chart.rows[-1][0] == week_of(today)
    for week, requests, matches in chart.rows:
        assert requests == sent.get(week, 0), week
        assert matches == (3 if week == week_of(today) else 0), week  # all three accepted today


def test_the_weekly_chart_says_one_request_and_one_match_in_the_singular(staff):
    mentor, mentee = make_mentor(first_name="Ada"), make_mentee(first_name="Mo")
    relationships.accept_request(send(mentee, mentor), mentor)
    chart = dashboard.weekly(_month())
    assert "1 request sent and 1 matched (accepted by the mentor)" in chart.summary
    assert "1 request sent and 1 match in all; the busiest week had 1 request." in chart.svg
    assert "1 requests" not in chart.svg + chart.summary and "1 matches" not in chart.svg


def test_time_for_mentors_to_answer(programme):
    chart = dashboard.answers(_month())
    assert chart.rows == [
        ["Within a day", 2],
        ["1 to 3 days", 1],
        ["3 to 7 days", 0],
        ["1 to 2 weeks", 1],
        ["2 weeks or more", 0],
        ["Still waiting for an answer", 1],
        ["Withdrawn by the mentee, or for them when they were deactivated", 1],
        ["Expired without an answer", 0],
        ["Closed when the mentor left or was deactivated", 0],
        ["Closed by programme staff before an answer", 0],
    ]
    assert StateChange.objects.filter(action__in=["accept", "decline"]).count() == 4
    assert "Typical time to answer" in chart.summary


def test_a_request_closed_when_its_mentor_was_deactivated_is_not_an_answer(client, programme, staff):
    """Closed for the mentor (journeys.services.relationships.close_request_for_mentor): counted apart,
    not as answered within a day, and every request sent is in one row. The page and the CSV agree."""
    from staff.members.services import deactivate

    deactivate(programme["mentor"], staff)  # Ada: the waiting request to her is closed for her
    chart = dashboard.answers(_month())
    rows = dict(chart.rows)
    assert rows["Closed when the mentor left or was deactivated"] == 1
    assert (rows["Within a day"], rows["Still waiting for an answer"]) == (2, 0)
    assert sum(rows.values()) == Relationship.objects.count()
    assert "6 requests sent in the period, each in one row" in chart.summary
    client.force_login(staff)
    html = "".join(client.get(reverse("staff_home")).content.decode().split())
    assert '<thscope="row">Closedwhenthementorleftorwasdeactivated</th><td>1</td>' in html
    assert ["Closed when the mentor left or was deactivated", "1"] in _rows(
        client.get(reverse("staff_home_csv", args=["answers"]))
    )


def test_a_request_staff_closed_before_an_answer_has_a_row_of_its_own(client, programme, staff):
    """Closed by programme staff from the case about it while it waited (``staff.services.close_relationship``):
    not an answer, and in a row of its own, so the rows still add up to the requests sent."""
    case = services.escalate_unanswered_request(programme["waiting"])
    services.close_relationship(case, staff, "The mentor is on leave.")
    rows = dict(dashboard.answers(_month()).rows)
    assert rows["Closed by programme staff before an answer"] == 1
    assert (rows["Within a day"], rows["Still waiting for an answer"]) == (2, 0)
    assert sum(rows.values()) == Relationship.objects.count()
    client.force_login(staff)
    html = "".join(client.get(reverse("staff_home")).content.decode().split())
    assert '<thscope="row">Closedbyprogrammestaffbeforeananswer</th><td>1</td>' in html


def test_a_long_bar_label_goes_on_more_lines_not_off_the_picture():
    svg = charts.horizontal_bars(
        "c", "Title", "Desc", [("Closed by programme staff before an answer", 1), ("Short", 2)]
    )
    lines = re.findall(r"<tspan [^>]*>([^<]*)</tspan>", svg)
    assert lines == ["Closed by programme staff", "before an answer", "Short"]
    assert all(len(line) <= charts.LABEL_CHARS for line in lines)


def test_feedback_ratings(programme):
    chart = dashboard.ratings(_month())
    assert chart.rows == [[1, 0, 0, 0], [2, 0, 0, 0], [3, 0, 0, 0], [4, 0, 1, 1], [5, 1, 0, 1]]
    assert "4.5 out of 5" in chart.summary
    today = timezone.localdate()
    none = dashboard.ratings(dashboard.Period(today - timedelta(days=300), today - timedelta(days=100)))
    assert none.summary == "No feedback was given in the period."


def test_mentor_capacity_used(programme):
    chart = dashboard.capacity()
    assert chart.rows == [
        ["Room for mentees, none yet", 2],
        ["Room for more, some places taken", 1],
        ["Full", 1],
    ]
    assert "2 of the 8 places" in chart.summary and "(25%)" in chart.summary


# -- the page: the period form, the tables, the downloads ---------------------------------------


def _dates(start, end) -> dict:
    return {
        "start_0": start.day,
        "start_1": start.month,
        "start_2": start.year,
        "end_0": end.day,
        "end_1": end.month,
        "end_2": end.year,
    }


def test_the_page_shows_every_chart_with_its_table(client, programme, staff):
    client.force_login(staff)
    html = client.get(reverse("staff_home")).content.decode()
    for key in dashboard.CHART_KEYS:
        assert f'id="chart-{key}-title"' in html
        assert reverse("staff_home_csv", args=[key]) in html
    assert html.count("<caption>") == len(dashboard.CHART_KEYS)
    assert "<details><summary>The numbers: requests and matches per week" in html
    assert "cdn" not in html.lower() and "<script" not in html.split("</header>")[-1]
    assert reverse("staff_feedback_csv") in html and "who wrote it about whom" in html


def test_a_chosen_period(client, programme, staff):
    client.force_login(staff)
    today = timezone.localdate()
    start, end = today - timedelta(days=300), today - timedelta(days=100)
    html = client.get(reverse("staff_home"), _dates(start, end)).content.decode()
    assert f"From {start:%-d %B %Y} to {end:%-d %B %Y}" in html
    assert '<th scope="row">Registered</th><td>1</td>' in html
    assert f"start_0={start.day}" in html  # the downloads keep the period


def test_wrong_dates_are_explained_on_their_field(client, programme, staff):
    client.force_login(staff)
    today = timezone.localdate()
    bad = {**_dates(today, today), "start_0": "31", "start_1": "2"}
    html = client.get(reverse("staff_home"), bad).content.decode()
    assert 'id="id_start_error"' in html and "That date does not exist" in html
    assert 'aria-describedby="id_start_helptext id_start_error"' in html
    assert "the last 12 months" in html
    backwards = _dates(today, today - timedelta(days=3))
    html = client.get(reverse("staff_home"), backwards).content.decode()
    assert 'id="id_end_error"' in html and "on or after the start date" in html
    too_long = _dates(today - timedelta(days=6 * 366), today)
    assert "five years at most" in client.get(reverse("staff_home"), too_long).content.decode()
    ancient = _dates(today.replace(year=1066), today)
    assert "between 2000 and 2100" in client.get(reverse("staff_home"), ancient).content.decode()
    edges = _dates(date(1, 1, 1), date(9999, 12, 31))  # the calendar's own first and last days
    html = client.get(reverse("staff_home"), edges).content.decode()
    assert 'id="id_start_error"' in html and 'id="id_end_error"' in html and "between 2000 and 2100" in html


def _rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"\xef\xbb\xbf")  # the mark Excel reads UTF-8 by
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_each_chart_downloads_as_csv(client, programme, staff):
    client.force_login(staff)
    today = timezone.localdate()
    query = _dates(today - timedelta(days=30), today)
    for key in dashboard.CHART_KEYS:
        chart = dashboard.chart(key, _month())
        rows = _rows(client.get(reverse("staff_home_csv", args=[key]), query))
        assert rows == [[str(c) for c in chart.columns], *[[str(v) for v in r] for r in chart.rows]], key
    funnel = _rows(client.get(reverse("staff_home_csv", args=["funnel"]), query))
    assert funnel[1] == ["Registered", "11", "100%"]
    assert client.get(reverse("staff_home_csv", args=["nonsense"])).status_code == 404


@pytest.mark.parametrize("url", [reverse("staff_home_csv", args=["funnel"]), reverse("staff_feedback_csv")])
def test_a_download_with_wrong_dates_is_refused_not_made_for_another_period(client, programme, staff, url):
    """The page shows the last 12 months when the dates asked for are wrong, and says so; a download
    named and filled with a period nobody asked for would not say it. Back to the page and its errors."""
    client.force_login(staff)
    today = timezone.localdate()
    bad = {**_dates(today, today), "start_0": "31", "start_1": "2"}
    response = client.get(url, bad)
    assert response.status_code == 302 and "Content-Disposition" not in response
    assert response["Location"].startswith(reverse("staff_home") + "?")
    html = client.get(response["Location"]).content.decode()
    assert "Nothing was downloaded" in html
    assert 'id="id_start_error"' in html and "That date does not exist" in html
    assert client.get(url).status_code == 200  # no dates at all: the last 12 months, as the page shows


def test_support_staff_see_the_charts_but_download_nothing(client, programme):
    client.force_login(make_staff(email="support@example.com", role="support"))
    html = client.get(reverse("staff_home")).content.decode()
    assert 'id="chart-funnel-title"' in html
    assert reverse("staff_home_csv", args=["funnel"]) not in html and reverse("staff_feedback_csv") not in html
    assert client.get(reverse("staff_home_csv", args=["funnel"])).status_code == 403
    assert client.get(reverse("staff_feedback_csv")).status_code == 403


def test_the_feedback_export_with_names(client, programme, staff):
    client.force_login(staff)  # a programme manager: project.see_feedback_authors
    rows = _rows(client.get(reverse("staff_feedback_csv")))
    assert rows[0][-2:] == ["written by", "about"]
    done = programme["done"]
    by_mentee = next(r for r in rows[1:] if r[3] == "mentee")
    assert by_mentee[0] == str(done.pk) and by_mentee[4] == "5"
    assert by_mentee[5] == '\'=HYPERLINK("http://x")'  # no formula reaches a spreadsheet
    assert by_mentee[6:] == [done.mentee.display_name, done.mentor.display_name]
    assert len(rows) == 3


def test_the_feedback_export_without_names(client, programme):
    exporter = make_user(email="exports@example.com", is_staff=True)
    exporter.user_permissions.add(Permission.objects.get(content_type__app_label="project", codename="export_data"))
    client.force_login(exporter)
    rows = _rows(client.get(reverse("staff_feedback_csv")))
    assert rows[0] == ["relationship", "area of support", "given on", "given by", "rating", "comments"]
    body = "\n".join(",".join(r) for r in rows)
    done = programme["done"]
    for name in (done.mentee.first_name, done.mentor.first_name, done.mentee.email, done.mentor.email):
        assert name not in body
    assert sorted(r[4] for r in rows[1:]) == ["4", "5"]
    html = client.get(reverse("staff_home")).content.decode()
    assert "without names" in html


def test_the_feedback_export_follows_the_period(client, programme, staff):
    client.force_login(staff)
    today = timezone.localdate()
    rows = _rows(
        client.get(reverse("staff_feedback_csv"), _dates(today - timedelta(days=300), today - timedelta(days=100)))
    )
    assert len(rows) == 1  # the header only
