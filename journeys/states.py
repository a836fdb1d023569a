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
ENDED_STATES = [State.DECLINED, State.EXPIRED, State.COMPLETED, State.WITHDRAWN, State.CLOSED]
# States that take one of the mentor's places (the capacity rule, ``journeys.rules``).
CAPACITY_STATES = MATCHED_STATES
