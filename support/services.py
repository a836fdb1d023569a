"""Writes for Need Help?: one function per thing a person does, each in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db import connection, transaction
from django.utils.translation import gettext as _

from journeys.services.base import Refused, just_made
from notifications.services import CONTACT_FORM, notify, notify_staff
from project import reply_addresses as replies

from . import events
from .models import SupportReply, SupportRequest
from .selectors import sender_left

MAX_REPLY = 5000
# The same message again this soon (a double click, the browser sending the form again) is the
# same message: it is not stored, cased or confirmed a second time.
REPEAT_WINDOW = timedelta(minutes=10)


def _same_sender(signed_in: bool, user, email: str) -> dict:
    return {"user": user} if signed_in else {"user__isnull": True, "email__iexact": email}


def earlier_copy(*, email: str, subject: str, message: str, user=None) -> SupportRequest | None:
    """The same message from the same sender (their account, or signed out their address), sent
    within ``REPEAT_WINDOW``, or None."""
    signed_in = user is not None and user.is_authenticated
    same = SupportRequest.objects.filter(
        **_same_sender(signed_in, user, email.strip()), subject=subject.strip(), message=message.strip()
    )
    return just_made(same, "created_at", within=REPEAT_WINDOW)


def _serialise_sender(signed_in: bool, user, email: str) -> None:
    """Two copies sent at once (a double click) wait for each other, so the second sees the first."""
    if connection.vendor == "postgresql":
        key = f"support.contact:{user.pk if signed_in else email.strip().lower()}"
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


@transaction.atomic
def submit_support_request(*, name: str, email: str, subject: str, message: str, user=None) -> SupportRequest:
    """Store a Contact form message, tell staff and confirm to the sender.

    The emails are queued by the notifications outbox and only go out once this
    transaction commits, so a failed save never sends anything. The confirmation
    says nothing the sender wrote: the form is open to anyone, and echoing their
    text would let it be used to send messages to strangers.

    The same message sent again within ``REPEAT_WINDOW`` is not stored or sent again: the first
    is returned, with ``already_sent`` True (else False).
    """
    signed_in = user is not None and user.is_authenticated
    if signed_in:
        email = user.email
    _serialise_sender(signed_in, user, email)
    earlier = earlier_copy(email=email, subject=subject, message=message, user=user)
    if earlier is not None:
        earlier.already_sent = True
        return earlier
    # Sent signed in, the message is the account's: its replies go to the account's address, never
    # to one typed in the form (which would hand the conversation to whoever owns that address).
    support_request = SupportRequest.objects.create(
        name=name.strip(),
        email=email.strip(),
        subject=subject.strip(),
        message=message.strip(),
        user=user if signed_in else None,
    )
    events.support_request_received.send(sender=SupportRequest, support_request=support_request)
    # (staff.receivers opens its case; the case page links it to the sender's account: selectors.sender_account)
    notify_staff("support_request_staff", support_request=support_request, signed_in=signed_in)
    notify(
        user if signed_in else None,
        "support_request_confirmation",
        email=support_request.email,
        why="" if signed_in else CONTACT_FORM,
        support_request=support_request,
    )
    support_request.already_sent = False
    return support_request


@transaction.atomic
def set_support_request_status(requests: Iterable[SupportRequest], status: str) -> int:
    """Staff mark support requests resolved (or open them again). Returns how many changed."""
    if status not in SupportRequest.Status.values:
        raise ValueError(f"Unknown status {status!r}")
    ids = [r.pk for r in requests]
    return SupportRequest.objects.filter(pk__in=ids).exclude(status=status).update(status=status)


def _clean(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise Refused(_("Please write your message first."))
    return body[:MAX_REPLY]


def how_the_sender_can_answer(support_request: SupportRequest) -> str:
    """What a reply from the team lets its sender do (the reply form's hint, as ``reply_as_staff``
    sends it): answer by email only when answers by email are set up, on the platform only with an
    account still active; with neither, the Contact form."""
    by_email = bool(replies.reply_address(support_request))
    on_platform = bool(support_request.user_id and support_request.user.is_active)
    if by_email and on_platform:
        return _("Emailed to the sender and kept on this case. They can answer by email or on the platform.")
    if by_email:
        return _("Emailed to the sender and kept on this case. They can answer by email.")
    if on_platform:
        return _("Emailed to the sender and kept on this case. They can answer on the platform.")
    return _("Emailed to the sender and kept on this case. To answer, they write to us again with the Contact form.")


@transaction.atomic
def reply_as_staff(support_request: SupportRequest, staff_user, body: str) -> SupportReply:
    """The programme team answers a Contact message: kept in its conversation and emailed to the
    sender, with a Reply-To that brings their answer back here (``project.reply_addresses``) when set up.

    (The staff side checks who may do this: ``staff.services.reply_to_sender``.)
    """
    if sender_left(support_request):
        raise Refused(_("The sender deleted their account after writing, so there is nobody to reply to."))
    body = _clean(body)
    same = support_request.replies.filter(written_by=SupportReply.Author.STAFF, body=body)
    if (earlier := just_made(same, "at", within=REPEAT_WINDOW)) is not None:
        earlier.already_sent = True  # Send pressed twice: sent once (the caller holds the case's lock)
        return earlier
    reply = SupportReply.objects.create(
        support_request=support_request, written_by=SupportReply.Author.STAFF, author=staff_user, body=body
    )
    recipient = support_request.user if support_request.user_id and support_request.user.is_active else None
    address = replies.reply_address(support_request)
    context = {"support_request": support_request, "reply": reply, "by_email": bool(address)}
    if recipient is not None:  # the link: their conversation on the platform; to the account's address
        notify(recipient, "support_reply", email=recipient.email, reply_to=address, **context)
    else:  # no account: the link is the Contact form
        notify(None, "support_reply_guest", email=support_request.email, reply_to=address, why=CONTACT_FORM, **context)
    return reply


@transaction.atomic
def receive_sender_reply(
    support_request: SupportRequest, body: str, *, via: str = "platform", user=None, email_from: str = ""
) -> SupportReply:
    """The sender answers (on "My messages", or by email through ``support.inbound``): kept in the
    conversation, the request open again, and staff told (``events.support_reply_received``)."""
    if via == SupportReply.Via.PLATFORM and (user is None or not owns(user, support_request)):
        raise Refused(_("Only the person who sent this message can answer it here."))
    body = _clean(body)
    SupportRequest.objects.select_for_update().filter(pk=support_request.pk).exists()
    reply = SupportReply.objects.create(
        support_request=support_request,
        written_by=SupportReply.Author.SENDER,
        author=user,
        body=body,
        via=via,
        email_from=email_from[:254],
    )
    set_support_request_status([support_request], SupportRequest.Status.OPEN)
    support_request.status = SupportRequest.Status.OPEN
    events.support_reply_received.send(sender=SupportRequest, support_request=support_request, reply=reply)
    return reply


def owns(user, support_request: SupportRequest) -> bool:
    """The signed-in person sent it while signed in as this account: ``selectors.mine``."""
    from .selectors import mine

    return user.is_authenticated and mine(user).filter(pk=support_request.pk).exists()
