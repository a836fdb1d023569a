"""Goal tags: ``{% goal_due goal relationship %}``, a goal's standing against its date in words
(overdue, due today, due soon: ``journeys.rules.goal_due``), beside wherever the date is shown."""

from __future__ import annotations

from django import template

from .. import rules

register = template.Library()


@register.inclusion_tag("journeys/_goal_due.html")
def goal_due(goal, relationship):
    return {"due": rules.goal_due(goal, relationship.state)}
