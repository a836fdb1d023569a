"""Someone who left the programme: the other person sees no placeholder address for them, on the
relationship's page, its card or a calendar invite."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from journeys.services import activity
from notifications.ics import meeting_invite
from people.services import delete_account

from .helpers import send, walk_to

pytestmark = pytest.mark.django_db


def test_no_placeholder_address_of_someone_who_left(client, mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    meeting = activity.create_meeting(
        rel, mentor, title="Catch-up", starts_at=timezone.now() - dt.timedelta(hours=1), duration_minutes=30
    )
    delete_account(mentor)
    mentor.refresh_from_db()
    client.force_login(mentee)
    for url in (reverse("relationship", args=[rel.pk]), reverse("relationships")):
        page = client.get(url).content.decode()
        assert mentor.email not in page and "deleted.invalid" not in page, url
    assert (
        "This person has left the programme: their contact details are gone."
        in client.get(reverse("relationship", args=[rel.pk])).content.decode()
    )
    meeting.refresh_from_db()
    invite = meeting_invite(meeting).replace("\r\n ", "")
    assert "deleted.invalid" not in invite and mentee.email in invite
