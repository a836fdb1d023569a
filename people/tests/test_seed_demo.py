"""`manage.py seed_demo`: demo logins that work, safe to run again, many mentors quickly."""

from __future__ import annotations

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from journeys import rules
from people.management import demo_data
from people.models import Profile
from people.search import Criteria, search

pytestmark = pytest.mark.django_db


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_prints_working_logins_and_is_safe_to_run_twice():
    User = get_user_model()
    first = seed()
    counts = (User.objects.count(), Profile.objects.count(), EmailAddress.objects.count())
    second = seed()

    assert (User.objects.count(), Profile.objects.count(), EmailAddress.objects.count()) == counts
    logins = [line for line in first.splitlines() if "demo journey" not in line]
    assert logins == second.splitlines()  # the second run makes no new journeys, prints the same logins
    assert "demo journey: John Smith → Alice Kember (first conversation)" in first
    assert "staff@example.com" in first and f"Password for every demo login: {demo_data.DEMO_PASSWORD}" in first
    for person in demo_data.NAMED_PEOPLE:
        assert person.email in first

    staff = User.objects.get(email="staff@example.com")
    assert staff.is_staff and staff.is_superuser and staff.check_password(demo_data.DEMO_PASSWORD)
    assert EmailAddress.objects.filter(user=staff, verified=True, primary=True).exists()
    for person in demo_data.NAMED_PEOPLE:
        user = User.objects.get(email=person.email)
        assert user.check_password(demo_data.DEMO_PASSWORD)
        assert EmailAddress.objects.filter(user=user, email=user.email, verified=True, primary=True).exists()
        assert user.profile.is_complete and not user.profile.missing_fields()
        assert user.last_login  # the demo's people use the platform: not "never signed in"
    # Two demo journeys, made once, through the real flows: one awaiting the mentor, one matched.
    from journeys.models import Relationship

    states = sorted(Relationship.objects.values_list("state", flat=True))
    assert states == ["first_conversation", "requested"]
    assert Process.objects.filter(mentoringprocess__isnull=False).count() == 2
    # The matched one's meetings are not before the day it was accepted (as the forms would require).
    from django.utils import timezone

    from journeys.models import Meeting

    matched = Relationship.objects.get(state="first_conversation")
    # The first meeting they arranged is the call they held, not a meeting still to come.
    first = matched.history.get(action="first_meeting_arranged")
    held = Meeting.objects.get(relationship=matched, outcome="held")
    assert held.title in first.note and held.starts_at < timezone.now()
    assert all(
        timezone.localdate(m.starts_at) >= timezone.localdate(matched.matched_at)
        for m in Meeting.objects.filter(relationship=matched)
    )
    # the unanswered one was sent eleven days ago, so the staff inbox has a case about it
    from staff.models import StaffCase

    [case] = StaffCase.objects.all()
    assert case.kind == "unanswered_request" and case.relationship.state == "requested"
    # and it expires REQUEST_EXPIRE_DAYS after that (what the mentor's reminder says), its timer with it
    waiting = case.relationship
    assert waiting.expires_at == rules.request_expires_at(waiting.created_at)
    timers = Task.objects.filter(
        process__mentoringprocess__relationship=waiting, flow_task_type="TIMER", status=STATUS.SCHEDULED
    )
    assert max(t.scheduled for t in timers) == waiting.expires_at


def test_seed_demo_brings_a_changed_demo_person_back():
    seed()
    alice = Profile.objects.get(user__email="alice.kember@example.com")
    alice.areas.clear()
    Profile.objects.filter(pk=alice.pk).update(job_title="", accepting_requests=False)
    seed()
    alice.refresh_from_db()
    assert alice.job_title == "Transport Co-ordinator" and alice.accepting_requests and alice.areas.count() == 3


def test_generated_mentors_are_complete_varied_and_only_added_once():
    out = seed("--mentors", "40")
    assert "Generated mentors: 40 created, 0 already there" in out
    generated = Profile.objects.filter(user__email__endswith=demo_data.GENERATED_DOMAIN)
    assert generated.count() == 40
    assert EmailAddress.objects.filter(email__endswith=demo_data.GENERATED_DOMAIN, verified=True).count() == 40
    assert all(not p.missing_fields() for p in generated.select_related("user"))
    assert len({p.role_id for p in generated}) > 3 and len({p.organisation for p in generated}) > 5
    assert len({p.biography for p in generated}) == 40
    # they have been active, so they have signed in (staff lists show "never" for who has not)
    assert all(p.user.last_login == p.last_active_at for p in generated.select_related("user"))

    again = seed("--mentors", "40")
    assert "Generated mentors: 0 created, 40 already there" in again
    more = seed("--mentors", "45")
    assert "Generated mentors: 5 created, 40 already there" in more
    assert generated.all().count() == 45
    # generated mentors start no journeys: only the two demo journeys (and the demo staff case) have processes
    assert Process.objects.filter(mentoringprocess__isnull=False).count() == 2
    assert Process.objects.count() == 3


