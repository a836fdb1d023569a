"""Every notification's footer says in one line why its reader gets it (notifications/email.txt, .html):
a member takes part as a mentee, a mentor or both; staff are on the programme team; someone without an
account wrote through the Contact form; an invited person was invited. A reminder keeps its stop link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications.models import Notification
from notifications.reminders import Kind, send_reminder
from notifications.services import notify
from people.tests.factories import make_mentee, make_mentor, make_profile, make_staff, make_user
from staff.imports import services as imports
from staff.models import StaffCase
from staff.services import reply_to_sender
from support import services as support

pytestmark = pytest.mark.django_db
PROGRAMME = "Mentoring Programme"


def assert_says(note: Notification, line: str) -> None:
    assert f"\n\n{line}\n" in note.body_text, note.body_text
    assert line in note.body_html, note.body_html
    assert note.body_text.count("You get this email because") == 1


def retention_warning(user) -> Notification:
    return notify(user, "retention_warning", anonymise_on=timezone.now() + timedelta(days=30))


@pytest.mark.parametrize(
    ("mentor", "mentee", "as_what"),
    [(False, True, "a mentee"), (True, False, "a mentor"), (True, True, "a mentee and mentor")],
)
def test_a_member_is_told_they_take_part_and_as_what(mentor, mentee, as_what):
    user = make_user()
    make_profile(user, mentor=mentor, mentee=mentee)
    assert_says(retention_warning(user), f"You get this email because you take part in {PROGRAMME} as {as_what}.")


def test_a_member_the_team_deactivated_is_not_told_they_take_part():
    """Their retention warning (the one email a deactivated account gets) says they have an account."""
    user = make_user()
    make_profile(user, mentor=False, mentee=True)
    user.is_active = False
    user.save(update_fields=["is_active"])
    note = notify(user, "retention_warning_deactivated", anonymise_on=timezone.now() + timedelta(days=30))
    assert_says(note, f"You get this email because you have an account with {PROGRAMME}.")
    assert "take part in" not in note.body_text


def test_a_reminder_says_why_and_keeps_its_stop_link(django_capture_on_commit_callbacks):
    mentee = make_mentee()
    with django_capture_on_commit_callbacks(execute=True):
        note = send_reminder(mentee, Kind.FIND_MENTOR, "reminder_find_mentor")
    line = f"You get this email because you take part in {PROGRAMME} as a mentee."
    assert f"\n\n{line}\nStop nudges to find a mentor and send a request: {note.stop_url}\n" in note.body_text
    assert f'{line}<br><a href="{note.stop_url}"' in note.body_html
    [email] = mail.outbox
    assert line in email.body  # as sent


def test_staff_and_the_team_address_are_told_they_are_on_the_programme_team(settings):
    settings.STAFF_NOTIFICATION_EMAILS = ["team@example.org"]
    make_staff()
    support.submit_support_request(user=make_mentor(), name="", email="", subject="Help", message="Please")
    line = f"You get this email because you are on the programme team of {PROGRAMME}."
    to_team = Notification.objects.filter(event="support_request_staff")
    assert sorted(to_team.values_list("email", flat=True)) == ["staff@example.com", "team@example.org"]
    for note in to_team:
        assert_says(note, line)
    # the signed-in sender's confirmation: a member's
    confirmation = Notification.objects.get(event="support_request_confirmation")
    assert_says(confirmation, f"You get this email because you take part in {PROGRAMME} as a mentor.")


def test_someone_without_an_account_is_told_they_wrote_through_the_contact_form(settings):
    settings.STAFF_NOTIFICATION_EMAILS = []
    request = support.submit_support_request(name="Pat", email="pat@example.net", subject="Hi", message="Question")
    line = f"You get this email because you wrote to {PROGRAMME} through its Contact form."
    assert_says(Notification.objects.get(event="support_request_confirmation"), line)
    staff = make_staff()
    case = StaffCase.objects.get(support_request=request)
    reply_to_sender(case, staff, "Here is the answer.")
    assert_says(Notification.objects.get(event="support_reply_guest"), line)


def test_an_invited_person_is_told_the_programme_team_invited_them():
    imports.invite(staff_user=make_staff(), email="new@example.org", first_name="Nia", last_name="New", role="mentee")
    note = Notification.objects.get(event="invitation")
    assert_says(note, f"You get this email because the programme team of {PROGRAMME} invited you to join.")
