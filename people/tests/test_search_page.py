"""The Find Mentor page as a mentee uses it: criteria in the URL, explanations, exclusions, bad input."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from journeys.models import Conversation, Relationship
from people import search
from people.models import Profile
from people.search import remembered
from people.tests.factories import make_mentee
from people.tests.search_helpers import (
    CAREER,
    NETWORKING,
    area,
    community,
    fill_capacity,
    mentor_with,
    role,
)

pytestmark = pytest.mark.django_db
FIND = reverse("find_mentor")


@pytest.fixture
def as_mentee(client, mentee):
    client.force_login(mentee)
    return client


def card_names(response) -> list[str]:
    """The mentors' names in the order the page lists them."""
    return re.findall(r'<h3 [^>]*id="mentor-\d+-name"[^>]*><a href="[^"]+">([^<]+)</a>', response.content.decode())


def test_find_mentor_needs_a_login(client):
    response = client.get(FIND)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_uses_the_programmes_labels(as_mentee):
    response = as_mentee.get(FIND + "?full=end")
    html = response.content.decode()
    for label in (
        "Areas of support",
        "Mentor&#x27;s role",
        "Any role",
        "Professional community",
        "Any professional community",
        "Add exact matching",
        "Update search results",
    ):
        assert label in html, label
    assert response.context["nav"] == "find"


def test_search_ranks_and_explains_each_result(as_mentee):
    mentor_with("Alice", areas=(NETWORKING, CAREER), role_name="Operations", community_name="Logistics")
    mentor_with("Bob", areas=(NETWORKING,), role_name="Planning", community_name="Logistics")
    mentor_with("Cara", areas=(CAREER,))

    response = as_mentee.get(
        FIND,
        {"area": [area(NETWORKING).pk], "role": role("Operations").pk, "community": community("Logistics").pk},
    )

    assert response.status_code == 200
    assert card_names(response) == ["Alice Mentor", "Bob Mentor"]
    html = response.content.decode()
    assert "Meets everything you asked for" in html and "(100% of what you asked for)" in html
    assert "Supports Networking and networking skills" in html
    assert "Role: Operations" in html
    assert "Role is Planning, not Operations" in html
    assert "Professional community: Logistics" in html
    assert '<span class="meter" aria-hidden="true"><span style="width: 100%"></span></span>' in html
    assert '<span class="visually-hidden">Misses: </span>' in html
    assert "2 mentors match." in html


def test_criteria_stay_in_the_url_and_pages_keep_them(as_mentee, monkeypatch):
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    for number in range(5):
        mentor_with(f"M{number}", areas=(NETWORKING,), active_days_ago=number)

    first = as_mentee.get(FIND, {"area": area(NETWORKING).pk, "exact": "on"})
    assert card_names(first) == ["M0 Mentor", "M1 Mentor"]
    next_url = first.context["next_url"]
    query = parse_qs(urlparse(next_url).query)
    assert query["area"] == [str(area(NETWORKING).pk)] and query["exact"] == ["on"] and query["page"] == ["2"]

    second = as_mentee.get(next_url)
    assert card_names(second) == ["M2 Mentor", "M3 Mentor"]
    assert 'aria-current="page"><span class="visually-hidden">Page </span>2</span>' in second.content.decode()
    assert card_names(as_mentee.get(second.context["next_url"])) == ["M4 Mentor"]


def test_exact_matching_toggle(as_mentee):
    mentor_with("Exact", areas=(NETWORKING, CAREER))
    mentor_with("Partial", areas=(NETWORKING,))
    both = [area(NETWORKING).pk, area(CAREER).pk]

    assert card_names(as_mentee.get(FIND, {"area": both})) == ["Exact Mentor", "Partial Mentor"]
    exact = as_mentee.get(FIND, {"area": both, "exact": "on"})
    assert card_names(exact) == ["Exact Mentor"]
    assert 'name="exact" id="id_exact" aria-describedby="id_exact-help" checked' in exact.content.decode()


def test_nothing_found_says_what_to_try(as_mentee):
    mentor_with("Partial", areas=(NETWORKING,))
    response = as_mentee.get(FIND, {"area": [area(NETWORKING).pk, area(CAREER).pk], "exact": "on"})
    assert "No mentors match every one of your criteria." in response.content.decode()
    assert "without exact matching" in response.content.decode()


def test_before_any_search_the_mentee_sees_suggestions_from_their_profile(as_mentee):
    mentor_with("Fits", areas=(NETWORKING,), community_name="Supply chain")
    mentor_with("Unrelated", areas=("Procurement",))

    response = as_mentee.get(FIND)

    assert response.context["mode"] == "suggestions"
    assert "Suggested for you" in response.content.decode()
    assert card_names(response) == ["Fits Mentor"]


