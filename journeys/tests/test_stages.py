"""The stage table (journeys.stages) agrees with the state machine, the flow and the pages."""

import pytest
from django.urls import reverse

from journeys.flows.mentoring import MentoringFlow
from journeys.models import Relationship, State
from journeys.stages import STAGES

from .helpers import send, walk_to


def _transitions():
    return {t.name: t for t in Relationship().get_all_state_transitions()}


@pytest.mark.parametrize("name", list(STAGES))
def test_each_stage_is_a_state_a_transition_and_a_flow_step(name):
    stage = STAGES[name]
    transition = _transitions()[stage.transition]
    assert transition.source == stage.state and transition.target == stage.next_state
    step = getattr(MentoringFlow, name)  # the step is named after its state
    assert step.task_title == stage.step_title
    assert step._view.initkwargs == {"stage": name}  # its page is the stage's page


def test_the_stages_follow_one_another_as_the_flow_does():
    names = list(STAGES)
    for here, there in zip(names, names[1:], strict=False):
        assert STAGES[here].next_state == STAGES[there].state
        step = getattr(MentoringFlow, here)
        assert [edge.dst.name for edge in step._outgoing() if edge.edge_class == "next"] == [there]
    assert STAGES[names[-1]].next_state == State.FEEDBACK


@pytest.mark.django_db
def test_the_page_shows_the_stages_button_and_message(client, mentee, mentor):
    rel = walk_to(send(mentee, mentor), mentee, mentor, "completion")
    client.force_login(mentee)
    page = client.get(reverse("next_step", args=[rel.pk]), follow=True).content.decode()
    assert STAGES["completion"].button in page
    response = client.post(client.get(reverse("next_step", args=[rel.pk])).url, follow=True)
    assert STAGES["completion"].done in response.content.decode()
    rel.refresh_from_db()
    assert rel.state == STAGES["completion"].next_state
