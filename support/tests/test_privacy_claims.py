"""The privacy page's claims about who sees what hold: each thing it says programme staff do not see is
refused to staff (404), what it lists as stored includes what the data export has, what it says a mentor
sees of a mentee is what they see, and every cookie the site sets is named on it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from journeys.models import Meeting
from journeys.services import activity, meetings, proposals, relationships, worksheets
from journeys.tests.helpers import send, walk_to
from people.models import AreaOfSupport
from people.tests.factories import PASSWORD, make_mentee
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


def test_what_the_page_says_a_mentor_sees_of_a_mentee_proposed_to_them_is_what_they_see(client, mentor, staff):
    """A matching round proposes a mentee to a mentor they never asked: the page says so, and says what
    that mentor sees (name, job title, organisation, the request's area and statement; contact details
    only once accepted), which is all they see."""
    text = str(DEFAULT_PRIVACY_TEXT)
    assert "mentees' profiles are shown only to the mentors they ask" not in text
    assert "when the programme team proposes them as your mentor in a matching round" in text
    mia = make_mentee(first_name="Mia", last_name="Proposed", email="mia@example.com")
    mia.profile.job_title, mia.profile.organisation, mia.profile.phone = "Planner", "Rail Co", "07700 900123"
    mia.profile.biography = "Mia's private biography"
    mia.profile.save()
    area = AreaOfSupport.objects.order_by("position").first()
    rel = proposals.propose_request(
        mentee=mia, mentor=mentor, area=area, statement="A few words for my mentor", staff_user=staff
    )

    client.force_login(mentor)
    pages = [
        client.get(reverse("relationship", args=[rel.pk])),
        client.get(reverse("next_step", args=[rel.pk]), follow=True),
    ]
    seen = "".join(page.content.decode() for page in pages)
    for shown in ("Mia Proposed", "Planner", "Rail Co", area.name, "A few words for my mentor"):
        assert shown in seen, shown
    for hidden in ("mia@example.com", "900123", "Mia's private biography"):
        assert hidden not in seen, hidden

    relationships.accept_request(rel, mentor)
    seen = client.get(reverse("relationship", args=[rel.pk])).content.decode()
    assert "mia@example.com" in seen and "07700 900123" in seen
    assert "Mia's private biography" not in seen


def test_every_cookie_a_walk_through_the_site_sets_is_named_on_the_privacy_page(client, mentee, mentor):
    """Signed out, signing in (with and without "Remember Me"), a Find Mentor search, a saved profile,
    signing out: each cookie set on the way is named on the page, and lasts as long as it says."""
    login = reverse("account_login")
    client.get(reverse("home"))
    client.get(login)
    signed_in = client.post(login, {"login": mentee.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert not signed_in.cookies["sessionid"]["max-age"]  # until the browser closes
    client.get(signed_in["Location"])
    searched = client.get(reverse("find_mentor"), {"q": "rail"})
    assert searched.cookies["find_mentor_search"]["max-age"] == 90 * 24 * 3600
    client.get(reverse("account"))
    client.post(reverse("account_logout"), follow=True)
    remembered = client.post(login, {"login": mentee.email, "password": PASSWORD, "remember": "on"})
    assert remembered.cookies["sessionid"]["max-age"] == 14 * 24 * 3600  # "two weeks"
    client.get(remembered["Location"])
    client.post(reverse("account_logout"), follow=True)

    set_on_the_way = set(client.cookies)
    assert {"sessionid", "csrftoken", "messages", "find_mentor_search"} <= set_on_the_way
    assert client.cookies["csrftoken"]["max-age"] == 31449600  # "a year"
    page = client.get(reverse("privacy")).content.decode()
    assert "<h2>Cookies</h2>" in page
    for name in set_on_the_way:
        assert f"{name}: " in page, f"the cookie {name} is not on the privacy page"


def test_the_admin_shows_no_message_meeting_details_or_email_text(client, mentee, mentor, staff):
    """What the page says staff do not see stays out of the Django admin too: the emails quoting a
    message or a meeting's place and details, and a meeting's own page."""
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")
    meeting = rel.meetings.get()
    Meeting.objects.filter(pk=meeting.pk).update(location="Room 12, Quay House", details="Bring the private plan")
    activity.send_message(rel.conversation, mentee, "A very private message")
    root = make_mentee(first_name="Root", email="root@example.com", is_staff=True, is_superuser=True)
    client.force_login(root)
    from notifications.models import Notification

    quoted = Notification.objects.filter(body_text__contains="A very private message")
    assert quoted.exists()
    pages = [
        reverse("admin:notifications_notification_changelist"),
        *(reverse("admin:notifications_notification_change", args=[n.pk]) for n in Notification.objects.all()),
        reverse("admin:journeys_meeting_changelist"),
        reverse("admin:journeys_meeting_change", args=[meeting.pk]),
    ]
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        text = page.content.decode()
        for private in ("A very private message", "Room 12", "Bring the private plan"):
            assert private not in text, (url, private)
    assert meeting.title in client.get(reverse("admin:journeys_meeting_change", args=[meeting.pk])).content.decode()
