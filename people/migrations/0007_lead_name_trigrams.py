"""Trigram indexes on members' names and email addresses, for the staff lists' "name or email contains"
searches (the relationship directory's mentor and mentee filters, the member directory's search).

Django's ``icontains`` on PostgreSQL is ``UPPER(column) LIKE UPPER('%text%')``, which no B-tree can
serve: without these, each search reads every account. The pg_trgm extension (in PostgreSQL's contrib,
offered by every managed service) is created if missing; a database user that may not create
extensions needs an administrator to run ``CREATE EXTENSION pg_trgm`` once (README, "Deploying").
Nothing happens on SQLite, where the tables are small.
"""

from django.db import migrations

COLUMNS = ("first_name", "last_name", "email")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS people_user_{column}_trgm ON people_user "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS people_user_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("people", "0006_h3_regions")]

    operations = [migrations.RunPython(create, reverse_code=drop)]
