"""Task rows held in memory while a flow moves on, written together when it comes to rest.

The nodes that hold them, and why, are in ``journeys.nodes.held``; this module is only the holding
(the flow's driver and timer dispatcher open the block, below the nodes that use it).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

_state = threading.local()


class HeldRows:
    """Task rows (and their links to the tasks before them) not written yet, in the order created."""

    def __init__(self) -> None:
        self.tasks: list = []
        self.links: list = []  # (task, previous task)

    def add(self, task, previous=None) -> None:
        self.tasks.append(task)
        if previous is not None:
            self.links.append((task, previous))

    def any_open(self, but=None) -> bool:
        """Whether a held task (``but`` aside) is not finished."""
        return any(task is not but and task.finished is None for task in self.tasks)

    def write(self) -> None:
        """Insert the held tasks, then their links: two statements (none when nothing is held)."""
        tasks = [task for task in self.tasks if task.pk is None]
        links = self.links
        self.tasks, self.links = [], []
        if tasks:
            for task in tasks:
                if task.flow_task is not None and not task.flow_task_type:
                    task.flow_task_type = task.flow_task.task_type  # as viewflow's Task.save does
            tasks[0]._meta.concrete_model._base_manager.bulk_create(tasks)  # one table, whatever the proxy
        if links:
            link = links[0][0]._meta.concrete_model.previous.through
            link._default_manager.bulk_create(
                [link(from_task_id=task.pk, to_task_id=previous.pk) for task, previous in links],
                ignore_conflicts=True,
            )


def held() -> HeldRows | None:
    """The rows held by the ``rows_held`` block this thread is in, or None outside one."""
    return getattr(_state, "rows", None)


@contextmanager
def rows_held() -> Iterator[HeldRows | None]:
    """Hold the automatic nodes' rows until the flow comes to rest (``journeys.nodes.held``).

    Only inside a transaction (the rows are written before it commits); nested blocks share the
    outermost one's rows. On an error the held rows are dropped with the transaction they were for.
    """
    if held() is not None or not connection.in_atomic_block:
        yield held()
        return
    rows = _state.rows = HeldRows()
    try:
        yield rows
        rows.write()
    finally:
        _state.rows = None
