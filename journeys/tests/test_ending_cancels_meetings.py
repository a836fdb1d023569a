"""A relationship that ends early (withdrawn, closed by staff, one of the two left) cancels its meetings
still to come: the Meet page shows them cancelled, the calendar feed says CANCELLED, and each person
still in the programme gets the cancellations in one email, the one that tells of the end."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journeys.models import Meeting
from journeys.services import activity, meetings, relationships
from notifications.models import Notification
from people.services import delete_account
from people.tests.factories import PASSWORD, make_staff

from .helpers import send, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def under_way(mentee, mentor):
    """In progression: the first meeting is over; two meetings to come (one arranged by each), one cancelled."""
    rel = walk_to(send(mentee, mentor), mentee, mentor, "progression")
    past = rel.meetings.get()

    def arrange(user, days, title):
        return activity.create_meeting(
            rel, user, title=title, starts_at=timezone.now() + dt.timedelta(days=days), duration_minutes=45
        )

    soon, later = arrange(mentee, 3, "Check-in"), arrange(mentor, 10, "Review <goals>")
    dropped = activity.cancel_meeting(arrange(mentor, 5, "Dropped"), mentee)
    rel.refresh_from_db()
    return rel, past, [soon, later], dropped


def feed_events(user) -> dict[str, icalendar.Event]:
    feed = meetings.open_calendar_feed(user)
    body = Client().get(reverse("calendar_feed", args=[feed.key, feed.secret])).content.decode()
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def emails_to(user, since) -> list:
    """The emails sent to ``user`` of the notifications written since ``since`` (the walk's own are sent
    with them: the outbox sends every row waiting)."""
    recent = set(Notification.objects.filter(created_at__gte=since).values_list("pk", flat=True))
    return [m for m in mail.outbox if m.to == [user.email] and int(m.extra_headers["X-Notification-Id"]) in recent]


def cancellations(message) -> list[tuple[str, str, str]]:
    """(METHOD, UID, STATUS) of each calendar attached, each attached on its own."""
    found = []
    for _name, content, mimetype in message.attachments:
        cal = icalendar.Calendar.from_ical(content)
        (event,) = cal.walk("VEVENT")
        assert mimetype == f"text/calendar; method={cal['METHOD']}"
        found.append((str(cal["METHOD"]), str(event["UID"]), str(event["STATUS"])))
    return found


def cancelled_as(meetings_) -> list[tuple[str, str, str]]:
    return [("CANCEL", f"{m.uid}@mentoring", "CANCELLED") for m in meetings_]


def assert_cancelled_with_the_relationship(rel, past, to_come, dropped, ended_by):
    for meeting in to_come:
        before = meeting.sequence
        meeting.refresh_from_db()
        assert meeting.cancelled_at is not None and meeting.sequence == before + 1
    past_before, dropped_before = (past.cancelled_at, past.sequence), (dropped.cancelled_at, dropped.sequence)
    past.refresh_from_db()
    dropped.refresh_from_db()
    assert (past.cancelled_at, past.sequence) == past_before  # what has happened stays as it was
    assert (dropped.cancelled_at, dropped.sequence) == dropped_before  # cancelled once, not again
    history = rel.history.filter(action="cancel_meeting_at_end")
    assert sorted(history.values_list("note", flat=True)) == sorted(m.title for m in to_come)
    assert {h.actor_id for h in history} == {ended_by.pk}
    assert history.first().action_label == "Meeting cancelled: the relationship ended"
    # Nobody is sent a "Meeting cancelled" email on top of the one about the end.
    assert not Notification.objects.filter(event="meeting_cancelled", created_at__gte=rel.ended_at).exists()


def test_withdrawing_cancels_the_meetings_to_come_and_tells_both_in_one_email_each(
    client, under_way, mentee, mentor, django_capture_on_commit_callbacks
):
    rel, past, to_come, dropped = under_way
    started = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        relationships.withdraw(rel, mentee, "Moving abroad")
    rel.refresh_from_db()
    assert_cancelled_with_the_relationship(rel, past, to_come, dropped, ended_by=mentee)
    # The mentor: the email about the withdrawal lists them and carries their cancellations.
    (told,) = emails_to(mentor, started)
    assert "has withdrawn from your mentoring relationship" in told.subject
    assert "Your 2 meetings still to come are cancelled" in told.body
    assert "“Check-in”" in told.body and "“Review <goals>”" in told.body
    assert cancellations(told) == cancelled_as(to_come)
    assert [name for name, _content, _type in told.attachments] == ["invite-1.ics", "invite-2.ics"]
    # The mentee, who withdrew: the same cancellations, in the one email she gets.
    (confirmation,) = emails_to(mentee, started)
    assert confirmation.subject.endswith(f"Your meetings with {mentor.display_name} are cancelled")
    assert cancellations(confirmation) == cancelled_as(to_come)
    # Pages and calendars say so.
    for person in (mentee, mentor):
        client.login(email=person.email, password=PASSWORD)
        page = client.get(reverse("meetings", args=[rel.pk])).content.decode()
        assert page.count(">Cancelled</span>") == 3  # the two to come and the one cancelled before
        events = feed_events(person)
        for meeting in to_come:
            assert str(events[f"{meeting.uid}@mentoring"]["STATUS"]) == "CANCELLED"
        assert str(events[f"{past.uid}@mentoring"]["STATUS"]) == "CONFIRMED"


def test_staff_closing_cancels_them_and_tells_both(under_way, mentee, mentor, django_capture_on_commit_callbacks):
    rel, past, to_come, dropped = under_way
    staff = make_staff()
    started = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        relationships.close_by_staff(rel, staff, "Duplicate account")
    rel.refresh_from_db()
    assert_cancelled_with_the_relationship(rel, past, to_come, dropped, ended_by=staff)
    for person in (mentee, mentor):
        (told,) = emails_to(person, started)
        assert "has been closed" in told.subject and "Your 2 meetings still to come are cancelled" in told.body
        assert cancellations(told) == cancelled_as(to_come)


def test_a_person_who_leaves_cancels_them_and_the_other_is_told_once(
    under_way, mentee, mentor, django_capture_on_commit_callbacks
):
    rel, past, to_come, dropped = under_way
    started = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        delete_account(mentee)
    rel.refresh_from_db()
    assert_cancelled_with_the_relationship(rel, past, to_come, dropped, ended_by=mentee)
    (told,) = emails_to(mentor, started)
    assert cancellations(told) == cancelled_as(to_come)
    # Nothing for the one who left (their rows go with the erasure: look for the email itself).
    assert not [m for m in mail.outbox if m.to == [mentee.email] and "are cancelled" in m.subject]
    events = feed_events(mentor)
    assert [str(events[f"{m.uid}@mentoring"]["STATUS"]) for m in to_come] == ["CANCELLED", "CANCELLED"]


def test_with_no_meeting_to_come_nothing_is_attached_and_no_extra_email(
    mentee, mentor, django_capture_on_commit_callbacks
):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "progression")  # its only meeting is over
    started = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        relationships.withdraw(rel, mentor, "No time")
    (told,) = emails_to(mentee, started)
    assert told.attachments == [] and "still to come" not in told.body
    assert emails_to(mentor, started) == []
    assert not rel.history.filter(action="cancel_meeting_at_end").exists()
    assert Meeting.objects.filter(relationship=rel, cancelled_at__isnull=False).count() == 0


def test_the_withdraw_page_promises_cancellations_only_for_meetings_still_to_come(client, mentee, mentor, under_way):
    rel, _past, to_come, _dropped = under_way
    client.force_login(mentee)
    page = client.get(reverse("withdraw", args=[rel.pk])).content.decode()
    assert "It also cancels your 2 meetings still to come: you are both sent their cancellations" in page
    assert f"We will tell {mentor.display_name} and the programme team, with your reason." in page

    for meeting in to_come:
        activity.cancel_meeting(meeting, mentee)
    page = client.get(reverse("withdraw", args=[rel.pk])).content.decode()
    assert "This ends the relationship for both of you." in page
    assert "cancel" not in page.split("<h1>")[1].split("<form")[0].lower()  # no meetings: no cancellations promised
