"""Query budgets for the journey's POSTs and for one reminder timer (issue 8, "The request round trip").

Each test makes one request the way a participant does (or fires one due timer, as the dispatcher
does) and counts every SQL statement it runs with django's CaptureQueriesContext, SAVEPOINT and
RELEASE included. The test's own transaction makes the service's outermost ``atomic`` a savepoint:
its SAVEPOINT/RELEASE pair stands for production's BEGIN/COMMIT, and the e-mails queued on commit
are delivered by the worker, outside the request, so they are not counted here.

The issue's targets: sending a request <= 20 queries, accepting it <= 20, every other journey POST
<= 25, firing one reminder timer <= 10; each ceiling below is the target, or the number reached where
that is lower. These are regression guards: a change that adds queries fails here, and a ceiling may
only come down.

What it took (December 2026): the services lock the process rows once and hand them to the flow
(``journeys/flows/locking.py``); the gateways, functions and ends between two steps write their task
rows together with the next step's, in one INSERT of tasks and one of links (``journeys/nodes/held.py``);
the timer dispatcher reads a timer with its process and relationship in one query
(``journeys/flows/timers.py``); the session is read from the cache (``project/sessions.py``) and
"last active" is stamped at most once in ten minutes whatever the page (``people/middleware.py``).
Accepting (20): the transaction and the process's lock (3: SAVEPOINT, SELECT ... FOR UPDATE,
RELEASE), viewflow's savepoint around the page (2), the task with its process and relationship (1),
the user (1); the service's savepoint pair, the mentor's lock, the relationship, the mentor's
capacity, the relationship's UPDATE and its history row (7); the review step finished and its timers
cancelled (2); the Switch, the next step and its timers written (2); the mentee's other requests
and the email (2).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from journeys.flows.timers import fire_due_timers
from people.models import AreaOfSupport
from project import identity

from .helpers import first_meeting_over, goal, send, walk_to
from .test_reminders import timers

ACCEPT_TARGET = 20  # send 20, every other POST 25: each is lower already (the ceilings below)
TIMER_TARGET = 10


def measure(label: str, action, ceiling: int) -> int:
    # The programme's identity (project.identity) is cached, as it is in production, where it costs one
    # query a minute per process: read it first, so the count is the request's own.
    identity.current()
    with CaptureQueriesContext(connection) as captured:
        action()
    count = len(captured.captured_queries)
    print(f"\n{label}: {count} queries (ceiling {ceiling})")
    sql = "\n".join(q["sql"][:300] for q in captured.captured_queries)
    assert count <= ceiling, f"{label}: {count} queries, more than {ceiling}:\n{sql}"
    return count


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, data: dict) -> None:
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def step_url(client: Client, rel) -> str:
    return client.get(reverse("next_step", args=[rel.pk])).url


def meeting_data(title="First conversation") -> dict:
    day = timezone.localdate() + timezone.timedelta(days=7)
    return {
        "date_0": day.day,
        "date_1": day.month,
        "date_2": day.year,
        "start_time": "10:00",
        "duration": "60",
        "title": title,
        "location": "Video",
        "send_details": "on",
    }


@pytest.mark.django_db
def test_sending_a_request(mentee, mentor):
    client = logged_in(mentee)
    data = {"area": AreaOfSupport.objects.first().pk, "statement": "I would like help with my network.", "send": "1"}
    measure("send a request", lambda: post(client, reverse("request_new", args=[mentor.pk]), data), 17)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "label, answer, ceiling",
    [
        ("accept a request", {"message": "Welcome!", "accept": "1"}, ACCEPT_TARGET),
        ("decline a request", {"message": "Sorry, I am full.", "decline": "1"}, 19),
    ],
)
def test_answering_a_request(mentee, mentor, label, answer, ceiling):
    rel = send(mentee, mentor)
    client = logged_in(mentor)
    url = step_url(client, rel)
    measure(label, lambda: post(client, url, answer), ceiling)


@pytest.mark.django_db
def test_withdrawing_a_request(mentee, mentor):
    rel = send(mentee, mentor)
    client = logged_in(mentee)
    url = reverse("request_withdraw", args=[rel.pk])
    measure("withdraw a request", lambda: post(client, url, {"reason": "Found help elsewhere"}), 16)


@pytest.mark.django_db
def test_arranging_the_first_meeting(mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    client = logged_in(mentee)
    url = step_url(client, rel)
    measure("arrange the first meeting", lambda: post(client, url, meeting_data()), 20)


@pytest.mark.django_db
def test_completing_a_stage(mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")
    goal(rel, mentee)
    first_meeting_over(rel)
    client = logged_in(mentee)
    url = step_url(client, rel)
    # (+1 since h4: the first conversation's guard asks whether the first meeting took place)
    measure("complete a stage", lambda: post(client, url, {}), 18)


@pytest.mark.django_db
def test_giving_feedback(mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "feedback")
    client = logged_in(mentee)
    url = step_url(client, rel)
    measure("give feedback", lambda: post(client, url, {"rating": "5", "comments": "Great"}), 22)


@pytest.mark.django_db
def test_sending_a_message(mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    client = logged_in(mentee)
    url = reverse("messages", args=[rel.pk])
    # (+1 since h4: the conversation's waiting email is looked for, to group the message into it; -1 since
    # the page's conversation takes its two people from the relationship, read with their profiles)
    measure("send a message", lambda: post(client, url, {"body": "Shall we meet on Tuesday?"}), 20)


@pytest.mark.django_db
def test_withdrawing_from_a_relationship(mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "arranging")
    client = logged_in(mentee)
    url = reverse("withdraw", args=[rel.pk])
    # 19: the 18 it took before, and the meetings still to come, read (under lock) to be cancelled with
    # the relationship (journeys.services.meetings.cancel_meetings_to_come): a new duty, not a regression.
    measure("withdraw from a relationship", lambda: post(client, url, {"reason": "Moving abroad"}), 19)


@pytest.mark.django_db
def test_firing_one_reminder_timer(mentee, mentor):
    """The due query, the lock (and the transaction), the timer with its process and relationship, the
    timer's UPDATE, the relationship with the opt-out and the review task, the email, the reminder's
    Function and EndOfPath rows and their links."""
    send(mentee, mentor)
    first = timers("review_request__timeout", status=STATUS.SCHEDULED).order_by("scheduled").first()
    Task.objects.filter(pk=first.pk).update(scheduled=timezone.now() - timezone.timedelta(seconds=1))
    fired = []
    measure("fire one reminder timer", lambda: fired.append(fire_due_timers()), TIMER_TARGET)
    assert fired == [1]
