"""Create notifications (the outbox) and hand them to the task queue after commit.

Services tell people by naming an event and passing its data, never prose::

    notify(mentor, "request_sent", relationship=rel)
    notify_staff("support_request_staff", support_request=request, signed_in=True)

The wording is in ``templates/notifications/events/<event>/`` (subject.txt, body.txt,
body.html) and the link in ``notifications.events.EVENTS``; see that module. A ready-made
``Message`` is still accepted (``notify(user, Message(...), "test")``) for one-off notices.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from project import identity
from project.text import one_line

from .events import DEFAULT_LINK_LABEL, EVENTS, template_names
from .models import Notification


@dataclass
class Message:
    """What one recipient is told: a subject, a few paragraphs and one link.

    Either ``paragraphs`` (plain strings, escaped in the HTML part) or, from ``for_event``,
    the event's rendered ``body_text`` and ``body_html``.
    """

    subject: str
    paragraphs: list[str] = field(default_factory=list)
    link: str = ""
    link_label: str = DEFAULT_LINK_LABEL
    ics: str = ""
    extra: list[tuple[str, str]] = field(default_factory=list)
    # Reminders: where one click stops this kind of reminder (notifications.reminders).
    stop_url: str = ""
    stop_label: str = ""
    body_text: str = ""
    body_html: SafeString = mark_safe("")

    @classmethod
    def for_event(cls, event: str, /, **context) -> Message:
        """Render ``event``'s templates (templates/notifications/events/<event>/) with ``context``."""
        try:
            spec = EVENTS[event]
        except KeyError:
            raise ValueError(f"Unknown notification event {event!r}: add it to notifications.events.EVENTS") from None
        # ``recipient``: whom it is written to (notify passes it; None when rendered for no one in particular).
        context = {"SITE_NAME": identity.current().name, "recipient": None, **context}
        names = template_names(event)
        with in_programme_language():
            return cls(
                subject=render_to_string(names["subject"], context).strip(),
                body_text=render_to_string(names["text"], context).strip(),
                body_html=mark_safe(render_to_string(names["html"], context).strip()),
                link=spec.link(context),
                link_label=spec.link_label,
                ics=spec.ics(context) if spec.ics else "",
            )


def as_message(message: Message | str, event: str, context: dict) -> tuple[Message, str]:
    """``(Message, event)`` from either an event name and its context, or a ready Message and its event."""
    if isinstance(message, str):
        if event:
            raise TypeError("Name the event once: notify(recipient, 'event', **context).")
        return Message.for_event(message, **context), message
    if context:
        raise TypeError("A ready-made Message takes no template context.")
    return message, event


def in_programme_language():
    """Emails are written in the programme's language (LANGUAGE_CODE), whoever's action sends them: the
    platform does not know the recipient's language, and the page language of the person acting (their
    browser's) is not the recipient's. Reminders, written by the worker, come out in it as well."""
    return translation.override(settings.LANGUAGE_CODE)


# Why the recipient gets the email, said in its footer (``notifications/email.txt``): "member" (they take
# part, as a mentor, a mentee or both), "team" (on the programme team: a staff account, or an address in
# STAFF_NOTIFICATION_EMAILS), "contact_form" (they wrote through the Contact form without an account),
# "invited" (the programme team invited them to join). Left out, it follows from the recipient.
MEMBER, TEAM, CONTACT_FORM, INVITED = "member", "team", "contact_form", "invited"


def why_sent(recipient, event: str = "", why: str = "") -> str:
    """Why ``recipient`` gets ``event``'s email (see MEMBER & co.); "" when nothing is known (no line)."""
    if why:
        return why
    if event == "invitation":
        return INVITED
    if recipient is None:
        return ""
    return TEAM if recipient.is_staff else MEMBER


def absolute(url: str) -> str:
    if not url or url.startswith("http"):
        return url
    return settings.SITE_URL + url


