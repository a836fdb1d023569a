"""Firing the flows' due timers (Celery beat runs ``journeys.tasks.fire_workflow_timers``).

viewflow's ``fire_due_timers``, with what its reading costs cut down: under the process's lock the
timer's task is read once with its process (the mentoring flow's task class reads the process's own
class and relationship in the same query: ``journeys.models.MentoringTask``), where viewflow reads the
task, then its process, then the process's subclass row; and the nodes after the timer write their
rows together (``journeys.nodes.held``). A timer whose path fails is rolled back whole and stays
due: it is logged, and fired again on the next sweep.
"""

from __future__ import annotations

import logging

from django.utils import timezone
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from ..nodes.participant_step import StepTimer
from .held_rows import rows_held

logger = logging.getLogger(__name__)


def due_timers():
    """The timers due now, oldest first (the partial index ``journeys_timer_due_idx`` serves it)."""
    return Task._default_manager.filter(
        flow_task_type="TIMER", status=STATUS.SCHEDULED, scheduled__lte=timezone.now()
    ).order_by("scheduled")


def fire_due_timers() -> int:
    """Fire every due timer; the number fired. Safe beside another dispatcher: each timer is
    checked again under its process's lock."""
    fired = 0
    for task in due_timers():
        try:
            fired += fire(task)
        except FlowLockFailed:
            logger.info("Timer task %s is locked by another dispatcher, skipped", task.pk)
        except Exception:  # one broken flow must not stop the sweep; this timer is tried again next time
            logger.exception("Timer task %s failed to fire", task.pk)
    return fired


def fire(task) -> bool:
    """Fire one timer if it is still waiting; whether it fired."""
    node = task.flow_task
    if node is None or getattr(node.activation_class, "start", None) is None:
        logger.warning("Timer task %s references a missing node %r, skipped", task.pk, task.flow_task)
        return False
    flow_class = node.flow_class
    with flow_class.lock(task.process_id), rows_held():
        # (read with whether a later timer of its step, due too, overtakes it: StepTimer.overtaken)
        overtaken = node.overtaken() if isinstance(node, StepTimer) else {}
        task = flow_class.task_class._default_manager.annotate(**overtaken).get(pk=task.pk)
        activation = node.activation_class(task)
        if not activation.start.can_proceed():
            return False
        activation.start()
        activation.execute()
        return True
