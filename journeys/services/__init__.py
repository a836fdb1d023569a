"""Every change to a mentoring journey goes through one function here.

Each service runs in one transaction, locks the relationship row, checks who is
acting, asks the declared state machine for the transition (refusing with the
guard's reason), records the history, moves the declared flow on, and queues
its notifications to go out after commit.
"""

from .base import Refused  # noqa: F401
