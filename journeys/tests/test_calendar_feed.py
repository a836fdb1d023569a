"""The personal calendar feed and the emailed invitations, parsed back with icalendar.

One secret address per person, every meeting in both roles (cancelled ones as cancelled),
UK time with its VTIMEZONE, ORGANIZER and ATTENDEE lines with names, a stable UID and a
SEQUENCE that rises with each change; resetting the address makes the old one answer 404
with nothing in it. Emailed invitations: REQUEST for a new meeting, REQUEST with the same UID
and a higher SEQUENCE for a change, CANCEL for a cancellation.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journeys.meeting_records import access_calendar_feed
from journeys.models import CalendarFeed
from journeys.services import activity, meetings
from notifications.models import Notification
from notifications.tasks import redeliver_pending
from people.services import delete_account
from people.tests.factories import PASSWORD, make_mentee, make_mentor

from .helpers import meet, send, walk_to

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def parse(text: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(text)


def events(cal: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["summary"]): e for e in cal.walk("VEVENT")}


def addresses(event, name: str) -> list[tuple[str, str]]:
    values = event.get(name)
    values = values if isinstance(values, list) else [values]
    return [(str(v).removeprefix("mailto:"), str(v.params.get("CN"))) for v in values]


def feed_of(user) -> str:
    feed = meetings.open_calendar_feed(user)
    return reverse("calendar_feed", args=[feed.key, feed.secret])


@pytest.fixture
def pair(mentee, mentor):
    """The mentee's relationship with a summer meeting and a cancelled one; the mentor mentors someone else too."""
    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    summer = activity.create_meeting(
        rel,
        mentee,
        title="First conversation",
        starts_at=dt.datetime(2031, 7, 1, 10, 0, tzinfo=LONDON),
        duration_minutes=60,
        location="Café",
    )
    winter = activity.create_meeting(
        rel,
        mentor,
        title="Winter catch-up",
        starts_at=dt.datetime(2031, 12, 1, 10, 0, tzinfo=LONDON),
        duration_minutes=30,
        video=True,
    )
    activity.cancel_meeting(winter, mentee)
    second = make_mentee(first_name="Sofia", last_name="Second", email="sofia@example.com")
    other = walk_to(send(second, mentor), second, mentor, "arranging")
    theirs = meet(other, second, title="Sofia's first meeting")
    return rel, summer, winter, theirs


def test_the_feed_lists_every_meeting_in_both_roles_in_uk_time(pair, mentee, mentor):
    rel, summer, winter, theirs = pair
    response = Client().get(feed_of(mentor))  # no sign-in: the address is the key
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    cal = parse(response.content.decode())
    assert str(cal["METHOD"]) == "PUBLISH"
    # One VTIMEZONE for Europe/London, whose rules give BST in summer and GMT in winter.
    (tz,) = cal.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Europe/London"
    zone = tz.to_tz()
    assert zone.utcoffset(dt.datetime(2031, 7, 1, 10)) == dt.timedelta(hours=1)
    assert zone.utcoffset(dt.datetime(2031, 12, 1, 10)) == dt.timedelta(0)
    found = events(cal)
    assert set(found) == {"First conversation", "Winter catch-up", "Sofia's first meeting"}
    first = found["First conversation"]
    assert first["DTSTART"].params["TZID"] == "Europe/London"
    assert first.decoded("DTSTART") == summer.starts_at
    assert first.decoded("DTSTART").astimezone(dt.UTC).hour == 9  # 10:00 BST
    assert first.decoded("DTEND") - first.decoded("DTSTART") == dt.timedelta(minutes=60)
    assert str(first["UID"]) == f"{summer.uid}@mentoring"
    assert str(first["STATUS"]) == "CONFIRMED"
    assert addresses(first, "ORGANIZER") == [(mentee.email, mentee.display_name)]
    assert addresses(first, "ATTENDEE") == [(mentee.email, mentee.display_name), (mentor.email, mentor.display_name)]
    cancelled = found["Winter catch-up"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert addresses(cancelled, "ORGANIZER") == [(mentor.email, mentor.display_name)]
    assert cancelled.decoded("DTSTART").astimezone(dt.UTC).hour == 10  # 10:00 GMT
    # The mentee's feed has their own meetings only.
    mine = events(parse(Client().get(feed_of(mentee)).content.decode()))
    assert set(mine) == {"First conversation", "Winter catch-up"}


def test_uid_stays_and_sequence_rises_with_each_change(pair, mentee):
    rel, summer, _winter, _theirs = pair
    url = feed_of(mentee)

    def seen():
        event = events(parse(Client().get(url).content.decode()))["First conversation"]
        return str(event["UID"]), int(event["SEQUENCE"]), event.decoded("DTSTART")

    uid, sequence, start = seen()
    activity.update_meeting(summer, mentee, starts_at=summer.starts_at + dt.timedelta(days=1))
    uid2, sequence2, start2 = seen()
    assert uid2 == uid and sequence2 > sequence and start2 == start + dt.timedelta(days=1)
    activity.cancel_meeting(summer, mentee)
    event = events(parse(Client().get(url).content.decode()))["First conversation"]
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) > sequence2 and str(event["STATUS"]) == "CANCELLED"


