"""The automatic nodes' rows, held while the flow moves and written together (journeys.nodes.held).

They must be the rows viewflow writes: each scenario runs twice, once as the platform runs it and once
with nothing held (every node writing its own row as it passes, as viewflow's do), and the two
processes' histories must be the same, task for task.
"""

from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager
from itertools import count

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from journeys.flows import driver, mentoring, timers
from journeys.flows.mentoring import MentoringFlow
from journeys.flows.onboarding import OnboardingFlow
from journeys.flows.timers import fire_due_timers
from journeys.models import Relationship
from journeys.nodes import ParticipantStep
from journeys.nodes.held import EndOfPath
from journeys.nodes.participant_step import StepTimer
from journeys.services import relationships
from notifications.models import Notification
from people.tests.factories import make_mentee, make_mentor

from .helpers import send, walk_to

pytestmark = pytest.mark.django_db

_people = count()


def pair():
    n = next(_people)
    return make_mentee(email=f"mentee{n}@example.com"), make_mentor(email=f"mentor{n}@example.com")


def history(rel) -> tuple:
    """The relationship's process as rows: each task's node, type, status, token, owner, the nodes
    before it (a split's id in a token aside) and whether it started and finished; then the process's status and whether it finished."""
    process = rel.processes.get()
    tasks = Task.objects.filter(process=process).order_by("pk").prefetch_related("previous")
    rows = [
        (
            task.flow_task.name,
            task.flow_task_type,
            task.status,
            re.sub(r"/\d+_", "/<split>_", str(task.token)),  # a split's token names the split task's id
            task.owner_id is not None,
            sorted(previous.flow_task.name for previous in task.previous.all()),
            task.started is not None,
            task.finished is not None,
        )
        for task in tasks
    ]
    return rows, process.status, process.finished is not None


@contextmanager
def nothing_held(monkeypatch):
    @contextmanager
    def no_block():
        yield None

    for module in (driver, mentoring, timers):
        monkeypatch.setattr(module, "rows_held", no_block)
    yield


def fire(rel, name: str) -> int:
    waiting = Task.objects.filter(
        flow_task_type="TIMER", status=STATUS.SCHEDULED, process__mentoringprocess__relationship=rel
    )
    due = [task.pk for task in waiting if task.flow_task.name == name]
    Task.objects.filter(pk__in=due).update(scheduled=timezone.now() - dt.timedelta(seconds=1))
    return fire_due_timers()


def reminded_then_accepted_and_completed(mentee, mentor):
    rel = send(mentee, mentor)
    assert fire(rel, "review_request__timeout") == 1  # a reminder: Function, then EndOfPath
    assert fire(rel, "review_request__timeout_3") == 1  # the staff inbox is told
    walk_to(rel, mentee, mentor, "completed")  # Switch, steps, Split, Join, End
    return rel


def declined(mentee, mentor):
    rel = send(mentee, mentor)
    relationships.decline_request(rel, mentor, "Sorry")  # Switch, then End
    return rel


def withdrawn_and_reinstated(mentee, mentor):
    rel = send(mentee, mentor)
    relationships.withdraw_request(rel, mentee, "Changed my mind")  # Switch, then the reinstate step
    relationships.reinstate_request(rel, mentee)
    relationships.accept_request(rel, mentor)
    return rel


def expired(mentee, mentor):
    rel = send(mentee, mentor)
    Relationship.objects.filter(pk=rel.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert fire(rel, "review_request__timeout_4") == 1  # interrupting: Function, Switch, End
    return rel


def ended_by_withdrawal(mentee, mentor):
    rel = send(mentee, mentor)
    walk_to(rel, mentee, mentor, "progression")
    relationships.withdraw(rel, mentee, "Moving abroad")
    return rel


SCENARIOS = [reminded_then_accepted_and_completed, declined, withdrawn_and_reinstated, expired, ended_by_withdrawal]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_held_rows_are_the_rows_viewflow_writes(scenario, monkeypatch):
    held_rel = scenario(*pair())
    with nothing_held(monkeypatch):
        plain_rel = scenario(*pair())
    held, plain = history(held_rel), history(plain_rel)
    assert held == plain
    assert len(held[0]) >= 5


def test_the_same_with_nothing_held_is_not_the_same_as_a_broken_history(monkeypatch):
    """The comparison above can fail: a history missing one automatic node's row differs."""
    rel = declined(*pair())
    rows, status, finished = history(rel)
    Task.objects.filter(process__mentoringprocess__relationship=rel, flow_task_type="SWITCH").delete()
    assert history(rel) != (rows, status, finished)


def test_a_failing_reminder_is_rolled_back_and_fired_again_on_the_next_sweep(monkeypatch):
    """Not recorded as the reminder node's ERROR (the reminder silently lost): the timer stays due."""
    mentee, mentor = pair()
    rel = send(mentee, mentor)
    real = mentoring.reminders.remind_mentor_to_review

    def broken(*args, **kwargs):
        raise RuntimeError("the outbox is unreachable")

    monkeypatch.setattr(mentoring.reminders, "remind_mentor_to_review", broken)
    before, told = history(rel), Notification.objects.filter(recipient=mentor).count()
    assert fire(rel, "review_request__timeout") == 0
    assert history(rel) == before  # nothing written: the timer is still SCHEDULED and due
    assert Notification.objects.filter(recipient=mentor).count() == told

    monkeypatch.setattr(mentoring.reminders, "remind_mentor_to_review", real)
    assert fire_due_timers() == 1
    rows = history(rel)[0]
    assert [row[0] for row in rows if row[2] == STATUS.DONE][-3:] == [
        "review_request__timeout",
        "remind_mentor",
        "reminded",
    ]
    assert Notification.objects.filter(recipient=mentor).count() == told + 1


@pytest.mark.parametrize("flow_class", [MentoringFlow, OnboardingFlow], ids=lambda f: f.__name__)
def test_every_path_to_an_end_of_path_starts_at_a_timer_that_lets_its_step_wait_on(flow_class):
    """An EndOfPath never ends the process (it does not count the open tasks): that is right only
    when the step whose timer started the path is still waiting, i.e. the timer is not interrupting."""
    nodes = list(flow_class.instance.nodes())
    incoming = {node: [] for node in nodes}
    for node in nodes:
        for edge in node._outgoing():
            incoming.setdefault(edge.dst, []).append(node)
    ends = [node for node in nodes if isinstance(node, EndOfPath)]
    assert ends
    for end in ends:
        stack, seen = list(incoming[end]), set()
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            if isinstance(node, StepTimer):
                assert not node._interrupting, f"{end.name} is reached from interrupting {node.name}"
                continue
            assert not isinstance(node, ParticipantStep), f"{end.name} is reached from step {node.name}"
            assert incoming[node], f"{end.name} is reached from {node.name}, which no timer leads to"
            stack.extend(incoming[node])
