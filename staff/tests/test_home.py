"""The staff home: what needs attention, exactly; where staff land after signing in; its queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from journeys import rules
from journeys.models import Relationship
from journeys.tests.helpers import meet, quiet_for, send, walk_to
from people.tests.factories import PASSWORD, make_mentee, make_mentor, make_staff
from staff import dashboard, services
from staff.models import StaffCase

pytestmark = pytest.mark.django_db


def _ago(rel, days, *fields):
    moment = timezone.now() - timedelta(days=days)
    Relationship.objects.filter(pk=rel.pk).update(**{f: moment for f in fields})


@pytest.fixture
def attention_world(settings, staff):
    settings.REMINDERS = {**settings.REMINDERS, "STALLED_AFTER_DAYS": 30}
    mentor = make_mentor(first_name="Rhys", last_name="Evans", capacity=9)
    old = send(make_mentee(first_name="Olwen", last_name="Old"), mentor)
    _ago(old, 10, "created_at")
    recent = send(make_mentee(first_name="Rita", last_name="Recent"), mentor)
    _ago(recent, 2, "created_at")
    quiet = walk_to(send(make_mentee(first_name="Quentin", last_name="Quiet"), mentor), None, mentor, "arranging")
    busy = walk_to(send(make_mentee(first_name="Betty", last_name="Busy"), mentor), None, mentor, "arranging")
    arranging = walk_to(send(make_mentee(first_name="Ann", last_name="Arranging"), mentor), None, mentor, "arranging")
    for rel in (quiet, busy):
        walk_to(rel, rel.mentee, mentor, "progression")
    quiet_for(quiet, 40)
    _ago(busy, 5, "last_activity_at")
    _ago(arranging, 60, "last_activity_at")  # not working together yet: arranging cannot stall
    case = services.escalate_unanswered_request(old)
    sleepy = services.raise_case(busy, staff, "Check in next month")
    services.snooze(sleepy, staff, timezone.localdate() + timedelta(days=20))
    return {"old": old, "recent": recent, "quiet": quiet, "case": case}


def test_what_needs_attention(attention_world):
    seen = dashboard.attention()
    assert seen.open_cases == 1 and [c.pk for c in seen.cases] == [attention_world["case"].pk]  # snoozed left out
    assert seen.waiting == 2
    assert [(r["relationship"].pk, r["days"]) for r in seen.requests] == [
        (attention_world["old"].pk, 10),
        (attention_world["recent"].pk, 2),
    ]
    assert seen.stalled == 1
    assert [(r["relationship"].pk, r["days"]) for r in seen.quiet] == [(attention_world["quiet"].pk, 40)]
    assert seen.stalled_after_days == 30


def test_a_quiet_relationship_counts_its_quiet_from_a_meeting_held_since_its_last_update(
    client, attention_world, staff
):
    """Quiet for 40 days by its last update, but a meeting was held 35 days ago (nothing is written when
    a meeting's time comes): the home says quiet since that meeting, 35 days."""
    quiet = attention_world["quiet"]
    met = timezone.now() - timedelta(days=35)
    meet(quiet, quiet.mentee, title="Catch-up")
    quiet_for(quiet, 40)
    quiet.meetings.filter(title="Catch-up").update(starts_at=met)
    seen = dashboard.attention()
    assert [(r["relationship"].pk, r["days"]) for r in seen.quiet] == [(quiet.pk, 35)]
    client.force_login(staff)
    page = " ".join(client.get(reverse("staff_home")).content.decode().split())
    assert "no message, meeting or goal update, and no meeting held, for more than 30 days" in page
    row = page[page.index("Quentin Quiet") :].split("</tr>")[0]
    assert timezone.localtime(met).strftime("%-d %b %Y") in row and "<td>35</td>" in row


def test_the_stalled_rule_is_the_sweeps(attention_world):
    """The home page's quiet relationships are the ones the sweep opens cases for."""
    assert services.open_stalled_cases() == 1
    assert StaffCase.objects.filter(kind="stalled", relationship=attention_world["quiet"]).exists()


def test_the_stalled_rule_and_its_query_agree(attention_world):
    mentor = attention_world["quiet"].mentor
    met = walk_to(send(make_mentee(first_name="Meg", last_name="Met"), mentor), None, mentor, "arranging")
    met = walk_to(met, met.mentee, mentor, "progression")
    quiet_for(met, 40)
    met.meetings.update(starts_at=timezone.now() - timedelta(days=3))  # met three days ago, nothing written
    now = timezone.now()
    for rel in Relationship.objects.all():
        in_query = Relationship.objects.filter(rules.stalled_q(now), pk=rel.pk).exists()
        assert rules.is_stalled(rel, now) == in_query, rel.state
    assert not rules.is_stalled(Relationship.objects.get(pk=met.pk), now)
    quiet = Relationship.objects.get(pk=attention_world["quiet"].pk)
    assert rules.is_stalled(quiet, now) and not rules.is_stalled(quiet, now, 0)


def test_the_stalled_rule_can_be_off(attention_world, settings):
    settings.REMINDERS = {**settings.REMINDERS, "STALLED_AFTER_DAYS": 0}
    seen = dashboard.attention()
    assert seen.stalled == 0 and seen.stalled_after_days == 0


def test_the_home_page_shows_it(client, attention_world, staff):
    client.force_login(staff)
    html = client.get(reverse("staff_home")).content.decode()
    assert "1 open case" in html and "2 requests waiting for an answer" in html
    assert "1 relationship gone quiet" in html and "Quentin Quiet with Rhys Evans" in html
    assert html.index("Olwen Old") < html.index("Rita Recent")
    assert 'aria-current="page">Home<' in html


def test_the_home_the_inbox_and_the_reports_say_which_open_cases_they_count(client, attention_world, staff):
    """Two open cases, one of them snoozed. The home and the inbox's Open tab show what needs the team
    now (snoozed cases left out, and said to be); the reports count the caseload, snoozed included,
    and say how many of it are snoozed: the figures add up from either page."""
    client.force_login(staff)
    seen = dashboard.attention()
    assert (seen.open_cases, seen.snoozed_cases) == (1, 1)
    home = " ".join(client.get(reverse("staff_home")).content.decode().split())
    assert "1 open case, not snoozed" in home
    assert "1 more case is snoozed" in home and "?tab=snoozed" in home
    inbox = client.get(reverse("staff_inbox"))
    assert [row["case"].pk for row in inbox.context["rows"]] == [attention_world["case"].pk]
    assert len(client.get(reverse("staff_inbox"), {"tab": "snoozed"}).context["rows"]) == 1
    report = client.get(reverse("staff_reports"), {"period": "all"})
    assert (report.context["report"].open_cases_total, report.context["report"].snoozed_cases_total) == (2, 1)
    text = " ".join(report.content.decode().split())
    assert "2 open cases, snoozed included (1 of them snoozed)" in text
    assert "Open, snoozed included" in text and "Of them snoozed" in text


def test_support_staff_see_it_too(client, attention_world):
    client.force_login(make_staff(email="support@example.com", role="support"))
    assert client.get(reverse("staff_home")).status_code == 200


def test_participants_are_refused(client, mentee):
    client.force_login(mentee)
    assert client.get(reverse("staff_home")).status_code == 403


# -- where people land after signing in -----------------------------------------------------


def _sign_in(client, user, **query):
    url = reverse("account_login")
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return client.post(url, {"login": user.email, "password": PASSWORD})


def test_staff_land_on_the_staff_home(client, staff):
    response = _sign_in(client, staff)
    assert response.status_code == 302 and response["Location"] == reverse("staff_home")


def test_support_staff_land_there_too(client):
    response = _sign_in(client, make_staff(email="support@example.com", role="support"))
    assert response["Location"] == reverse("staff_home")


def test_participants_land_where_they_did(client, mentee):
    response = _sign_in(client, mentee)
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_a_next_address_comes_first(client, staff):
    response = _sign_in(client, staff, next=reverse("staff_reports"))
    assert response["Location"] == reverse("staff_reports")


# -- a constant number of queries -------------------------------------------------------------


def _grow(n, mentor):
    for k in range(n):
        rel = send(make_mentee(first_name=f"Extra{k}"), mentor)
        services.escalate_unanswered_request(rel)
        if k % 2:
            rel = walk_to(rel, rel.mentee, mentor, "progression")
            _ago(rel, 45, "last_activity_at")


def test_the_home_page_reads_the_same_queries_for_few_or_many(
    client, attention_world, staff, django_assert_max_num_queries
):
    client.force_login(staff)
    client.get(reverse("staff_home"))  # warm the session and the permission caches
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("staff_home"))
    few = len(few.captured_queries)  # (read now: the next request empties the log it is read from)
    _grow(8, make_mentor(capacity=20))
    client.get(reverse("staff_home"))  # warm: the session's and "last active"'s cache keys aside
    with django_assert_max_num_queries(few):
        client.get(reverse("staff_home"))
