"""What happens inside a relationship: messages and files, meetings, goals."""

from __future__ import annotations

import secrets
import uuid
from datetime import date, datetime

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.batching import notify_batched, open_batch
from notifications.services import notify
from project import ratelimit

from .. import rules
from ..flows import mentoring as mentoring_flow
from ..models import (
    MATCHED_STATES,
    Attachment,
    Conversation,
    Goal,
    GoalEntry,
    Meeting,
    Message,
    Relationship,
    State,
)
from .base import RateLimited, Refused, apply, atomic, just_made, lock, record, require_party, touch
from .files import check_upload
from .relationships import conversation_for


def _require_matched(rel: Relationship) -> None:
    read_only = rules.why_read_only(rel)
    if read_only:
        raise Refused(read_only)
    if rel.state not in MATCHED_STATES:
        raise Refused(_("This becomes available once the mentor has accepted the request."))


# -- messages -----------------------------------------------------------------


def _store_attachment(upload: UploadedFile | None) -> Attachment | None:
    if upload is None:
        return None
    checked = check_upload(upload)
    attachment = Attachment(original_name=checked.name, content_type=checked.content_type, size=upload.size)
    attachment.file.save("upload", upload, save=False)
    attachment.save()
    return attachment


def send_message(
    conversation: Conversation, sender, body: str, upload: UploadedFile | None = None, *, question: bool = False
) -> Message:
    body = body.strip()
    if not body and upload is None:
        raise Refused(_("Write a message or add a file before sending."))
    if not conversation.has_member(sender):
        raise Refused(_("Only the two people in this conversation can write in it."))
    recipient = conversation.other(sender)
    if recipient.anonymised_at or not recipient.is_active:
        raise Refused(_("This person has left the programme, so they can no longer receive messages."))
    limit = ratelimit.QUESTIONS if question else ratelimit.MESSAGES
    try:
        with ratelimit.spend(limit, sender.pk):
            return _write_message(conversation, sender, recipient, body, upload, question)
    except ratelimit.LimitReached:
        if question:
            text = _(
                "You have asked %(count)d questions in the last hour, which is as many as we allow. "
                "This one has not been sent: please try again later."
            )
        else:
            text = _(
                "You have sent %(count)d messages in the last hour, which is as many as we allow. "
                "This one has not been sent: please try again later."
            )
        raise RateLimited(text % {"count": limit.allowed}) from None


def _write_message(conversation: Conversation, sender, recipient, body: str, upload, question: bool) -> Message:
    with atomic():
        # Lock the pair's open relationship (in the written lock order) so a withdrawal or closing
        # cannot slip in between the check and the write; with none (a question thread), the
        # conversation itself. Either way one message at a time joins the conversation's email.
        open_pk = conversation.relationships.exclude(rules.ended_q()).values_list("pk", flat=True).first()
        if open_pk is not None:
            lock(open_pk)
        else:
            list(Conversation.objects.select_for_update().filter(pk=conversation.pk).values_list("pk", flat=True))
        read_only = rules.why_conversation_read_only(conversation)
        if read_only:
            raise Refused(read_only)
        message = Message(
            conversation=conversation,
            sender=sender,
            body=body,
            attachment=_store_attachment(upload),
            is_question=question,
        )
        message.email_batch = _tell_of_message(conversation, sender, recipient, message)
        message.save()
        for rel in conversation.relationships.filter(state__in=MATCHED_STATES):
            touch(rel)
    return message


def _tell_of_message(conversation: Conversation, sender, recipient, message: Message):
    """One email per conversation per quiet period (notifications.batching): the message joins the
    recipient's waiting email for this conversation, or starts the next one; the email lists them all.
    Returns the notification (the message, not saved yet, is saved with it)."""
    key = f"conversation:{conversation.pk}"
    batch = open_batch(recipient, key)
    burst = [*(Message.objects.filter(email_batch=batch).select_related("attachment") if batch else []), message]
    event = "question_received" if burst[0].is_question else "message_received"
    return notify_batched(
        recipient,
        event,
        key=key,
        batch=batch,
        started_at=burst[0].sent_at,
        conversation=conversation,
        sender=sender,
        message=message,
        burst=burst,
    )


