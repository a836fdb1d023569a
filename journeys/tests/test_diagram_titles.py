"""The journey diagrams staff see are drawn from the flows, and their waits from the settings."""

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
    assert "a goal&#x27;s owner 2 days before it is due" in page
    assert "Withdrawn or closed" in page
