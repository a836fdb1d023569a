"""A mentee-only profile is not asked the mentor questions (places, open to requests, away until)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from people.forms import ProfileForm
from people.models import AreaOfSupport, ProfessionalCommunity, Role
from people.tests.factories import PASSWORD, make_mentee, make_mentor

pytestmark = pytest.mark.django_db
MENTOR_QUESTIONS = ('name="capacity"', 'name="accepting_requests"', 'name="away_until_0"')


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def profile_post(profile, **changes):
    data = {
        "first_name": profile.user.first_name,
        "last_name": profile.user.last_name,
        "job_title": "Planner",
        "organisation": "Mango Logistics",
        "role": Role.objects.first().pk,
        "community": ProfessionalCommunity.objects.first().pk,
        "areas": [AreaOfSupport.objects.first().pk],
        "is_mentee": "on",
    }
    data.update(changes)
    return data


def test_a_mentee_only_profile_has_no_mentor_questions(client):
    mentee = make_mentee()
    login(client, mentee)
    page = client.get(reverse("profile")).content.decode()
    assert 'name="is_mentor"' in page  # they can still choose to mentor
    for question in MENTOR_QUESTIONS:
        assert question not in page
    assert "Mentees see your return date" not in page and "how many mentees you can support" not in page


@pytest.mark.parametrize("both", [False, True])
def test_mentors_are_asked_them(client, both):
    mentor = make_mentor()
    if both:
        mentor.profile.is_mentee = True
        mentor.profile.save()
    login(client, mentor)
    page = client.get(reverse("profile")).content.decode()
    for question in MENTOR_QUESTIONS:
        assert question in page


def test_saving_a_mentee_profile_keeps_the_mentor_settings_as_they_were(client):
    mentee = make_mentee()
    profile = mentee.profile
    login(client, mentee)
    resp = client.post(reverse("profile"), profile_post(profile, job_title="Senior planner"))
    assert resp.status_code == 302
    profile.refresh_from_db()
    assert profile.job_title == "Senior planner"
    assert (profile.capacity, profile.accepting_requests, profile.away_until) == (2, True, None)


def test_becoming_a_mentor_brings_the_questions_onto_the_form(client):
    mentee = make_mentee()
    login(client, mentee)
    resp = client.post(reverse("profile"), profile_post(mentee.profile, is_mentor="on"), follow=True)
    page = resp.content.decode()
    assert "You are now a mentor too. Check your mentor settings below" in page
    for question in MENTOR_QUESTIONS:
        assert question in page
    mentee.profile.refresh_from_db()
    assert mentee.profile.is_mentor and mentee.profile.capacity == 2


def test_the_form_itself_leaves_them_out():
    mentee = make_mentee()
    assert not {"capacity", "accepting_requests", "away_until"} & set(ProfileForm(instance=mentee.profile).fields)
    assert {"capacity", "accepting_requests", "away_until"} <= set(ProfileForm(instance=make_mentor().profile).fields)


@pytest.mark.parametrize(
    "typed, says",
    [
        ("abc", "Enter a whole number of mentees, for example 2."),
        ("1.5", "Enter a whole number of mentees, for example 2."),
        ("", "Enter how many mentees you can support at the same time, from 1 to 20."),
        ("-1", "Mentors need room for at least one mentee."),
        ("0", "Mentors need room for at least one mentee."),
        ("21", "Twenty mentees at once is the most we allow."),
        ("99999", "Twenty mentees at once is the most we allow."),
    ],
)
def test_a_wrong_capacity_gets_one_message_that_fits(typed, says):
    mentor = make_mentor()
    form = ProfileForm(
        profile_post(mentor.profile, is_mentor="on", accepting_requests="on", capacity=typed),
        instance=mentor.profile,
        user=mentor,
    )
    assert not form.is_valid()
    assert form.errors["capacity"] == [says]
