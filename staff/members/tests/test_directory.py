"""The member directory: search, each filter, order, pages, and a query count that does not grow."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from journeys.tests.helpers import send, walk_to
from people.models import AreaOfSupport, ProfessionalCommunity, Profile
from people.tests.factories import make_mentee, make_mentor, make_staff, make_user
from staff.members import selectors
from staff.members.selectors import MentorStatus, mentor_status, mentor_status_q

pytestmark = pytest.mark.django_db
URL = "/staff/members/"


def names(response) -> list[str]:
    return [m.display_name for m in response.context["page"].object_list]


@pytest.fixture
def manager(client):
    staff = make_staff()
    client.force_login(staff)
    return staff


def test_lists_members_not_staff_nor_erased(client, manager):
    make_mentee(first_name="Mia", last_name="Mentee")
    gone = make_mentee(first_name="Gone", last_name="Person")
    gone.anonymised_at = timezone.now()
    gone.save()
    response = client.get(URL)
    assert response.status_code == 200
    assert names(response) == ["Mia Mentee"]
    assert b"Sam Staff" not in response.content.split(b"<main")[1]


def test_search_by_name_email_or_organisation(client, manager):
    ada = make_mentor(first_name="Ada", last_name="Lovelace", email="ada@engines.org")
    Profile.objects.filter(user=ada).update(organisation="Analytical Ltd")
    make_mentee(first_name="Bob", last_name="Builder", email="bob@example.com")
    assert names(client.get(URL, {"q": "lovel"})) == ["Ada Lovelace"]
    assert names(client.get(URL, {"q": "ENGINES.org"})) == ["Ada Lovelace"]
    assert names(client.get(URL, {"q": "mango"})) == ["Bob Builder"]
    assert names(client.get(URL, {"q": "ada analytical"})) == ["Ada Lovelace"]  # every word must match
    assert names(client.get(URL, {"q": "ada mango"})) == []


def test_filter_by_role(client, manager):
    make_mentor(first_name="Only", last_name="Mentor")
    make_mentee(first_name="Only", last_name="Mentee")
    both = make_mentor(first_name="Both", last_name="Ways")
    Profile.objects.filter(user=both).update(is_mentee=True)
    assert set(names(client.get(URL, {"role": "mentor"}))) == {"Only Mentor", "Both Ways"}
    assert set(names(client.get(URL, {"role": "mentee"}))) == {"Only Mentee", "Both Ways"}
    assert names(client.get(URL, {"role": "both"})) == ["Both Ways"]


def test_filter_by_profile_complete(client, manager):
    make_mentee(first_name="Done", last_name="Profile")
    half = make_mentee(first_name="Half", last_name="Profile")
    Profile.objects.filter(user=half).update(completed_at=None)
    assert names(client.get(URL, {"profile": "complete"})) == ["Done Profile"]
    assert names(client.get(URL, {"profile": "incomplete"})) == ["Half Profile"]


def test_filter_by_community_area_and_region(client, manager):
    first, second = ProfessionalCommunity.objects.order_by("position")[:2]
    area_a, area_b, area_c = AreaOfSupport.objects.order_by("position")[:3]
    make_mentee(first_name="Cat", last_name="One", community=first, areas=[area_a, area_b])
    dee = make_mentee(first_name="Dee", last_name="Two", community=second, areas=[area_c])
    Profile.objects.filter(user=dee).update(region="wales")
    assert names(client.get(URL, {"community": second.pk})) == ["Dee Two"]
    assert names(client.get(URL, {"area": area_b.pk})) == ["Cat One"]  # once, though she has two areas
    assert names(client.get(URL, {"area": area_c.pk})) == ["Dee Two"]
    assert names(client.get(URL, {"region": "wales"})) == ["Dee Two"]


def test_filter_by_mentor_status(client, manager):
    make_mentor(first_name="Open", last_name="Mentor", capacity=2)
    make_mentor(first_name="Paused", last_name="Mentor", accepting_requests=False)
    away = make_mentor(first_name="Away", last_name="Mentor")
    Profile.objects.filter(user=away).update(away_until=timezone.localdate() + timedelta(days=10))
    full = make_mentor(first_name="Full", last_name="Mentor", capacity=1)
    walk_to(send(make_mentee(first_name="Her", last_name="Mentee"), full), None, full, "arranging")
    gone = make_mentor(first_name="Deactivated", last_name="Mentor", capacity=2)
    type(gone).objects.filter(pk=gone.pk).update(is_active=False)
    invited = make_mentor(first_name="Incomplete", last_name="Mentor", capacity=2)  # imported: not in Find Mentor
    Profile.objects.filter(user=invited).update(completed_at=None)
    for status in MentorStatus:
        assert names(client.get(URL, {"mentor_status": status.value})) == [f"{status.name.title()} Mentor"]
    row = {m.display_name: m for m in client.get(URL, {"role": "mentor"}).context["page"].object_list}
    assert row["Full Mentor"].mentor_status_label == MentorStatus.FULL.label
    assert row["Deactivated Mentor"].mentor_status_label == MentorStatus.DEACTIVATED.label


def test_a_deactivated_mentor_is_not_open_to_requests_on_the_page_the_filter_or_the_csv(client, manager):
    """A deactivated account takes no requests (``people.rules.account_open``), however open its
    profile says it is: not "Open to requests", not under that filter, nor in its CSV."""
    make_mentor(first_name="Still", last_name="Here", capacity=2)
    gone = make_mentor(first_name="Gone", last_name="Quiet", capacity=2)
    type(gone).objects.filter(pk=gone.pk).update(is_active=False)
    assert names(client.get(URL, {"mentor_status": "open"})) == ["Still Here"]
    assert names(client.get(URL, {"mentor_status": "deactivated"})) == ["Gone Quiet"]
    page = client.get(URL, {"q": "gone"}).content.decode()
    assert "Deactivated: takes no requests" in page and "Open to requests" not in page.split("<tbody")[1]
    member = client.get(f"/staff/members/{gone.pk}/").content.decode()
    assert "Deactivated: takes no requests (0 of 2 places taken)" in member
    assert "Open to requests" not in member
    table = list(csv.reader(io.StringIO(client.get(f"{URL}export.csv", {"mentor_status": "open"}).content.decode())))
    assert [r[0] for r in table[1:]] == ["Still Here"]
    table = list(csv.reader(io.StringIO(client.get(f"{URL}export.csv", {"q": "gone"}).content.decode())))
    status = table[0].index("Mentor status")
    assert [(r[0], r[status]) for r in table[1:]] == [("Gone Quiet", "Deactivated: takes no requests")]


def test_mentor_status_and_its_filter_agree(db):
    today = timezone.localdate()
    cases = [
        dict(accepting_requests=True, away_until=None, capacity=2),
        dict(accepting_requests=False, away_until=today + timedelta(days=3), capacity=2),
        dict(accepting_requests=True, away_until=today + timedelta(days=3), capacity=2),
        dict(accepting_requests=True, away_until=today, capacity=2),  # back today: not away
        dict(accepting_requests=True, away_until=None, capacity=0),
        dict(accepting_requests=True, away_until=None, capacity=2, is_active=False),  # deactivated
        dict(accepting_requests=False, away_until=today + timedelta(days=3), capacity=0, is_active=False),
        dict(accepting_requests=True, away_until=None, capacity=2, completed_at=None),  # not listed yet
        dict(accepting_requests=True, away_until=None, capacity=2, completed_at=None, is_active=False),
    ]
    for i, fields in enumerate(cases):
        user = make_mentor(first_name=f"M{i}")
        type(user).objects.filter(pk=user.pk).update(is_active=fields.pop("is_active", True))
        Profile.objects.filter(user=user).update(**fields)
    make_mentee(first_name="NotAMentor")
    for profile in Profile.objects.select_related("user"):
        python = mentor_status(profile, 0, today)
        database = {
            s for s in MentorStatus if Profile.objects.filter(mentor_status_q(s, today), pk=profile.pk).exists()
        }
        assert database == ({python} if python else set()), (profile.user.first_name, python, database)


def test_filter_invited_but_not_joined_and_inactive(client, manager):
    make_mentee(first_name="Never", last_name="Came")
    came = make_mentee(first_name="Signed", last_name="In")
    came.last_login = timezone.now()
    came.save()
    Profile.objects.filter(user=came).update(last_active_at=timezone.now() - timedelta(days=40))
    assert names(client.get(URL, {"joined": "invited"})) == ["Never Came"]
    assert names(client.get(URL, {"joined": "joined"})) == ["Signed In"]
    assert names(client.get(URL, {"inactive_days": "30"})) == ["Signed In"]
    assert names(client.get(URL, {"inactive_days": "60"})) == []


def test_filter_by_account(client, manager):
    make_mentee(first_name="Still", last_name="Here")
    off = make_mentee(first_name="Switched", last_name="Off")
    type(off).objects.filter(pk=off.pk).update(is_active=False)
    assert names(client.get(URL, {"account": "active"})) == ["Still Here"]
    assert names(client.get(URL, {"account": "deactivated"})) == ["Switched Off"]


def test_sort_by_name_joined_and_last_active(client, manager):
    now = timezone.now()
    for i, (first, last) in enumerate([("Cy", "Adams"), ("Al", "Zed"), ("Bo", "Moss")]):
        user = make_mentee(first_name=first, last_name=last)
        type(user).objects.filter(pk=user.pk).update(date_joined=now - timedelta(days=10 - i), last_login=now)
        Profile.objects.filter(user=user).update(last_active_at=now - timedelta(days=i * 3 % 7))
    page = client.get(URL)
    assert names(page) == ["Cy Adams", "Bo Moss", "Al Zed"]  # by surname unless told
    # ... and the option says so: the list shows first names first, so "Name (A to Z)" read as untrue.
    text = page.content.decode()
    # the first option, so shown when no order is chosen (selected once one is)
    assert re.search(
        r'<select name="sort" id="id_sort">\s*<option value="name"( selected)?>Last name \(A to Z\)</option>', text
    )
    assert "Last name (Z to A)" in text and "Name (A to Z)" not in text.replace("Last name (A to Z)", "")
    assert names(client.get(URL, {"sort": "-name"})) == ["Al Zed", "Bo Moss", "Cy Adams"]
    assert names(client.get(URL, {"sort": "joined"})) == ["Cy Adams", "Al Zed", "Bo Moss"]
    assert names(client.get(URL, {"sort": "-joined"})) == ["Bo Moss", "Al Zed", "Cy Adams"]
    # last active: Cy now, Al 3 days ago, Bo 6 days ago
    assert names(client.get(URL, {"sort": "-active"})) == ["Cy Adams", "Al Zed", "Bo Moss"]
    assert names(client.get(URL, {"sort": "active"})) == ["Bo Moss", "Al Zed", "Cy Adams"]


def test_someone_who_never_signed_in_was_never_active(client, manager):
    """Their profile's date is the day the account was made: the list, the member page and the CSV say "never"."""
    now = timezone.now()
    came = make_mentee(first_name="Signed", last_name="In")
    type(came).objects.filter(pk=came.pk).update(last_login=now)
    Profile.objects.filter(user=came).update(last_active_at=now - timedelta(days=40))
    never = make_mentee(first_name="Never", last_name="Came")
    Profile.objects.filter(user=never).update(last_active_at=now)  # the account was made today
    assert names(client.get(URL, {"sort": "-active"})) == ["Signed In", "Never Came"]
    assert names(client.get(URL, {"sort": "active"})) == ["Never Came", "Signed In"]
    page = client.get(URL).content.decode()
    row = next(r for r in page.split("<tr>") if "Never Came" in r)
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    assert cells[-2] == date_format(timezone.localtime(now), "j M Y")  # joined today...
    assert cells[-1] == "—"  # ...and never active
    member = client.get(reverse("staff_member", args=[never.pk])).content.decode()
    assert re.search(r"<dt>Last active</dt><dd>Never</dd>", member)
    rows = list(csv.reader(io.StringIO(client.get(reverse("staff_members_csv")).content.decode("utf-8-sig"))))
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Never Came"][-2:] == ["never", ""]
    assert by_name["Signed In"][-1] == (now - timedelta(days=40)).date().isoformat()


