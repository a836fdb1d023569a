"""The privacy page's claims about who sees what hold: each thing it says programme staff do not see is
refused to staff (404), and what it lists as stored includes what the data export has."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from journeys.models import Meeting
from journeys.services import activity, meetings, worksheets
from journeys.tests.helpers import send, walk_to
from support.privacy import DEFAULT_PRIVACY_TEXT

pytestmark = pytest.mark.django_db


def test_the_page_no_longer_says_staff_see_everything_and_names_what_it_stores(client):
    text = client.get(reverse("privacy")).content.decode()
    assert "Programme staff can see everything above" not in text
    for stored in ("notes either of you keeps on a meeting", "SWOT and G-STAR worksheets", "calendar feed", "concern"):
        assert stored in text


def test_what_the_page_says_staff_do_not_see_is_refused_to_staff(client, mentee, mentor, staff):
    text = str(DEFAULT_PRIVACY_TEXT)
    assert (
        "Programme staff do not see your messages or the files attached to them, your meeting notes or a "
        "meeting's own page (its place, video link and details), your SWOT and G-STAR worksheets, or your "
        "calendar feed's address"
    ) in text
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")
    meeting = rel.meetings.get()
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(days=1))
    meetings.add_meeting_note(meeting, mentee, text="Private reflections")
    upload = SimpleUploadedFile("cv.txt", b"My CV\n", content_type="text/plain")
    message = activity.send_message(rel.conversation, mentee, "Attached", upload)
    version = worksheets.save_worksheet(rel, mentee, kind="swot", answers={"strengths": "Listening"})
    feed = meetings.open_calendar_feed(mentee)

    client.force_login(staff)
    refused = [
        reverse("messages", args=[rel.pk]),  # messages
        reverse("conversation", args=[rel.conversation_id]),
        reverse("attachment", args=[message.attachment.pk]),  # files
        reverse("meeting", args=[meeting.pk]),  # a meeting's own page, with its notes
        reverse("meetings", args=[rel.pk]),
        reverse("worksheet", args=[rel.pk, "swot"]),  # worksheets
        reverse("worksheet_open", args=[version.worksheet_id]),
        reverse("worksheet_pdf", args=[rel.pk, "swot"]),
    ]
    for url in refused:
        assert client.get(url).status_code == 404, url
    # The calendar address is on no staff page about the relationship or the member.
    for url in (reverse("relationship", args=[rel.pk]), reverse("staff_member", args=[mentee.pk])):
        page = client.get(url)
        assert page.status_code == 200 and feed.secret not in page.content.decode(), url
    # What staff do see, as the page says: the relationship, its meetings' titles and times.
    assert meeting.title in client.get(reverse("relationship", args=[rel.pk])).content.decode()
