"""A case about something the pair then settle themselves is resolved by the platform, as a case about
a request is when the request expires: a request not answered once the mentor accepts or declines it
or the mentee withdraws it; no first meeting once one is held; a stalled relationship once the pair are
active again (at once, when what they do commits; a meeting whose time came, at the hourly sweep);
either of the last two once the relationship ends. The resolution says what happened;
a staff member who had the case open is told it was resolved, and gets back the note they were writing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import PROCESS

from journeys.models import Goal, Meeting, Relationship
from journeys.services import activity, meetings, relationships, worksheets
from journeys.tests.helpers import goal, meet, quiet_for, send, walk_to
from notifications.models import Notification
from project.dates import long_date
from staff import services, tasks
from staff.models import CaseKind, StaffCase, StaffNote

from .test_cases import execute_url, fire_timer

pytestmark = pytest.mark.django_db(transaction=True)
DONE = (PROCESS.DONE, PROCESS.CANCELED)


@pytest.fixture
def unanswered(mentee, mentor, staff):
    rel = send(mentee, mentor)
    assert fire_timer(rel, "review_request__timeout_3") == 1
    return StaffCase.objects.get(relationship=rel)


def fresh(case) -> StaffCase:
    return StaffCase.objects.get(pk=case.pk)


def assert_settled(case, resolution: str) -> StaffCase:
    case = fresh(case)
    assert case.status == PROCESS.DONE, case.status
    assert case.resolution == resolution and case.resolved_by is None and case.resolved_at is not None
    assert services.handle_task(case) is None
    return case


def today() -> str:
    return long_date(timezone.now())


@pytest.mark.parametrize(
    "answer, said",
    [
        (lambda rel, mentee, mentor: relationships.accept_request(rel, mentor), "The mentor accepted the request on"),
        (lambda rel, mentee, mentor: relationships.decline_request(rel, mentor), "The mentor declined the request on"),
        (
            lambda rel, mentee, mentor: relationships.withdraw_request(rel, mentee, "Found help"),
            "The mentee withdrew the request on",
        ),
    ],
)
def test_a_request_answered_or_withdrawn_resolves_its_case(unanswered, mentee, mentor, answer, said):
    answer(Relationship.objects.get(pk=unanswered.relationship_id), mentee, mentor)
    assert_settled(unanswered, f"{said} {today()}.")


def test_whoever_had_it_open_is_told_it_was_resolved_and_gets_their_note_back(client, unanswered, staff, mentor):
    """As when the request expires (test_cases.py): claimed and snoozed, the page open, the mentor accepts."""
    services.claim(unanswered, staff)
    services.snooze(unanswered, staff, timezone.localdate() + dt.timedelta(days=5))
    client.force_login(staff)
    url = execute_url(unanswered)
    relationships.accept_request(Relationship.objects.get(pk=unanswered.relationship_id), mentor)
    assert_settled(unanswered, f"The mentor accepted the request on {today()}.")
    record = reverse("staff_case", args=[unanswered.pk])
    sent = client.post(url, {"action": "note", "note-body": "Phoned the mentor."})
    assert sent.status_code == 302 and sent.url == record
    page = client.get(record).content.decode()
    assert "This case has been resolved, so nothing was changed." in page
    assert "Your note was not saved: “Phoned the mentor.”" in page
    assert f"The mentor accepted the request on {today()}." in page  # the case's resolution, in its record
    assert not StaffNote.objects.filter(case=unanswered, body="Phoned the mentor.").exists()
    # Gone from the open cases and the staff member's own.
    assert unanswered.pk not in services.open_cases().values_list("pk", flat=True)


def test_resolving_it_by_hand_as_it_settles_is_no_error(unanswered, staff, mentor):
    """A colleague resolved it first: the platform leaves their resolution as it is."""
    services.claim(unanswered, staff)
    services.resolve(unanswered, staff, "Spoke to the mentor.")
    relationships.accept_request(Relationship.objects.get(pk=unanswered.relationship_id), mentor)
    case = fresh(unanswered)
    assert case.resolution == "Spoke to the mentor." and case.resolved_by == staff


def test_a_request_staff_closed_leaves_its_case_to_them(client, unanswered, staff):
    services.claim(unanswered, staff)
    services.close_relationship(unanswered, staff, "Mentor unreachable")
    assert services.settle_cases(unanswered.relationship_id) == []
    assert fresh(unanswered).status not in DONE


def no_first_meeting(mentee, mentor) -> StaffCase:
    rel = send(mentee, mentor)
    relationships.accept_request(rel, mentor)
    assert fire_timer(rel, "arrange_first_meeting__timeout_2") == 1
    return StaffCase.objects.get(kind=CaseKind.NO_FIRST_MEETING)


def test_a_first_meeting_recorded_as_held_resolves_the_no_first_meeting_case(mentee, mentor):
    case = no_first_meeting(mentee, mentor)
    rel = case.relationship
    meeting = meet(rel, mentee, days=2)
    assert fresh(case).status not in DONE  # arranged is not held
    met = timezone.now() - dt.timedelta(hours=1)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=met)
    meetings.record_meeting_outcome(Meeting.objects.get(pk=meeting.pk), mentor, held=True)
    assert_settled(case, f"The first meeting was recorded as held on {long_date(met)}.")


def test_a_first_meeting_met_earlier_resolves_the_case(mentee, mentor):
    case = no_first_meeting(mentee, mentor)
    meet(case.relationship, mentee, days=5)
    rel = Relationship.objects.get(pk=case.relationship_id)
    # Met when the request was accepted: a moment that has passed and is never before the day it was
    # accepted (three hours ago was, just after midnight).
    met = rel.matched_at
    meetings.record_met_earlier(rel, mentee, met_at=met)
    assert_settled(case, f"The first meeting was recorded as held on {long_date(met)}.")


def test_a_first_meeting_whose_time_came_resolves_the_case_at_the_sweep(mentee, mentor):
    """Nothing is written when a meeting's time comes (it counts as held unless someone says it did not
    happen): the hourly sweep sees it."""
    case = no_first_meeting(mentee, mentor)
    meeting = meet(case.relationship, mentee, days=2)
    met = timezone.now() - dt.timedelta(hours=1)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=met)
    tasks.open_stalled_cases()
    assert_settled(
        case,
        f"The first meeting took place on {long_date(met)}: its time came and neither of them said it did not happen.",
    )


def test_a_relationship_ended_resolves_its_no_first_meeting_case(mentee, mentor):
    case = no_first_meeting(mentee, mentor)
    relationships.withdraw(Relationship.objects.get(pk=case.relationship_id), mentee, "Moving abroad")
    assert_settled(case, f"The relationship ended on {today()}.")


@pytest.fixture
def stalled(mentee, mentor, settings):
    settings.REMINDERS = {**settings.REMINDERS, "STALLED_AFTER_DAYS": 30}
    rel = walk_to(send(mentee, mentor), mentee, mentor, "progression")
    quiet_for(rel, 40)
    assert services.open_stalled_cases() == 1
    return StaffCase.objects.get(kind=CaseKind.STALLED)


def a_meeting_arranged_long_ago(rel, user, starts_at):
    """A meeting they arranged before the case opened (arranging it was an update, long ago), its time
    now ``starts_at``: written as it stands, without the update arranging it now would be."""
    return Meeting.objects.create(
        relationship=rel, organiser=user, title="Back on track", starts_at=starts_at, duration_minutes=60
    )


def progress_entry(rel, mentee):
    older = Goal.objects.create(relationship=rel, owner=mentee, label="Speak at a conference")  # set long ago
    activity.add_goal_entry(older, mentee, kind="milestone", text="Sent my proposal")


def meeting_recorded_held(rel, mentee):
    first = rel.meetings.get()  # their first conversation, held 40 days ago
    meetings.record_meeting_outcome(first, mentee, held=True)


# What the pair do that the stalled rule counts as activity (``rules.quiet_since``: their updates, and
# meetings held): each settles the case once it commits, as an answer to a request does.
ACTIVITIES = {
    "a message": lambda rel, mentee, mentor: activity.send_message(rel.conversation, mentor, "Shall we meet again?"),
    "a meeting arranged": lambda rel, mentee, mentor: meet(rel, mentee, days=3, title="Catch up"),
    "a meeting recorded as held": lambda rel, mentee, mentor: meeting_recorded_held(rel, mentee),
    "a goal set": lambda rel, mentee, mentor: goal(rel, mentee, label="Lead a project"),
    "a goal's progress": lambda rel, mentee, mentor: progress_entry(rel, mentee),
    "a worksheet": lambda rel, mentee, mentor: worksheets.save_worksheet(
        rel, mentee, kind="swot", answers={"strengths": "Listening"}
    ),
    "a stage completed": lambda rel, mentee, mentor: relationships.complete_stage(rel, mentee, "progression"),
}


@pytest.mark.parametrize("done", ACTIVITIES.values(), ids=ACTIVITIES.keys())
def test_a_stalled_pair_active_again_settles_its_case_at_once(stalled, mentee, mentor, staff, mailoutbox, done):
    rel = Relationship.objects.get(pk=stalled.relationship_id)
    done(rel, mentee, mentor)
    case = assert_settled(stalled, f"The pair were active again on {today()}.")  # no sweep needed
    emails, told = len(mailoutbox), Notification.objects.count()

    # The hourly sweep afterwards: the same resolution, no new case, nobody told anything.
    assert tasks.open_stalled_cases() == 0
    again = fresh(stalled)
    assert (again.resolution, again.resolved_at, again.status) == (case.resolution, case.resolved_at, case.status)
    assert StaffCase.objects.filter(relationship=rel).count() == 1
    assert (len(mailoutbox), Notification.objects.count()) == (emails, told)


def test_whoever_had_the_stalled_case_open_is_told_the_pair_were_active_again(client, stalled, staff, mentee):
    services.claim(stalled, staff)
    client.force_login(staff)
    url = execute_url(stalled)
    activity.send_message(stalled.relationship.conversation, mentee, "Sorry, a busy month. Coffee next week?")
    said = f"The pair were active again on {today()}."
    assert_settled(stalled, said)
    record = reverse("staff_case", args=[stalled.pk])
    sent = client.post(url, {"action": "note", "note-body": "Emailed both."})
    assert sent.status_code == 302 and sent.url == record
    page = client.get(record).content.decode()
    assert "This case has been resolved, so nothing was changed." in page
    assert "Your note was not saved: “Emailed both.”" in page
    assert said in page
    assert not StaffNote.objects.filter(case=stalled, body="Emailed both.").exists()


def test_a_meeting_held_after_a_stalled_case_is_activity_too(stalled, mentee):
    """Nothing is written when a meeting's time comes: the hourly sweep sees it."""
    rel = stalled.relationship
    StaffCase.objects.filter(pk=stalled.pk).update(created=timezone.now() - dt.timedelta(days=10))
    met = timezone.now() - dt.timedelta(days=5)
    a_meeting_arranged_long_ago(rel, mentee, met)
    assert fresh(stalled).moved_on == f"The pair were active again on {long_date(met)}."  # on its page
    tasks.open_stalled_cases()
    assert_settled(stalled, f"The pair were active again on {long_date(met)}.")


