"""Retention: inactive accounts are warned once, then anonymised unless the person comes back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from people.models import Profile
from people.retention import apply_retention
from people.tests.factories import PASSWORD, make_mentee, make_mentor, make_staff
from staff.members.services import deactivate, reactivate
from support.privacy import DEFAULT_PRIVACY_TEXT

pytestmark = pytest.mark.django_db

SUBJECT = "will be anonymised unless you sign in"


@pytest.fixture(autouse=True)
def _short_retention(settings):
    settings.RETENTION_INACTIVE_DAYS = 100
    settings.RETENTION_WARNING_DAYS = 10


def last_seen(user, days_ago: int) -> None:
    """The person joined, signed in and used the platform last ``days_ago`` days ago."""
    when = timezone.now() - timedelta(days=days_ago)
    get_user_model().objects.filter(pk=user.pk).update(last_login=when, date_joined=when)
    Profile.objects.filter(user=user).update(last_active_at=when)


def sweep(capture, now=None):
    with capture(execute=True):
        return apply_retention(now=now)


def warnings_to(user) -> list[str]:
    return [m.subject for m in mail.outbox if m.to == [user.email] and SUBJECT in m.subject]


def test_an_account_inactive_long_enough_is_warned_once_and_others_are_not(django_capture_on_commit_callbacks):
    sleepy = make_mentee(first_name="Sleepy", email="sleepy@example.com")
    recent = make_mentee(first_name="Recent", email="recent@example.com")
    boss = make_staff(email="boss@example.com")
    last_seen(sleepy, 91)  # 100 - 10: due for the warning
    last_seen(recent, 80)
    last_seen(boss, 500)  # staff accounts are never swept
    result = sweep(django_capture_on_commit_callbacks)
    assert (result.warned, result.anonymised) == (1, 0)
    assert len(warnings_to(sleepy)) == 1 and warnings_to(recent) == [] and warnings_to(boss) == []
    body = [m.body for m in mail.outbox if m.to == [sleepy.email]][0]
    assert "sign in before" in body and reverse("account_login") in body
    sleepy.refresh_from_db()
    assert sleepy.retention_warned_at is not None
    # Once only: later sweeps (the next day, and the one after) send nothing more.
    for days in (1, 5):
        assert sweep(django_capture_on_commit_callbacks, timezone.now() + timedelta(days=days)).warned == 0
    assert len(warnings_to(sleepy)) == 1
    assert Notification.objects.filter(recipient=sleepy, event="retention_warning").count() == 1


def test_a_warned_account_is_anonymised_only_after_the_warning_period(django_capture_on_commit_callbacks):
    sleepy = make_mentee(first_name="Sleepy", last_name="Sloth", email="sleepy@example.com")
    last_seen(sleepy, 400)  # long past the limit: still warned first, never erased without notice
    assert sweep(django_capture_on_commit_callbacks).as_dict() == {
        "warned": 1,
        "anonymised": 0,
        "came_back": 0,
        "expired_exports_removed": 0,
        "sign_in_records_removed": 0,
    }
    sleepy.refresh_from_db()
    assert sleepy.anonymised_at is None and sleepy.is_active
    assert sweep(django_capture_on_commit_callbacks, timezone.now() + timedelta(days=9)).anonymised == 0
    sleepy.refresh_from_db()
    assert sleepy.anonymised_at is None

    assert sweep(django_capture_on_commit_callbacks, timezone.now() + timedelta(days=10, minutes=1)).anonymised == 1
    sleepy.refresh_from_db()
    assert sleepy.anonymised_at and not sleepy.is_active
    assert sleepy.first_name == "Former" and "sleepy" not in sleepy.email
    assert not Notification.objects.filter(recipient=sleepy).exists()  # erased like a deleted account


def test_a_warned_person_who_signs_in_again_is_not_anonymised(client, django_capture_on_commit_callbacks):
    sleepy = make_mentee(first_name="Sleepy", email="sleepy@example.com")
    last_seen(sleepy, 95)
    assert sweep(django_capture_on_commit_callbacks).warned == 1
    assert client.login(email="sleepy@example.com", password=PASSWORD)  # they come back
    result = sweep(django_capture_on_commit_callbacks, timezone.now() + timedelta(days=11))
    assert (result.anonymised, result.came_back) == (0, 1)
    sleepy.refresh_from_db()
    assert sleepy.anonymised_at is None and sleepy.is_active and sleepy.retention_warned_at is None
    assert len(warnings_to(sleepy)) == 1


def test_using_the_platform_counts_as_coming_back(client, django_capture_on_commit_callbacks):
    """A person still signed in (no new login) who opens a page is active too."""
    sleepy = make_mentee(first_name="Sleepy", email="sleepy@example.com")
    client.force_login(sleepy)
    last_seen(sleepy, 95)
    assert sweep(django_capture_on_commit_callbacks).warned == 1
    assert client.get(reverse("account")).status_code == 200  # the activity stamp moves on
    assert sweep(django_capture_on_commit_callbacks, timezone.now() + timedelta(days=11)).anonymised == 0
    sleepy.refresh_from_db()
    assert sleepy.anonymised_at is None


def test_the_command_and_the_beat_task_run_the_sweep(django_capture_on_commit_callbacks, capsys):
    from people.tasks import apply_retention as task

    sleepy = make_mentee(first_name="Sleepy", email="sleepy@example.com")
    last_seen(sleepy, 95)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention")
    assert "1 warned, 0 anonymised" in capsys.readouterr().out
    assert task.delay().get() == {
        "warned": 0,
        "anonymised": 0,
        "came_back": 0,
        "expired_exports_removed": 0,
        "sign_in_records_removed": 0,
    }
    assert len(warnings_to(sleepy)) == 1


def test_an_account_the_programme_team_deactivated_is_warned_to_write_to_them_then_anonymised(
    client, django_capture_on_commit_callbacks
):
    """Deactivated accounts are swept too (the privacy page promises unused accounts are anonymised), and
    the warning does not tell someone who cannot sign in to sign in: it says whom to ask instead."""
    boss = make_staff(email="boss@example.com")
    paused = make_mentee(first_name="Paula", last_name="Paused", email="paula@example.com")
    back = make_mentor(first_name="Barry", last_name="Back", email="barry@example.com")
    for person in (paused, back):
        deactivate(person, boss)
        last_seen(person, 91)
    result = sweep(django_capture_on_commit_callbacks)
    assert result.warned == 2

    when = (timezone.now() + timedelta(days=10)).strftime("%-d %B %Y")
    (email,) = [m for m in mail.outbox if m.to == ["paula@example.com"]]
    assert email.subject.endswith(f"Your deactivated mentoring account will be anonymised on {when}")
    assert "You cannot sign in while your account is deactivated" in email.body
    assert f"write to the programme team through the Contact form before {when}" in email.body
    assert reverse("contact") in email.body
    assert "sign in before" not in email.body and "Edit Account" not in email.body
    assert Notification.objects.get(recipient=paused).email_status == Notification.Email.SENT

    # Barry wrote in: staff reactivate him and he signs in, so his account is kept; Paula's is anonymised.
    reactivate(back, boss)
    assert client.login(email="barry@example.com", password=PASSWORD)
    result = sweep(django_capture_on_commit_callbacks, timezone.now() + timedelta(days=10, minutes=1))
    assert (result.anonymised, result.came_back) == (1, 1)
    paused.refresh_from_db()
    back.refresh_from_db()
    assert paused.anonymised_at and paused.first_name == "Former" and "paula" not in paused.email
    assert back.anonymised_at is None and back.retention_warned_at is None

    # The privacy page says so.
    assert "The same applies to an account the programme team has deactivated" in str(DEFAULT_PRIVACY_TEXT)
    assert "write to the programme team through the Contact form" in client.get(reverse("privacy")).content.decode()


def test_sign_in_records_are_kept_a_year_as_the_privacy_page_says(settings, django_capture_on_commit_callbacks):
    from axes.models import AccessAttempt, AccessLog

    assert "We keep these records for a year" in DEFAULT_PRIVACY_TEXT
    assert settings.SIGN_IN_RECORDS_KEEP_DAYS == 365
    now = timezone.now()
    old = AccessLog.objects.create(username="a@example.com", ip_address="203.0.113.1", user_agent="x")
    recent = AccessLog.objects.create(username="a@example.com", ip_address="203.0.113.2", user_agent="x")
    stale_try = AccessAttempt.objects.create(
        username="b@example.com", ip_address="203.0.113.3", user_agent="x", failures_since_start=1
    )
    AccessLog.objects.filter(pk=old.pk).update(attempt_time=now - timedelta(days=366))
    AccessAttempt.objects.filter(pk=stale_try.pk).update(attempt_time=now - timedelta(days=400))
    AccessLog.objects.filter(pk=recent.pk).update(attempt_time=now - timedelta(days=364))
    result = sweep(django_capture_on_commit_callbacks, now=now)
    assert result.sign_in_records_removed == 2
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not AccessAttempt.objects.exists()
