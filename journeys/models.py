"""The mentoring relationship and everything that happens inside it.

The relationship's lifecycle is a declared state machine (django-fsm). Each
``@transition`` lists its guards; every guard carries the sentence shown to a
person when it refuses (see ``journeys.rules``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from viewflow.workflow.managers import TaskQuerySet
from viewflow.workflow.models import Process, Task

from people.models import AreaOfSupport

from . import rules, worksheets

# The states and their groups live in ``journeys.states`` (one name per group); they are
# re-exported here for the code that reads them with the models.
from .states import (  # noqa: F401  (re-exported)
    CAPACITY_STATES,
    ENDED_STATES,
    MATCHED_STATES,
    OPEN_REQUEST_STATES,
    OPEN_STATES,
    WORKING_STATES,
    State,
)


class Conversation(models.Model):
    """The private thread between one mentee and one mentor.

    It starts with Ask Question (or the first message of a relationship) and
    stays attached to every request that follows between the two.
    """

    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mentee", "mentor"], name="one_conversation_per_pair")]

    def __str__(self) -> str:
        return f"{self.mentee} ↔ {self.mentor}"

    def has_member(self, user) -> bool:
        return user.pk in (self.mentee_id, self.mentor_id)

    def other(self, user):
        return self.mentor if user.pk == self.mentee_id else self.mentee


class Relationship(ConcurrentTransitionMixin, models.Model):
    """One mentoring request and, once accepted, the relationship it became."""

    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="relationships_as_mentee"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="relationships_as_mentor"
    )
    conversation = models.ForeignKey(Conversation, on_delete=models.PROTECT, related_name="relationships")
    area = models.ForeignKey(AreaOfSupport, verbose_name=_("area I need support with"), on_delete=models.PROTECT)
    statement = models.TextField(_("personal statement"))
    state = FSMField(default=State.REQUESTED, choices=State.choices, protected=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    matched_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    # A request the programme proposed (a matching round, staff.matching) rather than one the
    # mentee sent: it enters the same review step; both people see that it was proposed.
    proposed_by_programme = models.BooleanField(_("proposed by the programme"), default=False)
    # While the request waits for the mentor: when it expires unanswered (REQUEST_EXPIRE_DAYS after it
    # was sent or reinstated; None: never). The review step's timer fires then (journeys.flows.mentoring).
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True, default=rules.request_expires_at)
    # When the mentee last reinstated the request they had withdrawn (None: never): its reminders,
    # escalation and expiry count from then, so the emails and the staff case say it beside the first date.
    reinstated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mentee", "mentor"],
                condition=Q(state__in=[s.value for s in OPEN_STATES], ended_at__isnull=True),  # rules.is_open
                name="one_open_relationship_per_pair",
            ),
            models.CheckConstraint(condition=~Q(mentee=models.F("mentor")), name="no_self_mentoring"),
        ]
        ordering = ["-created_at"]
        # The staff directory's sorts and its stalled filter (staff.directory), at any size.
        # With the id, as the directory orders (the date, then the id): many rows can share a date.
        indexes = [
            models.Index(fields=["created_at", "id"], name="relationship_created_idx"),
            models.Index(fields=["last_activity_at", "id"], name="relationship_activity_idx"),
            models.Index(fields=["ended_at", "id"], name="relationship_ended_idx"),
            # (and, on PostgreSQL only, "latest ended first": migration 0011_lead_ended_desc_index)
        ]

    def __str__(self) -> str:
        return gettext("%(mentee)s mentored by %(mentor)s") % {"mentee": self.mentee, "mentor": self.mentor}

    def role_of(self, user) -> str | None:
        if user.pk == self.mentee_id:
            return "mentee"
        if user.pk == self.mentor_id:
            return "mentor"
        return None

    def other(self, user):
        return self.mentor if user.pk == self.mentee_id else self.mentee

    @property
    def is_matched(self) -> bool:
        return self.matched_at is not None

    @property
    def is_ended(self) -> bool:
        """Ended by its state, or a withdrawn request that ended when one of the two left (``rules.has_ended``)."""
        return rules.has_ended(self)

    # -- the declared lifecycle -------------------------------------------------
    @transition(field=state, source=State.REQUESTED, target=State.REQUESTED)
    def edit(self):
        """The mentee changed the request while the mentor still reviews it."""

    @transition(field=state, source=State.REQUESTED, target=State.REQUEST_WITHDRAWN)
    def withdraw_request(self):
        pass

    @transition(
        field=state,
        source=State.REQUEST_WITHDRAWN,
        target=State.REQUESTED,
        conditions=[rules.request_not_ended, rules.mentor_open_to_requests, rules.mentor_has_capacity],
    )
    def reinstate(self):
        self.reinstated_at = timezone.now()
        self.expires_at = rules.request_expires_at(self.reinstated_at)

    @transition(
        field=state,
        source=State.REQUESTED,
        target=State.ARRANGING,
        conditions=[rules.request_within_its_date, rules.mentor_has_capacity],
    )
    def accept(self):
        self.matched_at = timezone.now()

    @transition(field=state, source=State.REQUESTED, target=State.DECLINED, conditions=[rules.request_within_its_date])
    def decline(self):
        self.ended_at = timezone.now()

    @transition(field=state, source=State.REQUESTED, target=State.REQUEST_CLOSED)
    def close_for_mentor(self):
        """The mentor stopped taking part (left the programme, or was deactivated) before answering:
        the request ends for them, not by them. Its history row says which (``services.relationships``)."""
        self.ended_at = timezone.now()

    @transition(field=state, source=State.REQUESTED, target=State.EXPIRED, conditions=[rules.request_past_expiry])
    def expire(self):
        """Nobody answered the request in REQUEST_EXPIRE_DAYS (the review step's timer)."""
        self.ended_at = timezone.now()

    @transition(
        field=state,
        source=State.ARRANGING,
        target=State.FIRST_CONVERSATION,
        conditions=[rules.has_meeting],
    )
    def first_meeting_arranged(self):
        pass

    @transition(
        field=state,
        source=State.FIRST_CONVERSATION,
        target=State.PROGRESSION,
        conditions=[rules.has_goal, rules.first_meeting_held],
    )
    def complete_first_conversation(self):
        pass

    @transition(field=state, source=State.PROGRESSION, target=State.COMPLETION)
    def complete_progression(self):
        pass

    @transition(field=state, source=State.COMPLETION, target=State.FEEDBACK)
    def ready_for_feedback(self):
        pass

    @transition(
        field=state,
        source=State.FEEDBACK,
        target=State.COMPLETED,
        conditions=[rules.both_gave_feedback],
    )
    def complete(self):
        self.ended_at = timezone.now()

    @transition(field=state, source=MATCHED_STATES, target=State.WITHDRAWN)
    def withdraw(self):
        self.ended_at = timezone.now()

    @transition(
        field=state,
        source=State.REQUEST_WITHDRAWN,
        target=State.REQUEST_WITHDRAWN,
        conditions=[rules.request_not_ended],
    )
    def leave_programme(self):
        """One of the two people of a withdrawn request left the programme: it ends, and can no longer be
        reinstated. It stays a withdrawn request (never a relationship: it was not accepted), so the
        programme's figures count it as one; ``ended_at`` says it ended (``rules.has_ended``)."""
        self.ended_at = timezone.now()

    @transition(field=state, source=OPEN_STATES, target=State.CLOSED, conditions=[rules.request_not_ended])
    def close(self):
        self.ended_at = timezone.now()


class StateChange(models.Model):
    """The relationship's history: who moved it, when, from where to where, and why."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="history")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=60)
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    ACTION_LABELS = {
        "send_request": _("Sent the mentoring request"),
        "propose_request": _("Proposed this pair for the programme"),
        "edit": _("Edited the request"),
        "withdraw_request": _("Withdrew the request"),
        "reinstate": _("Reinstated the request"),
        "accept": _("Accepted the request"),
        "decline": _("Declined the request"),
        "expire": _("The request expired unanswered"),
        # A request closed for someone who stopped taking part, not by them (``services.relationships``).
        "request_closed_mentor_left": _("Request closed: the mentor left the programme"),
        "request_closed_mentor_deactivated": _(
            "Request closed by the programme team: the mentor is not taking part for now"
        ),
        "request_closed_mentee_deactivated": _(
            "Request closed by the programme team: the mentee is not taking part for now"
        ),
        "first_meeting_arranged": _("Arranged the first meeting"),
        "complete_first_conversation": _("Marked the first conversation as completed"),
        "complete_progression": _("Marked progression as completed"),
        "ready_for_feedback": _("Ready to give feedback"),
        "give_feedback": _("Gave feedback"),
        "complete": _("Completed the relationship"),
        "withdraw": _("Withdrew from the relationship"),
        "close": _("Closed the relationship"),
        "close_request": _("Closed the request"),  # staff, before the mentor accepted it
        "leave_programme": _("Left the programme"),
        "create_meeting": _("Created a meeting"),
        "update_meeting": _("Changed a meeting"),
        "cancel_meeting": _("Cancelled a meeting"),
        "cancel_meeting_at_end": _("Meeting cancelled: the relationship ended"),
        "meeting_held": _("Marked a meeting as held"),
        "meeting_not_held": _("Marked a meeting as not having happened"),
        "met_earlier": _("Said the first meeting happened earlier than planned"),
        "add_meeting_note": _("Added notes to a meeting"),
        "create_goal": _("Set a goal"),
        "update_goal": _("Changed a goal"),
        "delete_goal": _("Deleted a goal"),
        "complete_goal": _("Completed a goal"),
        "add_milestone": _("Added a milestone"),
        "add_review": _("Added a review"),
        "add_outcome": _("Added an outcome"),
        "save_worksheet": _("Saved a worksheet"),
        "comment_worksheet": _("Commented on a worksheet"),
    }

    @property
    def action_label(self) -> str:
        return str(self.ACTION_LABELS.get(self.action, self.action.replace("_", " ").capitalize()))

    def from_label(self) -> str:
        return str(State(self.from_state).label) if self.from_state else ""

    def to_label(self) -> str:
        if self.action == "leave_programme":
            return gettext("Ended: left the programme")
        return str(State(self.to_state).label)


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


def private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class Attachment(models.Model):
    file = models.FileField(upload_to=attachment_path, storage=private_storage)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.download_name

    @property
    def download_name(self) -> str:
        """The name it is shown and downloaded under: a text file's always ends in ".txt", so that
        opened from a downloads folder it is read as text, never run as a web page (files stored
        before the upload check said so keep their name otherwise)."""
        return text_file_name(self.original_name) if self.content_type == "text/plain" else self.original_name


def text_file_name(name: str) -> str:
    """``name`` ending in ".txt": "notes.txt" stays, "notes.md" becomes "notes.md.txt", "notes" "notes.txt"."""
    return name if name.lower().endswith(".txt") else f"{name}.txt"


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    attachment = models.OneToOneField(Attachment, null=True, blank=True, on_delete=models.SET_NULL)
    is_question = models.BooleanField(default=False)
    sent_at = models.DateTimeField(default=timezone.now)
    # The email (outbox row) that tells the other person of it, with the rest of its burst
    # (journeys.services.activity: one email per conversation per quiet period).
    email_batch = models.ForeignKey(
        "notifications.Notification", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["sent_at", "pk"]


class MeetingOutcome(models.TextChoices):
    HELD = "held", _("Held")
    NOT_HELD = "not_held", _("Did not happen")


class Meeting(models.Model):
    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="meetings")
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=150)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    location = models.CharField(_("method / location"), max_length=200, blank=True)
    details = models.TextField(blank=True)
    video = models.BooleanField(_("video chat meeting"), default=False)
    video_token = models.CharField(max_length=40, default="", blank=True)
    arranged_elsewhere = models.BooleanField(default=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    sequence = models.PositiveIntegerField(default=0)
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    # After its start time either person may say whether it took place (journeys.services.meetings).
    # Unsaid, a meeting whose time has passed counts as held: the one rule is journeys.rules.held_q.
    outcome = models.CharField(max_length=10, choices=MeetingOutcome.choices, blank=True, default="")
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome_at = models.DateTimeField(null=True, blank=True)
    # When the mentee said the first meeting happened earlier than planned: the time it was planned for.
    planned_starts_at = models.DateTimeField(null=True, blank=True)
    # The form it was made from (journeys.forms.MeetingForm's hidden ``submission``): that form sent
    # again unchanged (a double click, Back and Save) finds this meeting instead of making a second.
    submission = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(
                fields=["relationship", "submission"],
                condition=models.Q(submission__isnull=False),
                name="meeting_by_submission",
            )
        ]

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def ends_at(self):
        return self.starts_at + timezone.timedelta(minutes=self.duration_minutes)

    @property
    def video_url(self) -> str:
        if not self.video:
            return ""
        return f"{settings.VIDEO_CHAT_BASE_URL.rstrip('/')}/mentoring-{self.video_token}"


class MeetingNote(models.Model):
    """Notes on a meeting, written after its start time by either of the two: private to them
    (staff pages never show them), in each one's data export, scrubbed on erasure like messages."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]


class CalendarFeed(models.Model):
    """One person's secret calendar address: every meeting of theirs, in both roles.

    The address is ``/calendar/<key>/<secret>.ics``: the key finds the row, the secret is
    compared in constant time. Resetting gives a new key and secret, so the old address
    answers 404 and shows nothing.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    key = models.CharField(max_length=32, unique=True)
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"CalendarFeed({self.user_id})"


class Goal(models.Model):
    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="goals")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    label = models.CharField(_("goal label"), max_length=150)
    details = models.TextField(_("goal details"), blank=True)
    due_date = models.DateField(_("expected completion date"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["completed_at", "due_date", "pk"]

    def __str__(self) -> str:
        return self.label


class GoalEntry(models.Model):
    class Kind(models.TextChoices):
        MILESTONE = "milestone", _("Milestone")
        REVIEW = "review", _("Review")
        OUTCOME = "outcome", _("Outcome")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="entries")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MILESTONE)
    text = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]


class Feedback(models.Model):
    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    rating = models.PositiveSmallIntegerField(choices=[(i, str(i)) for i in range(1, 6)])
    comments = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["relationship", "author"], name="one_feedback_each")]


class Worksheet(models.Model):
    """A SWOT or G-STAR (``journeys.worksheets``) the mentee fills in for one relationship.

    Only the two people of the relationship see it. Every save is a new version (who and when),
    so earlier answers stay readable; the mentor (and the mentee) may comment on it.
    """

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="worksheets")
    kind = models.CharField(max_length=10, choices=[(k.slug, k.title) for k in worksheets.KINDS.values()])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["relationship", "kind"], name="one_worksheet_of_a_kind")]

    def __str__(self) -> str:
        return f"{self.definition.title} of {self.relationship}"

    @property
    def definition(self) -> worksheets.WorksheetKind:
        return worksheets.KINDS[self.kind]


class WorksheetVersion(models.Model):
    """One save of a worksheet: its answers as they were then."""

    worksheet = models.ForeignKey(Worksheet, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["worksheet", "number"], name="one_version_number")]

    def answer_list(self) -> list[tuple[worksheets.Heading, str]]:
        """(heading, text) in the worksheet's order, "" for a heading left empty."""
        texts = {a.heading: a.text for a in self.answers.all()}
        return [(h, texts.get(h.name, "")) for h in self.worksheet.definition.headings]


class WorksheetAnswer(models.Model):
    version = models.ForeignKey(WorksheetVersion, on_delete=models.CASCADE, related_name="answers")
    heading = models.CharField(max_length=30)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "heading"], name="one_answer_per_heading")]


