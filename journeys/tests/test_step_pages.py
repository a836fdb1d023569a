"""A step's address (``journeys.nodes.participant_step.step_view``): its page is served only at its own
address, ``<process>/<step>/<task>/execute/`` where the task is that step's, in that process; once
the step no longer waits, the address says what became of it; someone else's step says so."""

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
from .test_expiry import come_to_expiry

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


# -- a step that no longer waits: what became of it, never viewflow's error ----------------------

RAW = ("no transition", "DONE", "CANCELED")  # viewflow's exception text, and its task statuses
SOMEONE_ELSE = "This step is someone else's, not yours."  # waiting or not: a finished one waits on nobody


def shown(response) -> str:
    return html.unescape(response.content.decode())


def come_back(client, url: str, rel, message: str, data=None) -> str:
    """GET (or POST ``data`` to) a step's address again: sent to the relationship's page, which says ``message``."""
    response = client.get(url) if data is None else client.post(url, data)
    assert response.status_code == 302, shown(response)[:500]
    assert response.url == reverse("relationship", args=[rel.pk])
    page = shown(client.get(response.url))
    assert message in page, page
    assert not any(raw in page for raw in RAW) and "someone else" not in page and "not available" not in page
    return page


ACCEPT = {"accept": "1", "message": "Happy to help"}
DECLINE = {"decline": "1", "message": "Sorry, I am full"}


@pytest.mark.parametrize(
    "first, again, said, state",
    [
        (ACCEPT, ACCEPT, "You have already accepted John Smith's request.", "arranging"),
        (DECLINE, ACCEPT, "You have already declined John Smith's request.", "declined"),
        (DECLINE, DECLINE, "You have already declined John Smith's request.", "declined"),
        (ACCEPT, DECLINE, "You have already accepted John Smith's request.", "arranging"),
    ],
)
def test_answering_a_request_again_says_it_was_answered(client, mentee, mentor, first, again, said, state):
    rel = send(mentee, mentor)
    url = task_url(open_task(rel, mentor))
    client.force_login(mentor)
    assert client.post(url, first).status_code == 302
    come_back(client, url, rel, said, data=again)
    come_back(client, url, rel, said)  # and a plain GET of the address, afterwards
    rel.refresh_from_db()
    assert rel.state == state


def test_giving_feedback_again_says_it_was_given(client, mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "feedback")
    url = task_url(open_task(rel, mentee))
    client.force_login(mentee)
    assert client.post(url, {"rating": "5", "comments": "Great"}).status_code == 302
    said = "You have already given your feedback. Thank you."
    come_back(client, url, rel, said, data={"rating": "1", "comments": "Changed my mind"})
    come_back(client, url, rel, said)
    assert [(f.rating, f.comments) for f in rel.feedback.all()] == [(5, "Great")]


def test_a_completed_stage_says_so_and_the_relationship_page_has_the_next_step(client, mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "progression")
    done = Task.objects.get(process__mentoringprocess__relationship=rel, flow_task=MentoringFlow.first_conversation)
    client.force_login(mentee)
    page = come_back(client, task_url(done), rel, "You have already completed the “First conversation” stage.")
    assert f'href="{task_url(open_task(rel, mentee))}"' in page  # Next step: the progression's page


def test_a_review_the_mentee_ended_says_what_happened(client, mentee, mentor):
    rel = send(mentee, mentor)
    url = task_url(open_task(rel, mentor))
    relationships.withdraw_request(rel, mentee, "Found help elsewhere")
    client.force_login(mentor)
    come_back(client, url, rel, "John Smith withdrew this request, so there is nothing to answer.", data=ACCEPT)
    rel.refresh_from_db()
    assert rel.state == "request_withdrawn"


def test_an_expired_request_says_it_expired(client, mentee, mentor):
    rel = send(mentee, mentor)
    url = task_url(open_task(rel, mentor))
    come_to_expiry(rel)
    client.force_login(mentor)
    come_back(client, url, rel, "John Smith's request expired before it was answered.", data=ACCEPT)
    rel.refresh_from_db()
    assert rel.state == "expired"


def test_a_step_of_an_ended_relationship_says_it_ended(client, mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "first_conversation")
    url = task_url(open_task(rel, mentee))
    relationships.withdraw(rel, mentor, "Moving abroad")
    client.force_login(mentee)
    come_back(client, url, rel, "This relationship has ended, so this step is no longer waiting on you.", data={})


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
            assert SOMEONE_ELSE in page and "waiting on someone else" not in page
            assert "You do not have access to it." not in page and not any(raw in page for raw in RAW)
    rel.refresh_from_db()
    assert rel.state == ("arranging" if finished else "requested")


def test_signed_out_the_step_sends_to_sign_in_and_back(client, mentee, mentor):
    rel = send(mentee, mentor)
    url = task_url(open_task(rel, mentor))
    for response in (client.get(url), client.post(url, ACCEPT)):
        assert response.status_code == 302
        assert response.url == f"{reverse('account_login')}?next={url}"


