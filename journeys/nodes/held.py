"""The flow's automatic nodes, with their task rows written once, when the flow comes to rest.

viewflow writes every task it passes as it passes it: a Switch's row is inserted NEW, linked to the
task before it, then updated DONE, with a savepoint around its conditions (five statements); an
End's the same, with its count of the process's open tasks; a Function's the same around its
callback. Between a participant's step and the next, a request or a timer passes two or three of
them, and nothing reads those rows in between: they are the history of a moment no other
transaction can see.

Inside ``rows_held()``, opened where our code moves a flow on (``flows.driver.finish``, a request
starting its journey, the timer dispatcher), these nodes keep their tasks and links in memory
instead, already DONE, and ``HeldRows.write`` inserts them in one statement for the tasks and one
for the links: when the next participant step is created (with its own task and timers, so a step
and the gateways before it cost two statements), else when the block ends. The rows are the ones
viewflow would have written (same nodes, statuses, tokens and links; their times are those of the
moment they are written, within the same transaction), so the diagrams, task lists and history read
them as before. Outside the block (a manager's undo or revive in
viewflow's own screens) the nodes behave exactly as viewflow's.

Two things differ, on purpose:
- Inside the block a Function's callback and a Switch's conditions run without a savepoint of
  their own. An error there reaches the block's transaction and rolls back the whole move (in a
  page's request viewflow already lets it through; the timer dispatcher logs it and fires the timer
  again on its next sweep), instead of marking the node ERROR and carrying on, which would drop a
  reminder silently.
- ``EndOfPath`` is the End of a side path only (a reminder's: a non-interrupting timer's Function
  leads there while its step still waits), so it never ends the process and does not count the
  process's open tasks. ``journeys/tests/test_held_rows.py`` checks every path to one starts at
  such a timer.
"""

from __future__ import annotations

from django.utils.timezone import now
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.context import context
from viewflow.workflow.nodes.end import EndActivation
from viewflow.workflow.nodes.func import FunctionActivation
from viewflow.workflow.nodes.start import StartHandleActivation
from viewflow.workflow.nodes.switch import SwitchActivation
from viewflow.workflow.signals import flow_finished, flow_started, task_finished, task_started
from viewflow.workflow.status import STATUS

from ..flows.held_rows import HeldRows, held, rows_held

__all__ = ["End", "EndOfPath", "Function", "StartHandle", "Switch", "rows_held"]


def write_unless_next_holds(activation) -> None:
    """Write the held rows now if a node that may come next writes its own task the viewflow way (an
    If, a Handle, a Split or Join: it links to the task before it, which must be written by then)."""
    rows = held()
    if rows is not None and not all(
        getattr(edge.dst, "holds_rows", False) for edge in activation.flow_task._outgoing()
    ):
        rows.write()


def _propagating() -> bool:
    return bool(context.propagate_exception)


class HeldTaskActivation(Activation):
    """An automatic node's activation: inside ``rows_held`` its task is created in memory and written
    with the rest when the flow comes to rest."""

    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        rows = held()
        if rows is None:
            return super().create(flow_task, prev_activation, token, data=data, seed=seed)
        task = flow_task.flow_class.task_class(process=prev_activation.process, flow_task=flow_task, token=token)
        task.data = data if data is not None else {}
        task.seed = seed
        rows.add(task, prev_activation.task)
        return cls(task)

    def __hash__(self) -> int:
        # viewflow keeps activations in sets, hashed by their task, which has no id until written.
        return id(self)

    def __eq__(self, other) -> bool:
        return self is other

    def held_here(self) -> bool:
        """The task is held (not written yet) and an error reaches the caller's transaction: the node's
        work runs without a savepoint of its own (module docstring)."""
        return self.task.pk is None and held() is not None and _propagating()

    @Activation.status.super()
    def activate(self):
        """viewflow's Function and End activations, held: started, then the node's ``work``, inside the
        exception guard but without the savepoint (a Switch, which marks nothing started, has its own)."""
        if not self.held_here():
            return super().activate.original()
        with self.exception_guard():
            self.task.started = now()
            task_started.send(sender=self.flow_class, process=self.process, task=self.task)
            self.work()

    def work(self) -> None:
        raise NotImplementedError

    @Activation.status.super()
    def complete(self):
        if self.task.pk is not None or held() is None:
            return super().complete.original()
        finished_held(self)


def finished_held(activation) -> None:
    """A held task done: written DONE with the rest (``HeldRows.write``), or now if the next node needs it."""
    activation.task.finished = now()
    task_finished.send(sender=activation.flow_class, process=activation.process, task=activation.task)
    write_unless_next_holds(activation)


class HeldSwitchActivation(HeldTaskActivation, SwitchActivation):
    @Activation.status.super()
    def activate(self):
        switch = super(HeldTaskActivation, self).activate  # viewflow's: a Switch marks nothing started
        if not self.held_here():
            return switch.original()
        with self.exception_guard():  # the conditions only read the relationship
            self.next_task = next(
                (node for node, condition in self.flow_task._branches if condition is None or condition(self)),
                None,
            )
        if self.next_task is None:  # no branch taken: viewflow's own activation raises its error
            switch.original()


class HeldFunctionActivation(HeldTaskActivation, FunctionActivation):
    def work(self) -> None:
        self.flow_task._func(self)


class HeldEndActivation(HeldTaskActivation, EndActivation):
    def work(self) -> None:
        """viewflow's End: the process is done when no other task of it is open."""
        finishes = self.flow_task.ends_process and not self._others_open(held())
        if finishes:
            self.process.status = STATUS.DONE
            self.process.finished = now()
            self.process.save()
        task_finished.send(sender=self.flow_class, process=self.process, task=self.task)
        if finishes:
            flow_finished.send(sender=self.flow_class, process=self.process, task=self.task)

    def _others_open(self, rows: HeldRows) -> bool:
        """Whether another task of the process is still open: held here, or written already."""
        if rows.any_open(but=self.task):
            return True
        tasks = self.flow_class.task_class._default_manager
        return tasks.filter(process_id=self.process.pk, finished__isnull=True).exists()


class HeldStartActivation(StartHandleActivation):
    """A process started inside ``rows_held``: its start task is written with its first step's."""

    @Activation.status.super()
    def execute(self):
        if held() is None:
            return super().execute.original()
        # Inside the caller's transaction (rows_held needs one): no savepoint of its own.
        task_started.send(sender=self.flow_class, process=self.process, task=self.task)
        self.process.save()
        with self.flow_class.lock(self.process.pk):
            self.complete()
            flow_started.send(sender=self.flow_class, process=self.process, task=self.task)
            self.activate_next()

    @Activation.status.super()
    def complete(self):
        rows = held()
        if rows is None:
            return super().complete.original()
        self.task.process = self.process  # saved just now: the task takes its id
        rows.add(self.task)
        finished_held(self)


class Switch(flow.Switch):
    activation_class = HeldSwitchActivation
    holds_rows = True  # its task may be held (write_unless_next_holds)


class Function(flow.Function):
    activation_class = HeldFunctionActivation
    holds_rows = True


class End(flow.End):
    activation_class = HeldEndActivation
    holds_rows = True
    ends_process = True


class EndOfPath(End):
    """The end of a side path (a reminder's), never of the process: its step still waits."""

    ends_process = False


class StartHandle(flow.StartHandle):
    activation_class = HeldStartActivation
