"""The relationship directory (/staff/relationships/) and the staff view of one relationship."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from journeys.models import MeetingNote, Relationship, State
from journeys.services import relationships
from journeys.tests.helpers import goal, quiet_for, send, walk_to
from people.tests.factories import make_mentee, make_mentor, make_staff
from staff.models import CaseKind, StaffCase

pytestmark = pytest.mark.django_db
DIRECTORY = reverse("staff_relationships")


def listed(client, **params) -> set[int]:
    response = client.get(DIRECTORY, params)
    assert response.status_code == 200
    return {rel.pk for rel in response.context["page"].object_list}


@pytest.fixture
def world():
    mia = make_mentee(first_name="Mia", last_name="Mentee", email="mia@example.com")
    ned = make_mentee(first_name="Ned", last_name="Newcomer", email="ned@example.com")
    max_ = make_mentor(first_name="Max", last_name="Mentor", email="max@example.com", capacity=5)
    zoe = make_mentor(first_name="Zoe", last_name="Zhang", email="zoe@mentors.example", capacity=5)
    requested = send(mia, max_)  # waits on the mentor
    arranging = walk_to(send(ned, max_), ned, max_, "arranging")  # waits on the mentee
    working = walk_to(send(mia, zoe), mia, zoe, "progression")
    feedback = walk_to(send(ned, zoe), ned, zoe, "feedback")  # both owe feedback
    ana = make_mentor(first_name="Ana", last_name="Adams", email="ana@example.com", capacity=5)
    completed = walk_to(send(ned, ana), ned, ana, "completed")
    return {
        "mia": mia,
        "ned": ned,
        "max": max_,
        "zoe": zoe,
        "requested": requested,
        "arranging": arranging,
        "working": working,
        "feedback": feedback,
        "completed": completed,
    }


def test_participants_may_not_see_the_directory_and_support_staff_may(client, world):
    client.force_login(world["mia"])
    assert client.get(DIRECTORY).status_code == 403
    assert client.get(reverse("staff_relationship", args=[world["working"].pk])).status_code == 403
    client.force_login(make_staff(role="support", email="support@example.com"))
    assert client.get(DIRECTORY).status_code == 200
    assert client.get(reverse("staff_relationship", args=[world["working"].pk])).status_code == 200


def test_each_list_says_what_choosing_nothing_means(client, staff):
    """Not Django's "---------": a person (and a screen reader) reads what the empty choice shows."""
    client.force_login(staff)
    page = client.get(DIRECTORY).content.decode()
    assert "---------" not in page
    for words in ("Any stage", "Anyone or nobody", "Ended or not"):
        assert f'<option value="" selected>{words}</option>' in page


def test_filters(client, world):
    w = world
    client.force_login(make_staff())
    everything = {w[k].pk for k in ("requested", "arranging", "working", "feedback", "completed")}
    assert listed(client) == everything
    assert listed(client, stage="requested") == {w["requested"].pk}
    assert listed(client, stage="progression") == {w["working"].pk}
    assert listed(client, stage="group:matched") == {w["arranging"].pk, w["working"].pk, w["feedback"].pk}
    assert listed(client, stage="group:ended") == {w["completed"].pk}
    assert listed(client, waiting="mentor") == {w["requested"].pk}
    assert listed(client, waiting="mentee") == {w["arranging"].pk, w["working"].pk}
    assert listed(client, waiting="both") == {w["feedback"].pk}
    assert listed(client, waiting="nobody") == {w["completed"].pk}
    assert listed(client, ended="completed") == {w["completed"].pk}
    assert listed(client, ended="withdrawn") == set()
    assert listed(client, mentor="zhang") == {w["working"].pk, w["feedback"].pk}
    assert listed(client, mentor="zoe@mentors") == {w["working"].pk, w["feedback"].pk}
    assert listed(client, mentee="Mia") == {w["requested"].pk, w["working"].pk}
    assert listed(client, mentee="Mia", mentor="Max") == {w["requested"].pk}
    # stalled: under way, quiet for at least N days (as the stalled sweep sees it)
    quiet_for(w["working"], 40)
    quiet_for(w["completed"], 40)
    assert listed(client, stalled=30) == {w["working"].pk}
    assert listed(client, stalled=41) == set()
    # started between
    long_ago = timezone.now() - dt.timedelta(days=100)
    Relationship.objects.filter(pk=w["requested"].pk).update(created_at=long_ago)
    old = timezone.localtime(long_ago).date().isoformat()
    assert listed(client, started_to=old) == {w["requested"].pk}
    assert w["requested"].pk not in listed(client, started_from=timezone.localdate().isoformat())
    # a withdrawn relationship, then "how it ended"
    relationships.withdraw(w["arranging"], w["ned"], "Moving abroad")
    assert listed(client, ended="withdrawn") == {w["arranging"].pk}
    assert listed(client, stage="group:ended") == {w["arranging"].pk, w["completed"].pk}
    # a request left unanswered until it expired (journeys' expiry timer) ended that way too
    Relationship.objects.filter(pk=w["requested"].pk).update(state=State.EXPIRED)
    assert listed(client, ended="expired") == {w["requested"].pk}


