"""viewflow's built-in task actions are not for participants.

project/urls.py mounts FlowViewset for the mentoring, onboarding and staff-case flows, and
every node brings its own action URLs (assign, unassign, undo, cancel, revive, detail).
Only the platform's own pages act on a participant's task: the owner "unassigning" their
step used to leave the journey waiting on nobody.
"""

import pytest
from django.urls import NoReverseMatch
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from people.tests.factories import PASSWORD, make_user
from staff.services import raise_case

from .helpers import open_task, send

pytestmark = pytest.mark.django_db

ACTIONS = ["assign", "unassign", "undo", "cancel", "revive", "reassign", "detail"]


def snapshot(task_ids):
    return {t.pk: (t.status, t.owner_id, t.finished) for t in Task.objects.filter(pk__in=task_ids)}


def action_urls(tasks):
    urls = []
    for task in tasks:
        for action in ACTIONS:
            try:
                urls.append(task.flow_task.reverse(action, args=[task.process_id, task.pk]))
            except NoReverseMatch:
                continue
    return urls


def assert_refused_everywhere(client, tasks):
    client.raise_request_exception = False
    urls = action_urls(tasks)
    assert any("/unassign/" in u for u in urls) and any("/cancel/" in u for u in urls)
    before = snapshot([t.pk for t in tasks])
    # The whole process's cancel page too.
    for process_id in {t.process_id for t in tasks}:
        own = next(u for u in urls if f"/{process_id}/" in u)
        urls.append(own.split(f"/{process_id}/")[0] + f"/{process_id}/cancel/")
    for url in urls:
        for method in (client.get, client.post):
            resp = method(url)
            assert resp.status_code in (403, 404, 405), (method.__name__, url, resp.status_code)
    assert snapshot([t.pk for t in tasks]) == before
    return before


def test_a_mentor_cannot_unassign_assign_undo_or_cancel_their_review_step(client, mentee, mentor):
    rel = send(mentee, mentor)
    task = open_task(rel, mentor)
    assert task.owner_id == mentor.pk and task.status == STATUS.ASSIGNED
    all_tasks = list(Task.objects.filter(process__mentoringprocess__relationship=rel))
    assert client.login(email=mentor.email, password=PASSWORD)
    assert_refused_everywhere(client, all_tasks)
    task.refresh_from_db()
    assert task.owner_id == mentor.pk and task.status == STATUS.ASSIGNED
    # The step's own page still works for its owner, and accepting moves the journey on.
    execute = task.flow_task.reverse("execute", args=[task.process_id, task.pk])
    page = client.get(execute)
    assert page.status_code == 200
    done = client.post(execute, {"accept": "1", "message": "Welcome"})
    assert done.status_code == 302
    rel.refresh_from_db()
    assert rel.state == "arranging"


def test_the_mentee_cannot_act_on_their_own_tasks_either(client, mentee, mentor):
    rel = send(mentee, mentor)
    tasks = list(Task.objects.filter(process__mentoringprocess__relationship=rel))
    assert client.login(email=mentee.email, password=PASSWORD)
    assert_refused_everywhere(client, tasks)


def test_a_new_participant_cannot_act_on_their_onboarding_step(client, django_capture_on_commit_callbacks):
    from people.services import register_participant

    user = make_user(email="nia@example.com")
    register_participant(user, first_name="Nia", last_name="Jones", register_as="mentee")
    from journeys.flows import onboarding

    onboarding.email_verified(user)  # the next step, "complete your profile", is theirs
    tasks = list(Task.objects.filter(process__onboardingprocess__participant=user))
    assert tasks and any(t.owner_id == user.pk for t in tasks)
    assert client.login(email=user.email, password=PASSWORD)
    assert_refused_everywhere(client, tasks)


def test_participants_cannot_act_on_a_staff_case_task(client, mentee, mentor):
    from people.tests.factories import make_staff

    rel = send(mentee, mentor)
    case = raise_case(rel, make_staff(), "Check this one")
    tasks = list(Task.objects.filter(process=Process.objects.get(pk=case.pk)))
    assert client.login(email=mentee.email, password=PASSWORD)
    assert_refused_everywhere(client, tasks)


def test_a_superuser_can_still_manage_a_step(client, mentee, mentor):
    """The actions are restricted, not removed: programme managers keep them."""
    rel = send(mentee, mentor)
    task = open_task(rel, mentor)
    admin = make_user(email="root@example.com", is_staff=True, is_superuser=True)
    assert client.login(email=admin.email, password=PASSWORD)
    url = task.flow_task.reverse("unassign", args=[task.process_id, task.pk])
    assert client.get(url).status_code == 200
