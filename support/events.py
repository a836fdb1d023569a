"""What Need Help? tells the rest of the platform (Django signals; see journeys/events.py).

``staff.receivers`` opens a staff case for each; ``support/tests`` checks a receiver is connected.
"""

from django.dispatch import Signal

# A Contact form message was stored. Sent with ``support_request``, inside its transaction.
support_request_received = Signal()

# The sender answered the programme's reply (on the platform or by email). Sent with
# ``support_request`` and ``reply``, inside its transaction.
support_reply_received = Signal()

ALL = {"support_request_received": support_request_received, "support_reply_received": support_reply_received}