def notify(
    recipient,
    message: Message | str,
    event: str = "",
    /,
    *,
    email: str | None = None,
    publish: bool = True,
    batch_key: str = "",
    due_at: datetime | None = None,
    reply_to: str = "",
    why: str = "",
    **context,
) -> Notification:
    """Record one notification for ``recipient`` and deliver it once the transaction commits.

    ``message`` is an event name (its templates are rendered with ``context``) or a ready
    ``Message`` with its ``event``. ``recipient`` may be None for staff addresses that have
    no account (then ``email`` is used). ``publish=False`` leaves the email to the sweep once the
    row falls due at ``due_at`` (``notifications.batching``, with its ``batch_key``). ``reply_to``: the
    email's Reply-To, when answers should go somewhere other than the sender (a support reply). ``why``:
    why they get it, for the footer (``TEAM``, ``CONTACT_FORM``; left out, it follows from ``recipient``).
    """
    note = _unsaved(recipient, message, event, email, batch_key, due_at, reply_to, context, why)
    note.save(force_insert=True)
    if note.email_status == Notification.Email.PENDING and publish:
        deliver_after_commit(note)
    return note


def notify_each(*notices: tuple) -> list[Notification]:
    """``notify`` for several people at once, each ``(recipient, event, context)``: the rows are
    written in one INSERT, and each is delivered once the transaction commits, as ``notify`` does.
    The members' profiles (what they take part as, said in the footer) are read in one query."""
    prefetch_related_objects([recipient for recipient, _event, _context in notices if recipient is not None], "profile")
    notes = [_unsaved(recipient, event, "", None, "", None, "", dict(context)) for recipient, event, context in notices]
    Notification.objects.bulk_create(notes)
    for note in notes:
        if note.email_status == Notification.Email.PENDING:
            deliver_after_commit(note)
    return notes


def _unsaved(recipient, message, event, email, batch_key, due_at, reply_to, context, why="") -> Notification:
    """The row ``notify`` writes, not yet saved."""
    if isinstance(message, str):
        # The event's templates know whom they are written to (``other_than``: whom the email is about).
        context.setdefault("recipient", recipient)
    message, event = as_message(message, event, context)
    address = email or (recipient.email if recipient else "")
    deliverable = bool(address) and not (recipient is not None and recipient.anonymised_at)
    return Notification(
        recipient=recipient,
        email=address or "",
        event=event,
        **_fields(recipient, message, why_sent(recipient, event, why)),
        batch_key=batch_key,
        reply_to=reply_to,
        email_status=Notification.Email.PENDING if deliverable else Notification.Email.SKIPPED,
        **(_schedule(due_at) if deliverable else {"next_attempt_at": None}),
    )


def _schedule(due_at: datetime | None) -> dict:
    """A row due at ``due_at`` (None: the default, the queue grace), failed if still unsent
    NOTIFICATION_GIVE_UP_AFTER later."""
    if due_at is None:
        return {}
    return {
        "next_attempt_at": due_at,
        "give_up_at": due_at + timedelta(seconds=float(settings.NOTIFICATION_GIVE_UP_AFTER)),
    }


def _fields(recipient, message: Message, why: str = "") -> dict:
    """A row's words: the subject, both bodies in the email layout, the link, the invite.

    ``why``: why they get it (``why_sent``), said in the footer; a member's roles come from their profile.
    """
    programme = identity.current()
    # A member the programme team deactivated does not take part for now: they still have an account.
    taking_part = why == MEMBER and getattr(recipient, "is_active", True)
    profile = getattr(recipient, "profile", None) if taking_part else None
    context = {
        "recipient": recipient,
        "why": why,
        "as_mentor": bool(profile and profile.is_mentor),
        "as_mentee": bool(profile and profile.is_mentee),
        "message": message,
        "link": absolute(message.link),
        "SITE_NAME": programme.name,
        "PROGRAMME": programme,
    }
    with in_programme_language():
        body_text = render_to_string("notifications/email.txt", context)
        body_html = render_to_string("notifications/email.html", context)
    return {
        # One line, whatever names or text went into it: a line break in a header stops the email for good.
        "subject": one_line(message.subject)[:200],
        "body_text": body_text,
        "body_html": body_html,
        "link": message.link,
        "ics": message.ics,
        "stop_url": message.stop_url,
    }