def test_the_date_is_their_first_activity_since_the_case_opened_not_their_last(client, stalled, staff, mentee):
    """A meeting held five days ago (not yet seen by the sweep), then a message today: the case says the
    pair were active again five days ago, on its page and in its resolution."""
    rel = stalled.relationship
    StaffCase.objects.filter(pk=stalled.pk).update(created=timezone.now() - dt.timedelta(days=10))
    met = timezone.now() - dt.timedelta(days=5)
    a_meeting_arranged_long_ago(rel, mentee, met)
    activity.send_message(rel.conversation, mentee, "Thanks for last week")
    said = f"The pair were active again on {long_date(met)}."
    assert long_date(met) != today()
    assert_settled(stalled, said)
    client.force_login(staff)
    assert said in client.get(reverse("staff_case", args=[stalled.pk])).content.decode()


def test_a_settling_that_runs_late_still_dates_the_activity_it_was_told_of(stalled):
    """The task that settles the case runs after the pair did more (a queue slow that day): the date is
    the activity it was told of, the first, not the pair's last update."""
    rel = stalled.relationship
    StaffCase.objects.filter(pk=stalled.pk).update(created=timezone.now() - dt.timedelta(days=10))
    first = timezone.now() - dt.timedelta(days=6)
    Relationship.objects.filter(pk=rel.pk).update(last_activity_at=timezone.now())  # their latest, today
    assert tasks.settle_cases(rel.pk, first.isoformat()) == 1
    assert_settled(stalled, f"The pair were active again on {long_date(first)}.")


