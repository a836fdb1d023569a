"""Meeting tags: ``{% calendar_feed_box %}`` (the person's calendar address, or the button that makes
it, on Meet / Video and Edit Account without either view fetching it), ``meeting|meeting_status`` and
``meeting|can_cancel``."""

from __future__ import annotations

from django import template
from django.utils import timezone

from .. import rules
from ..meeting_records import calendar_feed_of, status_of

register = template.Library()


@register.inclusion_tag("journeys/_calendar_feed.html", takes_context=True)
def calendar_feed_box(context, heading_level: int = 2):
    from ..views.meetings import feed_urls

    request = context["request"]
    feed = calendar_feed_of(request.user)
    return {
        "feed": feed,
        "urls": feed_urls(feed) if feed else None,
        "next": request.get_full_path(),
        "heading_level": heading_level,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def meeting_status(meeting) -> str:
    """Where the meeting stands (``journeys.meeting_records.Status``)."""
    return status_of(meeting)


@register.filter
def can_cancel(meeting) -> bool:
    """The pair may cancel it: still to come (``journeys.rules.why_cancel_refused``)."""
    return rules.why_cancel_refused(meeting, timezone.now()) is None
