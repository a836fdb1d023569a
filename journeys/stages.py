"""The stages of a matched relationship, declared once.

Each stage is a state of the relationship (``journeys.models.State``), the flow step that waits
while it is under way (``MentoringFlow.<state>``: the step is named after the state), the
model transition that marks it completed, and the words its page uses. The flow builds the
three steps from this table, the service runs the transition it names, and the page shows its
button and message; ``journeys/tests/test_stages.py`` checks the state machine and the flow agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_noop as _

from .models import State


@dataclass(frozen=True)
class Stage:
    state: State  # the relationship's state during the stage, and the name of its flow step
    transition: str  # the Relationship transition that marks it completed
    next_state: State  # where that transition leads
    # The words, as gettext_noop msgids (a stage is declared once, at import): each property below
    # translates its own into the language active when it is read.
    step_title_text: str  # the flow step's title (on the diagrams and in task lists)
    button_text: str  # the page's button
    done_text: str  # what the page says once it is marked completed

    @property
    def name(self) -> str:
        return self.state.value

    @property
    def step_title(self) -> str:
        return gettext(self.step_title_text)

    @property
    def step_title_lazy(self):
        """The step title for the flow's node, which is declared at import and read later."""
        return gettext_lazy(self.step_title_text)

    @property
    def button(self) -> str:
        return gettext(self.button_text)

    @property
    def done(self) -> str:
        return gettext(self.done_text)


STAGES: dict[str, Stage] = {
    stage.name: stage
    for stage in (
        Stage(
            State.FIRST_CONVERSATION,
            "complete_first_conversation",
            State.PROGRESSION,
            _("First conversation and SMART goals"),
            _("Mark stage as completed"),
            _("Stage marked as completed. On to progression!"),
        ),
        Stage(
            State.PROGRESSION,
            "complete_progression",
            State.COMPLETION,
            _("Progress towards your goals"),
            _("Mark stage as completed"),
            _("Stage marked as completed. Time to wrap up."),
        ),
        Stage(
            State.COMPLETION,
            "ready_for_feedback",
            State.FEEDBACK,
            _("Bring the relationship to a close"),
            _("Ready to give feedback"),
            _("Thank you. Both of you can now give feedback."),
        ),
    )
}
