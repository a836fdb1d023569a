"""Meeting tags: ``{% calendar_feed_box %}`` (the person's calendar address, or the button that makes
it, on Meet / Video and Edit Account without either view fetching it) and ``meeting|meeting_status``."""

from __future__ import annotations

from django import template

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
