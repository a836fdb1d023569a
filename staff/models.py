"""The staff task inbox: cases that need a person from the programme team.

A case is opened by the journey itself (a request left unanswered, a match with no first
meeting, a relationship gone quiet) or by the Contact form. Each case is a process of the
declared ``staff.flows.CaseFlow``: its one human step, "Handle the case", is the task staff
claim from the inbox and work on; finishing it resolves the case, which then stays in the
archive.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from viewflow.workflow.models import Process


class CaseKind(models.TextChoices):
    UNANSWERED_REQUEST = "unanswered_request", "Request not answered"
    NO_FIRST_MEETING = "no_first_meeting", "No first meeting arranged"
    STALLED = "stalled", "Stalled relationship"
    SUPPORT_REQUEST = "support_request", "Support request"
    RAISED_BY_STAFF = "raised_by_staff", "Raised by staff"
    CONCERN = "concern", "Concern from a participant"


class StaffCase(Process):
    kind = models.CharField(max_length=30, choices=CaseKind.choices)
    relationship = models.ForeignKey(
        "journeys.Relationship", null=True, blank=True, on_delete=models.CASCADE, related_name="staff_cases"
    )
    support_request = models.ForeignKey(
        "support.SupportRequest", null=True, blank=True, on_delete=models.CASCADE, related_name="staff_cases"
    )
    # "Raise a concern" (journeys.models.Concern): the participant's own message, shown on the case.
    concern = models.ForeignKey(
        "journeys.Concern", null=True, blank=True, on_delete=models.CASCADE, related_name="staff_cases"
    )
    summary = models.CharField(max_length=300)
    snoozed_until = models.DateField(null=True, blank=True)
    resolution = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "staff case"
        indexes = [models.Index(fields=["kind", "relationship"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"

    @property
    def moved_on(self) -> str:
        """What has changed since the case opened that may have settled it, or ""."""
        rel = self.relationship
        if rel is None or self.status in ("DONE", "CANCELED"):
            return ""
        if self.kind == CaseKind.UNANSWERED_REQUEST and rel.state != "requested":
            return f"Since then the request has moved on: it is now “{rel.get_state_display()}”."
        if self.kind == CaseKind.NO_FIRST_MEETING and rel.state != "arranging":
            return f"Since then the relationship has moved on: it is now “{rel.get_state_display()}”."
        if self.kind == CaseKind.STALLED and rel.last_activity_at > self.created:
            return "There has been activity since the case opened."
        return ""

    @property
    def description(self) -> str:
        """What the case is about, in a sentence.

        People's names are read from their accounts when shown, never copied into the case:
        when someone leaves the programme and their account is anonymised, the case follows.
        ``summary`` holds only the rest (a date, a stage, the reason staff gave).
        """
        rel = self.relationship
        if rel is None:
            return self.summary
        mentee, mentor = rel.mentee.display_name, rel.mentor.display_name
        if self.kind == CaseKind.UNANSWERED_REQUEST:
            return f"{mentor} has not answered {mentee}'s mentoring request {self.summary}."
        if self.kind == CaseKind.NO_FIRST_MEETING:
            return f"{mentee} and {mentor} {self.summary}."
        if self.kind == CaseKind.STALLED:
            return f"Nothing has happened between {mentee} and {mentor} {self.summary}."
        if self.kind == CaseKind.CONCERN:
            by_mentor = self.concern is not None and self.concern.raised_by_id == rel.mentor_id
            who, other = (f"{mentor} (mentor)", mentee) if by_mentor else (f"{mentee} (mentee)", mentor)
            return f"{who} raised a concern about their relationship with {other}: “{self.summary}”"
        return f"{mentee} and {mentor}: {self.summary}"


class StaffNote(models.Model):
    """What staff write down on a case (and what they did); never shown to participants."""

    case = models.ForeignKey(StaffCase, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
