"""The mentoring relationship, declared once (journey.md, "Mentoring relationship").

Read it top to bottom: each human step is a page assigned to the person the
journey waits on; ``Next step`` on the Relationships page opens that page.
"""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.models import Task

from .. import events
from ..models import MentoringProcess, MentoringTask, State
from ..nodes import ParticipantStep, page, steps_created
from ..nodes.held import End, EndOfPath, Function, StartHandle, Switch, rows_held
from ..rules import OPEN_TASK_STATUSES
from ..services import expiry, reminders
from ..stages import STAGES, Stage
from . import driver
from .locking import fresh_process_rows, wait_for_process_row
from .timing import NEVER, days_title, sweep_text


def mentee(activation):
    return activation.process.relationship.mentee


def mentor(activation):
    return activation.process.relationship.mentor


def stage_step(stage: Stage) -> ParticipantStep:
    """A stage's step: its page (the stage's button and message), waiting on the mentee."""
    return ParticipantStep(
        page("journeys.views.steps.CompleteStage", stage=stage.name), title=stage.step_title_lazy, assignee=mentee
    )


def _reminded(activation) -> int:
    """The relationship a reminder is about: the reminder reads it once, with what it needs."""
    return activation.process.relationship_id


def _review_task_id():
    """The mentor's review step waiting on the request (the reminder's answer links name it), read
    with the relationship: ``answer_links.review_task`` as a subquery."""
    tasks = Task.objects.filter(
        process__mentoringprocess__relationship_id=OuterRef("pk"),
        owner_id=OuterRef("mentor_id"),
        flow_task=MentoringFlow.review_request,
        status__in=OPEN_TASK_STATUSES,
    )
    return Subquery(tasks.order_by("-pk").values("pk")[:1])


def request_expiry(activation):
    """When the waiting request expires: the moment the relationship holds (``rules.request_expires_at``,
    set when it was sent or reinstated), or never."""
    expires_at = activation.process.relationship.expires_at
    return expires_at if expires_at is not None else now() + NEVER


def state_is(*states):
    return lambda activation: activation.process.relationship.state in states


