"""The preparation worksheets (SWOT and G-STAR), each declared once.

The worksheet page, its form, its PDF and the Resources guides all read these definitions, so a
heading is spelt the same everywhere. G-STAR is Lowbridge's model (Goals, Situation, Thinking,
Actions, Results): the definition the programme's Resources guide "Using G-STAR" has always
given; an earlier text page used other words (Target, Alternatives, Review), now gone.
``journeys/tests/test_worksheets.py`` checks the seeded guides name these same headings.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Heading:
    name: str  # the answer's key, stored with each version
    label: str
    prompt: str  # the question under the heading (the field's help text)


@dataclass(frozen=True)
class WorksheetKind:
    slug: str
    title: str
    purpose: str  # one sentence under the title
    headings: tuple[Heading, ...]
    guide_title: str  # the Resources guide that explains it (support/migrations/0003_default_resources.py)

    @property
    def names(self) -> list[str]:
        return [h.name for h in self.headings]


SWOT = WorksheetKind(
    slug="swot",
    title=_("SWOT"),
    purpose=_(
        "Take stock of where you are before your first conversation: strengths and weaknesses are about you, "
        "opportunities and threats about what is around you."
    ),
    headings=(
        Heading("strengths", _("Strengths"), _("What do you do well? What do colleagues come to you for?")),
        Heading(
            "weaknesses",
            _("Weaknesses"),
            _("Where do you lack skills, experience or confidence? What do you tend to avoid?"),
        ),
        Heading(
            "opportunities",
            _("Opportunities"),
            _("What changes, projects, people or training around you could you make use of?"),
        ),
        Heading("threats", _("Threats"), _("What could get in your way, at work or outside it?")),
    ),
    guide_title="Using SWOT",
)

GSTAR = WorksheetKind(
    slug="gstar",
    title=_("G-STAR"),
    purpose=_(
        "Give a mentoring conversation a clear shape, especially when you have a particular issue or goal in mind: "
        "Goals, Situation, Thinking, Actions and Results."
    ),
    headings=(
        Heading("goals", _("Goals"), _("What do you want to achieve?")),
        Heading("situation", _("Situation"), _("Where are you now, and what is happening around you?")),
        Heading("thinking", _("Thinking"), _("How do you feel about it, and what assumptions are you making?")),
        Heading("actions", _("Actions"), _("What could you do? Which options will you choose?")),
        Heading("results", _("Results"), _("What will success look like, and how will you know you have got there?")),
    ),
    guide_title="Using G-STAR",
)

KINDS: dict[str, WorksheetKind] = {SWOT.slug: SWOT, GSTAR.slug: GSTAR}
ANSWER_MAX_LENGTH = 5000
