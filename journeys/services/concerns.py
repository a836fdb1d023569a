""" "Raise a concern": a participant's message to the programme about their relationship.

The concern opens a staff case (``journeys.events.concern_raised``, answered by
``staff.receivers``); the person who raised it is sent a confirmation. The other person is not
told: nothing is written to the relationship's history, their pages or their notifications.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from notifications.services import notify

from .. import events
from ..models import Concern, Relationship
from .base import Refused, atomic, require_party

MAX_LENGTH = 5000


def raise_concern(relationship: Relationship, user, message: str) -> Concern:
    message = (message or "").strip()
    if not message:
        raise Refused(_("Please write your concern before sending it."))
    if len(message) > MAX_LENGTH:
        raise Refused(_("Please keep your concern under %(count)d characters.") % {"count": MAX_LENGTH})
    require_party(relationship, user)
    with atomic():
        concern = Concern.objects.create(relationship=relationship, raised_by=user, message=message)
        events.concern_raised.send(sender=Concern, concern=concern)
        notify(
            user,
            "concern_raised_confirmation",
            relationship=relationship,
            concern=concern,
            other=relationship.other(user),
        )
    return concern
