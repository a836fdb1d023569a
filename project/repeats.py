"""A message sent twice by one press too many (a double click, a page sent again, a retry): sent once.

Each place where someone writes to someone else checks, under the lock that serialises its sends,
whether the same words went the same way moments ago (``SAME_MESSAGE_WITHIN``), and if so answers
that earlier message, marked ``already_sent``, instead of writing and emailing a second one.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

SAME_MESSAGE_WITHIN = timedelta(minutes=10)


def sent_moments_ago(replies, body: str, *, at: str = "at"):
    """The newest of ``replies`` if it says ``body`` and was written within SAME_MESSAGE_WITHIN (then
    with ``already_sent`` True), else None. ``at``: the rows' time field."""
    last = replies.order_by(f"-{at}", "-pk").first()
    if last is None or last.body != body or getattr(last, at) < timezone.now() - SAME_MESSAGE_WITHIN:
        return None
    last.already_sent = True
    return last
