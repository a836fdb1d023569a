"""Bans of someone with themselves, accepted before ``services.forbid`` refused them: there is no
such pair (``proposal.same_person``), so the rule meant nothing and only showed as a false line."""

from django.db import migrations
from django.db.models import F


def drop_rules_with_themselves(apps, schema_editor):
    PairRule = apps.get_model("matching", "PairRule")
    PairRule.objects.filter(mentee_id=F("mentor_id")).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0003_unmatched_only_themselves"),
    ]

    operations = [
        migrations.RunPython(drop_rules_with_themselves, migrations.RunPython.noop),
    ]
