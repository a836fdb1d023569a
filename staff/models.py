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
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from journeys import rules as journey_rules
from project.dates import long_date


class CaseKind(models.TextChoices):
    UNANSWERED_REQUEST = "unanswered_request", _("Request not answered")
    NO_FIRST_MEETING = "no_first_meeting", _("No first meeting arranged")
    STALLED = "stalled", _("Stalled relationship")
    SUPPORT_REQUEST = "support_request", _("Support request")
    RAISED_BY_STAFF = "raised_by_staff", _("Raised by staff")
    CONCERN = "concern", _("Concern from a participant")
    NO_FEEDBACK = "no_feedback", _("Feedback not given")


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
        verbose_name = _("staff case")
        indexes = [models.Index(fields=["kind", "relationship"])]

    def __str__(self) -> str:
        return gettext("%(kind)s: %(description)s") % {"kind": self.get_kind_display(), "description": self.description}

    @property
    def moved_on(self) -> str:
        """What has changed since the case opened that may have settled it, or ""."""
        rel = self.relationship
        if rel is None or self.status in ("DONE", "CANCELED"):
            return ""
        if self.kind == CaseKind.UNANSWERED_REQUEST and rel.state != "requested":
            return gettext("Since then the request has moved on: it is now “%(stage)s”.") % {
                "stage": rel.get_state_display()
            }
        if self.kind == CaseKind.NO_FIRST_MEETING and rel.state != "arranging":
            return gettext("Since then the relationship has moved on: it is now “%(stage)s”.") % {
                "stage": rel.get_state_display()
            }
        if self.kind == CaseKind.NO_FEEDBACK and rel.state != "feedback":
            return gettext("Since then the relationship has moved on: it is now “%(stage)s”.") % {
                "stage": rel.get_state_display()
            }
        if self.kind == CaseKind.STALLED:
            # (an update, or a meeting held: the relationship's meetings are prefetched where cases are listed)
            if active := journey_rules.active_again_at(rel, self.created, timezone.now()):
                # the sentence the platform resolves the case with (``services.settled_by``)
                return gettext("The pair were active again on %(date)s.") % {"date": long_date(active)}
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
        names = {"mentee": rel.mentee.display_name, "mentor": rel.mentor.display_name, "summary": self.summary}
        # The summary was written, translated, when the case opened (staff.services): "of 3 March
        # 2027", "were matched on 3 March 2027 and have not arranged a first meeting", "since 3 March
        # 2027 (progression)", "were asked for feedback on 3 March 2027; the mentor has not given it", or
        # the reason staff gave.
        if self.kind == CaseKind.UNANSWERED_REQUEST:
            return gettext("%(mentor)s has not answered %(mentee)s's mentoring request %(summary)s.") % names
        if self.kind in (CaseKind.NO_FIRST_MEETING, CaseKind.NO_FEEDBACK):
            return gettext("%(mentee)s and %(mentor)s %(summary)s.") % names
        if self.kind == CaseKind.STALLED:
            return gettext("Nothing has happened between %(mentee)s and %(mentor)s %(summary)s.") % names
        if self.kind == CaseKind.CONCERN:
            by_mentor = self.concern is not None and self.concern.raised_by_id == rel.mentor_id
            if by_mentor:
                return (
                    gettext(
                        "%(mentor)s (mentor) raised a concern about their relationship with %(mentee)s: “%(summary)s”"
                    )
                    % names
                )
            return (
                gettext("%(mentee)s (mentee) raised a concern about their relationship with %(mentor)s: “%(summary)s”")
                % names
            )
        return gettext("%(mentee)s and %(mentor)s: %(summary)s") % names


class StaffNote(models.Model):
    """What staff write down on a case (and what they did); never shown to participants."""

    case = models.ForeignKey(StaffCase, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]


class RelationshipWaiting(models.Model):
    """Who a relationship's journey waits on, kept for the relationship directory's "Waiting on" filter
    and column (``staff.directory``) so that they cost one join at any size.

    It is ``journeys.rules.waits_on`` (an open task of the relationship's mentoring process owned by
    the mentee, the mentor, or both) written down by the database itself: a trigger on viewflow's task
    table (migration 0004_lead_relationship_waiting) recomputes a relationship's row whenever one of its
    tasks is created or changes status or owner, so no Python code writes it and no journey change can
    forget it. A relationship with no row waits on nobody. Changes to one relationship's tasks are
    serialised by its process lock (the lock order in ``journeys.flows.locking``), so the row always
    reflects the last committed change. ``staff/tests/test_relationship_waiting.py`` checks it against
    the open tasks after every kind of journey step.
    """

    relationship = models.OneToOneField(
        to="journeys.Relationship", on_delete=models.CASCADE, primary_key=True, related_name="waiting"
    )
    mentee = models.BooleanField(default=False)
    mentor = models.BooleanField(default=False)