def why_question_refused(mentee, mentor) -> str | None:
    """Why ``ask_question`` would refuse ``mentee``'s question to ``mentor``, in its own words (None: it
    would not). The question page reads it first, to say so before anything is typed."""
    if mentee.pk == mentor.pk:
        return _("You cannot ask yourself a question.")
    if not (getattr(mentor, "profile", None) and mentor.profile.is_mentor):
        return _("This person is not available as a mentor.")
    return rules.why_question_closed(mentee, mentor)


def ask_question(mentee, mentor, body: str, upload: UploadedFile | None = None) -> Message:
    refusal = why_question_refused(mentee, mentor)
    if refusal:
        raise Refused(refusal)
    return send_message(conversation_for(mentee, mentor), mentee, body, upload, question=True)


# -- meetings -----------------------------------------------------------------


def _meeting_notice(meeting: Meeting, rel: Relationship, actor, what: str) -> None:
    # The .ics invite (or its cancellation) comes with it: notifications.events.EVENTS.
    notify(rel.other(actor), f"meeting_{what}", relationship=rel, meeting=meeting, actor=actor)


def create_meeting(
    relationship: Relationship | int,
    user,
    *,
    title: str,
    starts_at: datetime,
    duration_minutes: int,
    location: str = "",
    details: str = "",
    video: bool = False,
    send_details: bool = True,
    arranged_elsewhere: bool = False,
    submission: uuid.UUID | None = None,
) -> Meeting:
    """``submission``: the id of the form it comes from (``MeetingForm``); the same form sent again
    with the same meeting in it answers with the meeting it made, and tells nobody again."""
    with atomic():
        rel = lock(relationship)
        require_party(rel, user)
        _require_matched(rel)
        fields = {
            "title": title.strip(),
            "starts_at": starts_at,
            "duration_minutes": duration_minutes,
            "location": location.strip(),
            "details": details.strip(),
            "video": video,
            "arranged_elsewhere": arranged_elsewhere,
        }
        if submission is not None:
            # Read under the relationship's lock, which the first sending held too: a second copy
            # waits for the first to commit, then finds its meeting. Changed and sent again from the
            # same page (Back, a new time, Save), or the first since cancelled: a meeting of its own.
            same = rel.meetings.filter(organiser=user, submission=submission, cancelled_at=None, **fields)
            if same := same.first():
                return same
        meeting = Meeting.objects.create(
            relationship=rel,
            organiser=user,
            video_token=secrets.token_urlsafe(12) if video else "",
            submission=submission,
            **fields,
        )
        record(rel, user, "create_meeting", meeting.title)
        if rel.state == State.ARRANGING:
            # (apply saves the relationship with its last activity: now)
            apply(rel, "first_meeting_arranged", user, _("First meeting: %(title)s") % {"title": meeting.title})
            mentoring_flow.first_meeting_arranged(rel)
        else:
            touch(rel)
        if send_details:
            _meeting_notice(meeting, rel, user, "arranged")
    return meeting


def update_meeting(meeting: Meeting, user, *, send_details: bool = True, **fields) -> Meeting:
    with atomic():
        rel = lock(meeting.relationship)
        require_party(rel, user)
        _require_matched(rel)
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if refusal := rules.why_change_refused(meeting):
            raise Refused(refusal)
        fields = {name: value.strip() if isinstance(value, str) else value for name, value in fields.items()}
        if all(getattr(meeting, name) == value for name, value in fields.items()):
            # Saved as it was (Save pressed with nothing changed, a form sent again): no new invite,
            # no new calendar version, no history line, no reminder sent again.
            raise Refused(
                _("Nothing was changed: the meeting is as it was, so %(name)s was not told again.")
                % {"name": rel.other(user).display_name}
            )
        for name, value in fields.items():
            setattr(meeting, name, value)
        if meeting.video and not meeting.video_token:
            meeting.video_token = secrets.token_urlsafe(12)
        if meeting.outcome and meeting.starts_at > timezone.now():
            # Moved to a time still to come: whether it took place is for after that time.
            meeting.outcome, meeting.outcome_by, meeting.outcome_at = "", None, None
        meeting.sequence += 1
        meeting.save()
        record(rel, user, "update_meeting", meeting.title)
        touch(rel)
        if send_details:
            _meeting_notice(meeting, rel, user, "changed")
    return meeting


