"""Filters the event templates (templates/notifications/events/) need to say things in words."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from ..services import absolute as _absolute

register = template.Library()


@register.filter(needs_autoescape=True)
def quoted_list(values, autoescape=True):
    """“Grow my network”, “Find a job”: each value in curly quotes, joined by commas."""
    esc = conditional_escape if autoescape else str
    return mark_safe(", ".join(f"“{esc(v)}”" for v in values))


@register.filter
def absolute(url: str) -> str:
    """A path on this site as a full address (for links written out in the text)."""
    return _absolute(url)


@register.filter
def web_link(url: str, words: str = "") -> str:
    """An HTML part's link to ``url`` (a path on this site is made a full address), reading ``words``
    or, without them, the address itself: an address written out as text cannot be clicked in most
    mail programs."""
    url = _absolute(url)
    return format_html('<a href="{}">{}</a>', url, words or url)


@register.filter
def other_than(relationship, recipient) -> str:
    """The name of the person in ``relationship`` the email is about: the one who is not ``recipient``
    (a mentor with several mentees learns which mentee; with no recipient, the mentee)."""
    if relationship is None:
        return ""
    if recipient is not None and getattr(recipient, "pk", None) == relationship.mentee_id:
        return relationship.mentor.display_name
    return relationship.mentee.display_name
