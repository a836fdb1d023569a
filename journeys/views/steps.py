"""The pages that flow nodes serve: each is shown only to the person its task is assigned to.

viewflow's wrapper (``journeys.nodes.participant_step.step_view``) has already checked that
``request.user`` owns the task and put it in ``request.activation``. The page calls one service;
the service moves the flow on. Once the step no longer waits (its owner did it, or it stopped
waiting), its address is answered by the page's ``over()``: what became of the step, on the page
where the person goes on from.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from viewflow.workflow.status import STATUS

from people.forms import ProfileForm
from people.models import Profile
from people.services import save_profile

from .. import meeting_records, rules, selectors
from ..forms import DecisionForm, FeedbackForm, MeetingForm
from ..models import MentoringProcess, State
from ..services import activity, relationships
from ..services.base import Refused
from ..stages import STAGES


def step_done(request) -> bool:
    """The step's task was done (not stopped waiting: cancelled by a timer or the journey's end)."""
    return request.activation.task.status == STATUS.DONE


class RelationshipStep(View):
    template_name = ""
    already_done = gettext_lazy("This step is done.")  # what its owner is told when they come back to it

    def process(self) -> MentoringProcess:
        process = self.request.activation.process
        # viewflow's activation already holds the flow's own process class (not the base row).
        if not isinstance(process, MentoringProcess):
            process = process.mentoringprocess
        return process

    def relationship(self):
        return self.process().relationship

    def relationship_id(self) -> int:
        """What a step's service is given: it reads the relationship itself, under its locks."""
        return self.process().relationship_id

    def render(self, status: int = 200, **context):
        rel = self.relationship()
        context.setdefault("relationship", rel)
        context.setdefault("other", rel.other(self.request.user))
        context.setdefault("task", self.request.activation.task)
        context.setdefault("nav", "relationships")
        return render(self.request, self.template_name, context, status=status)

    def done(self, message: str):
        messages.success(self.request, message)
        return redirect("relationship", self.relationship_id())

    def over(self):
        """The step no longer waits: why, on the relationship's page (where it is now, and its next step)."""
        rel = self.relationship()
        messages.info(self.request, self.over_message(rel))
        return redirect("relationship", rel.pk)

    def over_message(self, rel) -> str:
        if step_done(self.request):
            return str(self.already_done)
        if rel.is_ended:
            return _("This relationship has ended, so this step is no longer waiting on you.")
        return _("This step is no longer waiting on you.")


class ReviewRequest(RelationshipStep):
    template_name = "journeys/steps/review_request.html"

    def over_message(self, rel) -> str:
        """The review is over when the mentor answered, and also when the mentee withdrew or the request
        expired: the relationship's state says which."""
        name = {"name": rel.mentee.display_name}
        if rel.state == State.DECLINED:
            return _("You have already declined %(name)s's request.") % name
        if rel.state == State.EXPIRED:
            return _("%(name)s's request expired before it was answered.") % name
        if rel.state == State.REQUEST_WITHDRAWN:
            return _("%(name)s withdrew this request, so there is nothing to answer.") % name
        if rel.state == State.REQUESTED:
            return _("%(name)s's request has been sent to you again since: answer it with Next step.") % name
        if rel.is_matched and not rel.is_ended:
            return _("You have already accepted %(name)s's request.") % name
        return super().over_message(rel)

    def render(self, **context):
        rel = self.relationship()
        # the mentor declined this mentee before: said as they answer again
        context.setdefault("declined", selectors.last_decline(rel.mentee_id, rel.mentor_id))
        # no place left: said before Accept is pressed, with what to do about it
        context.setdefault("no_place", rules.why_no_place_to_accept(rel))
        return super().render(**context)

    def get(self, request, **kwargs):
        return self.render(form=DecisionForm())

    def post(self, request, **kwargs):
        form = DecisionForm(request.POST)
        if not form.is_valid():  # the page again: the error on the message, what was typed kept
            return self.render(form=form, status=400)
        rel = self.relationship_id()
        try:
            # The service's copy of the relationship (read with both people) names the mentee.
            if "decline" in request.POST:
                rel = relationships.decline_request(rel, request.user, form.cleaned_data["message"])
                return self.done(
                    _("You have declined %(name)s's request. They have been told.") % {"name": rel.mentee.display_name}
                )
            rel = relationships.accept_request(rel, request.user, form.cleaned_data["message"])
        except Refused as refused:
            messages.error(request, refused.message)
            return self.render(form=form)
        return self.done(
            _("You are now mentoring %(name)s. Their contact details are below.") % {"name": rel.mentee.display_name}
        )


class ReinstateRequest(RelationshipStep):
    template_name = "journeys/steps/reinstate_request.html"
    already_done = gettext_lazy("You have already reinstated this request.")

    def get(self, request, **kwargs):
        return self.render()

    def post(self, request, **kwargs):
        rel = self.relationship()
        try:
            relationships.reinstate_request(rel, request.user)
        except Refused as refused:
            messages.error(request, refused.message)
            return self.render()
        return self.done(_("Your request to %(name)s has been reinstated.") % {"name": rel.mentor.display_name})


