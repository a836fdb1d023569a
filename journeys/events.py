"""What the journey tells the rest of the platform.

The journey does not know who acts on these: each is a Django signal sent synchronously, inside
the transaction of the flow step that sends it, and the apps above connect to them in their
``AppConfig.ready`` (``staff.receivers``). ``journeys/tests/test_events.py`` checks that every
signal here has a receiver, so none is sent into the void.
"""

from django.dispatch import Signal

# A request still unanswered REQUEST_ESCALATE_DAYS after it was sent (the review step's timer).
# Sent with ``relationship``.
request_unanswered = Signal()

# A match with no first meeting FIRST_MEETING_ESCALATE_DAYS after it (the arrange step's timer).
# Sent with ``relationship``.
first_meeting_overdue = Signal()

# "Raise a concern": a participant wrote to the programme about their relationship
# (journeys.services.concerns). Sent with ``concern``; staff open a case, the other person is not told.
concern_raised = Signal()

ALL = {
    "request_unanswered": request_unanswered,
    "first_meeting_overdue": first_meeting_overdue,
    "concern_raised": concern_raised,
}
