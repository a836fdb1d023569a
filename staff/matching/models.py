"""Matching rounds: a cohort of mentees matched to mentors in one go, reviewed by staff first.

A ``Round`` holds its people (``RoundMentee``, ``RoundMentor``), the mentees' shortlists
(``ShortlistChoice``), the pairs staff pinned or forbade (``PairRule``) and its current proposal
(``Proposal``: one row per mentee, with their mentor or the reason they have none). Publishing
turns each proposed pair into a mentoring request (``journeys.Relationship``, proposed by the
programme); a declined one stays as history (``Proposal.Status.DECLINED``), and so does one closed
because its mentor stopped taking part before answering (``Proposal.Status.CLOSED``: no decline).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_SHORTLIST = 3


class Round(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open: reviewing proposals")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    class OnDecline(models.TextChoices):
        NOTHING = "nothing", _("Do nothing: the mentee stays unmatched")
        PROPOSE = "propose", _("Propose the mentee's next best mentor, for staff to publish")
        PUBLISH = "publish", _("Propose and publish the mentee's next best mentor at once")

    name = models.CharField(_("name"), max_length=120)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    shortlist_closes_on = models.DateField(
        _("shortlists close on"),
        null=True,
        blank=True,
        help_text=_(
            "Mentees may shortlist up to three mentors until the end of this day. Leave empty for no shortlists."
        ),
    )
    shortlist_weight = models.DecimalField(
        _("shortlist weight"),
        max_digits=6,
        decimal_places=2,
        default=2,
        help_text=_("Points added to a pair's score when the mentee shortlisted that mentor."),
    )
    min_score = models.DecimalField(
        _("minimum score"),
        max_digits=6,
        decimal_places=2,
        default=1,
        help_text=_("A pair scoring less than this is never proposed: the mentee is left unmatched instead."),
    )
    mentor_cap = models.PositiveSmallIntegerField(
        _("most mentees per mentor in this round"),
        null=True,
        blank=True,
        help_text=_("Optional. Mentors never get more than their places left, whatever this says."),
    )
    avoid_same_organisation = models.BooleanField(_("never pair people from the same organisation"), default=True)
    avoid_past_pairs = models.BooleanField(_("never propose a pair that was declined or ended before"), default=True)
    on_decline = models.CharField(
        _("when a mentor declines a proposed request or stops taking part"),
        max_length=10,
        choices=OnDecline.choices,
        default=OnDecline.PROPOSE,
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    proposal_seconds = models.FloatField(null=True, blank=True)
    rules_changed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Publishing runs in the background (``tasks.publish_round``): while it runs, ``publishing_since``
    # is set and the counters say how far it got; ``publish_seen_at`` is its last sign of life, so a
    # run whose worker died (or whose queue message was lost) is started again, by staff or by the sweep
    # ``tasks.resume_waiting_work`` (see ``services.PUBLISH_STALE_SECONDS``), as ``publishing_by``.
    publishing_since = models.DateTimeField(null=True, blank=True)
    publishing_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    publish_seen_at = models.DateTimeField(null=True, blank=True)
    publish_total = models.PositiveIntegerField(default=0)
    publish_sent = models.PositiveIntegerField(default=0)
    publish_refused = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("matching round")

    def __str__(self) -> str:
        return self.name

    @property
    def shortlisting_open(self) -> bool:
        return (
            self.status != self.Status.CLOSED
            and self.shortlist_closes_on is not None
            and timezone.localdate() <= self.shortlist_closes_on
        )

    @property
    def publish_done(self) -> int:
        return self.publish_sent + self.publish_refused

    @property
    def needs_rerun(self) -> bool:
        return self.rules_changed_at is not None and (
            self.proposed_at is None or self.rules_changed_at > self.proposed_at
        )


class RoundMentee(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="mentees")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="matching_rounds")
    added_at = models.DateTimeField(default=timezone.now)
    invited_at = models.DateTimeField(null=True, blank=True)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    note = models.TextField(_("a few words for your mentor"), blank=True, max_length=2000)
    shortlist_saved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "mentee"], name="matching_one_entry_per_mentee")]


class RoundMentor(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="mentors")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "mentor"], name="matching_one_entry_per_mentor")]


class ShortlistChoice(models.Model):
    entry = models.ForeignKey(RoundMentee, on_delete=models.CASCADE, related_name="shortlist")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "mentor"], name="matching_shortlist_once"),
            models.UniqueConstraint(fields=["entry", "rank"], name="matching_shortlist_rank_once"),
            models.CheckConstraint(condition=Q(rank__gte=1, rank__lte=MAX_SHORTLIST), name="matching_shortlist_rank"),
        ]


class PairRule(models.Model):
    class Kind(models.TextChoices):
        PIN = "pin", _("Pinned")
        FORBID = "forbid", _("Forbidden")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="rules")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "mentee", "mentor"], name="matching_one_rule_per_pair"),
            models.UniqueConstraint(
                fields=["round", "mentee"], condition=Q(kind="pin"), name="matching_one_pin_per_mentee"
            ),
        ]


class Reason(models.TextChoices):
    """Why a mentee of the proposal has no mentor (``proposal.why_unmatched``)."""

    NO_MENTORS = "no_mentors", _("The round has no mentors with a place left.")
    ONLY_THEMSELVES = (
        "only_themselves",
        _("The round's only mentor is this mentee themselves: no one else can mentor them."),
    )
    BELOW_MINIMUM = "below_minimum", _("No mentor scores at least the minimum.")
    EXCLUDED = "excluded", _("Every mentor who scores at least the minimum is excluded by the round's rules.")
    FULL = "full", _("Every mentor who scores at least the minimum and could be paired is full.")
    DECLINED = "declined", _("The proposed mentor declined, and the round does not propose another.")
    CLOSED_FOR_MENTOR = (
        "closed_for_mentor",
        _(
            "The proposed mentor stopped taking part (left the programme, or was deactivated) before answering, "
            "and the round does not propose another."
        ),
    )
    INELIGIBLE = (
        "ineligible",
        _("No longer a mentee who can be matched (the account is closed, or they have a mentor or an open request)."),
    )


class Proposal(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        UNMATCHED = "unmatched", _("Unmatched")
        PUBLISHED = "published", _("Published")
        DECLINED = "declined", _("Declined by the mentor")
        # The mentor left the programme or was deactivated before answering: not their decline.
        CLOSED = "closed", _("Closed: the mentor stopped taking part")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="proposals")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    score = models.IntegerField(default=0)  # hundredths: the match score plus the shortlist weight
    match_score = models.IntegerField(default=0)  # hundredths: the Find Mentor score
    keyword_hit = models.BooleanField(default=False)
    shortlisted = models.BooleanField(default=False)
    pinned = models.BooleanField(default=False)
    reason = models.CharField(max_length=20, blank=True, choices=Reason.choices)
    detail = models.JSONField(default=dict, blank=True)
    relationship = models.ForeignKey(
        "journeys.Relationship", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    problem = models.TextField(blank=True)  # why publishing this pair was refused, in the refusal's words
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "mentee"],
                condition=~Q(status__in=["declined", "closed"]),  # PAST_STATUSES
                name="matching_one_current_proposal",
            ),
        ]
        indexes = [models.Index(fields=["round", "status"])]


# A mentee's rows that are history, not their current row: a published pair its mentor declined, or one
# closed because its mentor stopped taking part (the constraint above spells the same two values).
PAST_STATUSES = [Proposal.Status.DECLINED, Proposal.Status.CLOSED]