def test_the_last_search_is_remembered_until_cleared_without_writing_on_get(as_mentee, mentee):
    mentor_with("Fits", areas=(NETWORKING,))
    params = {"area": [str(area(CAREER).pk)], "q": ["rail"], "exact": ["on"]}
    with CaptureQueriesContext(connection) as queries:
        searched = as_mentee.get(FIND, params)
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]
    assert searched.status_code == 200 and writes == []
    assert remembered.COOKIE in searched.cookies

    back = as_mentee.get(FIND)
    assert back.status_code == 302
    assert parse_qs(urlparse(back["Location"]).query) == {**params, "full": ["end"]}

    cleared = as_mentee.get(FIND, {"reset": "1"})
    assert cleared.status_code == 302 and cleared["Location"] == FIND
    assert as_mentee.get(FIND).context["mode"] == "suggestions"


def test_a_tampered_search_cookie_is_ignored(as_mentee):
    as_mentee.cookies[remembered.COOKIE] = "area=1&q=x:forged:signature"
    response = as_mentee.get(FIND)
    assert response.status_code == 200 and response.context["mode"] == "suggestions"


def test_paused_and_away_mentors_are_hidden_unless_asked_for(as_mentee):
    back = timezone.localdate() + dt.timedelta(days=12)
    mentor_with("Open", areas=(NETWORKING,))
    mentor_with("Away", areas=(NETWORKING,), away_until=back)
    mentor_with("Paused", areas=(NETWORKING,), accepting=False)
    params = {"area": area(NETWORKING).pk}

    assert card_names(as_mentee.get(FIND, params)) == ["Open Mentor"]

    shown = as_mentee.get(FIND, {**params, "away": "on"})
    assert card_names(shown) == ["Open Mentor", "Away Mentor", "Paused Mentor"]
    html = shown.content.decode()
    assert f"Away until {back.day} {back:%B %Y}." in html
    assert "Not taking new requests for now." in html
    assert html.count(">Mentor Request<") == 1  # only the open mentor can be asked


def test_full_mentors_are_marked_and_last_or_hidden(as_mentee):
    full = mentor_with("Full", areas=(NETWORKING,), capacity=1, active_days_ago=0)
    fill_capacity(full)
    mentor_with("Open", areas=(NETWORKING,), active_days_ago=9)

    response = as_mentee.get(FIND, {"area": area(NETWORKING).pk})
    assert card_names(response) == ["Open Mentor", "Full Mentor"]
    assert "No places left at the moment." in response.content.decode()

    hidden = as_mentee.get(FIND, {"area": area(NETWORKING).pk, "full": "hide"})
    assert card_names(hidden) == ["Open Mentor"]


def test_a_mentor_already_requested_shows_the_request_instead_of_mentor_request(as_mentee, mentee):
    asked = mentor_with("Asked", areas=(NETWORKING,))
    mentor_with("Fresh", areas=(NETWORKING,))
    rel = Relationship.objects.create(
        mentee=mentee,
        mentor=asked,
        conversation=Conversation.objects.create(mentee=mentee, mentor=asked),
        area=area(NETWORKING),
        statement="Please help",
    )

    html = as_mentee.get(FIND, {"area": area(NETWORKING).pk}).content.decode()

    relationship_link = f'href="{reverse("relationship", args=[rel.pk])}">Request awaiting the mentor'
    assert relationship_link in html
    assert f'href="{reverse("request_new", args=[asked.pk])}"' not in html
    fresh = Profile.objects.get(user__first_name="Fresh").user_id
    assert f'href="{reverse("request_new", args=[fresh])}"' in html


def test_only_mentees_are_offered_mentor_request(client):
    viewer = mentor_with("Viewer")
    mentor_with("Other", areas=(NETWORKING,))
    client.force_login(viewer)

    html = client.get(FIND, {"area": area(NETWORKING).pk}).content.decode()

    assert ">Mentor Request<" not in html
    assert "add the mentee role" in html


