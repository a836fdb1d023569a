"""The "last active" stamp: refreshed at most every ten minutes, without a needless UPDATE."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from people import middleware
from people.models import Profile

pytestmark = pytest.mark.django_db


def stamp(user):
    return Profile.objects.get(user=user).last_active_at


def set_stamp(user, minutes_ago: int):
    when = timezone.now() - dt.timedelta(minutes=minutes_ago)
    Profile.objects.filter(user=user).update(last_active_at=when)
    return when


def stamp_updates(captured) -> list[str]:
    return [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE") and "last_active_at" in q["sql"]
    ]


@pytest.mark.parametrize("page", ["find_mentor", "help"])
def test_a_stale_stamp_is_refreshed(client, mentee, page):
    old = set_stamp(mentee, minutes_ago=11)
    client.force_login(mentee)
    assert client.get(reverse(page)).status_code == 200
    assert stamp(mentee) > old + dt.timedelta(minutes=10)


@pytest.mark.parametrize("page", ["find_mentor", "help"])
def test_a_recent_stamp_is_left_alone(client, mentee, page):
    recent = set_stamp(mentee, minutes_ago=9)
    client.force_login(mentee)
    assert client.get(reverse(page)).status_code == 200
    assert stamp(mentee) == recent


def test_no_update_is_sent_when_the_page_read_a_recent_stamp(client, mentee):
    set_stamp(mentee, minutes_ago=1)
    client.force_login(mentee)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("find_mentor")).status_code == 200
    assert stamp_updates(captured) == []


def test_a_user_without_a_profile_is_fine(client, staff):
    client.force_login(staff)
    assert client.get(reverse("find_mentor")).status_code == 200


def test_a_second_page_within_ten_minutes_sends_no_update(client, mentee):
    """The first page stamps the person; the next (on any web node: the key is in the shared cache)
    sends no UPDATE, even a page that does not read the profile."""
    set_stamp(mentee, minutes_ago=30)
    client.force_login(mentee)
    assert client.get(reverse("help")).status_code == 200
    first = stamp(mentee)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("help")).status_code == 200
    assert stamp_updates(captured) == []
    assert stamp(mentee) == first


def test_without_the_cache_the_stamp_is_still_refreshed(client, mentee, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(middleware.cache, "add", down)
    old = set_stamp(mentee, minutes_ago=11)
    client.force_login(mentee)
    assert client.get(reverse("help")).status_code == 200
    assert stamp(mentee) > old + dt.timedelta(minutes=10)
