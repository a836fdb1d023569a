"""Reminder emails, and the one-click way to stop each kind of them.

The flows decide *when* a reminder is due (timer boundaries on the step that waits:
journeys/flows/); the services in ``journeys.services.reminders`` decide whether it still
applies and what it says; this module sends it, unless the recipient has stopped that kind.

Every reminder carries a link that stops that kind of reminder for that person, signed so
that it works without logging in, and the same address in a ``List-Unsubscribe`` header
(with ``List-Unsubscribe-Post``, so mail programs can stop it in one click, RFC 8058).
Participants turn kinds back on under Edit Account.
"""

from __future__ import annotations

from django.core import signing
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Notification, ReminderOptOut, SentReminder
from .services import Message, absolute, as_message, in_programme_language, notify

SALT = "notifications.reminders.stop"


class Kind(models.TextChoices):
    """The kinds of reminder a participant can stop, each in words they will recognise."""

    PROFILE = "profile", gettext_lazy("Reminders to complete your profile")
    FIND_MENTOR = "find_mentor", gettext_lazy("Nudges to find a mentor and send a request")
    REVIEW_REQUEST = "review_request", gettext_lazy("Reminders to answer a mentoring request")
    FIRST_MEETING = "first_meeting", gettext_lazy("Reminders to arrange your first meeting")
    FEEDBACK = "feedback", gettext_lazy("Reminders to give feedback")
    MEETINGS = "meetings", gettext_lazy("Reminders of meetings, the day before")
    GOALS = "goals", gettext_lazy("Reminders about goals: setting them, and when they fall due")


def stop_token(user, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": str(kind)}, salt=SALT, compress=True)


def read_stop_token(token: str) -> tuple[int, Kind] | None:
    """The (user id, kind) a stop link was made for, or None if it is not one of ours."""
    try:
        data = signing.loads(token, salt=SALT)
        return int(data["u"]), Kind(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def stop_url(user, kind: str) -> str:
    return reverse("reminders_stop", args=[stop_token(user, kind)])


def stopped_kinds(user) -> set[str]:
    return set(ReminderOptOut.objects.filter(user=user).values_list("kind", flat=True))


def is_stopped(user, kind: str) -> bool:
    return ReminderOptOut.objects.filter(user=user, kind=str(kind)).exists()


def stopped_q(kind: str, user_ref: str) -> Exists:
    """``is_stopped`` as an expression over rows naming the user in ``user_ref`` (a field such as
    ``"mentor_id"``), for a query that reads the reminder's subject and the answer at once."""
    return Exists(ReminderOptOut.objects.filter(user_id=OuterRef(user_ref), kind=str(kind)))


def stop(user, kind: str) -> bool:
    """Stop one kind of reminder for ``user``; False if it was already stopped."""
    try:
        with transaction.atomic():
            ReminderOptOut.objects.create(user=user, kind=str(kind))
    except IntegrityError:
        return False
    return True


def set_stopped(user, kinds: set[str]) -> None:
    """Stop exactly ``kinds`` for ``user`` (the Edit Account form), resuming the others."""
    wanted = {str(Kind(k)) for k in kinds}
    with transaction.atomic():
        ReminderOptOut.objects.filter(user=user).exclude(kind__in=wanted).delete()
        have = stopped_kinds(user)
        ReminderOptOut.objects.bulk_create(
            [ReminderOptOut(user=user, kind=k) for k in sorted(wanted - have)], ignore_conflicts=True
        )


def send_reminder(
    user, kind: Kind, message: Message | str, event: str = "", /, *, stopped: bool | None = None, **context
) -> Notification | None:
    """Email and show the reminder to ``user`` unless they stopped ``kind``; None when stopped.

    ``message`` is an event name and ``context`` its data (as for ``notify``), or a ready Message.
    ``stopped``: whether they stopped it, when the caller has read it already (``stopped_q``).
    """
    if user is None or not user.is_active or getattr(user, "anonymised_at", None):
        return None
    if is_stopped(user, kind) if stopped is None else stopped:
        return None
    if isinstance(message, str):
        context.setdefault("recipient", user)
    message, event = as_message(message, event, context)
    message.stop_url = absolute(stop_url(user, kind))
    with in_programme_language():
        label = str(kind.label)
        message.stop_label = _("Stop %(kind)s") % {"kind": f"{label[0].lower()}{label[1:]}"}
    return notify(user, message, event)


def send_reminder_once(
    key: str, user, kind: Kind, message: Message | str, event: str = "", /, **context
) -> Notification | None:
    """``send_reminder``, at most once per ``key`` (the sweeps run every hour, maybe on two hosts).

    The key is written in the same transaction as the notification: a second sweep, even one
    running at the same moment, finds it and sends nothing.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                SentReminder.objects.create(key=key[:200], user=user)
        except IntegrityError:
            return None
        return send_reminder(user, kind, message, event, **context)
