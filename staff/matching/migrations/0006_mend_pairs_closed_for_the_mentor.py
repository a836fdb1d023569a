"""A round's published pair whose request was closed because its mentor stopped taking part is closed.

``journeys.0015`` mends the requests the old code recorded as declined when their mentor left the
programme or was deactivated (only those it can tell for certain). The round had marked their pairs
"Declined by the mentor"; they become "Closed: the mentor stopped taking part", so the round no longer
bars the pair. When the round then had nothing more to do (``on_decline`` "nothing", or the round
closed), the mentee's unmatched row said the mentor declined: it now says the mentor stopped taking
part, when the closed pair is the last one the mentee's row followed. Backwards, they go back.
"""

from django.db import migrations

PAST = ["declined", "closed"]


def forwards(apps, schema_editor):
    Proposal = apps.get_model("matching", "Proposal")
    mended = Proposal.objects.filter(status="declined", relationship__state="request_closed")
    for row in list(mended):
        Proposal.objects.filter(pk=row.pk).update(status="closed")
        after = Proposal.objects.filter(
            round_id=row.round_id, mentee_id=row.mentee_id, status="unmatched", reason="declined", pk__gt=row.pk
        ).first()
        if after is None:
            continue
        last = (
            Proposal.objects.filter(round_id=row.round_id, mentee_id=row.mentee_id, status__in=PAST, pk__lt=after.pk)
            .order_by("-pk")
            .first()
        )
        if last is not None and last.pk == row.pk:
            Proposal.objects.filter(pk=after.pk).update(reason="closed_for_mentor")


def backwards(apps, schema_editor):
    Proposal = apps.get_model("matching", "Proposal")
    Proposal.objects.filter(status="unmatched", reason="closed_for_mentor").update(reason="declined")
    Proposal.objects.filter(status="closed").update(status="declined")


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0005_closed_for_the_mentor"),
        ("journeys", "0015_mend_requests_closed_for_someone"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