def test_sorting_and_paging(client, world, settings):
    client.force_login(make_staff())
    ids = [r.pk for r in client.get(DIRECTORY, {"sort": "started"}).context["page"].object_list]
    created = dict(Relationship.objects.values_list("pk", "created_at"))
    assert ids == sorted(ids, key=lambda pk: (created[pk], -pk))
    response = client.get(DIRECTORY, {"sort": "-ended"})
    first = response.context["page"].object_list[0]
    assert first.pk == world["completed"].pk  # the ended one first, the rest (not ended) after
    from staff import directory

    settings_page = directory.PAGE_SIZE
    directory.PAGE_SIZE = 2
    try:
        page2 = client.get(DIRECTORY, {"stage": "group:matched", "page": 2})
        assert page2.context["page"].number == 2
        assert len(page2.context["page"].object_list) == 1
        assert "stage=group%3Amatched&amp;page=1" in page2.content.decode()
    finally:
        directory.PAGE_SIZE = settings_page


def test_a_bad_filter_value_is_said_and_ignored(client, world):
    client.force_login(make_staff())
    response = client.get(DIRECTORY, {"stage": "nonsense", "stalled": "-3"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 5
    assert response.context["form"].errors


STALLED_REFUSED = "Enter a whole number of days between 1 and 3650."


@pytest.mark.parametrize("typed", ["1e400", "1e20", "-3", "abc", "0", "1.5", "3651", "1_000", "١٢", "nan"])
def test_an_absurd_number_of_stalled_days_is_one_plain_sentence_on_its_field(client, world, typed):
    """As the member directory's days: not a whole number from 1 to 3650 (an exponent, a fraction cut
    short silently before, digits of another script) is one sentence on the field, the filter left out."""
    client.force_login(make_staff())
    response = client.get(DIRECTORY, {"stalled": typed})
    assert response.status_code == 200
    assert response.context["form"].errors == {"stalled": [STALLED_REFUSED]}
    assert len(response.context["page"].object_list) == 5  # the filter is left out
    html = response.content.decode()
    assert STALLED_REFUSED in html
    assert "1e+50" not in html and "Ensure this value" not in html and "Enter a number." not in html


@pytest.mark.parametrize("field", ["started_from", "started_to"])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"])
def test_a_day_outside_the_programme_years_is_the_field_error_not_a_500(client, world, field, day):
    """The last and first days a date can hold once broke the date arithmetic (the day after 31 December
    9999 does not exist): any day outside the years the programme can have is the field's error, and
    the filter is left out, like any bad filter value."""
    client.force_login(make_staff())
    response = client.get(DIRECTORY, {field: day})
    assert response.status_code == 200
    assert "between 2000 and 2100" in str(response.context["form"].errors[field])
    assert len(response.context["page"].object_list) == 5
    assert 'aria-invalid="true"' in response.content.decode()


def test_a_reversed_range_of_start_days_is_the_end_fields_error(client, world):
    """As the staff home says for its period: not "0 relationships" without a word."""
    client.force_login(make_staff())
    response = client.get(DIRECTORY, {"started_from": "2026-12-08", "started_to": "2026-12-01"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "The end date must be on or after the start date." in str(errors["started_to"])
    assert "started_from" not in errors
    assert 'aria-invalid="true"' in response.content.decode()


def _queries(client, **params) -> int:
    client.get(DIRECTORY, params)  # warm: the session's and "last active"'s cache keys aside
    with CaptureQueriesContext(connection) as queries:
        assert client.get(DIRECTORY, params).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_data(client, world):
    staff = make_staff()
    client.force_login(staff)
    filters = {"waiting": "mentee", "mentee": "e", "stage": "group:matched"}
    small = (_queries(client), _queries(client, **filters), _queries(client, stalled=1, sort="-activity"))
    for n in range(12):
        mentee = make_mentee(first_name=f"Extra{n}")
        mentor = make_mentor(capacity=3)
        walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    StaffCase.objects.create(kind=CaseKind.RAISED_BY_STAFF, relationship=Relationship.objects.first(), summary="x")
    large = (_queries(client), _queries(client, **filters), _queries(client, stalled=1, sort="-activity"))
    assert small == large
    assert max(large) <= 12


def test_the_staff_view_of_a_relationship(client, world):
    w = world
    rel = w["working"]
    meeting = rel.meetings.get()
    MeetingNote.objects.create(meeting=meeting, author=w["mia"], text="SECRET NOTE about my manager")
    goal(rel, w["zoe"], label="Present at the regional meeting")
    support = make_staff(role="support", email="support@example.com")
    client.force_login(support)
    page = client.get(reverse("staff_relationship", args=[rel.pk])).content.decode()
    for expected in (
        "Mia Mentee",
        "Zoe Zhang",
        "mia@example.com",
        "Progression",
        "Present at the regional meeting",
        meeting.title,
    ):
        assert expected in page
    assert "SECRET NOTE" not in page
    assert reverse("staff_raise_case", args=[rel.pk]) in page
    # the directory's row opens it
    assert reverse("staff_relationship", args=[rel.pk]) in client.get(DIRECTORY).content.decode()


def test_feedback_authors_only_for_staff_who_may_see_them(client, world):
    rel = world["completed"]
    url = reverse("staff_relationship", args=[rel.pk])
    client.force_login(make_staff(role="support", email="support@example.com"))
    page = client.get(url).content.decode()
    assert "Great" in page and "Good" in page
    assert "(mentee): 5 out of 5" not in page and "Ned Newcomer (mentee)" not in page
    client.force_login(make_staff())  # a programme manager: project.see_feedback_authors
    page = client.get(url).content.decode()
    assert "Ned Newcomer (mentee): 5 out of 5" in page


def test_open_a_case_from_the_view(client, world):
    rel = world["arranging"]
    staff = make_staff(role="support", email="support@example.com")
    client.force_login(staff)
    response = client.post(reverse("staff_raise_case", args=[rel.pk]), {"reason": "Check they have met"})
    assert response.status_code == 302
    case = StaffCase.objects.get(relationship=rel, kind=CaseKind.RAISED_BY_STAFF)
    assert "Check they have met" in case.description
    page = client.get(reverse("staff_relationship", args=[rel.pk])).content.decode()
    assert reverse("staff_case", args=[case.pk]) in page
    listed_row = client.get(DIRECTORY, {"mentee": "Ned"}).context["page"].object_list
    assert {r.pk: r.open_case_count for r in listed_row}[rel.pk] == 1
    # an empty reason: the staff view again, with why on the field (the form is novalidate: the page
    # answers, not the browser's bubble)
    assert 'class="stacked" novalidate>' in client.get(reverse("staff_relationship", args=[rel.pk])).content.decode()
    response = client.post(reverse("staff_raise_case", args=[rel.pk]), {"reason": " ", "shown_on": "staff"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="form-errors" role="alert" tabindex="-1" autofocus' in html
    assert 'aria-describedby="raise-help raise-reason_error" aria-invalid="true"' in html
    assert '<p class="error" id="raise-reason_error">Please say what needs attention. </p>' in html
    assert "Where it stands" in html  # the staff page
    assert StaffCase.objects.filter(relationship=rel).count() == 1
    assert rel.state == State.ARRANGING


def test_the_started_dates_take_whole_days_in_the_programmes_time_zone(client, world):
    client.force_login(make_staff())
    day = timezone.localdate() - dt.timedelta(days=10)
    late = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 30)))  # late evening, local time
    early = timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))  # the day's first instant
    Relationship.objects.filter(pk=world["requested"].pk).update(created_at=late)
    Relationship.objects.filter(pk=world["arranging"].pk).update(created_at=early)
    both = {world["requested"].pk, world["arranging"].pk}
    assert listed(client, started_from=day.isoformat(), started_to=day.isoformat()) == both
    assert not both & listed(client, started_from=(day + dt.timedelta(days=1)).isoformat())
    assert not both & listed(client, started_to=(day - dt.timedelta(days=1)).isoformat())


def test_past_the_count_cap_the_page_says_more_than_and_lists_that_many(client, world, monkeypatch):
    from staff import directory

    monkeypatch.setattr(directory, "COUNT_CAP", 3)
    monkeypatch.setattr(directory, "PAGE_SIZE", 2)
    client.force_login(make_staff())
    first = client.get(DIRECTORY)  # five relationships: more than the cap of three
    text = " ".join(first.content.decode().split())
    assert "More than 3 relationships" in text
    assert "Narrow the filters" in text
    assert "Page 1 of 2" in text
    last = client.get(DIRECTORY, {"page": 5})  # past the end: the last page listed
    assert last.context["page"].number == 2
    assert len(last.context["page"].object_list) == 1  # the third, not the fourth and fifth
    narrowed = " ".join(client.get(DIRECTORY, {"waiting": "mentee"}).content.decode().split())
    assert "2 relationships" in narrowed and "More than" not in narrowed


def test_the_filters_drawn_from_the_cache_show_each_query_its_own_values(client, world):
    client.force_login(make_staff())
    for chosen, other in (("mentor", "mentee"), ("mentee", "mentor"), ("mentor", "mentee")):
        html = client.get(DIRECTORY, {"waiting": chosen}).content.decode()
        assert f'<option value="{chosen}" selected>' in html
        assert f'<option value="{other}" selected>' not in html
    bad = client.get(DIRECTORY, {"stalled": "-3"}).content.decode()
    again = client.get(DIRECTORY, {"stalled": "-3"}).content.decode()
    assert 'aria-invalid="true"' in bad and 'aria-invalid="true"' in again  # the error is drawn both times
    assert 'aria-invalid="true"' not in client.get(DIRECTORY).content.decode()


@pytest.mark.parametrize("params", [{}, {"stage": "group:matched"}])
def test_sort_by_shows_the_order_the_list_is_in_so_showing_the_filters_keeps_it(client, world, params):
    client.force_login(make_staff())
    response = client.get(DIRECTORY, params)
    assert '<option value="-started" selected>' in response.content.decode()
    shown = [r.pk for r in response.context["page"].object_list]
    sent_again = {**params, "sort": response.context["form"]["sort"].value()}
    assert [r.pk for r in client.get(DIRECTORY, sent_again).context["page"].object_list] == shown


def test_the_stage_filter_names_each_stage_as_the_table_does(client, world):
    """A stage chosen in the filter is the word the table's Stage column then shows on each row."""
    client.force_login(make_staff())
    response = client.get(DIRECTORY, {"stage": "progression"})
    page = response.content.decode()
    (row,) = response.context["page"].object_list
    assert row.stage == "Progression"
    assert '<option value="progression" selected>Progression</option>' in page
    for state in State:  # the Stage filter, or How it ended for the states that end
        assert f">{escape(state.label)}</option>" in page, state
    assert "Progress towards your goals" not in page and "First conversation and SMART goals" not in page
