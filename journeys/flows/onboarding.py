"""Onboarding, declared once (journey.md, "Onboarding"):
register → verify email → complete profile → (mentee) find a mentor → first request.
"""

from __future__ import annotations

from viewflow import this
from viewflow.workflow import flow

from ..models import OnboardingProcess
from ..nodes import ParticipantStep
from ..views import steps
from . import driver
from .locking import wait_for_process_row


def participant(activation):
    return activation.process.participant


def is_mentee(activation):
    profile = getattr(activation.process.participant, "profile", None)
    return bool(profile and profile.is_mentee)


class OnboardingFlow(flow.Flow):
    process_class = OnboardingProcess
    process_title = "Onboarding"
    process_description = "From sign-up to a complete profile and, for mentees, a first request."
    lock_impl = wait_for_process_row

    start = flow.StartHandle(this.start_process).Next(this.verify_email)

    # Waits for allauth's email confirmation (people.signals).
    verify_email = flow.Handle().Annotation(title="Verify your email address").Next(this.complete_profile)

    complete_profile = ParticipantStep(
        steps.CompleteProfile.as_view(), title="Complete your profile", assignee=participant
    ).Next(this.mentee_or_mentor)
    mentee_or_mentor = flow.If(is_mentee).Then(this.find_mentor).Else(this.end)

    find_mentor = ParticipantStep(
        steps.FindMentor.as_view(), title="Find a mentor and send a request", assignee=participant
    ).Next(this.end)

    end = flow.End()

    def start_process(self, activation, participant):
        activation.process.participant = participant
        return activation.process


def start(user) -> None:
    if not OnboardingProcess.objects.filter(participant=user).exists():
        OnboardingFlow.start.run(participant=user)


def _processes(user):
    return OnboardingProcess.objects.filter(participant=user)


def email_verified(user) -> None:
    start(user)
    driver.finish(_processes(user), OnboardingFlow.verify_email)


def profile_completed(user) -> None:
    start(user)
    driver.finish(_processes(user), OnboardingFlow.verify_email)
    driver.finish(_processes(user), OnboardingFlow.complete_profile)


def first_request_sent(user) -> None:
    driver.finish(_processes(user), OnboardingFlow.find_mentor)
