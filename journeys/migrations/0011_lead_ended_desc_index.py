"""An index for the staff directory's "latest ended first" sort: ended_at descending with the
relationships not ended last, then the id (``staff.directory.Ordering``).

PostgreSQL only: SQLite (the embedded database of ``make run``) does not accept NULLS LAST in an
index, and its tables are small. Not in the model's Meta for the same reason.
"""

from django.conf import settings
from django.db import migrations

NAME = "relationship_ended_desc_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON journeys_relationship (ended_at DESC NULLS LAST, id DESC)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("journeys", "0010_lead_merge"),
        ("people", "0007_lead_name_trigrams"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(create, reverse_code=drop)]
