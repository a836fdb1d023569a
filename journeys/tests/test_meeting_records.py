"""After a meeting: notes private to the two, held or did not happen, the first meeting held earlier
than planned, and what stages, reminders and reports count as held (the one rule: journeys.rules.held_q)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from journeys import meeting_records, record, rules, selectors
from journeys.models import MeetingNote, MeetingOutcome, State, StateChange
from journeys.services import activity, meetings, relationships
from journeys.services.base import Refused
from notifications.models import Notification
from people.tests.factories import PASSWORD, make_mentee, make_staff

from .helpers import first_meeting_over, goal, meet, send, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def rel(mentee, mentor):
    return walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")


def past(meeting, hours=2):
    meeting.__class__.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(hours=hours))
    meeting.refresh_from_db()
    return meeting


def history(rel) -> list[str]:
    return list(StateChange.objects.filter(relationship=rel).values_list("action", flat=True))


# -- notes ----------------------------------------------------------------------------


def test_either_person_writes_notes_once_the_meeting_has_started(rel, mentee, mentor):
    meeting = past(rel.meetings.get())
    meetings.add_meeting_note(meeting, mentee, text="  We talked about networking events.  ")
    meetings.add_meeting_note(meeting, mentor, text="Next: a list of three events.")
    assert [(n.author, n.text) for n in meeting.notes.all()] == [
        (mentee, "We talked about networking events."),
        (mentor, "Next: a list of three events."),
    ]
    # The history says notes were added, never what they say (staff read the history).
    notes_rows = StateChange.objects.filter(relationship=rel, action="add_meeting_note")
    assert list(notes_rows.values_list("note", flat=True)) == [meeting.title, meeting.title]


def test_notes_on_a_meeting_still_to_come_are_refused_and_nothing_is_written(rel, mentee):
    meeting = rel.meetings.get()  # in a week
    before = history(rel)
    with pytest.raises(Refused, match="has not started yet"):
        meetings.add_meeting_note(meeting, mentee, text="Too early")
    with pytest.raises(Refused, match="has not started yet"):
        meetings.record_meeting_outcome(meeting, mentee, held=True)
    assert MeetingNote.objects.count() == 0 and history(rel) == before
    meeting.refresh_from_db()
    assert meeting.outcome == ""


def test_notes_and_outcome_refused_to_anyone_outside_the_pair(rel, mentor):
    meeting = past(rel.meetings.get())
    for stranger in (make_mentee(email="stranger@example.com"), make_staff()):
        with pytest.raises(Refused, match="Only the two people"):
            meetings.add_meeting_note(meeting, stranger, text="Hello")
        with pytest.raises(Refused, match="Only the two people"):
            meetings.record_meeting_outcome(meeting, stranger, held=False)
    assert MeetingNote.objects.count() == 0
    meeting.refresh_from_db()
    assert meeting.outcome == ""


def test_empty_notes_and_cancelled_meetings_are_refused(rel, mentee):
    meeting = rel.meetings.get()
    activity.cancel_meeting(meeting, mentee)  # while still to come; then its time passes
    meeting = past(meeting)
    with pytest.raises(Refused, match="Write your notes"):
        meetings.add_meeting_note(meeting, mentee, text="   ")
    with pytest.raises(Refused, match="cancelled"):
        meetings.add_meeting_note(meeting, mentee, text="Notes")
    with pytest.raises(Refused, match="cancelled"):
        meetings.record_meeting_outcome(meeting, mentee, held=True)


def test_an_ended_relationship_takes_no_new_notes(rel, mentee, mentor):
    meeting = past(rel.meetings.get())
    relationships.withdraw(rel, mentor, "Moving abroad")
    with pytest.raises(Refused, match="withdrawn"):
        meetings.add_meeting_note(meeting, mentee, text="After the end")


# -- held or did not happen -----------------------------------------------------------


def test_held_or_not_is_recorded_by_either_person_and_in_the_history(rel, mentee, mentor):
    meeting = past(rel.meetings.get())
    assert meeting_records.status_of(meeting) == meeting_records.Status.TO_RECORD
    meetings.record_meeting_outcome(meeting, mentor, held=False)
    meeting.refresh_from_db()
    assert (meeting.outcome, meeting.outcome_by) == (MeetingOutcome.NOT_HELD, mentor)
    with pytest.raises(Refused, match="already recorded as not having happened"):
        meetings.record_meeting_outcome(meeting, mentee, held=False)
    meetings.record_meeting_outcome(meeting, mentee, held=True)  # changed later, by the other person
    meeting.refresh_from_db()
    assert (meeting.outcome, meeting.outcome_by) == (MeetingOutcome.HELD, mentee)
    assert meeting_records.status_of(meeting) == meeting_records.Status.HELD
    assert [a for a in history(rel) if a.startswith("meeting_")] == ["meeting_not_held", "meeting_held"]


def test_what_counts_as_held_and_the_hours(rel, mentee, mentor):
    """The one rule (journeys.rules.held_q): held once its start time has passed, unless cancelled or said
    not to have happened; marking it held counts it whatever its time."""
    first = past(rel.meetings.get(), hours=48)
    second = past(meet(rel, mentee, title="Second"), hours=24)
    second.duration_minutes = 90
    second.save()
    third = past(meet(rel, mentor, title="Third"), hours=3)
    meet(rel, mentee, title="Next", days=5)  # still to come: not counted
    assert list(selectors.meetings_held(rel)) == [first, second, third]  # nobody recorded them: they count
    meetings.record_meeting_outcome(first, mentee, held=True)
    meetings.record_meeting_outcome(third, mentor, held=False)  # did not happen: no longer counted
    assert list(selectors.meetings_held(rel)) == [first, second]
    assert [rules.meeting_held(m, timezone.now()) for m in (first, second)] == [True, True]
    third.refresh_from_db()
    assert not rules.meeting_held(third, timezone.now())
    assert record.cpd_record(mentee, rel).total_minutes == 150
    # The mentor's hours across all their mentees.
    second_mentee = make_mentee(email="second@example.com")
    other = walk_to(send(second_mentee, mentor), second_mentee, mentor, "arranging")
    past(meet(other, second_mentee, title="Hello"), hours=1)
    assert record.mentoring_hours(mentor).total_minutes == 210
    # A meeting cancelled before its time never counts, even once that time has passed.
    cancelled = meet(rel, mentee, title="Cancelled", days=2)
    activity.cancel_meeting(cancelled, mentee)
    past(cancelled, hours=1)
    assert record.cpd_record(mentee, rel).total_minutes == 150


def test_a_held_meeting_moved_to_a_later_date_is_to_be_recorded_again(rel, mentee):
    meeting = past(rel.meetings.get())
    meetings.record_meeting_outcome(meeting, mentee, held=True)
    activity.update_meeting(meeting, mentee, starts_at=timezone.now() + dt.timedelta(days=3))
    meeting.refresh_from_db()
    assert meeting.outcome == "" and meeting_records.status_of(meeting) == meeting_records.Status.UPCOMING


# -- cancelling: only a meeting still to come ------------------------------------------


def test_a_meeting_that_has_taken_place_cannot_be_cancelled(rel, mentee, mentor):
    """Its time has passed (it counts as held: rules.held_q), or it was marked held: "did not happen" is
    the way to say it did not take place. Nothing changes, nobody is emailed, the history has no line."""
    unrecorded = past(rel.meetings.get())
    marked = past(meet(rel, mentor, title="Marked held"))
    meetings.record_meeting_outcome(marked, mentee, held=True)
    before = history(rel)
    for meeting, person in ((unrecorded, mentee), (marked, mentor)):
        with pytest.raises(Refused, match="has taken place, so it can no longer be cancelled.*did not happen"):
            activity.cancel_meeting(meeting, person)
        meeting.refresh_from_db()
        assert meeting.cancelled_at is None and meeting.sequence == 0
    assert history(rel) == before
    assert not Notification.objects.filter(event="meeting_cancelled").exists()
    # One marked as not having happened: nothing to cancel either.
    missed = past(meet(rel, mentee, title="Missed"))
    meetings.record_meeting_outcome(missed, mentee, held=False)
    with pytest.raises(Refused, match="recorded as not having happened, so there is nothing to cancel"):
        activity.cancel_meeting(missed, mentor)
    # One still to come can be.
    to_come = meet(rel, mentee, title="Next")
    activity.cancel_meeting(to_come, mentor)
    to_come.refresh_from_db()
    assert to_come.cancelled_at is not None


def test_no_cancel_button_for_a_meeting_that_took_place_and_a_direct_post_says_why(client, rel, mentee, mentor):
    first = past(rel.meetings.get())
    to_come = meet(rel, mentee, title="Next")
    assert client.login(email=mentee.email, password=PASSWORD)
    page = client.get(reverse("meetings", args=[rel.pk])).content.decode()
    assert reverse("meeting_cancel_confirm", args=[first.pk]) not in page
    assert reverse("meeting_cancel_confirm", args=[to_come.pk]) in page
    reason = "This meeting has taken place, so it can no longer be cancelled."
    confirm = client.get(reverse("meeting_cancel_confirm", args=[first.pk]), follow=True)
    assert confirm.redirect_chain == [(reverse("meetings", args=[rel.pk]), 302)]
    assert reason in confirm.content.decode()
    response = client.post(reverse("meeting_cancel", args=[first.pk]), {"send_details": ["", "1"]}, follow=True)
    assert response.redirect_chain == [(reverse("meetings", args=[rel.pk]), 302)]
    body = response.content.decode()
    assert reason in body and "Meeting cancelled." not in body
    first.refresh_from_db()
    assert first.cancelled_at is None
    assert not Notification.objects.filter(recipient=mentor, event="meeting_cancelled").exists()


# -- the first conversation waits for the first meeting -------------------------------


def test_the_first_conversation_cannot_be_completed_while_the_first_meeting_is_to_come(rel, mentee):
    goal(rel, mentee)
    with pytest.raises(Refused, match="first meeting has not taken place yet"):
        relationships.complete_stage(rel, mentee, "first_conversation")
    rel.refresh_from_db()
    assert rel.state == State.FIRST_CONVERSATION


def test_a_first_meeting_marked_as_not_having_happened_does_not_count(rel, mentee):
    goal(rel, mentee)
    meeting = past(rel.meetings.get())
    meetings.record_meeting_outcome(meeting, mentee, held=False)
    with pytest.raises(Refused, match="No first meeting is planned now. Arrange one"):
        relationships.complete_stage(rel, mentee, "first_conversation")
    # Another meeting whose time has passed does.
    past(meet(rel, mentee, title="Second try"), hours=1)
    relationships.complete_stage(rel, mentee, "first_conversation")
    rel.refresh_from_db()
    assert rel.state == State.PROGRESSION


def test_the_mentee_says_the_first_meeting_happened_earlier(rel, mentee, mentor, django_capture_on_commit_callbacks):
    goal(rel, mentee)
    meeting = rel.meetings.get()
    planned, sequence = meeting.starts_at, meeting.sequence
    # A moment ago: not on a day before the match (refused, its own test), whatever the time of day.
    met_at = timezone.now() - dt.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        meetings.record_met_earlier(rel, mentee, met_at=met_at)
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.planned_starts_at) == (met_at, planned)
    assert (meeting.outcome, meeting.outcome_by) == (MeetingOutcome.HELD, mentee)
    assert meeting.sequence == sequence + 1
    assert "met_earlier" in history(rel)
    # The mentor's calendar moves: the same invitation, a higher SEQUENCE.
    told = Notification.objects.filter(recipient=mentor, event="meeting_changed").get()
    assert f"UID:{meeting.uid}@mentoring" in told.ics and f"SEQUENCE:{sequence + 1}" in told.ics
    # ...and the email says what happened, not only that a meeting changed
    assert told.subject.endswith(f"First meeting recorded as held: {meeting.title} (with John Smith)")
    planned_said = timezone.localtime(planned).strftime("%A %-d %B %Y at %H:%M")
    said = f"John Smith says your first meeting, “{meeting.title}”, planned for {planned_said} (UK time), took place"
    assert said in told.body_text
    assert "It is now recorded as held at the time below" in told.body_html
    relationships.complete_stage(rel, mentee, "first_conversation")
    rel.refresh_from_db()
    assert rel.state == State.PROGRESSION


def test_met_earlier_refusals(rel, mentee, mentor):
    later = timezone.now() + dt.timedelta(hours=1)
    with pytest.raises(Refused, match="Only the mentee"):
        meetings.record_met_earlier(rel, mentor, met_at=timezone.now())
    with pytest.raises(Refused, match="have passed"):
        meetings.record_met_earlier(rel, mentee, met_at=later)
    with pytest.raises(Refused, match="on or after"):
        meetings.record_met_earlier(rel, mentee, met_at=rel.matched_at - dt.timedelta(days=3))
    first_meeting_over(rel)
    with pytest.raises(Refused, match="already taken place"):
        meetings.record_met_earlier(rel, mentee, met_at=timezone.now() - dt.timedelta(minutes=5))
    assert "met_earlier" not in history(rel)


def test_the_set_a_goal_reminder_waits_for_a_meeting_that_took_place(rel, mentee):
    from journeys.services.reminders import send_dated_reminders

    meeting = past(rel.meetings.get())
    meetings.record_meeting_outcome(meeting, mentee, held=False)
    send_dated_reminders()
    assert not Notification.objects.filter(event="reminder_set_goal").exists()
    meetings.record_meeting_outcome(meeting, mentee, held=True)
    send_dated_reminders()
    assert Notification.objects.filter(event="reminder_set_goal", recipient=mentee).count() == 1


# -- the pages --------------------------------------------------------------------------


def login(client, user):
    client.logout()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_the_meeting_page_shows_notes_to_the_two_and_404_to_others(client, rel, mentee, mentor):
    meeting = past(rel.meetings.get())
    url = reverse("meeting", args=[meeting.pk])
    login(client, mentee)
    page = client.get(url).content.decode()
    assert "Did it take place?" in page and "No notes yet." in page
    response = client.post(reverse("meeting_note_add", args=[meeting.pk]), {"text": "We agreed three actions."})
    assert response.status_code == 302
    response = client.post(reverse("meeting_outcome", args=[meeting.pk]), {"outcome": "held"})
    assert response.status_code == 302
    login(client, mentor)
    page = client.get(url).content.decode()
    assert "We agreed three actions." in page and "Held" in page
    meetings_page = client.get(reverse("meetings", args=[rel.pk])).content.decode()
    assert reverse("meeting", args=[meeting.pk]) in meetings_page
    for stranger in (make_mentee(email="nosy@example.com"), make_staff()):
        login(client, stranger)
        assert client.get(url).status_code == 404
        assert client.post(reverse("meeting_note_add", args=[meeting.pk]), {"text": "x"}).status_code == 404
        assert client.post(reverse("meeting_outcome", args=[meeting.pk]), {"outcome": "not_held"}).status_code == 404
        # Staff see the relationship, never the notes.
        page = client.get(reverse("relationship", args=[rel.pk])).content.decode()
        assert "We agreed three actions." not in page
    assert MeetingNote.objects.count() == 1
    meeting.refresh_from_db()
    assert meeting.outcome == MeetingOutcome.HELD


def test_notes_on_a_meeting_to_come_give_a_clear_message_and_keep_the_text(client, rel, mentee):
    meeting = rel.meetings.get()
    login(client, mentee)
    response = client.post(reverse("meeting_note_add", args=[meeting.pk]), {"text": "Written too early"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "has not started yet" in page and "Written too early" in page
    assert MeetingNote.objects.count() == 0
    response = client.post(reverse("meeting_outcome", args=[meeting.pk]), {"outcome": "bogus"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_next_step_says_why_and_offers_we_met_earlier(client, rel, mentee, mentor):
    goal(rel, mentee)
    login(client, mentee)
    step = client.get(reverse("next_step", args=[rel.pk]))
    page = client.get(step.url).content.decode()
    assert "is planned for" in page and reverse("first_meeting_earlier", args=[rel.pk]) in page
    refused = client.post(step.url, follow=True).content.decode()
    assert "Your first meeting has not taken place yet" in refused
    url = reverse("first_meeting_earlier", args=[rel.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"date_0": "31", "date_1": "2", "date_2": "2026", "start_time": "10:00"})
    assert bad.status_code == 200 and "That date does not exist" in bad.content.decode()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    bad = client.post(
        url, {"date_0": tomorrow.day, "date_1": tomorrow.month, "date_2": tomorrow.year, "start_time": "10:00"}
    )
    assert "That is still to come" in bad.content.decode()
    today = timezone.localdate()
    earlier = client.post(
        url, {"date_0": today.day, "date_1": today.month, "date_2": today.year, "start_time": "07:00"}
    )
    if timezone.localtime().hour < 7:  # a run before 07:00 UK time: that time is still to come
        return
    assert earlier.status_code == 302
    assert client.post(step.url).status_code == 302
    rel.refresh_from_db()
    assert rel.state == State.PROGRESSION
    # The mentor has no such page (the mentee says it), and nothing is left to move now.
    login(client, mentor)
    assert client.get(url).status_code == 302


def test_with_the_first_meeting_cancelled_the_step_says_to_arrange_another(client, rel, mentee):
    """Nothing planned any more: the refusal and the step's page say to arrange a meeting (or add the
    one already held), not "say you met earlier", which has nothing to move."""
    goal(rel, mentee)
    activity.cancel_meeting(rel.meetings.get(), mentee, send_details=False)
    login(client, mentee)
    step = client.get(reverse("next_step", args=[rel.pk])).url
    page = client.get(step).content.decode()
    assert "No first meeting is planned now." in page and reverse("meeting_new", args=[rel.pk]) in page
    assert reverse("first_meeting_earlier", args=[rel.pk]) not in page
    refused = client.post(step).content.decode()
    assert "No first meeting is planned now. Arrange one on Meet / Video" in refused
    assert "If you met earlier than planned" not in refused
    # The page for "we met earlier" sends them to arrange one, and says why.
    earlier = client.get(reverse("first_meeting_earlier", args=[rel.pk]), follow=True)
    assert earlier.redirect_chain[-1][0] == reverse("meetings", args=[rel.pk])
    assert "there is none to move earlier" in earlier.content.decode()
    # A meeting added for the day they met counts, and the stage can be completed.
    past(meet(rel, mentee, title="We met after all"), hours=3)
    assert client.post(step).status_code == 302
    rel.refresh_from_db()
    assert rel.state == State.PROGRESSION


# -- the data export and erasure ------------------------------------------------------------


def test_both_peoples_data_export_has_the_notes_and_erasure_scrubs_them(rel, mentee, mentor):
    from people import exports
    from people.services import delete_account

    meeting = past(rel.meetings.get())
    meetings.add_meeting_note(meeting, mentee, text=f"My notes. Call {mentee.first_name} on {mentee.email}.")
    meetings.add_meeting_note(meeting, mentor, text="Alice's notes.")
    meetings.record_meeting_outcome(meeting, mentor, held=True)
    for person in (mentee, mentor):
        (exported,) = [m for r in exports._relationships(person) for m in r["meetings"]]
        assert [n["text"] for n in exported["notes"]] == [
            f"My notes. Call {mentee.first_name} on {mentee.email}.",
            "Alice's notes.",
        ]
        assert exported["took_place"] == "Held"
    delete_account(mentee)
    texts = list(MeetingNote.objects.order_by("pk").values_list("text", flat=True))
    assert texts == ["My notes. Call Former participant on [email address removed].", "Alice's notes."]


# -- Need Help? describes the real thing ------------------------------------------------------


def test_the_faq_describes_meeting_notes_and_the_calendar_address(client):
    page = client.get(reverse("help")).content.decode()
    assert "Record meeting notes" in page and "Yes, we met" in page and "programme staff do not see them" in page
    assert "Add my meetings to my calendar" in page and "Get my calendar address" in page
    assert "Edit the meeting to add an agenda beforehand" not in page  # the old answer is gone


def test_the_faq_migration_keeps_an_answer_staff_have_edited():
    import importlib

    from django.apps import apps

    from support.models import FAQ

    migration = importlib.import_module("support.migrations.0006_h4_meeting_notes_faq")
    FAQ.objects.filter(question=migration.QUESTION).update(answer="Our own words.")
    migration.seed(apps, None)
    assert FAQ.objects.get(question=migration.QUESTION).answer == "Our own words."
    assert FAQ.objects.filter(question=migration.CALENDAR_QUESTION).count() == 1


def test_the_rule_in_python_and_in_the_database_agree(rel, mentee, mentor):
    """``rules.meeting_held`` (one meeting) and ``rules.held_q`` (a filter) say the same of every case."""
    future = rel.meetings.get()  # still to come
    unrecorded = past(meet(rel, mentee, title="Unrecorded"))
    held = past(meet(rel, mentee, title="Held"))
    meetings.record_meeting_outcome(held, mentor, held=True)
    missed = past(meet(rel, mentee, title="Missed"))
    meetings.record_meeting_outcome(missed, mentor, held=False)
    cancelled = meet(rel, mentee, title="Cancelled")
    activity.cancel_meeting(cancelled, mentee)
    past(cancelled)
    now = timezone.now()
    in_python = {m.title for m in rel.meetings.all() if rules.meeting_held(m, now)}
    in_sql = set(rel.meetings.filter(rules.held_q(now)).values_list("title", flat=True))
    assert in_python == in_sql == {unrecorded.title, held.title}
    assert future.title not in in_sql and missed.title not in in_sql