class WorksheetComment(models.Model):
    """A comment on a worksheet, visible to both people; it names the version it was written on."""

    worksheet = models.ForeignKey(Worksheet, on_delete=models.CASCADE, related_name="comments")
    version = models.ForeignKey(WorksheetVersion, null=True, on_delete=models.SET_NULL, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]


class Concern(models.Model):
    """ "Raise a concern": one person's message to the programme about their relationship.

    It opens a staff case (``journeys.events.concern_raised``). The other person is never shown
    it: it is not in the history, the pages or their notifications; staff decide whether to
    involve them (a nudge from the case).
    """

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="concerns")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    message = models.TextField()
    raised_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-raised_at", "-pk"]

    def __str__(self) -> str:
        return gettext("Concern about %(relationship)s") % {"relationship": self.relationship}


class ConcernReply(models.Model):
    """One message in the conversation that follows a concern: the programme team's reply (emailed to
    the person who raised it) or their answer (on the concern's page). Like the concern, it is between
    them and the programme team: the other person in the relationship never sees it."""

    class Author(models.TextChoices):
        STAFF = "staff", _("The programme team")
        RAISER = "raiser", _("The person who raised it")

    class Via(models.TextChoices):
        PLATFORM = "platform", _("On the platform")
        EMAIL = "email", _("By email")

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="replies")
    written_by = models.CharField(max_length=10, choices=Author.choices)
    # The staff member, or the person who raised the concern.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    # How the person who raised it answered: on the concern's page, or by replying to the team's email
    # (``support.inbound``); the team's own replies are written on the platform.
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.PLATFORM)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name_plural = _("concern replies")

    def __str__(self) -> str:
        return gettext("Reply to %(concern)s") % {"concern": self.concern}

    @property
    def from_staff(self) -> bool:
        return self.written_by == self.Author.STAFF