def test_pages_keep_the_filters(client, manager):
    for i in range(30):
        make_mentee(first_name="Page", last_name=f"Person{i:02d}")
    make_mentor(first_name="Other", last_name="Mentor")
    first = client.get(URL, {"role": "mentee"})
    assert first.context["page"].paginator.count == 30
    assert len(names(first)) == 25
    assert b"role=mentee&amp;page=2" in first.content
    second = client.get(URL, {"role": "mentee", "page": "2"})
    assert len(names(second)) == 5
    assert client.get(URL, {"page": "99"}).status_code == 200  # past the end: the last page
    assert client.get(URL, {"page": "x"}).status_code == 200


def test_bad_filter_values_are_refused_with_a_reason(client, manager):
    make_mentee(first_name="Still", last_name="Listed")
    response = client.get(URL, {"inactive_days": "-4", "role": "boss", "community": "99999"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"inactive_days", "role", "community"}
    assert b'aria-describedby="id_inactive_days_helptext id_inactive_days_error"' in response.content or (
        b"id_inactive_days_error" in response.content
    )
    assert names(response) == ["Still Listed"]


DAYS_REFUSED = "Enter a whole number of days between 1 and 36500."


@pytest.mark.parametrize(
    "typed", ["1e400", "1e20", "-5", "abc", "0", "1.5", "36501", "9" * 5000, "1_000", "１２", "0x10", "nan", "+3"]
)
def test_an_absurd_number_of_days_is_one_plain_sentence_on_its_field(client, manager, typed):
    """Out of range or not a whole number (an exponent, a sign, a fraction, words, a separator, digits not
    typed as 0 to 9): one sentence, the same for each, on the field; the rest of the filters still apply
    and what was typed is kept."""
    make_mentee(first_name="Still", last_name="Listed")
    make_mentor(first_name="Not", last_name="Mentee")
    response = client.get(URL, {"inactive_days": typed, "role": "mentee"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"inactive_days": [DAYS_REFUSED]}
    assert form["inactive_days"].value() == typed
    html = response.content.decode()
    assert f'<p class="error" id="id_inactive_days_error">{DAYS_REFUSED} </p>' in html
    assert "1e+50" not in html and "Ensure this value" not in html and "Enter a number." not in html
    assert names(response) == ["Still Listed"]


@pytest.mark.parametrize("typed, days", [("30", 30), (" 30 ", 30), ("1", 1), ("36500", 36500), ("", None)])
def test_a_whole_number_of_days_in_range_is_taken(client, manager, typed, days):
    response = client.get(URL, {"inactive_days": typed})
    assert not response.context["form"].errors
    assert response.context["form"].cleaned_data["inactive_days"] == days


def _members(n: int) -> None:
    areas = list(AreaOfSupport.objects.order_by("position")[:3])
    for i in range(n):
        if i % 2:
            user = make_mentor(first_name=f"Men{i}", areas=areas[:2])
        else:
            user = make_mentee(first_name=f"Tee{i}", areas=areas[1:])
        Profile.objects.filter(user=user).update(region="london")


QUERIES = [
    {"role": "mentor", "region": "london", "sort": "-active"},
    {"mentor_status": "open", "q": "men"},
    {"joined": "invited", "profile": "complete", "sort": "joined"},
]


def test_query_count_does_not_grow_with_members(client, django_assert_max_num_queries):
    """The page at 5 members and at 50 (mentors with mentees, areas, communities) asks the
    database as many times, whatever the filters."""
    mentor = make_mentor(first_name="Busy", capacity=3)
    walk_to(send(make_mentee(first_name="Paired"), mentor), None, mentor, "arranging")
    _members(5)
    client.force_login(make_staff())
    client.get(URL)  # the session and permission caches warm up the same way for both sizes
    area = {"area": AreaOfSupport.objects.order_by("position")[1].pk}
    counts = []
    for query in [*QUERIES, area]:
        with CaptureQueriesContext(connection) as small:
            assert client.get(URL, query).status_code == 200
        counts.append(len(small))
    _members(45)
    for query, n in zip([*QUERIES, area], counts, strict=True):
        with django_assert_max_num_queries(n):
            response = client.get(URL, query)
        assert response.status_code == 200
        assert response.context["page"].paginator.count > 5 or query.get("joined")


def test_members_selector_leaves_out_staff(db):
    make_staff()
    user = make_user(first_name="Plain")
    assert list(selectors.members()) == [user]


def test_one_place_is_said_in_the_singular(client, manager):
    mentor = make_mentor(first_name="Solo", last_name="Mentor", capacity=1)
    assert "0 of 1 place taken" in client.get(URL).content.decode()
    assert "0 of 1 place taken" in client.get(f"/staff/members/{mentor.pk}/").content.decode()
    make_mentor(first_name="Duo", last_name="Mentor", capacity=2)
    assert "0 of 2 places taken" in client.get(URL).content.decode()


def test_a_mentor_whose_profile_is_not_complete_is_not_said_open_to_requests(client, manager):
    """Find Mentor lists a mentor only once the profile is complete (``people.rules.mentor_listed``):
    an imported mentor who has not joined yet is not "Open to requests" on the page or in the CSV."""
    olu = make_mentor(first_name="Olu", last_name="Bello", capacity=2)
    Profile.objects.filter(user=olu).update(completed_at=None)
    member = client.get(f"/staff/members/{olu.pk}/").content.decode()
    assert "Not listed: profile not complete (0 of 2 places taken)" in member
    assert "Open to requests" not in member
    table = list(csv.reader(io.StringIO(client.get(f"{URL}export.csv", {"q": "olu"}).content.decode())))
    assert table[1][table[0].index("Mentor status")] == "Not listed: profile not complete"
