""" "Raise a concern": a participant's message to the programme about their relationship.

The concern opens a staff case (``journeys.events.concern_raised``, answered by
``staff.receivers``); the person who raised it is sent a confirmation. The other person is not
told: nothing is written to the relationship's history, their pages or their notifications.

Then it is a conversation between the person who raised it and the programme team, as a Contact
message is (``support.services``): the team's replies are emailed to them and kept with the concern,
which they read, and answer, on its page (``journeys.views.record.concern``) or, when answers by
email are set up, by replying to the email (its Reply-To is the concern's signed address,
``project.reply_addresses``; ``support.inbound`` brings the answer here, ``answer_by_email``, taken only
from the address of their account). An answer goes back to the case
(``journeys.events.concern_answered``). The other person sees none of it.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _

from notifications.services import notify
from project import reply_addresses as replies

from .. import events
from ..models import Concern, ConcernReply, Relationship
from .base import Refused, atomic, just_made, require_party

MAX_LENGTH = 5000
# The same concern again this soon (a double click, the browser sending the form again) is the same
# concern: no second case, no second email.
REPEAT_WINDOW = timedelta(minutes=10)


def raise_concern(relationship: Relationship, user, message: str) -> Concern:
    """Send the concern to the programme team. The same concern sent again within ``REPEAT_WINDOW``
    is not sent twice: the first is returned, with ``already_sent`` True (else False)."""
    message = (message or "").strip()
    if not message:
        raise Refused(_("Please write your concern before sending it."))
    if len(message) > MAX_LENGTH:
        raise Refused(_("Please keep your concern under %(count)d characters.") % {"count": MAX_LENGTH})
    require_party(relationship, user)
    with atomic():
        # Two copies sent at once wait for each other on the relationship's row, so the second sees
        # the first (only this row: nothing else is locked here).
        Relationship.objects.select_for_update(of=("self",)).filter(pk=relationship.pk).exists()
        same = Concern.objects.filter(relationship=relationship, raised_by=user, message=message)
        if (earlier := just_made(same, "raised_at", within=REPEAT_WINDOW)) is not None:
            earlier.already_sent = True
            return earlier
        concern = Concern.objects.create(relationship=relationship, raised_by=user, message=message)
        events.concern_raised.send(sender=Concern, concern=concern)
        notify(
            user,
            "concern_raised_confirmation",
            relationship=relationship,
            concern=concern,
            other=relationship.other(user),
        )
    concern.already_sent = False
    return concern


def raiser_left(concern: Concern) -> bool:
    """The person who raised it deleted their account since: there is nobody to reply to."""
    return concern.raised_by_id is None or concern.raised_by.anonymised_at is not None


def how_the_raiser_can_answer(concern: Concern) -> str:
    """What a reply from the team does (the staff reply form's hint, as ``reply_as_staff`` sends it)."""
    if raiser_left(concern):
        return ""
    names = {
        "name": concern.raised_by.display_name,
        "other": concern.relationship.other(concern.raised_by).display_name,
    }
    by_email = bool(replies.reply_address(concern))
    if not concern.raised_by.is_active:
        if by_email:
            return (
                _(
                    "Emailed to %(name)s and kept on this case; %(other)s never sees it. %(name)s's account is "
                    "deactivated, so they cannot sign in to read it on the platform, but they can answer by "
                    "replying to the email."
                )
                % names
            )
        return (
            _(
                "Emailed to %(name)s and kept on this case; %(other)s never sees it. %(name)s's account is "
                "deactivated, so they cannot sign in to read it on the platform or answer it there."
            )
            % names
        )
    if by_email:
        return (
            _(
                "Emailed to %(name)s and kept on this case; %(other)s never sees it. %(name)s can answer by "
                "replying to the email, or on the platform where they see their concern."
            )
            % names
        )
    return (
        _(
            "Emailed to %(name)s and kept on this case; %(other)s never sees it. %(name)s reads it, and can "
            "answer, on the platform where they see their concern."
        )
        % names
    )


def _clean(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise Refused(_("Please write your message first."))
    return body[:MAX_LENGTH]


def reply_as_staff(concern: Concern, staff_user, body: str) -> ConcernReply:
    """The programme team replies to a concern: kept with it and emailed to the person who raised it
    (never to the other person), with a Reply-To that brings their answer back here when answers by
    email are set up (``project.reply_addresses``). (The staff side checks who may do this: ``staff.services``.)"""
    if raiser_left(concern):
        raise Refused(
            _("The person who raised this concern deleted their account since, so there is nobody to reply to.")
        )
    body = _clean(body)
    same = concern.replies.filter(written_by=ConcernReply.Author.STAFF, body=body)
    if (earlier := just_made(same, "at", within=REPEAT_WINDOW)) is not None:
        earlier.already_sent = True  # Send pressed twice: sent once (the caller holds the case's lock)
        return earlier
    with atomic():
        reply = ConcernReply.objects.create(
            concern=concern, written_by=ConcernReply.Author.STAFF, author=staff_user, body=body
        )
        raiser = concern.raised_by
        address = replies.reply_address(concern)
        notify(
            raiser,
            "concern_reply",
            reply_to=address,
            by_email=bool(address),
            relationship=concern.relationship,
            concern=concern,
            reply=reply,
            other=concern.relationship.other(raiser),
        )
    return reply


def answer_as_raiser(concern: Concern, user, body: str) -> ConcernReply:
    """The person who raised the concern answers the team's reply (on the concern's page): kept with
    it, and staff told (``events.concern_answered``: its case, or a new one if it was resolved)."""
    if user is None or concern.raised_by_id != user.pk:
        raise Refused(_("Only the person who raised this concern can answer here."))
    return _answer(concern, user, body, ConcernReply.Via.PLATFORM)


def answer_by_email(concern: Concern, body: str, *, email_from: str) -> ConcernReply:
    """The person who raised the concern answered the team's email (``support.inbound``, once the
    signed Reply-To address was checked): taken, as an answer on the page is, only from the address of
    their account. Anyone else holding the email (forwarded, or sent on) is refused, and nothing is kept."""
    raiser = None if raiser_left(concern) else concern.raised_by
    if raiser is None or not email_from or email_from.strip().lower() != (raiser.email or "").strip().lower():
        raise Refused(_("Only the person who raised this concern can answer it, from their account's address."))
    return _answer(concern, raiser, body, ConcernReply.Via.EMAIL)


def _answer(concern: Concern, user, body: str, via: str) -> ConcernReply:
    body = _clean(body)
    with atomic():
        # Two copies sent at once wait for each other on the concern's row, so the second sees the first.
        Concern.objects.select_for_update().filter(pk=concern.pk).exists()
        same = ConcernReply.objects.filter(concern=concern, written_by=ConcernReply.Author.RAISER, body=body)
        if (earlier := just_made(same, "at", within=REPEAT_WINDOW)) is not None:
            earlier.already_sent = True
            return earlier
        reply = ConcernReply.objects.create(
            concern=concern, written_by=ConcernReply.Author.RAISER, author=user, body=body, via=via
        )
        events.concern_answered.send(sender=Concern, concern=concern, reply=reply)
    reply.already_sent = False
    return reply
