"""What the journey tells the rest of the platform.

The journey does not know who acts on these: each is a Django signal sent synchronously, inside
the transaction of the flow step that sends it, and the apps above connect to them in their
``AppConfig.ready`` (``staff.receivers``). ``journeys/tests/test_events.py`` checks that every
signal here has a receiver, so none is sent into the void.
"""

from dataclasses import dataclass

from django.dispatch import Signal

# A request still unanswered REQUEST_ESCALATE_DAYS after it was sent (the review step's timer).
# Sent with ``relationship``.
request_unanswered = Signal()

# A match with no first meeting FIRST_MEETING_ESCALATE_DAYS after it (the arrange step's timer).
# Sent with ``relationship``.
first_meeting_overdue = Signal()

# Feedback still missing FEEDBACK_ESCALATE_DAYS after the two were asked for it (the feedback steps'
# timers: each step has one, so it may be sent twice at the same moment). Sent with ``relationship``.
feedback_overdue = Signal()

# A request nobody answered expired (REQUEST_EXPIRE_DAYS, the review step's interrupting timer).
# Sent with ``relationship``, inside the expiry's transaction (staff close the case about it).
request_expired = Signal()

# The journey moved on in a way that may settle what a staff case about it was for: whatever changes the
# relationship's last activity (``journeys.services.base``: ``apply`` for every change of stage, the
# request accepted, declined, withdrawn or expired, the relationship ended or completed; ``touch`` for
# what the pair do together, a message, a meeting arranged, changed or recorded, a goal, a progress
# entry, a worksheet), the one measure of activity the stalled rule reads (``rules.quiet_since``).
# Sent with ``relationship`` and ``at`` (that activity's moment), inside the transaction of the step
# that sends it; staff look at the cases about the relationship once it commits (in a task: the
# journey's steps spend no query on it).
relationship_moved_on = Signal()

# The mentor declined a request the programme proposed (``Relationship.proposed_by_programme``).
# Sent with ``relationship``, inside the decline's transaction (staff.matching may propose the
# mentee's next best mentor).
proposed_request_declined = Signal()

# A request the programme proposed was closed because its mentor stopped taking part before answering
# (left the programme, or was deactivated): no decline. Sent with ``relationship``, inside the
# closing's transaction (staff.matching records it as such, and may propose the mentee's next best mentor).
proposed_request_closed = Signal()


@dataclass(frozen=True)
class Invitation:
    """Something an app above invites a participant to do, shown on their Relationships page."""

    title: str
    text: str
    url: str
    link_label: str


# Asked when a participant's Relationships page is drawn: each receiver returns a list of
# ``Invitation`` for ``user`` (e.g. staff.matching: "shortlist mentors for this matching round").
relationships_invitations = Signal()


def invitations_for(user) -> list[Invitation]:
    return [item for _receiver, items in relationships_invitations.send(sender=Invitation, user=user) for item in items]


# "Raise a concern": a participant wrote to the programme about their relationship
# (journeys.services.concerns). Sent with ``concern``; staff open a case, the other person is not told.
concern_raised = Signal()

# The person who raised a concern answered the programme team's reply (journeys.services.concerns).
# Sent with ``concern`` and ``reply``; staff put it on the concern's case (or open one again).
concern_answered = Signal()

ALL = {
    "request_unanswered": request_unanswered,
    "first_meeting_overdue": first_meeting_overdue,
    "feedback_overdue": feedback_overdue,
    "request_expired": request_expired,
    "relationship_moved_on": relationship_moved_on,
    "proposed_request_declined": proposed_request_declined,
    "proposed_request_closed": proposed_request_closed,
    "relationships_invitations": relationships_invitations,
    "concern_raised": concern_raised,
    "concern_answered": concern_answered,
}
