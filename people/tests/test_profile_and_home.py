"""Profile availability fields, and the mentee's home page suggesting mentors before any search."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from journeys.services.base import Refused
from journeys.tests.helpers import send
from people.tests.factories import make_mentor, profile_form_data

pytestmark = pytest.mark.django_db


def profile_data(**extra):
    return profile_form_data("Alice", "Kember", mentor=True, job_title="Director", **extra)


def test_mentor_sets_away_until_with_date_boxes_and_requests_are_refused(client, mentor, mentee):
    client.force_login(mentor)
    past = timezone.localdate() - dt.timedelta(days=1)
    resp = client.post(
        reverse("profile"), profile_data(away_until_0=past.day, away_until_1=past.month, away_until_2=past.year)
    )
    assert "Enter a date in the future" in resp.content.decode()
    back = timezone.localdate() + dt.timedelta(days=20)
    resp = client.post(
        reverse("profile"),
        profile_data(away_until_0=back.day, away_until_1=back.month, away_until_2=back.year, region="wales"),
    )
    assert resp.status_code == 302
    mentor.profile.refresh_from_db()
    assert mentor.profile.away_until == back and mentor.profile.region == "wales"
    with pytest.raises(Refused, match="away until"):
        send(mentee, mentor)


def test_home_page_suggests_mentors_until_the_mentee_has_a_request(client, mentee, mentor):
    area = mentee.profile.areas.first()
    make_mentor(first_name="Bea", last_name="Best", areas=[area])
    client.force_login(mentee)
    page = client.get(reverse("relationships")).content.decode()
    assert "Mentors suggested for you" in page
    assert "Bea Best" in page and "Mentor Request" in page
    send(mentee, mentor)
    page = client.get(reverse("relationships")).content.decode()
    assert "Mentors suggested for you" not in page


def test_mentors_home_page_has_no_suggestions(client, mentor):
    client.force_login(mentor)
    assert "Mentors suggested for you" not in client.get(reverse("relationships")).content.decode()


def test_away_until_hint_is_shown_and_describes_each_date_box(client, mentor):
    client.force_login(mentor)
    page = client.get(reverse("profile")).content.decode()
    assert 'class="help" id="id_away_until_helptext">Mentors only, optional: while you are away' in page
    for box in ("id_away_until_0", "id_away_until_1", "id_away_until_2"):
        tag = re.search(rf'<input[^>]*id="{box}"[^>]*>', page).group(0)
        assert 'aria-describedby="id_away_until_helptext"' in tag
    # Its example is a day the field accepts (one still to come), not a fixed date that has passed.
    from journeys.forms import future_date_example

    assert future_date_example() + "." in page and "18 4 2026" not in page