def test_a_message_sent_as_the_sweep_runs_opens_no_stalled_case(mentee, mentor, settings):
    """The sweep finds the pair quiet while a message is being sent (its transaction holds the journey's
    locks): it waits for it under the same lock order, looks again, and opens no case (one opened just
    after the message committed would stay open, nothing left to settle it)."""
    import threading
    import time

    from django.db import connection, transaction

    from journeys.services.base import lock

    settings.REMINDERS = {**settings.REMINDERS, "STALLED_AFTER_DAYS": 30}
    rel = walk_to(send(mentee, mentor), mentee, mentor, "progression")
    quiet_for(rel, 40)
    holding, release, outcome = threading.Event(), threading.Event(), {}

    def writes():
        try:
            with transaction.atomic():
                lock(rel.pk)  # as sending a message does
                holding.set()
                release.wait(20)
                activity.send_message(rel.conversation, mentee, "Are you free next week?")
        finally:
            connection.close()

    def sweep():
        try:
            outcome["opened"] = services.open_stalled_cases()
        finally:
            connection.close()

    writing = threading.Thread(target=writes)
    writing.start()
    assert holding.wait(10)
    sweeping = threading.Thread(target=sweep)
    sweeping.start()
    waited = False
    for _ in range(100):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if waited := bool(cursor.fetchone()[0]):
                break
        time.sleep(0.05)
    release.set()
    writing.join(20)
    sweeping.join(20)
    assert waited and outcome == {"opened": 0}
    assert not StaffCase.objects.filter(kind=CaseKind.STALLED).exists()


