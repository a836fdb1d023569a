"""A human step of a journey, waiting on one participant.

viewflow's ``flow.View`` needs three calls to say this (a title, who it is assigned
to, and the permission that keeps it out of every other queue: viewflow-notes.md,
"Always pair .Assign with .Permission"). ``ParticipantStep`` says it in one line, so
the flows read like the journey and no step can forget its permission.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from viewflow.workflow import flow


class ParticipantStep(flow.View):
    """A page served to ``assignee(activation)``, the only person who may complete it."""

    def __init__(self, view: Any, *, title: str, assignee: Callable, **kwargs: Any) -> None:
        super().__init__(view, **kwargs)
        self.Annotation(title=title)
        self.Assign(assignee)
        self.Permission(auto_create=True)
