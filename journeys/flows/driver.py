"""How services move a flow on: finish the task a node is waiting on, or cancel.

A human step is a ``flow.View`` node; its page calls a service, and the service
(not the page) finishes the node's task, so the same action taken from another
page (a meeting created under Meet / Video, say) moves the flow in the same way.
"""

from __future__ import annotations

from viewflow.workflow.models import Task
from viewflow.workflow.nodes import Handle
from viewflow.workflow.status import PROCESS

from .. import rules

OPEN_TASK = rules.OPEN_TASK_STATUSES


def open_tasks(processes, node) -> list[Task]:
    return list(Task.objects.filter(process__in=processes, flow_task=node, status__in=OPEN_TASK).order_by("pk"))


def finish(processes, node) -> bool:
    """Finish the open task(s) of ``node``; True if one was waiting."""
    done = False
    for task in open_tasks(processes, node):
        if isinstance(node, Handle):
            node.run(task)
            done = True
            continue
        with task.activation() as activation:
            if rules.task_not_started(task):
                activation.start(None)
            activation.execute()
        done = True
    return done


def cancel(flow_class, processes) -> None:
    for process in processes.exclude(status__in=[PROCESS.DONE, PROCESS.CANCELED]):
        flow_class.instance.cancel(process)
