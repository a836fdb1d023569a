"""How services move a flow on: finish the task a node is waiting on, or cancel.

A human step is a ``flow.View`` node; its page calls a service, and the service
(not the page) finishes the node's task, so the same action taken from another
page (a meeting created under Meet / Video, say) moves the flow in the same way.

``processes`` is a queryset of the processes to act on, or a list of process rows the caller
read under their locks in the transaction it is in (``journeys.services.base.lock``, with
``held=True``): then the flow neither locks them again nor reads them or their tasks twice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from viewflow.workflow.models import Task
from viewflow.workflow.nodes import Handle
from viewflow.workflow.status import PROCESS

from .. import rules
from .held_rows import rows_held
from .locking import held_by_caller

OPEN_TASK = rules.OPEN_TASK_STATUSES

_serving = threading.local()


@contextmanager
def serving(task: Task | None) -> Iterator:
    """A step's page is being served for ``task``, which viewflow's page wrapper read under its
    process's lock (``journeys.nodes.page``): the service the page calls finishes that task as it
    is, when it is the open task of its node (``finish``), instead of looking for it again."""
    outer = getattr(_serving, "task", None)
    _serving.task = task
    try:
        yield
    finally:
        _serving.task = outer


def served_process():
    """The process of the task a step's page serves (``serving``), as its flow's class, or None."""
    task = getattr(_serving, "task", None)
    return None if task is None else task.process.coerced


def open_tasks(processes, node) -> list[Task]:
    return list(Task.objects.filter(process__in=processes, flow_task=node, status__in=OPEN_TASK).order_by("pk"))


def _served(locked: list, node) -> list[Task] | None:
    """``[the page's task]`` when it is the open task ``finish`` looks for: the relationship has the
    one process (locked by the caller) and the task is of ``node`` and still open; else None."""
    task = getattr(_serving, "task", None)
    if task is None or len(locked) != 1 or task.process_id != locked[0].pk:
        return None
    if task.flow_task != node or task.status not in OPEN_TASK:
        return None
    return [task]


@contextmanager
def activation_of(task: Task, prepare: Callable | None = None, held=()) -> Iterator:
    """viewflow's ``Task.activation()``: lock the process, re-read the task under the lock, activate it.

    The process is read once, as its flow's own class (viewflow reads the base row, then the
    subclass row); ``prepare(process)`` may hand it what the caller already holds (the
    relationship a service has just locked and saved), so the flow's nodes do not read it again.
    ``held``: process rows the caller read under their locks in this transaction; when the task's
    process is one of them, the task was read after the lock was taken, so it is current as it is.
    """
    flow_class = task.flow_task.flow_class
    process = next((p for p in held if p.pk == task.process_id), None)
    with held_by_caller([p.pk for p in held]), flow_class.lock(task.process_id):
        if process is None:
            task.refresh_from_db()
            process = flow_class.process_class._default_manager.get(pk=task.process_id)
        if prepare is not None:
            prepare(process)
        task.process = process
        yield task.flow_task.activation_class(task)


def finish(processes, node, prepare: Callable | None = None, *, held: bool = False) -> bool:
    """Finish the open task(s) of ``node``; True if one was waiting (``prepare``: see ``activation_of``;
    ``held``: ``processes`` is a list read under their locks, see the module's docstring)."""
    with rows_held():
        return _finish(processes, node, prepare, held)


def _finish(processes, node, prepare, held: bool) -> bool:
    locked = list(processes) if held else []
    tasks = _served(locked, node) if held else None
    done = False
    for task in tasks if tasks is not None else open_tasks(processes, node):
        if isinstance(node, Handle):
            process = next((p for p in locked if p.pk == task.process_id), None)
            if process is not None:
                task.process = process
            with held_by_caller([p.pk for p in locked]):
                node.run(task)
            done = True
            continue
        with activation_of(task, prepare, locked) as activation:
            if rules.task_not_started(task):
                activation.start(None)
            activation.execute()
        done = True
    return done


def cancel(flow_class, processes, *, held: bool = False) -> None:
    ended = [PROCESS.DONE, PROCESS.CANCELED]
    if not held:
        processes = processes.exclude(status__in=ended)
    with held_by_caller([p.pk for p in processes] if held else []):
        for process in processes:
            if process.status not in ended:
                flow_class.instance.cancel(process)
