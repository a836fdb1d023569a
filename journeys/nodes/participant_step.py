"""A human step of a journey, waiting on one participant.

viewflow's ``flow.View`` needs three calls to say this (a title, who it is assigned
to, and the permission that keeps it out of every other queue: viewflow-notes.md,
"Always pair .Assign with .Permission"). ``ParticipantStep`` says it in one line, so
the flows read like the journey and no step can forget its permission.

Only the platform's own pages act on a participant's task: viewflow's built-in task
actions (assign, unassign; cancel, undo and revive already need the flow's manage
permission) are for programme managers only. Left to viewflow's defaults, the owner
could "unassign" their own step and leave the journey waiting on nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from viewflow.workflow import flow

from ..flows.timing import after_days, days_title


class ParticipantStep(flow.View):
    """A page served to ``assignee(activation)``, the only person who may complete it."""

    def __init__(self, view: Any, *, title: str, assignee: Callable, **kwargs: Any) -> None:
        super().__init__(view, **kwargs)
        self.Annotation(title=title)
        self.Assign(assignee)
        self.Permission(auto_create=True)

    def After(self, setting: str, then, *, index: int | None = None) -> ParticipantStep:
        """While the step waits, ``then`` runs once ``REMINDERS[setting]`` days have passed (its
        ``index``-th value for a list) and the step goes on waiting; the diagram's title is those days."""
        return self.OnTimeout(after_days(setting, index), then, interrupting=False, title=days_title(setting, index))

    def _manager(self, user) -> bool:
        return bool(user and user.is_authenticated and self.flow_class.instance.has_manage_permission(user))

    def can_assign(self, user, task) -> bool:
        """Taking a step from a queue: managers only (every step is assigned when it is created)."""
        return self._manager(user) and super().can_assign(user, task)

    def can_unassign(self, user, task) -> bool:
        """Giving a step back: managers only, not its owner (the journey would wait on nobody)."""
        return task.owner_id is not None and self._manager(user)
