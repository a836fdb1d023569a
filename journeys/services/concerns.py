""" "Raise a concern": a participant's message to the programme about their relationship.

The concern opens a staff case (``journeys.events.concern_raised``, answered by
``staff.receivers``); the person who raised it is sent a confirmation. The other person is not
told: nothing is written to the relationship's history, their pages or their notifications.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _

from notifications.services import notify

from .. import events
from ..models import Concern, Relationship
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