def test_the_emailed_invitations_request_update_and_cancel(mentee, mentor, django_capture_on_commit_callbacks):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meet(rel, mentee)
        activity.update_meeting(meeting, mentee, title="First conversation (moved)")
        activity.cancel_meeting(meeting, mentee)
    invites = [m for m in mail.outbox if m.to == [mentor.email] and "] Meeting" in m.subject]
    assert [m.subject.split("] ")[1].split(":")[0] for m in invites] == [
        "Meeting arranged",
        "Meeting changed",
        "Meeting cancelled",
    ]
    parsed = []
    for message in invites:
        ((name, content, mimetype),) = message.attachments
        cal = parse(content)
        (event,) = cal.walk("VEVENT")
        parsed.append((str(cal["METHOD"]), str(event["UID"]), int(event["SEQUENCE"]), str(event["STATUS"])))
        assert mimetype == f"text/calendar; method={cal['METHOD']}"
        assert cal.walk("VTIMEZONE") and event["DTSTART"].params["TZID"] == "Europe/London"
        assert addresses(event, "ORGANIZER") == [(mentee.email, mentee.display_name)]
        assert (mentor.email, mentor.display_name) in addresses(event, "ATTENDEE")
    uid = f"{meeting.uid}@mentoring"
    assert parsed == [
        ("REQUEST", uid, 0, "CONFIRMED"),
        ("REQUEST", uid, 1, "CONFIRMED"),
        ("CANCEL", uid, 2, "CANCELLED"),
    ]


PLACE = "Café Nero, Londön"


@pytest.mark.parametrize(
    "place, video", [(PLACE, True), ("", True), (PLACE, False)], ids=["place and video", "video only", "place only"]
)
def test_the_place_and_the_video_link_are_both_in_every_ics(
    client, mentee, mentor, django_capture_on_commit_callbacks, place, video
):
    """LOCATION is the place typed (the video link when there is none); the link is in the
    DESCRIPTION, and as URL and CONFERENCE (RFC 7986) for apps that offer a "join" button. The
    meeting's download, the emailed invitation and the calendar feed say the same."""
    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = activity.create_meeting(
            rel,
            mentee,
            title="Coffee",
            starts_at=dt.datetime(2031, 7, 1, 10, 0, tzinfo=LONDON),
            duration_minutes=60,
            location=place,
            details="Bring your CV.",
            video=video,
        )
    [emailed] = [m for m in mail.outbox if m.to == [mentor.email] and "] Meeting" in m.subject]
    ((_name, invite, _mimetype),) = emailed.attachments
    client.force_login(mentee)
    download = client.get(reverse("meeting_ics", args=[meeting.pk])).content.decode()
    feed = Client().get(feed_of(mentor)).content.decode()
    for text in (invite, download, feed):
        (event,) = parse(text).walk("VEVENT")
        assert str(event["LOCATION"]) == (place or meeting.video_url)
        description = str(event["DESCRIPTION"])
        assert "Bring your CV." in description
        if video:
            assert meeting.video_url.startswith("https://")
            assert f"Video chat: {meeting.video_url}" in description
            assert str(event["URL"]) == meeting.video_url
            conference = event["CONFERENCE"]
            assert str(conference) == meeting.video_url
            assert conference.params["VALUE"] == "URI" and conference.params["FEATURE"] == "VIDEO"
        else:
            assert "Video" not in description and "URL" not in event and "CONFERENCE" not in event


@pytest.mark.parametrize("where", ["step", "meet_page"])
def test_arranged_outside_the_platform_without_send_details_sends_nothing(client, mentee, mentor, where):
    """Unticked: no invitation and no email to the other person about it; ticked: the invitation goes."""
    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    client.login(email=mentee.email, password=PASSWORD)
    day = timezone.localdate() + dt.timedelta(days=3)
    data = {
        "date_0": day.day,
        "date_1": day.month,
        "date_2": day.year,
        "start_time": "10:00",
        "duration": "60",
        "title": "Coffee we arranged by phone",
        "arranged_elsewhere": "on",
    }

    def create(extra):
        if where == "step":
            url = client.get(reverse("next_step", args=[rel.pk])).url
        else:
            url = reverse("meeting_new", args=[rel.pk])
        before = Notification.objects.filter(recipient=mentor).count()
        with_commit = client.post(url, {**data, **extra})
        assert with_commit.status_code == 302
        return Notification.objects.filter(recipient=mentor).order_by("pk")[before:]

    mail.outbox.clear()
    told = create({})  # "send details" unticked
    assert list(told) == []
    redeliver_pending()
    assert [m for m in mail.outbox if mentor.email in m.to] == []
    meeting = rel.meetings.get()
    assert meeting.arranged_elsewhere
    if where == "step":  # the step is done; the second one goes through Meet / Video
        where_next = reverse("meeting_new", args=[rel.pk])
        told = Notification.objects.filter(recipient=mentor).count()
        client.post(where_next, {**data, "title": "Second", "send_details": "on"})
        invites = Notification.objects.filter(recipient=mentor).order_by("pk")[told:]
    else:
        invites = create({"send_details": "on"})
    (invite,) = invites
    assert invite.event == "meeting_arranged"
    assert str(parse(invite.ics)["METHOD"]) == "REQUEST"


