"""Onboarding, declared once (journey.md, "Onboarding"):
register → verify email → complete profile → (mentee) find a mentor → first request.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from ..models import OnboardingProcess
from ..nodes import ParticipantStep, page
from ..nodes.held import End, EndOfPath, Function, StartHandle
from ..services import reminders
from . import driver
from .locking import wait_for_process_row


def participant(activation):
    return activation.process.participant


def is_mentee(activation):
    profile = getattr(activation.process.participant, "profile", None)
    return bool(profile and profile.is_mentee)


class OnboardingFlow(flow.Flow):
    process_class = OnboardingProcess
    process_title = _("Onboarding")
    process_description = _("From registering to a complete profile and, for mentees, a first request.")
    lock_impl = wait_for_process_row

    start = StartHandle(this.start_process).Next(this.verify_email)

    # Waits for allauth's email confirmation (people.signals).
    verify_email = flow.Handle().Annotation(title=_("Verify your email address")).Next(this.complete_profile)

    # Reminded after PROFILE_REMIND_DAYS (3 days).
    complete_profile = (
        ParticipantStep(
            page("journeys.views.steps.CompleteProfile"), title=_("Complete your profile"), assignee=participant
        )
        .After("PROFILE_REMIND_DAYS", this.remind_profile)
        .Next(this.mentee_or_mentor)
    )
    mentee_or_mentor = flow.If(is_mentee).Then(this.find_mentor).Else(this.end)

    # A mentee with no request after NO_REQUEST_REMIND_DAYS (7 days) is pointed to suggested mentors.
    find_mentor = (
        ParticipantStep(
            page("journeys.views.steps.FindMentor"), title=_("Find a mentor and send a request"), assignee=participant
        )
        .After("NO_REQUEST_REMIND_DAYS", this.nudge_to_search)
        .Next(this.end)
    )

    remind_profile = Function(this.send_profile_reminder).Annotation(title=_("Remind them")).Next(this.reminded)
    nudge_to_search = Function(this.send_search_nudge).Annotation(title=_("Suggest mentors")).Next(this.reminded)

    end = End()
    reminded = EndOfPath()  # a reminder's own path ends here; onboarding goes on

    def start_process(self, activation, participant):
        activation.process.participant = participant
        return activation.process

    def send_profile_reminder(self, activation):
        reminders.remind_to_complete_profile(activation.process.participant)

    def send_search_nudge(self, activation):
        reminders.nudge_to_find_mentor(activation.process.participant)


def start(user) -> None:
    if not OnboardingProcess.objects.filter(participant=user).exists():
        OnboardingFlow.start.run(participant=user)


def _processes(user):
    return OnboardingProcess.objects.filter(participant=user)


def email_verified(user) -> None:
    """Someone joining (an accepted invitation): onboarding starts if it has not, past its first step."""
    start(user)
    driver.finish(_processes(user), OnboardingFlow.verify_email)


def address_confirmed(user) -> None:
    """allauth confirmed one of ``user``'s addresses (people.signals): their onboarding, if they are
    signing up (``people.services.register_participant`` started it), moves past "verify your email".
    It never starts one: an account made outside sign-up (demo data, createsuperuser, the admin, a
    staff account) confirming an address after changing it is not joining, and a journey started then
    told a mentor or staff member to "complete your profile" and "find a mentor"."""
    if user.is_staff or not OnboardingProcess.objects.filter(participant=user).exists():
        return
    driver.finish(_processes(user), OnboardingFlow.verify_email)


def profile_completed(user) -> None:
    start(user)
    driver.finish(_processes(user), OnboardingFlow.verify_email)
    driver.finish(_processes(user), OnboardingFlow.complete_profile)


def first_request_sent(user) -> None:
    driver.finish(_processes(user), OnboardingFlow.find_mentor)
