"""A staff case, declared once (journey.md, "Staff task inbox").

Opened by the journey's escalation timers, the stalled-relationship sweep or the Contact
form; waits in the staff queue until someone claims "Handle the case" and resolves it.
"""

from __future__ import annotations

from functools import update_wrapper

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.status import STATUS

from journeys.flows import driver
from journeys.flows.locking import wait_for_process_row
from journeys.nodes import page
from project.roles import is_staff

from .models import StaffCase


class CaseStep(flow.View):
    """viewflow's View, except for a staff member the step no longer waits on: the case was resolved
    (by them, a colleague or the platform: a request that expired), put back in the queue or taken
    over. Their next click on its page (a GET, or a form they were filling in) gets the page's
    ``over()``: the case as it stands and why nothing was changed. viewflow answered 403, "This page
    is not available to you". Anyone else, and the staff member it waits on, get viewflow's answer."""

    @property
    def view_path(self):
        served = super().view_path
        return path(str(served.pattern), case_step_view(self, served.callback), name=served.name)

    def waits_on(self, user, task) -> bool:
        return task.status == STATUS.ASSIGNED and task.owner_id == user.pk


def case_step_view(node: CaseStep, served):
    def view(request, *args, process_pk: int, task_pk: int, **kwargs):
        if is_staff(request.user):
            task = node.flow_class.task_class._default_manager.filter(pk=task_pk, process_id=process_pk).first()
            if task is not None and task.flow_task is node and not node.waits_on(request.user, task):
                return node.view.over(request, *args, process_pk=process_pk, task_pk=task_pk, **kwargs)
        return served(request, *args, process_pk=process_pk, task_pk=task_pk, **kwargs)

    update_wrapper(view, served)
    return view


class CaseFlow(flow.Flow):
    process_class = StaffCase
    process_title = _("Staff case")
    process_description = _("Something in the programme that needs a person from the team.")
    lock_impl = wait_for_process_row

    # journeys' escalation timers, staff.tasks.open_stalled_cases, support.services.
    start = flow.StartHandle(this.start_case).Next(this.handle)

    # In the staff queue until claimed; the page is the case's workspace (nudge, note,
    # snooze, suggest mentors, close the relationship, resolve). Resolving finishes it.
    handle = (
        CaseStep(page("staff.views.HandleCase"))
        .Annotation(title=_("Handle the case"))
        .Permission("handle_case", auto_create=True, help_text=_("Can handle cases in the staff inbox"))
        .Next(this.resolved)
    )

    resolved = flow.End()

    def start_case(self, activation, *, kind, summary, relationship=None, support_request=None, concern=None):
        case = activation.process
        case.kind, case.summary = kind, summary[:300]
        case.relationship, case.support_request, case.concern = relationship, support_request, concern
        return case


# --------------------------------------------------------------------------- the flow's events
# What staff.services tells the case flow; no service names a node.


def case_opened(**details) -> StaffCase:
    """A new case (``kind``, ``summary``, ``relationship``/``support_request``/``concern``), waiting in the queue."""
    return CaseFlow.start.run(**details)


def waiting_task(case: StaffCase):
    """The case's "Handle the case" task while it waits (claimed or not), else None."""
    tasks = driver.open_tasks(StaffCase.objects.filter(pk=case.pk), CaseFlow.handle)
    return tasks[0] if tasks else None


def case_resolved(case: StaffCase) -> None:
    driver.finish(StaffCase.objects.filter(pk=case.pk), CaseFlow.handle)


def case_settled(case: StaffCase) -> None:
    """What the case was about settled itself (the request expired): its step finishes, claimed or not."""
    for task in driver.open_tasks(StaffCase.objects.filter(pk=case.pk), CaseFlow.handle):
        with driver.activation_of(task) as activation:
            if task.status == STATUS.NEW:
                activation.assign(None)  # nobody's: the archive says it was resolved, not by whom
            if task.status != STATUS.STARTED:
                activation.start(None)
            activation.execute()
