"""Writes for Need Help?: one function per thing a person does, each in one transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from notifications.services import notify, notify_staff

from . import events
from .models import SupportRequest


@transaction.atomic
def submit_support_request(*, name: str, email: str, subject: str, message: str, user=None) -> SupportRequest:
    """Store a Contact form message, tell staff and confirm to the sender.

    The emails are queued by the notifications outbox and only go out once this
    transaction commits, so a failed save never sends anything. The confirmation
    says nothing the sender wrote: the form is open to anyone, and echoing their
    text would let it be used to send messages to strangers.
    """
    signed_in = user is not None and user.is_authenticated
    support_request = SupportRequest.objects.create(
        name=name.strip(),
        email=email.strip(),
        subject=subject.strip(),
        message=message.strip(),
        user=user if signed_in else None,
    )
    events.support_request_received.send(sender=SupportRequest, support_request=support_request)
    notify_staff("support_request_staff", support_request=support_request, signed_in=signed_in)
    notify(
        user if signed_in else None,
        "support_request_confirmation",
        email=support_request.email,
        support_request=support_request,
    )
    return support_request


@transaction.atomic
def set_support_request_status(requests: Iterable[SupportRequest], status: str) -> int:
    """Staff mark support requests resolved (or open them again). Returns how many changed."""
    if status not in SupportRequest.Status.values:
        raise ValueError(f"Unknown status {status!r}")
    ids = [r.pk for r in requests]
    return SupportRequest.objects.filter(pk__in=ids).exclude(status=status).update(status=status)
