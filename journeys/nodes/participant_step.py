"""A human step of a journey, waiting on one participant.

viewflow's ``flow.View`` needs three calls to say this (a title, who it is assigned
to, and the permission that keeps it out of every other queue: viewflow-notes.md,
"Always pair .Assign with .Permission"). ``ParticipantStep`` says it in one line, so
the flows read like the journey and no step can forget its permission.

Only the platform's own pages act on a participant's task: viewflow's built-in task
actions (assign, unassign; cancel, undo and revive already need the flow's manage
permission) are for programme managers only. Left to viewflow's defaults, the owner
could "unassign" their own step and leave the journey waiting on nobody.

Its reminder timers (``.OnTimeout``) are armed together: viewflow arms each boundary timer on
its own (insert the task, link it to the step, then schedule it in a savepoint: five queries a
timer); a step's timers are written here as two inserts for all of them, already scheduled for
the same moment viewflow's ``TimerActivation.activate`` would set. When the step is done they
are cancelled together in one update, where viewflow re-reads and saves each one (four queries a
timer): ``StepTimer``.

Its page is served at ``<process>/<step>/<task>/execute/`` by ``step_view``, which checks what
viewflow's own wrapper does not (that the task named in the URL is this step's, in that process),
and answers a step that is no longer waiting with what became of it, not with an error. The task's
address without ``execute/`` (viewflow's "index", a redirect that told anyone but the owner of an open
step "You have no rights to view this task" and sent them to the home page) is answered the same way:
the step's page for its owner while it waits, otherwise what its page's address answers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import update_wrapper
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.timezone import now
from django.utils.translation import gettext as _
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.flow.nodes import TimerBoundary
from viewflow.workflow.nodes.boundary import TimerBoundaryActivation
from viewflow.workflow.status import STATUS

from project.errors import Denied

from ..flows.held_rows import held
from ..flows.timing import after_days, days_title

logger = logging.getLogger(__name__)


class ParticipantStep(flow.View):
    """A page served to ``assignee(activation)``, the only person who may complete it."""

    holds_rows = True  # writes the rows held before it with its own (journeys.nodes.held)

    def __init__(self, view: Any, *, title: str, assignee: Callable, **kwargs: Any) -> None:
        super().__init__(view, **kwargs)
        self.Annotation(title=title)
        self.Assign(assignee)
        self.Permission(auto_create=True)

    def After(self, setting: str, then, *, index: int | None = None) -> ParticipantStep:
        """While the step waits, ``then`` runs once ``REMINDERS[setting]`` days have passed (its
        ``index``-th value for a list) and the step goes on waiting; the diagram's title is those days."""
        return self.OnTimeout(after_days(setting, index), then, interrupting=False, title=days_title(setting, index))

    def Until(self, deadline: Callable, then, *, title: str) -> ParticipantStep:
        """The step waits until ``deadline(activation)`` (a datetime) at most: then it stops waiting (its
        task is cancelled, with its other timers) and ``then`` runs; ``title`` is the diagram's."""
        return self.OnTimeout(deadline, then, interrupting=True, title=title)

    @property
    def view_path(self):
        """viewflow's ``View.view_path`` (the same URL and name), served by ``step_view``."""
        return path(f"<int:process_pk>/{self.name}/<int:task_pk>/execute/", step_view(self, self.view), name="execute")

    @property
    def index_path(self):
        """viewflow's ``index_path`` (the same URL and name): the task's address without ``execute/``,
        answered by ``step_view`` as the step's own address is, changing nothing."""
        return path(
            f"<int:process_pk>/{self.name}/<int:task_pk>/", step_view(self, self.view, index=True), name="index"
        )

    def _manager(self, user) -> bool:
        return bool(user and user.is_authenticated and self.flow_class.instance.has_manage_permission(user))

    def can_execute(self, user, task) -> bool:
        """Only the step's owner: viewflow's ``is_owner`` compares the same ids, but reads the owner's
        whole account row to do it (one query on every step page)."""
        return bool(user and user.is_authenticated and task.owner_id is not None and task.owner_id == user.pk)

    def can_assign(self, user, task) -> bool:
        """Taking a step from a queue: managers only (every step is assigned when it is created)."""
        return self._manager(user) and super().can_assign(user, task)

    def can_unassign(self, user, task) -> bool:
        """Giving a step back: managers only, not its owner (the journey would wait on nobody)."""
        return task.owner_id is not None and self._manager(user)

    def OnTimeout(self, delay: Any, then: Any, interrupting: bool = True, title: str | None = None):
        """viewflow's ``Node.OnTimeout`` (the same boundary, named ``<step>__timeout``), as a ``StepTimer``."""
        boundary = StepTimer(None, delay=delay, interrupting=interrupting).Next(then)
        if title is not None:
            boundary.Annotation(title=title)
        self._boundary_specs.append(("timeout", boundary))
        return self

    def _create(self, prev_activation, token, data=None, seed=None):
        """viewflow's ``Node._create``, with the step's timer boundaries armed in one go; inside
        ``rows_held`` the step's task, its timers and the automatic nodes' tasks held before it are
        written together (``held.HeldRows.write``: one INSERT of tasks, one of links)."""
        rows = held()
        if rows is None:
            activation = self.activation_class.create(self, prev_activation, token, data=data, seed=seed)
        else:
            activation = self._unsaved_activation(prev_activation, token, data, seed)
            rows.add(activation.task, prev_activation.task)
        # What this step's task is, for the code that moved the flow on and holds the process (a request
        # just sent names its review task in the mentor's email): ``steps_created(process)``.
        activation.process.__dict__.setdefault("_steps_created", {})[self.name] = activation.task
        timers = [event for event in self._boundary_events if isinstance(event, TimerBoundary)]
        if timers:
            timer_tasks = scheduled_timers(timers, activation)
            if rows is None:
                write_timers(timer_tasks, activation.task)
            else:
                for task in timer_tasks:
                    rows.add(task, activation.task)
        if rows is not None:
            rows.write()
            if self._on_create is not None:
                self._on_create(activation)
        for event in self._boundary_events:
            if event not in timers:
                event._arm(activation)
        return activation

    def _unsaved_activation(self, prev_activation, token, data, seed):
        """viewflow's ``ViewActivation.create`` up to the save: the task, its permission and owner."""
        task = self.flow_class.task_class(process=prev_activation.process, flow_task=self, token=token)
        task.data = data if data is not None else {}
        task.seed = seed
        activation = self.activation_class(task)
        permission = self.calc_owner_permission(activation)
        if permission:
            task.owner_permission = permission
            task.owner_permission_obj = self.calc_owner_permission_obj(activation)
        owner = self.calc_owner(activation)
        if owner:
            task.owner = owner
            task.status = STATUS.ASSIGNED
        return activation


