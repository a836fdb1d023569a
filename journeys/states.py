"""The relationship's states and the groups the rules speak of, each under one name.

Nothing here imports the models, so the rules (``journeys.rules``), the search's SQL
(``people.search``) and the models themselves can all read the same lists.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    REQUESTED = "requested", _("Request awaiting the mentor")
    DECLINED = "declined", _("Request declined")
    EXPIRED = "expired", _("Request expired unanswered")
    # The mentor stopped taking part before answering (left the programme, or the programme team
    # deactivated them): closed for them, not by them. Not an answer, and nothing about the pair.
    REQUEST_CLOSED = "request_closed", _("Request closed: the mentor stopped taking part")
    REQUEST_WITHDRAWN = "request_withdrawn", _("Request withdrawn")
    ARRANGING = "arranging", _("Matched: arrange the first meeting")
    FIRST_CONVERSATION = "first_conversation", _("First conversation")
    PROGRESSION = "progression", _("Progression")
    COMPLETION = "completion", _("Completion")
    FEEDBACK = "feedback", _("Feedback")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CLOSED = "closed", _("Closed by programme staff")


# A request the mentor has not accepted yet (a withdrawn one can still be reinstated).
OPEN_REQUEST_STATES = [State.REQUESTED, State.REQUEST_WITHDRAWN]
# Accepted and not yet ended: the relationship proper.
MATCHED_STATES = [
    State.ARRANGING,
    State.FIRST_CONVERSATION,
    State.PROGRESSION,
    State.COMPLETION,
    State.FEEDBACK,
]
# An open request or a current relationship: at most one per mentee and mentor.
OPEN_STATES = [*OPEN_REQUEST_STATES, *MATCHED_STATES]
# The stages where the two work together (after the first meeting is arranged, before feedback):
# the ones that can stall, and where goals fall due.
WORKING_STATES = [State.FIRST_CONVERSATION, State.PROGRESSION, State.COMPLETION]
# The three stages behind them: feedback still to give, or given (the "completed" of the staff
# home's funnel).
STAGES_DONE_STATES = [State.FEEDBACK, State.COMPLETED]
ENDED_STATES = [State.DECLINED, State.EXPIRED, State.REQUEST_CLOSED, State.COMPLETED, State.WITHDRAWN, State.CLOSED]
# Ended by something between the two (a request declined or unanswered, a relationship that ran its
# course or was ended): a matching round that avoids past pairs never proposes them again. A request
# closed because its mentor stopped taking part says nothing about the pair, so it is not one.
PAIR_ENDED_STATES = [state for state in ENDED_STATES if state != State.REQUEST_CLOSED]
# A request closed for someone who stopped taking part, not by them (``journeys.services.relationships``):
# the history's action for each side and reason ("left": they left the programme; "deactivated": the
# programme team deactivated them). The mentor's side ends in REQUEST_CLOSED; the mentee's stays a
# withdrawn request that ended (``rules.has_ended``), as when they leave.
CLOSED_ACTIONS = {
    ("mentor", "left"): "request_closed_mentor_left",
    ("mentor", "deactivated"): "request_closed_mentor_deactivated",
    ("mentee", "deactivated"): "request_closed_mentee_deactivated",
}
# A mentor the mentee is not suggested again (``rules.not_suggested_again_sql``: the Relationships page,
# the expiry email, Find Mentor's "Suggested for you"): one who declined a request of theirs or let it
# expire unanswered, one they withdrew a request from, one either of them withdrew from a relationship
# with, or one whose request or relationship with them the programme team closed. A search still finds them.
NOT_SUGGESTED_AGAIN = [State.DECLINED, State.EXPIRED, State.REQUEST_WITHDRAWN, State.WITHDRAWN, State.CLOSED]
# States that take one of the mentor's places (the capacity rule, ``journeys.rules``).
CAPACITY_STATES = MATCHED_STATES