class ArrangeFirstMeeting(RelationshipStep):
    template_name = "journeys/steps/arrange_first_meeting.html"
    already_done = gettext_lazy("Your first meeting is already arranged.")

    def get(self, request, **kwargs):
        return self.render(
            form=MeetingForm(
                initial={"title": _("First conversation"), "send_details": True}, relationship=self.relationship()
            )
        )

    def post(self, request, **kwargs):
        form = MeetingForm(request.POST, relationship=self.relationship())
        if not form.is_valid():
            return self.render(form=form)
        try:
            activity.create_meeting(
                self.relationship_id(),
                request.user,
                **form.meeting_fields(),
                send_details=form.cleaned_data["send_details"],
                arranged_elsewhere=form.cleaned_data["arranged_elsewhere"],
                submission=form.cleaned_data.get("submission"),
            )
        except Refused as refused:
            messages.error(request, refused.message)
            return self.render(form=form)
        return self.done(_("Your first meeting is in the diary. Next: prepare for it and set your SMART goals."))


class CompleteStage(RelationshipStep):
    template_name = "journeys/steps/complete_stage.html"
    stage = ""

    def get(self, request, **kwargs):
        return self.page()

    def over_message(self, rel) -> str:
        if step_done(self.request):
            return _("You have already completed the “%(stage)s” stage.") % {"stage": State(self.stage).label}
        return super().over_message(rel)

    def page(self):
        rel = self.relationship()
        return self.render(
            stage=self.stage,
            stage_label=State(self.stage).label,
            button=STAGES[self.stage].button,
            goals=list(rel.goals.all()),
            open_goals=[g for g in rel.goals.all() if not g.completed_at],
            # The first conversation waits for the first meeting: one still to come (which the mentee may
            # say happened earlier), or, none planned any more, one to arrange.
            first_meeting=meeting_records.first_meeting(rel) if self.stage == "first_conversation" else None,
        )

    def post(self, request, **kwargs):
        try:
            relationships.complete_stage(self.relationship_id(), request.user, self.stage)
        except Refused as refused:
            messages.error(request, refused.message)
            return self.page()
        return self.done(STAGES[self.stage].done)


class GiveFeedback(RelationshipStep):
    template_name = "journeys/steps/give_feedback.html"
    already_done = gettext_lazy("You have already given your feedback. Thank you.")

    def get(self, request, **kwargs):
        return self.render(form=FeedbackForm())

    def post(self, request, **kwargs):
        form = FeedbackForm(request.POST)
        if not form.is_valid():
            return self.render(form=form)
        try:
            relationships.give_feedback(
                self.relationship_id(), request.user, form.cleaned_data["rating"], form.cleaned_data["comments"]
            )
        except Refused as refused:
            messages.error(request, refused.message)
            return self.render(form=form)
        return self.done(_("Thank you for your feedback."))


class CompleteProfile(View):
    """Onboarding: the profile form itself, served as the flow's step."""

    def get(self, request, **kwargs):
        profile, _created = Profile.objects.get_or_create(user=request.user)
        form = ProfileForm(instance=profile, user=request.user)
        return render(
            request, "people/profile.html", {"form": form, "profile": profile, "nav": "profile", "onboarding": True}
        )

    def post(self, request, **kwargs):
        profile, _created = Profile.objects.get_or_create(user=request.user)
        form = ProfileForm(request.POST, instance=profile, user=request.user)
        if not form.is_valid():
            return render(
                request, "people/profile.html", {"form": form, "profile": profile, "nav": "profile", "onboarding": True}
            )
        profile = save_profile(form, request.user)
        if not profile.is_complete:
            messages.warning(
                request,
                _("Saved. Your profile still needs: %(missing)s.") % {"missing": ", ".join(profile.missing_fields())},
            )
            return redirect("profile")
        messages.success(request, _("Your profile is complete."))
        return redirect("find_mentor" if profile.is_mentee else "relationships")

    def over(self):
        """The step no longer waits: the profile page, where it can still be changed."""
        return _onboarding_over(
            self.request, _("Your profile is already complete. You can still change it here."), "profile"
        )


class FindMentor(View):
    """Onboarding: a mentee's step is to find a mentor; Find Mentor does it."""

    def get(self, request, **kwargs):
        return redirect("find_mentor")

    post = get

    def over(self):
        """The step no longer waits: the person's relationships, where their request is."""
        return _onboarding_over(
            self.request, _("You have already sent a request: it is on your Relationships page."), "relationships"
        )


def _onboarding_over(request, done: str, where: str):
    """An onboarding step that no longer waits: ``done`` if the person did it (else why it stopped
    waiting is not theirs to know), on the page ``where`` they go on from."""
    messages.info(request, done if step_done(request) else _("This step is no longer waiting on you."))
    return redirect(where)
