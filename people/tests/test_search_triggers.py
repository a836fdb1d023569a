"""The database keeps the search columns true, whatever writes the profile (PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection

from people.models import AreaOfSupport, Profile
from people.search import Criteria, search
from people.tests.factories import make_mentor, make_user
from people.tests.search_helpers import CAREER, NETWORKING, area

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's"),
]


def columns(profile_pk: int) -> tuple[str, list[int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text, area_ids FROM people_profile WHERE id = %s", [profile_pk])
        return cursor.fetchone()


def test_search_vector_follows_biography_and_experience():
    user = make_mentor(biography="Networking events", experience="Freight planning")
    profile = user.profile
    vector, _ = columns(profile.pk)
    assert "'network'" in vector and "'freight'" in vector

    profile.biography = "Leadership coaching"
    profile.save()
    assert "'leadership'" in columns(profile.pk)[0] and "'network'" not in columns(profile.pk)[0]

    Profile.objects.filter(pk=profile.pk).update(experience="Rail timetables")
    assert "'rail'" in columns(profile.pk)[0]


def test_bulk_inserted_profiles_are_searchable():
    users = [make_user(first_name=f"Bulk{n}") for n in range(3)]
    Profile.objects.bulk_create(
        [Profile(user=u, is_mentor=True, biography="Decarbonising fleets", job_title="Lead") for u in users]
    )
    assert all("'decarbonis'" in columns(p.pk)[0] for p in Profile.objects.filter(user__in=users))


def test_area_ids_follow_the_areas_however_they_change():
    user = make_mentor()
    profile = user.profile
    networking, career = area(NETWORKING), area(CAREER)

    profile.areas.set([networking])
    assert columns(profile.pk)[1] == [networking.pk]
    profile.areas.add(career)
    assert columns(profile.pk)[1] == sorted([networking.pk, career.pk])
    profile.save()  # Django writes the row without the column: the trigger keeps it
    assert columns(profile.pk)[1] == sorted([networking.pk, career.pk])
    profile.areas.remove(networking)
    assert columns(profile.pk)[1] == [career.pk]
    profile.areas.clear()
    assert columns(profile.pk)[1] == []

    Profile.areas.through.objects.bulk_create(
        [Profile.areas.through(profile_id=profile.pk, areaofsupport_id=a.pk) for a in AreaOfSupport.objects.all()[:3]]
    )
    assert len(columns(profile.pk)[1]) == 3


def test_a_profile_whose_areas_change_is_found_by_its_new_area(mentee):
    user = make_mentor(first_name="Changer")
    user.profile.areas.set([area(CAREER)])
    assert [r.mentor.user_id for r in search(Criteria(areas=(area(NETWORKING),)), mentee).results] == []
    user.profile.areas.add(area(NETWORKING))
    assert [r.mentor.user_id for r in search(Criteria(areas=(area(NETWORKING),)), mentee).results] == [user.pk]
