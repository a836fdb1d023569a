"""The journey diagrams staff see are drawn from the flows, and their waits from the settings."""

import html
import re

import pytest

pytestmark = pytest.mark.django_db


def _chart(client, staff, flow: str) -> str:
    """The diagram the Journey diagrams page shows a staff member (no model permissions)."""
    client.force_login(staff)
    page = client.get("/staff/journeys/").content.decode()
    src = f"/staff/journeys/{flow}.svg"
    assert f'src="{src}"' in page
    response = client.get(src)
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    return response.content.decode()


def test_the_timer_titles_are_the_settings_days(client, staff, settings):
    settings.REMINDERS = {
        **settings.REMINDERS,
        "REQUEST_REMIND_DAYS": [2, 5],
        "REQUEST_ESCALATE_DAYS": 12,
        "FIRST_MEETING_REMIND_DAYS": 0,
    }
    chart = _chart(client, staff, "mentoring")
    for title in ("2 days", "5 days", "12 days", "never (off)"):
        assert title in chart, title
    assert "10 days" not in chart and "3 days" not in chart  # nothing written by hand


def test_onboarding_waits_follow_the_settings_too(client, staff, settings):
    settings.REMINDERS = {**settings.REMINDERS, "PROFILE_REMIND_DAYS": 4, "NO_REQUEST_REMIND_DAYS": 1}
    chart = _chart(client, staff, "onboarding")
    assert "4 days" in chart and "1 day" in chart


def test_the_sweeps_and_ends_outside_the_steps_are_shown_with_the_settings(client, staff, settings):
    settings.REMINDERS = {**settings.REMINDERS, "STALLED_AFTER_DAYS": 45, "GOAL_DUE_SOON_DAYS": 2}
    settings.CELERY_BEAT_SCHEDULE = {
        **settings.CELERY_BEAT_SCHEDULE,
        "open-stalled-cases": {**settings.CELERY_BEAT_SCHEDULE["open-stalled-cases"], "schedule": 1800},
    }
    client.force_login(staff)
    page = client.get("/staff/journeys/").content.decode()
    assert "Also on this journey, outside its steps" in page
    assert "Stalled after 45 days without activity" in page and "every 30 minutes" in page
    assert "The platform resolves the case as soon as the two are active again." in page  # staff.services.settle_cases
    assert "a goal&#x27;s owner 2 days before it is due" in page
    assert "Withdrawn or closed" in page


def _waits(client, staff) -> list[tuple[str, str, str]]:
    """The waits the Journey diagrams page lists in words (step, after, then), as a staff member reads
    them: the diagrams are images, and a timer's days are only its tooltip inside the SVG, which an
    image never shows."""
    client.force_login(staff)
    page = client.get("/staff/journeys/").content.decode()
    rows = []
    for table in re.findall(r"(?s)<table[^>]*>.*?</table>", page):
        for row in re.findall(r"(?s)<tr>(.*?)</tr>", table):
            cells = [
                html.unescape(" ".join(re.sub(r"<[^>]+>", " ", c).split()))
                for c in re.findall(r"(?s)<t[dh][^>]*>(.*?)</t[dh]>", row)
            ]
            rows.append(tuple(cells))
    return rows


def test_the_page_lists_each_wait_in_words_with_the_settings_days(client, staff, settings):
    settings.REMINDERS = {
        **settings.REMINDERS,
        "REQUEST_REMIND_DAYS": [2, 5],
        "REQUEST_ESCALATE_DAYS": 12,
        "REQUEST_EXPIRE_DAYS": 30,
        "FIRST_MEETING_REMIND_DAYS": 0,
        "PROFILE_REMIND_DAYS": 4,
    }
    waits = _waits(client, staff)
    review = "Review the mentoring request"
    assert (review, "2 days", "Remind the mentor") in waits
    assert (review, "5 days", "Remind the mentor") in waits
    assert (review, "12 days", "Tell the staff inbox") in waits
    assert (review, "30 days", "The request expires (the step stops waiting)") in waits
    assert ("Arrange your first meeting", "never (off)", "Remind the mentee") in waits
    assert ("Arrange your first meeting", "14 days", "Tell the staff inbox") in waits
    assert ("Give feedback on your mentoring", "7 days", "Remind the mentee") in waits
    assert ("Give feedback on your mentoring", "7 days", "Remind the mentor") in waits
    assert ("Complete your profile", "4 days", "Remind them") in waits
    assert ("Find a mentor and send a request", "7 days", "Suggest mentors") in waits