def step_view(node: ParticipantStep, page: Callable, *, index: bool = False) -> Callable:
    """viewflow's ``wrap_view`` (``viewflow.workflow.flow.utils``) for a participant's step: read the
    task named in the URL (a POST under its process's lock, in a transaction), check that the person
    may do it, start it and serve ``page`` with it in ``request.activation``.

    viewflow checks only that the task is of the node's flow: the owner of any task got any other
    step's page at that task's URL (the feedback form, "Reinstate your request", while the journey
    waited on the first conversation), and a POST locked the URL's process, not the task's. Here the
    task must be the node's own, in the URL's process, or the URL names no page (404, not a redirect
    to the task's real page: no link of ours is built that way, and an address that serves some
    other page than the one it names is one more way to be misled). The node is the task's row
    read back (``flow_task``), so the check costs no query.

    Each refusal says one right thing (a transition that is not allowed says why; viewflow put its
    exception's text, ``Start :: no transition from "DONE"``, on the 403 page):

    - not signed in: to sign in, and back (the address may be the owner's, from an email);
    - someone else's step: 403, saying so;
    - the person's own step, once it no longer waits (they did it, or it stopped waiting: the
      request expired, the relationship ended): the page says what became of it and where the
      journey is now (its view's ``over()``, through ``Page.over``), for a GET or a POST sent again.

    ``index``: the task's address without ``execute/`` (``ParticipantStep.index_path``). It is answered as
    above, except that the owner of a step still waiting is sent on to its page (its own address) and
    a programme manager who may view the task to viewflow's detail page, as viewflow's own index did;
    it never acts (no lock, whatever the method).
    """
    flow_class = node.flow_class

    def view(request, *args, process_pk: int, task_pk: int, **kwargs):
        execute_url = node.reverse("execute", args=[process_pk, task_pk])
        if not request.user.is_authenticated:
            return redirect_to_login(execute_url if index else request.get_full_path())

        def serve():
            task = get_object_or_404(flow_class.task_class, pk=task_pk)
            if task.flow_task is not node or task.process_id != process_pk:
                raise Http404("No task of this step matches the given query.")
            if not node.can_execute(request.user, task):
                if index and node._manager(request.user) and node.can_view(request.user, task):
                    return redirect(node.reverse("detail", args=[process_pk, task_pk]))
                raise Denied(_("This step is someone else's, not yours."))
            request.activation = node.activation_class(task)
            if task.status != STATUS.ASSIGNED:  # the only status viewflow's ViewActivation.start starts from
                over = getattr(page, "over", None)
                answer = over(request, *args, process_pk=process_pk, task_pk=task_pk, **kwargs) if over else None
                if answer is None:
                    raise Denied(_("This step is no longer waiting on you."))
                return answer
            if index:
                return redirect(execute_url)
            request.activation.start(request)
            return page(request, *args, process_pk=process_pk, task_pk=task_pk, **kwargs)

        try:
            if request.method == "POST" and not index:
                with flow_class.lock(process_pk), transaction.atomic():
                    return serve()
            return serve()
        except TransitionNotAllowed:
            # The flow refused a move the page's service asked of it (rolled back): not for the person to read.
            logger.warning("Step %s, task %s: the flow refused a transition", node.name, task_pk, exc_info=True)
            raise Denied(_("This step could not be done now, so nothing was changed.")) from None

    update_wrapper(view, page)
    return view


