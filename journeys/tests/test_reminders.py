"""Reminders: declared as timers on the steps that wait, sent only while the step still waits,
and stoppable, kind by kind, in one click."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from journeys.flows import onboarding
from journeys.flows.timers import fire_due_timers
from journeys.models import Relationship
from journeys.services import relationships
from notifications.models import Notification, ReminderOptOut
from notifications.reminders import Kind, stop_url
from people.tests.factories import make_user

from .helpers import send, walk_to

pytestmark = pytest.mark.django_db(transaction=True)


def timers(name_prefix: str, **filters):
    return Task.objects.filter(flow_task_type="TIMER", **filters).filter(
        pk__in=[t.pk for t in Task.objects.filter(flow_task_type="TIMER") if t.flow_task.name.startswith(name_prefix)]
    )


def come_due(name_prefix: str, *, nth: int | None = None) -> int:
    """Bring the scheduled timers of a step forward to now (the nth one only, if given) and fire them."""
    scheduled = list(timers(name_prefix, status=STATUS.SCHEDULED).order_by("scheduled"))
    chosen = scheduled if nth is None else scheduled[nth : nth + 1]
    Task.objects.filter(pk__in=[t.pk for t in chosen]).update(scheduled=timezone.now() - dt.timedelta(seconds=1))
    return fire_due_timers()


def reminders_to(user, event: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, event=event))


def test_an_unanswered_request_reminds_the_mentor_after_3_and_7_days(mentee, mentor):
    before = timezone.now()
    rel = send(mentee, mentor)
    due = sorted(t.scheduled for t in timers("review_request__timeout", status=STATUS.SCHEDULED))
    assert len(due) == 4  # two reminders, the staff inbox (staff/tests), the expiry (test_expiry.py)
    assert abs(due[0] - before - dt.timedelta(days=3)) < dt.timedelta(minutes=1)
    assert abs(due[1] - before - dt.timedelta(days=7)) < dt.timedelta(minutes=1)
    mail.outbox.clear()

    assert come_due("review_request__timeout", nth=0) == 1
    [first] = reminders_to(mentor, "reminder_review_request")
    assert mentee.display_name in first.subject and first.link == reverse("next_step", args=[rel.pk])
    [email] = mail.outbox
    assert email.to == [mentor.email]
    assert "accept or decline" in email.body
    assert email.extra_headers["List-Unsubscribe"] == f"<{first.stop_url}>"
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # written by the platform: mail programs send no out-of-office answer to it (RFC 3834)
    assert email.message()["Auto-Submitted"] == "auto-generated"
    assert first.stop_url in email.body and first.stop_url in email.alternatives[0][0]

    assert come_due("review_request__timeout", nth=0) == 1  # the 7-day one
    assert len(reminders_to(mentor, "reminder_review_request")) == 2
    assert rel.mentor == mentor and not reminders_to(mentee, "reminder_review_request")


def test_answering_cancels_the_reminders(mentee, mentor):
    rel = send(mentee, mentor)
    relationships.accept_request(rel, mentor)
    assert not timers("review_request__timeout", status=STATUS.SCHEDULED).exists()
    assert timers("review_request__timeout", status=STATUS.CANCELED).count() == 4
    assert come_due("review_request__timeout") == 0
    assert not reminders_to(mentor, "reminder_review_request")


def test_a_withdrawn_request_reminds_nobody_even_if_a_timer_fires(mentee, mentor):
    rel = send(mentee, mentor)
    relationships.withdraw_request(rel, mentee)
    # however the timer got here, the reminder checks the state first
    from journeys.services import reminders

    rel.refresh_from_db()
    assert reminders.remind_mentor_to_review(rel) is False
    assert not reminders_to(mentor, "reminder_review_request")


def test_a_mentor_who_stopped_request_reminders_gets_none(mentee, mentor):
    ReminderOptOut.objects.create(user=mentor, kind=Kind.REVIEW_REQUEST)
    send(mentee, mentor)
    assert [come_due("review_request__timeout", nth=0) for _ in range(3)] == [1, 1, 1]  # 3, 7, 10 days
    assert not reminders_to(mentor, "reminder_review_request")


def test_reminder_days_come_from_settings_and_0_means_never(mentee, mentor, settings):
    settings.REMINDERS = {**settings.REMINDERS, "REQUEST_REMIND_DAYS": [2], "FIRST_MEETING_REMIND_DAYS": 0}
    before = timezone.now()
    rel = send(mentee, mentor)
    due = sorted(t.scheduled for t in timers("review_request__timeout", status=STATUS.SCHEDULED))
    assert abs(due[0] - before - dt.timedelta(days=2)) < dt.timedelta(minutes=1)
    assert due[-1] > before + dt.timedelta(days=365 * 50)  # no second reminder
    relationships.accept_request(rel, mentor)
    arrange = sorted(t.scheduled for t in timers("arrange_first_meeting__timeout", status=STATUS.SCHEDULED))
    assert arrange[-1] > before + dt.timedelta(days=365 * 50)  # the reminder: never
    assert abs(arrange[0] - before - dt.timedelta(days=14)) < dt.timedelta(minutes=1)  # the escalation


def test_a_match_without_a_first_meeting_reminds_the_mentee(mentee, mentor):
    rel = send(mentee, mentor)
    relationships.accept_request(rel, mentor)
    assert come_due("arrange_first_meeting__timeout", nth=0) == 1
    [note] = reminders_to(mentee, "reminder_first_meeting")
    assert mentor.display_name in note.subject
    assert not reminders_to(mentor, "reminder_first_meeting")

    rel2_mentee = make_user(first_name="Second")
    from people.tests.factories import make_profile

    make_profile(rel2_mentee, mentee=True)
    rel2 = send(rel2_mentee, mentor)
    walk_to(rel2, rel2_mentee, mentor, "first_conversation")  # a meeting exists: the step is done
    mine = {"process__mentoringprocess__relationship": rel2}
    assert not timers("arrange_first_meeting__timeout", status=STATUS.SCHEDULED, **mine).exists()
    assert timers("arrange_first_meeting__timeout", status=STATUS.CANCELED, **mine).count() == 2
    come_due("arrange_first_meeting__timeout")
    assert not reminders_to(rel2_mentee, "reminder_first_meeting")


def test_feedback_reminders_go_to_whoever_has_not_given_it(mentee, mentor):
    rel = send(mentee, mentor)
    walk_to(rel, mentee, mentor, "feedback")
    relationships.give_feedback(rel, mentee, 5, "Thank you")
    assert come_due("mentor_feedback__timeout", nth=0) == 1  # the reminder (then the staff inbox: staff/tests)
    assert come_due("mentee_feedback__timeout") == 0  # cancelled when the mentee gave theirs
    assert len(reminders_to(mentor, "reminder_feedback")) == 1
    assert not reminders_to(mentee, "reminder_feedback")


def test_onboarding_reminds_an_unfinished_profile_then_nudges_a_mentee_to_search():
    user = make_user(first_name="Newcomer")
    onboarding.email_verified(user)
    assert come_due("complete_profile__timeout") == 1
    [note] = reminders_to(user, "reminder_profile")
    assert note.link == reverse("profile")

    from people.tests.factories import make_profile

    make_profile(user, mentee=True)
    onboarding.profile_completed(user)
    assert come_due("find_mentor__timeout") == 1
    [nudge] = reminders_to(user, "reminder_find_mentor")
    assert nudge.link == reverse("find_mentor")


@pytest.mark.parametrize(
    ("as_mentor", "as_mentee", "says", "never"),
    [
        (False, True, "Once it is, you can look for a mentor and ask them to mentor you.", "mentees can find you"),
        (True, False, "Once it is, mentees can find you and ask you to mentor them.", "look for a mentor"),
        (True, True, "mentees can find you and ask you to mentor them, and you can look for a mentor", "(if"),
        (False, False, "saying whether you would like to be a mentor, a mentee or both", "mentees can find you"),
    ],
)
def test_the_profile_reminder_speaks_to_what_they_signed_up_as(as_mentor, as_mentee, says, never):
    from people.models import Profile

    user = make_user(first_name="Newcomer")
    Profile.objects.create(user=user, is_mentor=as_mentor, is_mentee=as_mentee)  # signed up, profile not finished
    onboarding.email_verified(user)
    assert come_due("complete_profile__timeout") == 1
    [note] = reminders_to(user, "reminder_profile")
    for part in (note.body_text, note.body_html):
        assert says in part and never not in part


def test_a_mentee_who_has_sent_a_request_is_not_nudged(mentor):
    from people.tests.factories import make_profile

    user = make_user(first_name="Quick")
    make_profile(user, mentee=True)
    onboarding.profile_completed(user)
    send(user, mentor)  # finishes the find_mentor step
    assert come_due("find_mentor__timeout") == 0
    assert not reminders_to(user, "reminder_find_mentor")


# -- stopping reminders ---------------------------------------------------------------


def test_the_stop_link_asks_then_stops_that_kind_only(client, mentor):
    url = stop_url(mentor, Kind.REVIEW_REQUEST)
    page = client.get(url)
    assert page.status_code == 200
    assert b"Stop these reminders?" in page.content and mentor.email.encode() in page.content
    assert not ReminderOptOut.objects.exists()  # opening the link (or a mail scanner) changes nothing

    done = client.post(url)
    assert done.status_code == 200 and b"Reminders stopped" in done.content
    assert list(ReminderOptOut.objects.values_list("user", "kind")) == [(mentor.pk, "review_request")]
    assert client.post(url).status_code == 200  # twice is fine
    assert ReminderOptOut.objects.count() == 1


def test_mail_programs_can_stop_in_one_click_without_a_csrf_token(mentor):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(stop_url(mentor, Kind.FEEDBACK), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert ReminderOptOut.objects.filter(user=mentor, kind="feedback").exists()


@pytest.mark.parametrize("token", ["nonsense", "eyJ1IjoxLCJrIjoiZmVlZGJhY2sifQ:forged:signature"])
def test_a_broken_or_forged_stop_link_says_so_and_stops_nothing(client, token):
    response = client.post(reverse("reminders_stop", args=[token]))
    assert response.status_code == 404
    assert b"did not recognise that link" in response.content
    assert not ReminderOptOut.objects.exists()


def test_edit_account_turns_reminder_kinds_off_and_on(client, mentor):
    client.force_login(mentor)
    page = client.get(reverse("account"))
    assert b"Reminders to answer a mentoring request" in page.content
    assert page.content.count(b"checked") >= len(Kind.values)  # everything on to begin with

    keep = [k for k in Kind.values if k != "review_request"]
    response = client.post(reverse("reminder_settings"), {"reminders-send": keep})
    assert response.status_code == 302
    assert list(ReminderOptOut.objects.values_list("kind", flat=True)) == ["review_request"]

    client.post(reverse("reminder_settings"), {"reminders-send": Kind.values})
    assert not ReminderOptOut.objects.exists()

    # A kind not on the list (a page older than the list): the Account page again, said on the field,
    # the ticks as sent, nothing saved.
    bad = client.post(reverse("reminder_settings"), {"reminders-send": ["sms", "review_request"]})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert 'class="form-errors" role="alert" tabindex="-1" autofocus' in html
    assert 'id="id_reminders-send_error"' in html
    assert "Choose only from the reminders listed here, then save again." in html
    assert html.count('name="reminders-send" value=') == len(Kind.values)
    assert html.count(" checked") == 1  # only the one sent that is on the list
    assert not ReminderOptOut.objects.exists()


def test_opening_the_reminder_settings_address_goes_to_the_reminders_form(client, mentor):
    """The form posts there; opened directly (a bookmark, a reload), it leads to the form, not a blank 405."""
    client.force_login(mentor)
    response = client.get(reverse("reminder_settings"))
    assert response.status_code == 302
    assert response.url == reverse("account") + "#reminders-heading"
    page = client.get(response.url).content.decode()
    assert 'id="reminders-heading"' in page and f'action="{reverse("reminder_settings")}"' in page
    assert not ReminderOptOut.objects.exists()


@pytest.mark.parametrize("ending", ["decline", "withdraw_request", "withdraw", "close"])
def test_a_relationship_that_ends_leaves_no_timer_waiting(mentee, mentor, staff, ending):
    rel = send(mentee, mentor)
    if ending == "decline":
        relationships.decline_request(rel, mentor, "Sorry")
    elif ending == "withdraw_request":
        relationships.withdraw_request(rel, mentee)
    else:
        relationships.accept_request(rel, mentor)
        if ending == "withdraw":
            relationships.withdraw(rel, mentee, "Moving abroad")
        else:
            relationships.close_by_staff(rel, staff, "Left the programme")
    waiting = Task.objects.filter(
        flow_task_type="TIMER", status=STATUS.SCHEDULED, process__mentoringprocess__relationship=rel
    )
    assert not waiting.exists(), [t.flow_task.name for t in waiting]


def test_reminders_that_come_due_together_send_only_the_last(mentee, mentor):
    """The worker or beat was down for days: the 3- and 7-day reminders are both due at the next sweep.
    The mentor gets one reminder, not two alike in the same minute; the staff inbox is still told."""
    rel = send(mentee, mentor)
    first_two = list(timers("review_request__timeout", status=STATUS.SCHEDULED).order_by("scheduled")[:2])
    Task.objects.filter(pk__in=[t.pk for t in first_two]).update(scheduled=timezone.now() - dt.timedelta(seconds=1))
    assert fire_due_timers() == 2
    assert len(reminders_to(mentor, "reminder_review_request")) == 1
    assert timers("review_request__timeout", status=STATUS.DONE).count() == 2
    # Both done: neither fires again, and the step still waits with its escalation and expiry.
    assert fire_due_timers() == 0
    assert timers("review_request__timeout", status=STATUS.SCHEDULED).count() == 2
    rel.refresh_from_db()
    assert rel.state == "requested"


def test_no_reminder_once_the_deadline_is_due_too(mentee, mentor):
    """Everything came due at once (beat stopped for weeks): the request expires and both are told so;
    the mentor is not first asked to answer a request that expires in the same minute."""
    rel = send(mentee, mentor)
    past = timezone.now() - dt.timedelta(seconds=1)
    Relationship.objects.filter(pk=rel.pk).update(expires_at=past)
    Task.objects.filter(pk__in=timers("review_request__timeout", status=STATUS.SCHEDULED)).update(scheduled=past)
    fire_due_timers()
    rel.refresh_from_db()
    assert rel.state == "expired"
    assert reminders_to(mentor, "reminder_review_request") == []
    assert Notification.objects.filter(recipient=mentor, event="request_expired").count() == 1


def test_a_reminder_due_alone_is_sent_when_a_later_one_is_not_due_yet(mentee, mentor):
    send(mentee, mentor)
    assert come_due("review_request__timeout", nth=0) == 1
    assert len(reminders_to(mentor, "reminder_review_request")) == 1


# What sends each kind, in the words of the account page's sentence above the switches: a new kind
# must be added here, and the sentence must then cover it.
WHY_EACH_KIND_IS_SENT = {
    Kind.PROFILE: "when a step of your journey is waiting on you",
    Kind.FIND_MENTOR: "when a step of your journey is waiting on you",
    Kind.REVIEW_REQUEST: "when a step of your journey is waiting on you",
    Kind.FIRST_MEETING: "when a step of your journey is waiting on you",
    Kind.FEEDBACK: "when a step of your journey is waiting on you",
    Kind.MEETINGS: "the day before each meeting",
    Kind.GOALS: "when a goal is still to be set, due soon or overdue",
}


def test_the_account_pages_reminders_sentence_is_true_of_every_switch(client, mentor):
    """It said 'We send a few reminders when a step of your journey is waiting on you', which leaves out
    the meeting and goal reminders, that come from a date."""
    client.force_login(mentor)
    page = client.get(reverse("account")).content.decode()
    sentence = page.split('id="reminders-heading"', 1)[1].split("<p>", 1)[1].split("</p>", 1)[0]
    for kind in Kind:
        assert WHY_EACH_KIND_IS_SENT[kind] in sentence, kind
        assert str(kind.label) in page