def written_fields(recipient, event: str, context: dict) -> dict:
    """What ``notify`` would write for ``event`` with ``context`` (to rewrite a row in place)."""
    message = Message.for_event(event, **{"recipient": recipient, **context})
    return _fields(recipient, message, why_sent(recipient, event))


def deliver_after_commit(note: Notification) -> None:
    """Queue the email for delivery once the current transaction commits.

    All the rows of one transaction are published together by the first of their on-commit
    hooks (the others find nothing left), over one broker connection with a short timeout and
    no retries (``tasks.publish``): with the broker down, the action waits about
    NOTIFICATION_BROKER_TIMEOUT however many people it tells, the change stands, and the sweep
    sends the emails later. ``robust``: nothing raised here can undo or break the action.
    """
    connection = transaction.get_connection()
    batch = connection.__dict__.setdefault("_outbox_to_publish", [])
    batch.append(note.pk)
    transaction.on_commit(_publish_batch, robust=True)


def _publish_batch() -> None:
    from .tasks import publish

    connection = transaction.get_connection()
    ids = connection.__dict__.pop("_outbox_to_publish", [])
    publish(ids)


def notify_staff(message: Message | str, event: str = "", /, **context) -> list[Notification]:
    """Tell programme staff: every active staff user, plus STAFF_NOTIFICATION_EMAILS.

    Like ``notify``: an event name and its context, or a ready ``Message`` and its event.
    """
    from django.contrib.auth import get_user_model

    message, event = as_message(message, event, context)

    sent = []
    seen = set()
    for user in get_user_model().objects.filter(is_staff=True, is_active=True):
        seen.add(user.email.lower())
        sent.append(notify(user, message, event))
    for address in settings.STAFF_NOTIFICATION_EMAILS:
        if address.lower() not in seen:
            sent.append(notify(None, message, event, email=address, why=TEAM))
    return sent


def mark_read(user, notification_id: int | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


class EmailNotActionable(Exception):
    """The email is no longer failed or uncertain (a colleague, or delivery, got there first)."""


def _staff_decision(user, note: Notification) -> Notification:
    from .selectors import NEEDS_STAFF, is_programme_staff

    if not is_programme_staff(user):
        raise PermissionError("Only programme staff decide about undelivered emails.")
    locked = Notification.objects.select_for_update().get(pk=note.pk)
    if locked.email_status not in NEEDS_STAFF:
        raise EmailNotActionable(locked.get_email_status_display())
    return locked


def retry_email(*, user, note: Notification) -> Notification:
    """Staff: send a failed (or uncertain) email again now, with a fresh NOTIFICATION_GIVE_UP_AFTER."""
    with transaction.atomic():
        locked = _staff_decision(user, note)
        now = timezone.now()
        locked.email_status = Notification.Email.PENDING
        locked.next_attempt_at = now
        locked.give_up_at = now + timedelta(seconds=float(settings.NOTIFICATION_GIVE_UP_AFTER))
        locked.save(update_fields=["email_status", "next_attempt_at", "give_up_at"])
        deliver_after_commit(locked)
    return locked


def discard_email(*, user, note: Notification) -> Notification:
    """Staff: never send this email (it is out of date, or it did arrive after all)."""
    with transaction.atomic():
        locked = _staff_decision(user, note)
        locked.email_status = Notification.Email.DISCARDED
        locked.next_attempt_at = None
        locked.save(update_fields=["email_status", "next_attempt_at"])
    return locked
