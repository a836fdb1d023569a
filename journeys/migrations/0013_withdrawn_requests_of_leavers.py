"""A withdrawn request whose mentee left the programme is a withdrawn request again.

Until now, Delete my account moved such a request (withdrawn by the person as they left, or
earlier) to "Withdrawn", the state of a relationship that was accepted and then ended; before that,
to "Closed by programme staff". Either way the staff reports stopped adding up: the request was
counted in "Requests sent" but as none of accepted, declined, withdrawn or waiting, and the stage
table and ``relationships.csv`` showed a relationship that never was.

The rows are found exactly by their history: the change that ended them is ``leave_programme``
from "Request withdrawn" (the old code wrote that action both times). They go back to "Request
withdrawn" and keep their end date, which now marks a withdrawn request that ended and can no
longer be reinstated (``journeys.rules.has_ended``); their journey was already cancelled then. A row
whose pair has another open request or relationship (which cannot happen, as the person left) is
left alone rather than break the one-open-per-pair constraint.

Backwards, the rows this migration moved go to "Withdrawn" again, as the earlier code left them.
"""

from django.db import migrations

LEFT = "leave_programme"
REQUEST_WITHDRAWN = "request_withdrawn"
WRONG = ["withdrawn", "closed"]
OPEN = ["requested", "request_withdrawn", "arranging", "first_conversation", "progression", "completion", "feedback"]


def forwards(apps, schema_editor):
    Relationship = apps.get_model("journeys", "Relationship")
    StateChange = apps.get_model("journeys", "StateChange")
    ended_by_leaving = StateChange.objects.filter(action=LEFT, from_state=REQUEST_WITHDRAWN)
    wrong = Relationship.objects.filter(
        pk__in=ended_by_leaving.values("relationship_id"), state__in=WRONG, matched_at__isnull=True
    )
    for pk, mentee_id, mentor_id in list(wrong.values_list("pk", "mentee_id", "mentor_id")):
        pair = Relationship.objects.filter(mentee_id=mentee_id, mentor_id=mentor_id, state__in=OPEN)
        if pair.exclude(pk=pk).exists():
            continue
        Relationship.objects.filter(pk=pk).update(state=REQUEST_WITHDRAWN)
        ended_by_leaving.filter(relationship_id=pk).update(to_state=REQUEST_WITHDRAWN)


def backwards(apps, schema_editor):
    Relationship = apps.get_model("journeys", "Relationship")
    StateChange = apps.get_model("journeys", "StateChange")
    ended_by_leaving = StateChange.objects.filter(action=LEFT, from_state=REQUEST_WITHDRAWN)
    moved = Relationship.objects.filter(
        pk__in=ended_by_leaving.values("relationship_id"), state=REQUEST_WITHDRAWN, ended_at__isnull=False
    )
    ended_by_leaving.filter(relationship__in=moved).update(to_state="withdrawn")
    moved.update(state="withdrawn")


class Migration(migrations.Migration):
    dependencies = [("journeys", "0012_lead_merge")]

    operations = [migrations.RunPython(forwards, backwards)]