def test_a_stalled_relationship_that_ends_resolves_its_case_at_once(stalled, mentor):
    relationships.withdraw(Relationship.objects.get(pk=stalled.relationship_id), mentor, "No time")
    assert_settled(stalled, f"The relationship ended on {today()}.")


def test_a_relationship_staff_closed_leaves_its_stalled_case_to_them(stalled, staff):
    services.claim(stalled, staff)
    services.close_relationship(stalled, staff, "Not meeting any more")
    tasks.open_stalled_cases()
    assert fresh(stalled).status not in DONE


def test_cases_staff_raised_or_concerns_are_never_settled_by_the_platform(mentee, mentor, staff):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    raised = services.raise_case(rel, staff, "Check in with them")
    relationships.withdraw(Relationship.objects.get(pk=rel.pk), mentee, "Moving abroad")
    tasks.open_stalled_cases()
    assert fresh(raised).status not in DONE


def test_the_expiry_locks_no_case_so_a_colleague_closing_it_cannot_deadlock_with_it(unanswered, staff):
    """The journey's locks come first (its process rows, then the relationship); staff acting on a case
    lock the case, then the relationship (closing the request from its case). The expiry, inside its own
    locks, must therefore not lock the case, or the two could wait on each other: it settles the case once
    it has committed. Here a colleague holds the case's lock throughout the expiry's transaction, and the
    expiry must finish without waiting for it (a lock wait would run into the lock timeout)."""
    import threading

    from django.db import connection, transaction
    from viewflow.workflow.models import Process

    from journeys.services import expiry

    rel = Relationship.objects.get(pk=unanswered.relationship_id)
    Relationship.objects.filter(pk=rel.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    holding, release = threading.Event(), threading.Event()

    def colleague_holds_the_case():
        try:
            with transaction.atomic():
                Process.objects.select_for_update().filter(pk=unanswered.pk).exists()
                holding.set()
                release.wait(20)
        finally:
            connection.close()

    colleague = threading.Thread(target=colleague_holds_the_case)
    colleague.start()
    try:
        assert holding.wait(10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            expired = expiry.expire_request(rel)
            release.set()  # the expiry's own work is done: it never waited on the case
    finally:
        release.set()
        colleague.join(20)
    assert expired.state == "expired"
    # once committed, the case is settled (the task, run once the expiry committed)
    assert_settled(unanswered, f"The request expired unanswered on {today()}; the mentor and the mentee were told.")