def cancel_meeting(meeting: Meeting, user, *, send_details: bool = True) -> Meeting:
    with atomic():
        rel = lock(meeting.relationship)
        require_party(rel, user)
        read_only = rules.why_read_only(rel)
        if read_only:
            raise Refused(read_only)
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        now = timezone.now()
        if refusal := rules.why_cancel_refused(meeting, now):
            raise Refused(refusal)
        meeting.cancelled_at = now
        meeting.sequence += 1
        meeting.save()
        record(rel, user, "cancel_meeting", meeting.title)
        if send_details:
            _meeting_notice(meeting, rel, user, "cancelled")
    return meeting


# -- goals ----------------------------------------------------------------------


def _own_goal(goal: Goal, user) -> Goal:
    if goal.owner_id != user.pk:
        raise Refused(_("Only the person who set this goal can change it; you can view it."))
    return goal


def create_goal(relationship: Relationship, user, *, label: str, details: str = "", due_date: date | None) -> Goal:
    with atomic():
        rel = lock(relationship)
        require_party(rel, user)
        _require_matched(rel)
        fields = {"label": label.strip(), "details": details.strip(), "due_date": due_date}
        if same := just_made(Goal.objects.filter(relationship=rel, owner=user, **fields), "created_at"):
            return same  # the same goal sent twice (a double click): made once
        goal = Goal.objects.create(relationship=rel, owner=user, **fields)
        record(rel, user, "create_goal", goal.label)
        touch(rel)
    return goal


def update_goal(goal: Goal, user, *, label: str, details: str = "", due_date: date | None) -> Goal:
    with atomic():
        rel = lock(goal.relationship)
        _require_matched(rel)
        goal = _own_goal(Goal.objects.select_for_update().get(pk=goal.pk), user)
        goal.label, goal.details, goal.due_date = label.strip(), details.strip(), due_date
        goal.save()
        record(rel, user, "update_goal", goal.label)
        touch(rel)
    return goal


def delete_goal(goal: Goal, user) -> None:
    with atomic():
        rel = lock(goal.relationship)
        _require_matched(rel)
        goal = _own_goal(Goal.objects.select_for_update().get(pk=goal.pk), user)
        record(rel, user, "delete_goal", goal.label)
        goal.delete()


def complete_goal(goal: Goal, user) -> Goal:
    with atomic():
        rel = lock(goal.relationship)
        _require_matched(rel)
        goal = _own_goal(Goal.objects.select_for_update().get(pk=goal.pk), user)
        if goal.completed_at:
            raise Refused(_("This goal is already complete."))
        goal.completed_at = timezone.now()
        goal.save()
        record(rel, user, "complete_goal", goal.label)
        touch(rel)
    return goal


def add_goal_entry(goal: Goal, user, *, kind: str, text: str) -> GoalEntry:
    with atomic():
        rel = lock(goal.relationship)
        require_party(rel, user)
        _require_matched(rel)
        if not text.strip():
            raise Refused(_("Write something to record."))
        if same := just_made(GoalEntry.objects.filter(goal=goal, author=user, kind=kind, text=text.strip()), "at"):
            return same  # the same entry sent twice: recorded once
        entry = GoalEntry.objects.create(goal=goal, author=user, kind=kind, text=text.strip())
        record(rel, user, f"add_{kind}", goal.label)
        touch(rel)
    return entry


def video_chat_enabled() -> bool:
    return bool(settings.VIDEO_CHAT_BASE_URL)