def test_resetting_the_address_makes_the_old_one_answer_404_with_nothing_in_it(pair, mentee):
    old = feed_of(mentee)
    assert Client().get(old).status_code == 200
    client = Client()
    client.login(email=mentee.email, password=PASSWORD)
    confirm = client.get(reverse("calendar_reset"))
    assert confirm.status_code == 200 and "stops working at once" in confirm.content.decode()
    assert client.post(reverse("calendar_reset")).status_code == 302
    gone = Client().get(old)
    assert gone.status_code == 404
    body = gone.content.decode()
    assert "BEGIN:VCALENDAR" not in body and "First conversation" not in body and "reset" in body
    assert "no-store" in gone["Cache-Control"]
    feed = CalendarFeed.objects.get(user=mentee)
    new = reverse("calendar_feed", args=[feed.key, feed.secret])
    assert new != old and Client().get(new).status_code == 200
    # The page shows the new address, as webcal:// and https://.
    page = client.get(reverse("calendar")).content.decode()
    assert f'href="webcal://localhost:8000{new}"' in page and old not in page


def test_a_wrong_secret_or_unknown_key_is_404_and_the_comparison_is_constant_time(pair, mentee, monkeypatch):
    feed = meetings.open_calendar_feed(mentee)
    wrong = feed.secret[:-1] + ("B" if feed.secret.endswith("A") else "A")  # one character off, never the same
    assert Client().get(reverse("calendar_feed", args=[feed.key, wrong])).status_code == 404
    assert Client().get(reverse("calendar_feed", args=["nokey", feed.secret])).status_code == 404
    compared = []
    import hmac

    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: compared.append((a, b)) or real(a, b))
    assert access_calendar_feed(feed.key, feed.secret) == feed
    with pytest.raises(Exception, match="No such calendar"):
        access_calendar_feed("nokey", "whatever")
    assert len(compared) == 2  # every answer went through the constant-time comparison


def test_a_person_who_left_has_no_feed(pair, mentee):
    url = feed_of(mentee)
    delete_account(mentee)
    assert Client().get(url).status_code == 404
    assert not CalendarFeed.objects.filter(user=mentee).exists()


def test_the_address_is_made_on_request_and_shown_on_meet_video_and_edit_account(client, pair, mentee, mentor):
    rel = pair[0]
    client.login(email=mentee.email, password=PASSWORD)
    meet_page = client.get(reverse("meetings", args=[rel.pk])).content.decode()
    assert "Get my calendar address" in meet_page
    assert not CalendarFeed.objects.filter(user=mentee).exists()  # nothing made by looking
    back = client.post(reverse("calendar"), {"next": reverse("meetings", args=[rel.pk])})
    assert back.url == reverse("meetings", args=[rel.pk])
    feed = CalendarFeed.objects.get(user=mentee)
    path = reverse("calendar_feed", args=[feed.key, feed.secret])
    for page in (client.get(reverse("meetings", args=[rel.pk])), client.get(reverse("account"))):
        html = page.content.decode()
        assert f'href="webcal://localhost:8000{path}"' in html
        assert f'value="http://localhost:8000{path}"' in html
    # Asking again keeps the same address; a foreign "next" is not followed.
    again = client.post(reverse("calendar"), {"next": "https://evil.example.com/"})
    assert again.url == reverse("calendar")
    assert CalendarFeed.objects.get(user=mentee).secret == feed.secret
    # Nobody else's page shows it.
    client.logout()
    client.login(email=mentor.email, password=PASSWORD)
    assert feed.secret not in client.get(reverse("account")).content.decode()


def test_feed_and_pages_need_the_right_people(client, mentee):
    assert Client().get(reverse("calendar")).status_code == 302  # to sign in
    assert Client().post(reverse("calendar_reset")).status_code == 302
    assert not CalendarFeed.objects.exists()


def test_another_mentor_sees_only_their_meetings(pair):
    stranger = make_mentor(email="stranger@example.com")
    cal = parse(Client().get(feed_of(stranger)).content.decode())
    assert events(cal) == {} and cal.walk("VTIMEZONE")


def test_the_calendar_page_has_one_heading_of_its_own_and_the_account_page_keeps_the_sections(client, mentee):
    client.force_login(mentee)
    page = client.get(reverse("calendar")).content.decode()
    assert page.count("Your meetings in your calendar</h") == 1
    account = client.get(reverse("account")).content.decode()
    assert '<h2 id="calendar-heading">Your meetings in your calendar</h2>' in account


def test_a_meetings_ics_download_is_kept_out_of_shared_caches(client):
    """Like every other download (project.downloads.attachment): it names people and their meeting."""
    mentor, mentee = make_mentor(), make_mentee()
    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    meeting = meet(rel, mentee)
    client.force_login(mentee)
    response = client.get(reverse("meeting_ics", args=[meeting.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == f'attachment; filename="meeting-{meeting.pk}.ics"'
    assert response["Cache-Control"] == "private, no-store"