class MentoringFlow(flow.Flow):
    process_class = MentoringProcess
    task_class = MentoringTask
    process_title = _("Mentoring relationship")
    process_description = _("One mentoring request, from review to feedback.")
    lock_impl = wait_for_process_row

    # The mentee sends a request (journeys.services.relationships.send_request).
    start = StartHandle(this.start_process).Next(this.review_request)

    # Requested: the mentor reviews, may message first, and accepts or declines.
    # The mentee may edit or withdraw meanwhile (withdrawing finishes this step).
    # Unanswered, the mentor is reminded twice (REQUEST_REMIND_DAYS: 3 and 7 days), then
    # the staff inbox gets a case (REQUEST_ESCALATE_DAYS: 10 days). Still unanswered after
    # REQUEST_EXPIRE_DAYS (21 days), the request expires: the step stops waiting, both are told, the
    # mentee is pointed to other mentors, and staff close the case about it (staff.receivers).
    # (Timers are named in this order, review_request__timeout, __timeout_2 ...: add new ones last.)
    review_request = (
        ParticipantStep(
            page("journeys.views.steps.ReviewRequest"), title=_("Review the mentoring request"), assignee=mentor
        )
        .After("REQUEST_REMIND_DAYS", this.remind_mentor, index=0)
        .After("REQUEST_REMIND_DAYS", this.remind_mentor, index=1)
        .After("REQUEST_ESCALATE_DAYS", this.escalate_request)
        .Until(request_expiry, this.expire_request, title=days_title("REQUEST_EXPIRE_DAYS"))
        .Next(this.after_review)
    )
    expire_request = Function(this.end_unanswered).Annotation(title=_("The request expires")).Next(this.after_expiry)
    # Expired, it ends; if its expiry was moved later meanwhile (not due yet), the review starts again.
    after_expiry = Switch().Case(this.expired, state_is(State.EXPIRED)).Default(this.review_request)
    escalate_request = (
        Function(this.open_unanswered_case).Annotation(title=_("Tell the staff inbox")).Next(this.reminded)
    )
    remind_mentor = Function(this.send_review_reminder).Annotation(title=_("Remind the mentor")).Next(this.reminded)
    after_review = (
        Switch()
        .Case(this.arrange_first_meeting, state_is(State.ARRANGING))
        .Case(this.reinstate_request, state_is(State.REQUEST_WITHDRAWN))
        .Case(this.declined, state_is(State.DECLINED))
        .Default(this.ended)
    )

    # Request withdrawn: the mentee may reinstate it while the mentor has room.
    reinstate_request = ParticipantStep(
        page("journeys.views.steps.ReinstateRequest"), title=_("Reinstate your request"), assignee=mentee
    ).Next(this.review_request)

    # Matched: the mentee arranges the first conversation (or records one arranged elsewhere).
    # No meeting yet: the mentee is reminded (FIRST_MEETING_REMIND_DAYS: 7 days), then the
    # staff inbox gets a case (FIRST_MEETING_ESCALATE_DAYS: 14 days).
    arrange_first_meeting = (
        ParticipantStep(
            page("journeys.views.steps.ArrangeFirstMeeting"), title=_("Arrange your first meeting"), assignee=mentee
        )
        .After("FIRST_MEETING_REMIND_DAYS", this.remind_to_arrange)
        .After("FIRST_MEETING_ESCALATE_DAYS", this.escalate_no_meeting)
        .Next(this.first_conversation)
    )
    escalate_no_meeting = (
        Function(this.open_no_meeting_case).Annotation(title=_("Tell the staff inbox")).Next(this.reminded)
    )
    remind_to_arrange = (
        Function(this.send_arrange_reminder).Annotation(title=_("Remind the mentee")).Next(this.reminded)
    )

    # The three stages (journeys.stages: state, step, transition and page words in one table).
    # First conversation: prepare, meet, set at least one SMART goal, mark the stage completed.
    first_conversation = stage_step(STAGES["first_conversation"]).Next(this.progression)
    # Progression: meetings, milestones, reviews and outcomes; mark the stage completed.
    progression = stage_step(STAGES["progression"]).Next(this.completion)
    # Completion: wrap up, then "Ready to give feedback".
    completion = stage_step(STAGES["completion"]).Next(this.feedback)

    # Feedback: mentee and mentor each give theirs, in parallel; each is reminded after
    # FEEDBACK_REMIND_DAYS (7 days). Still missing after FEEDBACK_ESCALATE_DAYS (14 days), the staff
    # inbox gets a case (one, whoever's feedback is missing), so no relationship sits in Feedback unseen.
    feedback = flow.Split().Next(this.mentee_feedback).Next(this.mentor_feedback)
    mentee_feedback = (
        ParticipantStep(
            page("journeys.views.steps.GiveFeedback"), title=_("Give feedback on your mentoring"), assignee=mentee
        )
        .After("FEEDBACK_REMIND_DAYS", this.remind_mentee_feedback)
        .After("FEEDBACK_ESCALATE_DAYS", this.escalate_no_feedback)
        .Next(this.feedback_given)
    )
    mentor_feedback = (
        ParticipantStep(
            page("journeys.views.steps.GiveFeedback"), title=_("Give feedback on your mentoring"), assignee=mentor
        )
        .After("FEEDBACK_REMIND_DAYS", this.remind_mentor_feedback)
        .After("FEEDBACK_ESCALATE_DAYS", this.escalate_no_feedback)
        .Next(this.feedback_given)
    )
    feedback_given = flow.Join().Next(this.completed)
    remind_mentee_feedback = (
        Function(this.send_mentee_feedback_reminder).Annotation(title=_("Remind the mentee")).Next(this.reminded)
    )
    remind_mentor_feedback = (
        Function(this.send_mentor_feedback_reminder).Annotation(title=_("Remind the mentor")).Next(this.reminded)
    )
    escalate_no_feedback = (
        Function(this.open_no_feedback_case).Annotation(title=_("Tell the staff inbox")).Next(this.reminded)
    )

    completed = End()
    declined = End()
    expired = End()
    ended = End()
    reminded = EndOfPath()  # a reminder's own path ends here; the journey goes on

    def start_process(self, activation, relationship):
        activation.process.relationship = relationship
        return activation.process

    # The reminders (journeys.services.reminders): each checks the step still waits.

    def send_review_reminder(self, activation):
        reminders.remind_mentor_to_review(_reminded(activation), review_task_id=_review_task_id())

    def send_arrange_reminder(self, activation):
        reminders.remind_mentee_to_arrange(_reminded(activation))

    def end_unanswered(self, activation):
        # The relationship the service saved, for the Switch after it to read.
        activation.process.relationship = expiry.expire_request(activation.process.relationship)

    # The escalations: the staff inbox opens a case (staff.receivers).

    def open_unanswered_case(self, activation):
        events.request_unanswered.send(sender=MentoringFlow, relationship=activation.process.relationship)

    def open_no_meeting_case(self, activation):
        events.first_meeting_overdue.send(sender=MentoringFlow, relationship=activation.process.relationship)

    def open_no_feedback_case(self, activation):
        events.feedback_overdue.send(sender=MentoringFlow, relationship=activation.process.relationship)

    def send_mentee_feedback_reminder(self, activation):
        reminders.remind_to_give_feedback(_reminded(activation), "mentee")

    def send_mentor_feedback_reminder(self, activation):
        reminders.remind_to_give_feedback(_reminded(activation), "mentor")


