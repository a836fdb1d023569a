"""How services move a flow on: finish the task a node is waiting on, or cancel.

A human step is a ``flow.View`` node; its page calls a service, and the service
(not the page) finishes the node's task, so the same action taken from another
page (a meeting created under Meet / Video, say) moves the flow in the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from viewflow.workflow.models import Task
from viewflow.workflow.nodes import Handle
from viewflow.workflow.status import PROCESS

from .. import rules

OPEN_TASK = rules.OPEN_TASK_STATUSES


def open_tasks(processes, node) -> list[Task]:
    return list(Task.objects.filter(process__in=processes, flow_task=node, status__in=OPEN_TASK).order_by("pk"))


@contextmanager
def activation_of(task: Task, prepare: Callable | None = None) -> Iterator:
    """viewflow's ``Task.activation()``: lock the process, re-read the task under the lock, activate it.

    The process is read once, as its flow's own class (viewflow reads the base row, then the
    subclass row); ``prepare(process)`` may hand it what the caller already holds (the
    relationship a service has just locked and saved), so the flow's nodes do not read it again.
    """
    flow_class = task.flow_task.flow_class
    with flow_class.lock(task.process_id):
        task.refresh_from_db()
        process = flow_class.process_class._default_manager.get(pk=task.process_id)
        if prepare is not None:
            prepare(process)
        task.process = process
        yield task.flow_task.activation_class(task)


def finish(processes, node, prepare: Callable | None = None) -> bool:
    """Finish the open task(s) of ``node``; True if one was waiting (``prepare``: see ``activation_of``)."""
    done = False
    for task in open_tasks(processes, node):
        if isinstance(node, Handle):
            node.run(task)
            done = True
            continue
        with activation_of(task, prepare) as activation:
            if rules.task_not_started(task):
                activation.start(None)
            activation.execute()
        done = True
    return done


def cancel(flow_class, processes) -> None:
    for process in processes.exclude(status__in=[PROCESS.DONE, PROCESS.CANCELED]):
        flow_class.instance.cancel(process)
