"""A meeting saved as it was changes nothing (no email, no new calendar version, no history line),
and a cancelled meeting's edit page says so on opening, not after the form is filled in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from journeys.models import StateChange
from journeys.services import activity
from journeys.services.base import Refused
from people.tests.factories import PASSWORD

from .helpers import send, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")
    meeting = rel.meetings.get()
    local = timezone.localtime(meeting.starts_at).replace(hour=10, minute=30, second=0, microsecond=0)
    meeting.__class__.objects.filter(pk=meeting.pk).update(starts_at=local, details="Bring the CV")
    meeting.refresh_from_db()
    return meeting


def as_typed(meeting, **changes) -> dict:
    local = timezone.localtime(meeting.starts_at)
    data = {
        "date_0": str(local.day),
        "date_1": str(local.month),
        "date_2": str(local.year),
        "start_time": local.strftime("%H:%M"),
        "duration": str(meeting.duration_minutes),
        "title": meeting.title,
        "location": meeting.location,
        "details": meeting.details,
        "send_details": "on",
    }
    if meeting.video:
        data["video"] = "on"
    return {**data, **changes}


def changed_emails() -> list:
    return [m for m in mail.outbox if "Meeting changed" in m.subject]


def updates(meeting) -> int:
    return StateChange.objects.filter(relationship=meeting.relationship, action="update_meeting").count()


def test_saving_a_meeting_unchanged_changes_nothing(
    client, meeting, mentee, mentor, django_capture_on_commit_callbacks
):
    client.login(email=mentee.email, password=PASSWORD)
    url = reverse("meeting_edit", args=[meeting.pk])
    assert client.get(url).status_code == 200
    mail.outbox.clear()
    for _ in range(2):  # Save pressed with nothing changed, then the form sent again with Back
        with django_capture_on_commit_callbacks(execute=True):
            resp = client.post(url, as_typed(meeting))
        assert resp.status_code == 200
        page = resp.content.decode()
        assert "Nothing was changed: the meeting is as it was, so Alice Kember was not told again." in page
        assert 'value="Bring the CV"' in page or "Bring the CV" in page  # the form, as typed
    assert changed_emails() == []
    meeting_after = meeting.__class__.objects.get(pk=meeting.pk)
    assert meeting_after.sequence == meeting.sequence
    assert updates(meeting) == 0


def test_a_change_is_still_saved_and_told_once(client, meeting, mentee, mentor, django_capture_on_commit_callbacks):
    client.login(email=mentee.email, password=PASSWORD)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("meeting_edit", args=[meeting.pk]), as_typed(meeting, start_time="11:00"))
    assert resp.status_code == 302
    assert [m.to for m in changed_emails()] == [[mentor.email]]
    assert meeting.__class__.objects.get(pk=meeting.pk).sequence == meeting.sequence + 1
    assert updates(meeting) == 1


def test_the_service_refuses_an_unchanged_meeting(meeting, mentee):
    with pytest.raises(Refused, match="Nothing was changed"):
        activity.update_meeting(
            meeting,
            mentee,
            title=f"  {meeting.title} ",
            starts_at=meeting.starts_at,
            duration_minutes=meeting.duration_minutes,
            location=meeting.location,
            details=meeting.details,
            video=meeting.video,
        )
    moved = activity.update_meeting(meeting, mentee, starts_at=meeting.starts_at + dt.timedelta(hours=1))
    assert moved.sequence == meeting.sequence + 1


def test_a_cancelled_meeting_says_so_on_opening_its_edit_page(client, meeting, mentee):
    activity.cancel_meeting(meeting, mentee)
    client.login(email=mentee.email, password=PASSWORD)
    resp = client.get(reverse("meeting_edit", args=[meeting.pk]))
    assert resp.status_code == 302 and resp.url == reverse("meeting", args=[meeting.pk])
    assert [str(m) for m in get_messages(resp.wsgi_request)] == [
        "This meeting was cancelled, so it can no longer be changed."
    ]
    resp = client.post(reverse("meeting_edit", args=[meeting.pk]), as_typed(meeting, title="Moved"))
    assert resp.status_code == 302
    assert meeting.__class__.objects.get(pk=meeting.pk).title != "Moved"
