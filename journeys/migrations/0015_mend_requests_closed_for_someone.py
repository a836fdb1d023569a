"""Requests the old code closed for someone who stopped taking part are recorded as what they were.

Until now, a request still waiting for its mentor when the mentor deleted their account
(``leave_programme``) or was deactivated by the programme team (``staff.members.deactivate``) was
closed with ``decline_request(..., because=...)``: "Request declined", with a "decline" in its history,
so the reports counted a decline and matching rounds never proposed the pair again. Likewise a request
of a mentee the programme team deactivated was recorded as the mentee's "withdraw_request".

A row is mended only when two things the old code wrote together both say so:

- the history row's note is the sentence the service wrote as the reason ("Ended: the mentor left the
  programme." or "Closed by the programme team: this person is no longer taking part for now.", in
  English or in the deployment's LANGUAGE_CODE, as the code wrote it), never the person's own words; and
- in the same transaction, the other person was sent the notification only that closing sends
  (``request_closed_for_mentee`` to the mentee, ``request_closed_for_mentor`` to the mentor), written
  just after the history row (within ``WINDOW``).

Such a decline becomes "request_closed" (the relationship's state and the row's ``to_state``) with the
action "request_closed_mentor_left" or "request_closed_mentor_deactivated"; such a withdrawal keeps
its state (a withdrawn request that ended) and becomes "request_closed_mentee_deactivated". A mentee
who left is not mended: the code still records their leaving as their withdrawal.

Rows that cannot be told apart are left as they are: when the notification is gone (its recipient was
erased since: their notifications went with them), nothing else written at the time says for certain
that the mentor did not decline, so such a row stays a decline. A matching round's pair whose request
is mended here is mended by ``matching.0006``.

Backwards, every row recorded this way (mended here, or written since) goes back to what the old code
wrote, which knew no other way.
"""

from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import translation

WINDOW = timedelta(minutes=5)  # the history row, then the notification, in one transaction
LEFT_REASON = "Ended: the mentor left the programme."
DEACTIVATED_REASON = "Closed by the programme team: this person is no longer taking part for now."
MENTOR_ACTIONS = {"left": "request_closed_mentor_left", "deactivated": "request_closed_mentor_deactivated"}
MENTEE_DEACTIVATED = "request_closed_mentee_deactivated"


def _as_written(sentence: str) -> set[str]:
    """The sentence as the code wrote it: in English, and in the deployment's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return {sentence, translation.gettext(sentence)}


def _notified(Notification, recipient_id, event: str, at) -> bool:
    return Notification.objects.filter(
        recipient_id=recipient_id, event=event, created_at__gte=at, created_at__lte=at + WINDOW
    ).exists()


def forwards(apps, schema_editor):
    Relationship = apps.get_model("journeys", "Relationship")
    StateChange = apps.get_model("journeys", "StateChange")
    Notification = apps.get_model("notifications", "Notification")
    because_of = {note: "left" for note in _as_written(LEFT_REASON)}
    because_of.update({note: "deactivated" for note in _as_written(DEACTIVATED_REASON)})

    declines = StateChange.objects.filter(
        action="decline",
        from_state="requested",
        to_state="declined",
        note__in=list(because_of),
        relationship__state="declined",
    ).select_related("relationship")
    for change in declines:
        rel = change.relationship
        if not _notified(Notification, rel.mentee_id, "request_closed_for_mentee", change.at):
            continue
        StateChange.objects.filter(pk=change.pk).update(
            action=MENTOR_ACTIONS[because_of[change.note]], to_state="request_closed"
        )
        later = StateChange.objects.filter(relationship_id=rel.pk, at__gt=change.at)
        later.filter(from_state="declined").update(from_state="request_closed")
        later.filter(to_state="declined").update(to_state="request_closed")
        Relationship.objects.filter(pk=rel.pk, state="declined").update(state="request_closed")

    withdrawals = StateChange.objects.filter(
        action="withdraw_request",
        from_state="requested",
        note__in=list(_as_written(DEACTIVATED_REASON)),
        relationship__state="request_withdrawn",
        relationship__ended_at__isnull=False,
    ).select_related("relationship")
    for change in withdrawals:
        if _notified(Notification, change.relationship.mentor_id, "request_closed_for_mentor", change.at):
            StateChange.objects.filter(pk=change.pk).update(action=MENTEE_DEACTIVATED)


def backwards(apps, schema_editor):
    Relationship = apps.get_model("journeys", "Relationship")
    StateChange = apps.get_model("journeys", "StateChange")
    StateChange.objects.filter(action=MENTEE_DEACTIVATED).update(action="withdraw_request")
    closings = StateChange.objects.filter(action__in=list(MENTOR_ACTIONS.values()))
    closed = list(closings.values_list("relationship_id", flat=True))
    closings.update(action="decline")
    StateChange.objects.filter(relationship_id__in=closed, from_state="request_closed").update(from_state="declined")
    StateChange.objects.filter(relationship_id__in=closed, to_state="request_closed").update(to_state="declined")
    Relationship.objects.filter(pk__in=closed, state="request_closed").update(state="declined")


class Migration(migrations.Migration):
    dependencies = [
        ("journeys", "0014_request_closed_for_mentor"),
        ("notifications", "0007_h7_reply_to"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