# What else the journey does, outside its steps: a sweep (Celery beat) or an end that can come at
# any matched stage. viewflow draws only the steps, so the Journey diagrams page shows these beside
# the diagram, with the same settings the code runs on.
ALSO = (
    (
        _("Withdrawn or closed"),
        _(
            "At any stage once matched, either of the two may withdraw, and staff may close the relationship: "
            "the journey ends there, whatever step was waiting, its meetings still to come are cancelled, "
            "and the other person is told."
        ),
    ),
    (
        _("Closed when someone stops taking part"),
        _(
            "While a request waits for the mentor, if either of the two leaves the programme or is deactivated "
            "by the programme team, the request is closed for them: the journey ends there and the other person "
            "is told why. A request closed for its mentor is not a decline."
        ),
    ),
    (
        sweep_text(_("Stalled after %(days)s without activity"), days="STALLED_AFTER_DAYS"),
        sweep_text(
            _(
                "No message, meeting or goal update, and no meeting held, for that long opens a case in the "
                "staff inbox (looked for every %(every)s; never, if off). The platform resolves the case as soon "
                "as the two are active again."
            ),
            beat_entry="open-stalled-cases",
        ),
    ),
    (
        sweep_text(_("Feedback missing after %(days)s, with no timer"), days="FEEDBACK_ESCALATE_DAYS"),
        sweep_text(
            _(
                "A relationship that reached feedback before the staff inbox timer above existed, or while it "
                "was off, gets the same one case from the stalled sweep (looked for every %(every)s)."
            ),
            beat_entry="open-stalled-cases",
        ),
    ),
    (
        _("Dated reminders"),
        sweep_text(
            _(
                "Both are reminded the day before each meeting; a goal's owner %(days)s before it is due and once "
                "when it is overdue; the mentee once a first meeting has been held with no goal yet "
                "(sent every %(every)s)."
            ),
            days="GOAL_DUE_SOON_DAYS",
            beat_entry="dated-reminders",
        ),
    ),
)


# --------------------------------------------------------------------------- the flow's events
# What the services tell the flow: each is something that happened in the relationship, and the
# flow decides which step it finishes. No service names a node.


def _processes(relationship):
    """The relationship's processes: as ``services.base.lock`` read them under their locks, or (a
    relationship not read that way) from the database."""
    locked = getattr(relationship, "locked_processes", None)
    return relationship.processes.all() if locked is None else locked


def _finish(relationship, node) -> None:
    locked = getattr(relationship, "locked_processes", None) is not None
    driver.finish(_processes(relationship), node, _holding(relationship), held=locked)


def _holding(relationship):
    """The relationship the service holds (locked and saved), given to the flow's process."""

    def prepare(process) -> None:
        if process.relationship_id == relationship.pk:
            process.relationship = relationship

    return prepare


def request_sent(relationship):
    """A request was sent: its journey starts. Returns the mentor's review task it created (the
    request's email names it in its answer links)."""
    with fresh_process_rows(), rows_held():
        process = MentoringFlow.start.run(relationship=relationship)
    return steps_created(process).get("review_request")


def request_answered(relationship) -> None:
    """The mentor accepted or declined, or the mentee withdrew: the review is over (the Switch
    after it reads the relationship's new state)."""
    _finish(relationship, MentoringFlow.review_request)


def request_reinstated(relationship) -> None:
    _finish(relationship, MentoringFlow.reinstate_request)


def first_meeting_arranged(relationship) -> None:
    _finish(relationship, MentoringFlow.arrange_first_meeting)


STAGE_STEPS = {name: getattr(MentoringFlow, name) for name in STAGES}  # each step is named after its state


def stage_completed(relationship, stage: str) -> None:
    _finish(relationship, STAGE_STEPS[stage])


def feedback_given(relationship, by_mentee: bool) -> None:
    step = MentoringFlow.mentee_feedback if by_mentee else MentoringFlow.mentor_feedback
    _finish(relationship, step)


def ended(relationship) -> None:
    """Withdrawn, closed by staff, or the person left: nothing more waits on anyone."""
    driver.cancel(MentoringFlow, _processes(relationship), held=hasattr(relationship, "locked_processes"))
