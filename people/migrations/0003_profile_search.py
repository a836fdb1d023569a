"""Find Mentor: region, time away, the remembered search, and what makes search fast.

On PostgreSQL:

* a trigger keeps ``search_vector`` (biography + experience, English stemming) up to date
  on every insert and update, bulk inserts included; a GIN index (of listed mentors: mentees
  are never searched) serves keyword searches;
* triggers keep ``area_ids`` (the profile's areas of support) in step with the
  ``people_profile_areas`` table, so a search tests areas on the profile row itself, and a
  GIN index finds the profiles with an area;
* ``profile_mentor_rank`` covers every column the ranking reads, for listed mentors only,
  in order of recent activity: a search reads that index instead of the wide profile rows,
  and stops as soon as it has a page;
* ``profile_role_community``: listed mentors by role and community, the two criteria most
  often chosen together;
* two small indexes outside the profile table: inactive or anonymised accounts (a handful,
  excluded from every search) and profiles by area.

SQLite, the development fallback, gets the plain columns only: there the search scores every
mentor and keyword search degrades to substring matching.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

import people.models

CREATE = """
CREATE OR REPLACE FUNCTION people_profile_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := to_tsvector(
        'pg_catalog.english', coalesce(NEW.biography, '') || ' ' || coalesce(NEW.experience, '')
    );
    RETURN NEW;
END
$$;
CREATE TRIGGER people_profile_search_vector_update
    BEFORE INSERT OR UPDATE OF biography, experience ON people_profile
    FOR EACH ROW EXECUTE FUNCTION people_profile_search_vector();

CREATE OR REPLACE FUNCTION people_profile_area_ids() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Whatever the application wrote, the areas table is the truth.
    NEW.area_ids := ARRAY(
        SELECT areaofsupport_id FROM people_profile_areas WHERE profile_id = NEW.id ORDER BY 1
    );
    RETURN NEW;
END
$$;
CREATE TRIGGER people_profile_area_ids_update
    BEFORE INSERT OR UPDATE ON people_profile
    FOR EACH ROW EXECUTE FUNCTION people_profile_area_ids();

CREATE OR REPLACE FUNCTION people_profile_areas_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE people_profile SET area_ids = NULL
        WHERE id IN (SELECT DISTINCT profile_id FROM changed_rows);
    ELSE
        UPDATE people_profile SET area_ids = NULL
        WHERE id IN (SELECT DISTINCT profile_id FROM removed_rows);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER people_profile_areas_inserted
    AFTER INSERT ON people_profile_areas REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION people_profile_areas_changed();
CREATE TRIGGER people_profile_areas_deleted
    AFTER DELETE ON people_profile_areas REFERENCING OLD TABLE AS removed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION people_profile_areas_changed();

UPDATE people_profile SET biography = biography;
ALTER TABLE people_profile ALTER COLUMN area_ids SET NOT NULL;

CREATE INDEX profile_search_gin ON people_profile USING gin (search_vector)
    WHERE is_mentor AND completed_at IS NOT NULL;
CREATE INDEX profile_area_ids_gin ON people_profile USING gin (area_ids)
    WHERE is_mentor AND completed_at IS NOT NULL;
CREATE INDEX profile_mentor_rank ON people_profile (last_active_at DESC, id)
    INCLUDE (user_id, role_id, community_id, region, accepting_requests, away_until, area_ids)
    WHERE is_mentor AND completed_at IS NOT NULL;
CREATE INDEX profile_role_community ON people_profile (role_id, community_id)
    WHERE is_mentor AND completed_at IS NOT NULL;
CREATE INDEX people_user_not_listed ON people_user (id)
    WHERE NOT is_active OR anonymised_at IS NOT NULL;
CREATE INDEX people_profile_areas_by_area ON people_profile_areas (areaofsupport_id, profile_id);
"""

DROP = """
DROP INDEX IF EXISTS people_profile_areas_by_area;
DROP INDEX IF EXISTS people_user_not_listed;
DROP INDEX IF EXISTS profile_role_community;
DROP INDEX IF EXISTS profile_mentor_rank;
DROP INDEX IF EXISTS profile_area_ids_gin;
DROP INDEX IF EXISTS profile_search_gin;
ALTER TABLE people_profile ALTER COLUMN area_ids DROP NOT NULL;
DROP TRIGGER IF EXISTS people_profile_areas_deleted ON people_profile_areas;
DROP TRIGGER IF EXISTS people_profile_areas_inserted ON people_profile_areas;
DROP FUNCTION IF EXISTS people_profile_areas_changed();
DROP TRIGGER IF EXISTS people_profile_area_ids_update ON people_profile;
DROP FUNCTION IF EXISTS people_profile_area_ids();
DROP TRIGGER IF EXISTS people_profile_search_vector_update ON people_profile;
DROP FUNCTION IF EXISTS people_profile_search_vector();
"""


def create_search_machinery(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_search_machinery(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


REGIONS = [
    ("north-east", "North East England"),
    ("north-west", "North West England"),
    ("yorkshire", "Yorkshire and the Humber"),
    ("east-midlands", "East Midlands"),
    ("west-midlands", "West Midlands"),
    ("east", "East of England"),
    ("london", "London"),
    ("south-east", "South East England"),
    ("south-west", "South West England"),
    ("wales", "Wales"),
    ("scotland", "Scotland"),
    ("northern-ireland", "Northern Ireland"),
    ("outside-uk", "Outside the UK"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_default_taxonomy"),
    ]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="away_until",
            field=models.DateField(
                blank=True,
                help_text="Mentors: if you are away for a while, the date you are back. Mentees see it on your profile.",
                null=True,
                verbose_name="away until",
            ),
        ),
        migrations.AddField(
            model_name="profile",
            name="last_search",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AddField(
            model_name="profile",
            name="region",
            field=models.CharField(blank=True, choices=REGIONS, max_length=20, verbose_name="region"),
        ),
        migrations.AddField(
            model_name="profile",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="profile",
            name="area_ids",
            field=people.models.AreaIdsField(base_field=models.BigIntegerField(), editable=False, null=True, size=None),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="profile",
                    index=django.contrib.postgres.indexes.GinIndex(
                        condition=models.Q(("completed_at__isnull", False), ("is_mentor", True)),
                        fields=["search_vector"],
                        name="profile_search_gin",
                    ),
                ),
                migrations.AddIndex(
                    model_name="profile",
                    index=django.contrib.postgres.indexes.GinIndex(
                        condition=models.Q(("completed_at__isnull", False), ("is_mentor", True)),
                        fields=["area_ids"],
                        name="profile_area_ids_gin",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(create_search_machinery, drop_search_machinery),
            ],
        ),
    ]
