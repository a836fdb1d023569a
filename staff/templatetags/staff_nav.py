"""``{% staff_nav %}``: the staff area's navigation (``staff.nav.SECTIONS``) for the person viewing it."""

from __future__ import annotations

from django import template
from django.urls import reverse

from ..nav import SECTIONS

register = template.Library()


@register.inclusion_tag("staff/_nav.html", takes_context=True)
def staff_nav(context):
    request = context["request"]
    user = request.user
    items = []
    for section in SECTIONS:
        if section.perm and not user.has_perm(section.perm):
            continue
        items.append({"key": section.key, "label": section.label, "url": reverse(section.url_name)})
    current = None
    for item in items:
        exact = request.path == item["url"]
        inside = item["key"] != "home" and request.path.startswith(item["url"])
        if (exact or inside) and (current is None or len(item["url"]) > len(current["url"])):
            current = item
    return {"items": items, "current": current and current["key"]}
