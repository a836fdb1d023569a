"""A step's address (``journeys.nodes.participant_step.step_view``): its page is served only at its own
address, ``<process>/<step>/<task>/execute/`` where the task is that step's, in that process; someone
else's step says so."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse
from viewflow.workflow.models import Task

from journeys.flows import onboarding
from journeys.flows.mentoring import MentoringFlow
from journeys.flows.onboarding import OnboardingFlow
from journeys.rules import OPEN_TASK_STATUSES
from journeys.selectors import task_url
from journeys.services import relationships
from people.tests.factories import make_mentor

from .helpers import open_task, send, walk_to

pytestmark = pytest.mark.django_db

# The mentoring flow's steps other than the first conversation.
OTHER_STEPS = (
    "review_request",
    "reinstate_request",
    "arrange_first_meeting",
    "progression",
    "completion",
    "mentee_feedback",
    "mentor_feedback",
)


def url_at(flow, node: str, task, process_pk: int | None = None) -> str:
    pk = task.process_id if process_pk is None else process_pk
    return getattr(flow, node).reverse("execute", args=[pk, task.pk])


def open_task_of_onboarding(user):
    return Task.objects.get(process__onboardingprocess__participant=user, owner=user, status__in=OPEN_TASK_STATUSES)


@pytest.fixture
def first_conversation(mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")
    return rel, open_task(rel, mentee)


def test_the_steps_own_address_serves_its_page(client, first_conversation, mentee):
    rel, task = first_conversation
    assert task.flow_task is MentoringFlow.first_conversation
    client.force_login(mentee)
    page = client.get(url_at(MentoringFlow, "first_conversation", task))
    assert page.status_code == 200
    assert "Give feedback" not in page.content.decode() and "Reinstate" not in page.content.decode()


@pytest.mark.parametrize("node", OTHER_STEPS)
def test_another_steps_address_with_the_task_is_not_found_for_anyone(
    client, first_conversation, mentee, mentor, outsider, node
):
    rel, task = first_conversation
    url = url_at(MentoringFlow, node, task)
    for person in (mentee, mentor, outsider):
        client.force_login(person)
        assert client.get(url).status_code == 404, (person, url)
        assert client.post(url, {"rating": "5", "comments": "Great", "accept": "1"}).status_code == 404, (person, url)
    rel.refresh_from_db()
    assert rel.state == "first_conversation" and not rel.feedback.exists()
    assert open_task(rel, mentee).pk == task.pk


def test_the_task_at_another_process_address_is_not_found(client, first_conversation, mentee):
    """viewflow locks the URL's process for a POST: the task must be that process's."""
    rel, task = first_conversation
    other = send(mentee, make_mentor(first_name="Bea", last_name="Other", email="bea@example.com"))
    client.force_login(mentee)
    for process_pk in (other.processes.get().pk, task.process_id + 1000):
        url = url_at(MentoringFlow, "first_conversation", task, process_pk=process_pk)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    rel.refresh_from_db()
    assert rel.state == "first_conversation"


def test_onboarding_steps_too(client, mentee):
    onboarding.email_verified(mentee)
    task = open_task_of_onboarding(mentee)
    assert task.flow_task is OnboardingFlow.complete_profile
    client.force_login(mentee)
    assert client.get(task_url(task)).status_code == 200
    wrong = url_at(OnboardingFlow, "find_mentor", task)
    assert client.get(wrong).status_code == 404
    assert client.post(wrong).status_code == 404
    # and the onboarding task at a mentoring step's address (another flow)
    assert client.get(url_at(MentoringFlow, "first_conversation", task)).status_code == 404
    assert open_task_of_onboarding(mentee).pk == task.pk


# -- who is refused, and how ------------------------------------------------------------------

RAW = ("no transition", "DONE", "CANCELED")  # viewflow's exception text, and its task statuses
SOMEONE_ELSE = "This step is waiting on someone else, not on you."


def shown(response) -> str:
    return html.unescape(response.content.decode())


ACCEPT = {"accept": "1", "message": "Happy to help"}


@pytest.mark.parametrize("finished", [False, True])
def test_someone_elses_step_says_so_and_nothing_else(client, mentee, mentor, outsider, finished):
    rel = send(mentee, mentor)
    url = task_url(open_task(rel, mentor))
    if finished:
        relationships.accept_request(rel, mentor)
    for person in (mentee, outsider):
        client.force_login(person)
        for response in (client.get(url), client.post(url, ACCEPT)):
            assert response.status_code == 403
            page = shown(response)
            assert SOMEONE_ELSE in page
            assert "You do not have access to it." not in page and not any(raw in page for raw in RAW)
    rel.refresh_from_db()
    assert rel.state == ("arranging" if finished else "requested")


def test_signed_out_the_step_sends_to_sign_in_and_back(client, mentee, mentor):
    rel = send(mentee, mentor)
    url = task_url(open_task(rel, mentor))
    for response in (client.get(url), client.post(url, ACCEPT)):
        assert response.status_code == 302
        assert response.url == f"{reverse('account_login')}?next={url}"