def scheduled_timers(timers: list[TimerBoundary], host_activation) -> list:
    """The timer tasks of ``host_activation``'s step, not saved: the rows viewflow's
    ``BoundaryEventMixin._arm`` then ``TimerActivation.activate`` write (status SCHEDULED,
    ``scheduled`` = now + the timer's delay, the host's token)."""
    host = host_activation.task
    task_class = host.__class__
    tasks = []
    for timer in timers:
        task = task_class(
            process=host_activation.process,
            flow_task=timer,
            flow_task_type=timer.task_type,
            token=host.token,
            data={},
        )
        delay = timer._delay
        if callable(delay):
            delay = delay(timer.activation_class(task))
        if isinstance(delay, timedelta):
            delay = now() + delay
        if not isinstance(delay, datetime):
            raise ValueError(f"Timer delay must be a timedelta or datetime, got {delay!r}")
        task.scheduled = delay
        task.status = STATUS.SCHEDULED
        tasks.append(task)
    return tasks


def write_timers(tasks: list, host) -> None:
    """Insert timer tasks and link them to their (saved) step's task: two statements."""
    task_class = host.__class__
    task_class._default_manager.bulk_create(tasks)
    link = task_class.previous.through
    link._default_manager.bulk_create(
        [link(from_task_id=task.pk, to_task_id=host.pk) for task in tasks], ignore_conflicts=True
    )


class StepTimerActivation(TimerBoundaryActivation):
    """A step's timer, fired by ``journeys.flows.timers.fire_due_timers`` (under its process's lock,
    with ``start`` and ``execute`` one after the other)."""

    @Activation.status.super()
    def start(self):
        """Claimed: the row is written once, DONE, by ``execute`` in the same transaction (viewflow
        writes it STARTED first, a state no other transaction can see)."""
        self.task.started = now()

    @Activation.status.super()
    def execute(self):
        """viewflow's, except that an error on the path after the timer is not recorded as that node's
        ERROR (a reminder silently dropped): it reaches the dispatcher, which rolls the timer back and
        fires it again on its next sweep (``journeys.nodes.held``); and that a timer overtaken by a later
        one of its step (``StepTimer.overtaken``, read with the task) is done without taking its path."""
        if self.flow_task._interrupting:
            self.cancel_host_tasks()
        self.complete()
        if not getattr(self.task, "overtaken", False):
            self.activate_next()

    def cancel_host_tasks(self):
        """An interrupting timer (``Until``) cancels its step, and the step's other timers with it:
        viewflow's cancel of a host task does not tell its boundaries, as finishing it does."""
        hosts = list(self.task.previous.values_list("pk", flat=True))
        super().cancel_host_tasks()
        timers = [e for e in self.flow_task._attached_to._boundary_events if isinstance(e, StepTimer)]
        self.flow_class.task_class._default_manager.filter(
            flow_task__in=timers,
            process_id=self.task.process_id,
            previous__in=hosts,
            status__in=[STATUS.NEW, STATUS.SCHEDULED],
        ).exclude(pk=self.task.pk).update(status=STATUS.CANCELED, finished=now())


class StepTimer(TimerBoundary):
    """A step's timer boundary; the step's first timer cancels them all when the step is done."""

    activation_class = StepTimerActivation

    def overtaken(self) -> dict:
        """The annotation (``overtaken``) the dispatcher reads with this timer's task: whether a later
        timer of the same step is due as well that makes this one pointless: one that takes the same
        path (the second reminder, when the first comes due with it) or that ends the wait (the
        deadline). Timers come due together only when the dispatcher fell behind (no worker or beat
        for days): the person then gets the last reminder only, and none once the deadline has passed,
        never two alike in the same minute. {} for a timer nothing can overtake."""
        if self._interrupting:
            return {}
        later = [
            event
            for event in self._attached_to._boundary_events
            if isinstance(event, StepTimer) and event is not self and (event._interrupting or event._next is self._next)
        ]
        if not later:
            return {}
        also_due = self.flow_class.task_class._default_manager.filter(
            Q(scheduled__gt=OuterRef("scheduled")) | Q(scheduled=OuterRef("scheduled"), pk__gt=OuterRef("pk")),
            process_id=OuterRef("process_id"),
            flow_task__in=later,
            status=STATUS.SCHEDULED,
            scheduled__lte=now(),
        )
        return {"overtaken": Exists(also_due)}

    def _on_host_finished(self, **signal_kwargs):
        host_task = signal_kwargs["task"]
        if host_task.flow_task != self._attached_to:
            return
        timers = [event for event in self._attached_to._boundary_events if isinstance(event, StepTimer)]
        if timers[0] is not self:
            return
        # viewflow's TimerActivation.cancel, for every timer still waiting (a started one fires on).
        self.flow_class.task_class._default_manager.filter(
            flow_task__in=timers,
            process_id=host_task.process_id,
            previous=host_task,
            status__in=[STATUS.NEW, STATUS.SCHEDULED],
        ).update(status=STATUS.CANCELED, finished=now())


def steps_created(process) -> dict:
    """The tasks the participant steps created on this process object while the flow moved on
    (``{node name: task}``), in this request; empty for a process read afresh."""
    return process.__dict__.get("_steps_created", {})