def test_generated_mentors_are_found_by_search(mentee):
    seed("--mentors", "30")
    page = search(Criteria(), mentee, page_size=50)
    assert page.total >= 30


def test_generated_mentors_log_in_with_the_demo_password(client):
    seed("--mentors", "2")
    assert client.login(email=demo_data.generated_email(2), password=demo_data.DEMO_PASSWORD)


def test_the_demo_request_s_timers_run_from_the_day_it_was_sent_and_nothing_is_due_on_start(mailoutbox):
    """Hannah's request was sent eleven days ago: its reminders (3 and 7 days) and escalation (10 days) fell
    before the demo began and its expiry comes REQUEST_EXPIRE_DAYS after it was sent, not days after the
    seeding; the passed reminders are not sent in a burst when ``make run`` starts, and the first sweep of
    the timers has nothing to do."""
    import datetime as dt

    from django.utils import timezone

    from journeys.flows.timers import fire_due_timers
    from journeys.models import Relationship
    from notifications.models import Notification
    from staff.models import StaffCase

    seed()
    waiting = Relationship.objects.get(state="requested")
    sent = waiting.created_at
    timers = Task.objects.filter(process__mentoringprocess__relationship=waiting, flow_task_type="TIMER")
    by_name = {t.flow_task.name: t for t in timers}

    def at(name):
        return by_name[name].scheduled

    days = rules.settings.REMINDERS
    first, second = days["REQUEST_REMIND_DAYS"]
    assert abs(at("review_request__timeout") - (sent + dt.timedelta(days=first))) < dt.timedelta(seconds=5)
    assert abs(at("review_request__timeout_2") - (sent + dt.timedelta(days=second))) < dt.timedelta(seconds=5)
    escalation = sent + dt.timedelta(days=days["REQUEST_ESCALATE_DAYS"])
    assert abs(at("review_request__timeout_3") - escalation) < dt.timedelta(seconds=5)
    assert at("review_request__timeout_4") == waiting.expires_at == rules.request_expires_at(sent)
    assert at("review_request__timeout_3") < at("review_request__timeout_4")  # escalated before it expires

    # What was due by now is done: the escalation opened the staff case; the passed reminders were not sent.
    now = timezone.now()
    for name in ("review_request__timeout", "review_request__timeout_2", "review_request__timeout_3"):
        assert by_name[name].status == STATUS.DONE and by_name[name].scheduled < now
    assert by_name["review_request__timeout_4"].status == STATUS.SCHEDULED
    [case] = StaffCase.objects.filter(relationship=waiting)
    assert case.kind == "unanswered_request"
    assert not Notification.objects.filter(event__startswith="reminder_").exists()
    # The mentor's review step has waited since the request was sent, as its history says.
    [review] = Task.objects.filter(
        process__mentoringprocess__relationship=waiting, flow_task__endswith="review_request", status=STATUS.ASSIGNED
    )
    assert abs(review.created - sent) < dt.timedelta(seconds=5)

    # Starting the platform: the first sweep of the timers finds nothing due, and sends nobody anything.
    mailoutbox.clear()
    sent_before = Notification.objects.count()
    assert fire_due_timers() == 0
    assert Notification.objects.count() == sent_before and not mailoutbox
    # No timer of any demo relationship is left due, or scheduled before what it follows.
    assert not Task.objects.filter(flow_task_type="TIMER", status=STATUS.SCHEDULED, scheduled__lte=now).exists()


def test_the_demo_relationship_s_first_meeting_was_arranged_before_its_reminder_was_due():
    """John and Alice were matched ten days ago: the history says they arranged their first call the day after,
    so the arrange step ended, its reminder (FIRST_MEETING_REMIND_DAYS) and escalation cancelled, before
    either was due, and its timers were set from the match, not from the seeding."""
    import datetime as dt

    from journeys.models import Relationship

    seed()
    matched = Relationship.objects.get(state="first_conversation")
    arranged = matched.history.get(action="first_meeting_arranged").at
    days = rules.settings.REMINDERS
    assert matched.matched_at < arranged < matched.matched_at + dt.timedelta(days=days["FIRST_MEETING_REMIND_DAYS"])
    steps = Task.objects.filter(process__mentoringprocess__relationship=matched)
    arrange_timers = sorted(
        (t for t in steps if t.flow_task.name.startswith("arrange_first_meeting__")), key=lambda t: t.scheduled
    )
    wanted = [days["FIRST_MEETING_REMIND_DAYS"], days["FIRST_MEETING_ESCALATE_DAYS"]]
    assert [round((t.scheduled - matched.matched_at) / dt.timedelta(days=1)) for t in arrange_timers] == wanted
    assert all(t.status == STATUS.CANCELED and t.finished == arranged for t in arrange_timers)
    [open_step] = [t for t in steps if t.status == STATUS.ASSIGNED]
    assert open_step.flow_task.name == "first_conversation" and open_step.created == arranged
    # nothing of theirs is left to fire
    assert not steps.filter(flow_task_type="TIMER", status=STATUS.SCHEDULED).exists()
