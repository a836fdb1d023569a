"""Two people acting at the same moment: exactly one transition wins, the other is told why."""

import threading

import pytest
from django.db import connection

from journeys.models import Relationship, State
from journeys.services import relationships
from journeys.services.base import Refused
from people.tests.factories import make_mentee

from .helpers import open_task_names, send

pytestmark = pytest.mark.django_db(transaction=True)


def race(*actions):
    """Run the actions in threads (each with its own database connection), released together."""
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(i, action):
        try:
            barrier.wait()
            action()
            results[i] = "ok"
        except Refused as refused:
            results[i] = refused.message
        except Exception as exc:  # anything else is a bug: report it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_accept_versus_withdraw_has_exactly_one_winner(mentee, mentor):
    mentor.profile.capacity = 10
    mentor.profile.save()
    for _ in range(5):
        m = make_mentee()
        rel = send(m, mentor)
        results = race(
            lambda: relationships.accept_request(Relationship.objects.get(pk=rel.pk), mentor),
            lambda: relationships.withdraw_request(Relationship.objects.get(pk=rel.pk), m),
        )
        assert results.count("ok") == 1, results
        loser = [r for r in results if r != "ok"][0]
        assert isinstance(loser, str) and loser.startswith("Nothing was changed:"), results
        rel.refresh_from_db()
        assert rel.state in (State.ARRANGING, State.REQUEST_WITHDRAWN)
        expected = "arrange_first_meeting" if rel.state == State.ARRANGING else "reinstate_request"
        assert open_task_names(rel) == [expected]


def test_two_accepts_for_the_last_place_only_one_succeeds(mentor):
    mentor.profile.capacity = 1
    mentor.profile.save()
    a, b = make_mentee(), make_mentee()
    r1, r2 = send(a, mentor), send(b, mentor)
    results = race(
        lambda: relationships.accept_request(Relationship.objects.get(pk=r1.pk), mentor),
        lambda: relationships.accept_request(Relationship.objects.get(pk=r2.pk), mentor),
    )
    assert results.count("ok") == 1, results
    assert Relationship.objects.filter(mentor=mentor, state=State.ARRANGING).count() == 1


def test_accept_on_the_task_page_versus_withdraw_on_another_page(mentor):
    """The mentor's task page (viewflow locks the process first) racing the mentee's withdraw."""
    from django.test import Client
    from django.urls import reverse

    from journeys.selectors import task_url
    from people.tests.factories import PASSWORD

    from .helpers import open_task

    for _ in range(3):
        m = make_mentee()
        rel = send(m, mentor)
        url = task_url(open_task(rel, mentor))
        mentor_client, mentee_client = Client(), Client()
        assert mentor_client.login(email=mentor.email, password=PASSWORD)
        assert mentee_client.login(email=m.email, password=PASSWORD)
        statuses = []

        def accept():
            statuses.append(mentor_client.post(url, {"accept": "1", "message": ""}).status_code)

        def withdraw():
            statuses.append(mentee_client.post(reverse("request_withdraw", args=[rel.pk])).status_code)

        results = race(accept, withdraw)
        assert results == ["ok", "ok"], results  # no exception escaped either request
        assert all(code in (200, 302, 403) for code in statuses), statuses
        rel.refresh_from_db()
        changes = rel.history.filter(action__in=["accept", "withdraw_request"]).count()
        assert changes == 1
        if rel.state == State.ARRANGING:
            relationships.withdraw(rel, mentor, "tidy up")


def test_two_reminder_sweeps_at_once_send_each_reminder_once(mentee, mentor):
    import datetime as dt

    from django.utils import timezone

    from journeys.models import Meeting
    from journeys.services.reminders import send_dated_reminders
    from notifications.models import Notification

    from .helpers import meet

    rel = send(mentee, mentor)
    relationships.accept_request(rel, mentor)
    for days in (5, 6, 7):
        meeting = meet(rel, mentee, days=days, title=f"Meeting {days}")
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        Meeting.objects.filter(pk=meeting.pk).update(
            starts_at=timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(9 + days, 0)))
        )
    for _ in range(3):
        results = race(send_dated_reminders, send_dated_reminders, send_dated_reminders)
        assert results == ["ok", "ok", "ok"], results
    assert Notification.objects.filter(event="reminder_meeting_tomorrow").count() == 6  # 3 meetings x 2 people


def test_two_stalled_sweeps_at_once_open_one_case(mentee, mentor, settings):
    from staff.models import StaffCase
    from staff.services import open_stalled_cases

    from .helpers import quiet_for, walk_to

    settings.REMINDERS = {**settings.REMINDERS, "STALLED_AFTER_DAYS": 30}
    rel = walk_to(send(mentee, mentor), mentee, mentor, "progression")
    quiet_for(rel, 40)
    results = race(open_stalled_cases, open_stalled_cases)
    assert results == ["ok", "ok"], results
    assert StaffCase.objects.filter(relationship=rel, kind="stalled").count() == 1


def test_one_meeting_form_sent_twice_at_once_makes_one_meeting(mentee, mentor):
    import datetime as dt
    import uuid

    from django.utils import timezone

    from journeys.models import Meeting
    from journeys.services import activity

    rel = send(mentee, mentor)
    relationships.accept_request(rel, mentor)
    submission = uuid.uuid4()
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)

    def save():
        activity.create_meeting(
            rel.pk, mentee, title="Coffee", starts_at=starts, duration_minutes=30, submission=submission
        )

    results = race(save, save)
    assert results == ["ok", "ok"], results
    assert Meeting.objects.filter(relationship=rel, title="Coffee").count() == 1


def test_a_case_the_journey_settles_as_staff_resolve_it_is_resolved_once(mentee, mentor, staff):
    """The mentor accepts (the platform then resolves the case about the request) while a staff member
    resolves it by hand, and a sweep settles it too: one resolution, nobody gets an error."""
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import PROCESS

    from staff import services
    from staff.models import StaffCase

    mentor.profile.capacity = 10
    mentor.profile.save()
    for _ in range(3):
        m = make_mentee()
        rel = send(m, mentor)
        case = services.escalate_unanswered_request(rel)
        services.claim(case, staff)
        results = race(
            lambda: relationships.accept_request(Relationship.objects.get(pk=rel.pk), mentor),
            lambda: services.resolve(StaffCase.objects.get(pk=case.pk), staff, "Spoke to the mentor."),
            lambda: services.settle_cases(rel.pk),
        )
        assert results[0] == "ok" and results[2] == "ok", results
        assert results[1] in ("ok", "This case has already been resolved."), results
        case = StaffCase.objects.get(pk=case.pk)
        assert case.status == PROCESS.DONE
        by_hand = results[1] == "ok"
        assert (case.resolved_by == staff) is by_hand
        if by_hand:
            assert case.resolution == "Spoke to the mentor."
        else:
            assert case.resolution.startswith("The mentor accepted the request on")
        assert Task.objects.filter(process=case, flow_task_type="END").count() == 1
        assert Relationship.objects.get(pk=rel.pk).state == State.ARRANGING