def test_bad_input_gives_a_normal_page_with_clear_messages(as_mentee):
    mentor_with("Alice", areas=(NETWORKING,), role_name="Operations")
    response = as_mentee.get(
        FIND,
        {
            "area": [area(NETWORKING).pk, 999999, "abc", "99999999999999999999999"],
            "role": "drop table",
            "community": "99999999999999999999999",
            "region": "mars",
            "full": "sideways",
            "page": "abc",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "We could not use all of your search, so we searched with the rest." in html
    assert "3 of the areas you chose do not exist any more, so we left them out." in html
    assert "We could not find that role, so we searched every role." in html
    assert "We could not find that professional community, so we searched them all." in html
    assert "We do not know that region, so we searched everywhere." in html
    assert "That page number was not one we could use, so here is the first page." in html
    assert card_names(response) == ["Alice Mentor"]  # the valid area was still used


@pytest.mark.parametrize(
    "keywords, message",
    [
        ("x" * 500, "Keywords can be at most 200 characters, so we searched without them."),
        ("rail\x00freight", "Null characters are not allowed."),
        ("the of and", "only has words too common to search for"),
    ],
)
def test_unusable_keywords_are_explained(as_mentee, keywords, message):
    mentor_with("Alice", areas=(NETWORKING,))
    response = as_mentee.get(FIND, {"area": area(NETWORKING).pk, "q": keywords})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert card_names(response) == ["Alice Mentor"]


@pytest.mark.parametrize("page, shown", [("0", 1), ("-3", 1), ("2", 2), ("99", 2), ("1" * 40, 2)])
def test_page_numbers_out_of_range_land_on_a_real_page(as_mentee, monkeypatch, page, shown):
    monkeypatch.setattr(search, "PAGE_SIZE", 1)
    mentor_with("First", areas=(NETWORKING,), active_days_ago=0)
    mentor_with("Second", areas=(NETWORKING,), active_days_ago=1)

    response = as_mentee.get(FIND, {"area": area(NETWORKING).pk, "page": page})

    assert response.status_code == 200
    assert response.context["page"].number == shown


def test_injected_markup_is_shown_as_text(as_mentee):
    mentor_with("Alice", areas=(NETWORKING,))
    attack = '"><script>alert(1)</script>'
    response = as_mentee.get(FIND, {"q": attack})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_number_of_queries_does_not_grow_with_the_mentors(as_mentee, mentee, django_assert_max_num_queries):
    params = {"area": [area(NETWORKING).pk, area(CAREER).pk], "role": role("Operations").pk, "q": "freight"}
    as_mentee.get(FIND, params)  # remembers the search: later pages only read

    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        as_mentee.get(FIND, params)  # warm: the session's and "last active"'s cache keys aside
        with CaptureQueriesContext(connection) as captured:
            assert as_mentee.get(FIND, params).status_code == 200
        return len(captured.captured_queries)

    mentor_with("Only", areas=(NETWORKING,), biography="Rail freight.")
    few = count_queries()

    for number in range(25):
        m = mentor_with(f"M{number}", areas=(NETWORKING, CAREER), role_name="Operations", biography="Freight.")
        if number % 5 == 0:
            fill_capacity(m, 1)
        if number % 7 == 0:
            Relationship.objects.create(
                mentee=mentee,
                mentor=m,
                conversation=Conversation.objects.create(mentee=mentee, mentor=m),
                area=area(NETWORKING),
                statement="Please",
            )
    many = count_queries()

    assert many == few
    with django_assert_max_num_queries(20):
        as_mentee.get(FIND, params)


def test_staff_without_a_profile_can_look(client, staff):
    mentor_with("Alice", areas=(NETWORKING,))
    client.force_login(staff)
    response = client.get(FIND)
    assert response.status_code == 200
    assert card_names(response) == ["Alice Mentor"]


def test_a_new_mentee_with_an_empty_profile_sees_every_open_mentor(client):
    newcomer = make_mentee(first_name="New")
    newcomer.profile.areas.clear()
    Profile.objects.filter(user=newcomer).update(community=None)
    mentor_with("Alice")
    client.force_login(newcomer)
    response = client.get(FIND)
    assert card_names(response) == ["Alice Mentor"]
    assert "Add your areas of support" in response.content.decode()


def test_server_timing_reports_the_search_and_the_rendering_only_when_asked(as_mentee, settings):
    from project.server_timing import parse

    mentor_with("Alice", areas=(NETWORKING,))
    settings.SERVER_TIMING = False
    assert "Server-Timing" not in as_mentee.get(FIND, {"area": area(NETWORKING).pk})

    settings.SERVER_TIMING = True
    parts = parse(as_mentee.get(FIND, {"area": area(NETWORKING).pk})["Server-Timing"])
    assert set(parts) == {"search", "render", "total"}
    assert 0 < parts["search"] < parts["total"] and 0 < parts["render"] < parts["total"]
    assert set(parse(as_mentee.get(reverse("account"))["Server-Timing"])) == {"total"}


def test_the_last_search_is_not_shown_to_the_next_person_signing_in_on_the_same_browser(client, mentee):
    """A shared computer: what one mentee searched for (their words, perhaps personal) stays theirs."""
    client.force_login(mentee)
    assert client.get(FIND, {"q": ["returning to work after illness"]}).status_code == 200
    assert remembered.COOKIE in client.cookies
    client.post(reverse("account_logout"))

    client.force_login(make_mentee(first_name="Next", last_name="Person", email="next@example.com"))
    response = client.get(FIND)
    assert response.status_code == 200 and response.context["mode"] == "suggestions"
    assert "returning to work after illness" not in response.content.decode()
    page = client.get(reverse("mentor_profile", args=[mentor_with("Fits", areas=(NETWORKING,)).pk]))
    assert page.context["back_url"] == FIND  # "Back to Find Mentor" is not their search either

    client.force_login(mentee)  # the person who searched gets it back
    assert client.get(FIND).status_code == 302