class MentoringProcess(Process):
    """The viewflow process that walks one relationship through the journey."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="processes")

    class Meta:
        verbose_name = _("mentoring process")
        # One journey per relationship (its request starts it, once): the process a step's page holds
        # locked is all of the relationship's (journeys.services.base.lock).
        constraints = [models.UniqueConstraint(fields=["relationship"], name="one_process_per_relationship")]

    def save(self, *args, **kwargs):
        """viewflow saves a process whenever its status changes (a journey ends, is cancelled); the
        relationship it walks never changes, so only the base row is written then (one UPDATE, not
        two: the child row's only column would be rewritten with the value it has)."""
        if not self._state.adding and self.pk is not None and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [f.attname for f in Process._meta.concrete_fields if not f.primary_key]
        super().save(*args, **kwargs)


class MentoringTaskQuerySet(TaskQuerySet):
    def get(self, *args, **kwargs):
        """One task, read with its process as the mentoring flow's own class and the process's
        relationship (one query): whoever reads a task of the flow by its id (viewflow's step pages:
        the task, then its process, then the process's subclass row, then the page its relationship)
        reads them next."""
        if self._fields is None and not self.query.select_for_update:
            related = self.select_related("process__mentoringprocess__relationship")
            return super(MentoringTaskQuerySet, related).get(*args, **kwargs)
        return super().get(*args, **kwargs)


class MentoringTask(Task):
    """The mentoring flow's tasks: viewflow's own rows (a proxy, no table of its own)."""

    objects = MentoringTaskQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = _("mentoring task")


class OnboardingProcess(Process):
    participant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="onboarding")

    class Meta:
        verbose_name = _("onboarding process")