def test_a_completed_onboarding_step_says_so(client, mentee):
    onboarding.email_verified(mentee)
    task = open_task_of_onboarding(mentee)
    onboarding.profile_completed(mentee)
    client.force_login(mentee)
    response = client.get(task_url(task))
    assert response.status_code == 302 and response.url == reverse("profile")
    assert "Your profile is already complete." in shown(client.get(response.url))


def test_a_move_the_flow_refuses_says_so_without_its_text(client, mentee, mentor, monkeypatch):
    """Should the flow refuse a move the page's service asks of it, the person reads a sentence, not
    viewflow's exception; nothing is changed (the transaction is rolled back)."""
    from viewflow.fsm import TransitionNotAllowed

    from journeys.views import steps

    def refused(*args, **kwargs):
        raise TransitionNotAllowed('Execute :: no transition from "DONE"')

    rel = send(mentee, mentor)
    url = task_url(open_task(rel, mentor))
    monkeypatch.setattr(steps.relationships, "accept_request", refused)
    client.force_login(mentor)
    response = client.post(url, ACCEPT)
    assert response.status_code == 403
    page = shown(response)
    assert "This step could not be done now, so nothing was changed." in page
    assert not any(raw in page for raw in RAW) and "You do not have access to it." not in page
    rel.refresh_from_db()
    assert rel.state == "requested" and open_task(rel, mentor) is not None


# -- the task's address without execute/ (viewflow's "index"): answered as the step's own address ----

VIEWFLOWS_OWN = "You have no rights to view this task"  # what viewflow's index said to all but the owner


def index_of(url: str) -> str:
    assert url.endswith("/execute/")
    return url.removesuffix("execute/")


def test_the_tasks_index_address_sends_the_owner_of_a_waiting_step_to_its_page(client, first_conversation, mentee):
    rel, task = first_conversation
    url = task_url(task)
    client.force_login(mentee)
    response = client.get(index_of(url))
    assert response.status_code == 302 and response.url == url
    assert client.get(response.url).status_code == 200
    assert open_task(rel, mentee).pk == task.pk  # opening it changes nothing


def test_the_tasks_index_address_of_a_done_step_says_what_became_of_it(client, mentee, mentor):
    rel = send(mentee, mentor)
    url = index_of(task_url(open_task(rel, mentor)))
    relationships.accept_request(rel, mentor)
    client.force_login(mentor)
    page = come_back(client, url, rel, "You have already accepted John Smith's request.")
    assert VIEWFLOWS_OWN not in page
    come_back(
        client, url, rel, "You have already accepted John Smith's request.", data=ACCEPT
    )  # a POST acts on nothing


@pytest.mark.parametrize("finished", [False, True])
def test_the_tasks_index_address_of_someone_elses_step_says_so(client, mentee, mentor, outsider, finished):
    rel = send(mentee, mentor)
    url = index_of(task_url(open_task(rel, mentor)))
    if finished:
        relationships.accept_request(rel, mentor)
    for person in (mentee, outsider):
        client.force_login(person)
        for response in (client.get(url), client.post(url, ACCEPT)):
            assert response.status_code == 403
            page = shown(response)
            assert SOMEONE_ELSE in page and VIEWFLOWS_OWN not in page and not any(raw in page for raw in RAW)
    rel.refresh_from_db()
    assert rel.state == ("arranging" if finished else "requested")


def test_the_tasks_index_address_signed_out_sends_to_sign_in_then_the_step(client, mentee, mentor):
    rel = send(mentee, mentor)
    url = task_url(open_task(rel, mentor))
    response = client.get(index_of(url))
    assert response.status_code == 302 and response.url == f"{reverse('account_login')}?next={url}"
    assert VIEWFLOWS_OWN not in shown(client.get(response.url))


def test_the_tasks_index_address_of_another_step_or_process_is_not_found(client, first_conversation, mentee):
    rel, task = first_conversation
    client.force_login(mentee)
    assert client.get(index_of(url_at(MentoringFlow, "progression", task))).status_code == 404
    assert (
        client.get(index_of(url_at(MentoringFlow, "first_conversation", task, task.process_id + 1000))).status_code
        == 404
    )


def test_the_tasks_index_address_still_takes_a_programme_manager_to_viewflows_detail(client, mentee, mentor):
    from people.tests.factories import make_user

    rel = send(mentee, mentor)
    task = open_task(rel, mentor)
    client.force_login(make_user(email="root@example.com", is_staff=True, is_superuser=True))
    response = client.get(index_of(task_url(task)))
    assert response.status_code == 302
    assert response.url == task.flow_task.reverse("detail", args=[task.process_id, task.pk])


def test_the_onboarding_steps_index_address_too(client, mentee):
    onboarding.email_verified(mentee)
    task = open_task_of_onboarding(mentee)
    client.force_login(mentee)
    response = client.get(index_of(task_url(task)))
    assert response.status_code == 302 and response.url == task_url(task)
    onboarding.profile_completed(mentee)
    response = client.get(index_of(task_url(task)))
    assert response.status_code == 302 and response.url == reverse("profile")
    assert "Your profile is already complete." in shown(client.get(response.url))
