"""Requests the programme proposes (a matching round): the same request, sent on the mentee's behalf.

A proposed request is an ordinary ``Relationship`` in ``requested`` with ``proposed_by_programme``
set: it starts the same mentoring flow at the mentor's review (accept or decline, reminders,
escalation). The mentee did not write it, so the mentee is told that the programme proposed it
(``request_proposed_confirmation``) and the mentor that it comes from the programme
(``request_proposed``). The checks are those of a request the mentee sends (who may be asked,
one open request per pair, the mentor's places), without the mentee's daily limit: staff act.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError
from django.utils.translation import gettext as _

from notifications.services import notify
from people.models import AreaOfSupport

from .. import answer_links
from ..flows import mentoring as mentoring_flow
from ..flows import onboarding
from ..models import Relationship, StateChange
from .base import Refused, atomic
from .relationships import conversation_for, why_request_refused

User = get_user_model()


def propose_request(*, mentee, mentor, area: AreaOfSupport, statement: str, staff_user) -> Relationship:
    """Publish one pair of a matching round: a request from ``mentee`` to ``mentor``, proposed by staff."""
    with atomic():
        # The mentor's row first, as for any request: requests to one mentor are checked one at a time.
        User.objects.select_for_update().filter(pk=mentor.pk).first()
        if refusal := why_request_refused(mentee, mentor):
            raise Refused(refusal)
        try:
            with atomic():
                relationship = Relationship.objects.create(
                    mentee=mentee,
                    mentor=mentor,
                    area=area,
                    statement=statement.strip(),
                    conversation=conversation_for(mentee, mentor),
                    proposed_by_programme=True,
                )
        except IntegrityError as exc:
            if "one_open_relationship_per_pair" not in str(exc):
                raise
            raise Refused(
                _("%(mentee)s already has an open request with %(mentor)s.")
                % {"mentee": mentee.display_name, "mentor": mentor.display_name}
            ) from None
        StateChange.objects.create(
            relationship=relationship, actor=staff_user, action="propose_request", to_state=relationship.state
        )
        mentoring_flow.request_sent(relationship)
        onboarding.first_request_sent(mentee)
        notify(mentor, "request_proposed", relationship=relationship, answer=answer_links.urls(relationship))
        notify(mentee, "request_proposed_confirmation", relationship=relationship)
    return relationship
