# The relationship-waiting trigger (0004) recomputed a relationship's row for every task row written:
# a request's journey writes its start task (DONE), the mentor's step and four timers (SCHEDULED) in
# one statement, so the row was recomputed five times, and cancelling a step's timers once per timer.
# Who the journey waits on only changes when a task becomes open, stops being open, or an open task
# changes owner, so the triggers now fire only then (their WHEN clauses); the function is 0004's.
# A relationship still has its row from the transaction that sends its request: that writes the
# mentor's open step.

from django.db import migrations

OPEN = "('NEW', 'ASSIGNED', 'STARTED')"  # journeys.rules.OPEN_TASK_STATUSES


def changes_waiting(old: str, new: str, differs: str) -> str:
    """An update that opens or closes a task, or gives an open task another owner."""
    return (
        f"(({old}.status IN {OPEN}) <> ({new}.status IN {OPEN}) "
        f"OR ({new}.status IN {OPEN} AND {old}.owner_id {differs} {new}.owner_id))"
    )


POSTGRES = [
    "DROP TRIGGER IF EXISTS staff_relationship_waiting ON viewflow_task",
    "CREATE TRIGGER staff_relationship_waiting_insert AFTER INSERT ON viewflow_task FOR EACH ROW "
    f"WHEN (NEW.status IN {OPEN}) EXECUTE FUNCTION staff_relationship_waiting()",
    "CREATE TRIGGER staff_relationship_waiting_update AFTER UPDATE OF status, owner_id ON viewflow_task "
    f"FOR EACH ROW WHEN {changes_waiting('OLD', 'NEW', 'IS DISTINCT FROM')} "
    "EXECUTE FUNCTION staff_relationship_waiting()",
]
POSTGRES_BACK = [
    "DROP TRIGGER IF EXISTS staff_relationship_waiting_insert ON viewflow_task",
    "DROP TRIGGER IF EXISTS staff_relationship_waiting_update ON viewflow_task",
    "CREATE TRIGGER staff_relationship_waiting AFTER INSERT OR UPDATE OF status, owner_id ON viewflow_task "
    "FOR EACH ROW EXECUTE FUNCTION staff_relationship_waiting()",
]

SQLITE_REPLACE = f"""
INSERT OR REPLACE INTO staff_relationshipwaiting (relationship_id, mentee, mentor)
SELECT r.id,
       COALESCE(MAX(t.owner_id = r.mentee_id), 0),
       COALESCE(MAX(t.owner_id = r.mentor_id), 0)
FROM journeys_relationship r
LEFT JOIN journeys_mentoringprocess mp ON mp.relationship_id = r.id
LEFT JOIN viewflow_task t ON t.process_id = mp.process_ptr_id AND t.status IN {OPEN}
WHERE r.id = (SELECT relationship_id FROM journeys_mentoringprocess WHERE process_ptr_id = NEW.process_id)
GROUP BY r.id
"""
_MENTORING = "EXISTS (SELECT 1 FROM journeys_mentoringprocess WHERE process_ptr_id = NEW.process_id)"


def _sqlite(when: dict) -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS staff_relationship_waiting_insert",
        "DROP TRIGGER IF EXISTS staff_relationship_waiting_update",
        *(
            f"CREATE TRIGGER staff_relationship_waiting_{name} AFTER {event} ON viewflow_task "
            f"WHEN {when[name]}{_MENTORING} BEGIN {SQLITE_REPLACE}; END"
            for name, event in (("insert", "INSERT"), ("update", "UPDATE OF status, owner_id"))
        ),
    ]


SQLITE = _sqlite({"insert": f"NEW.status IN {OPEN} AND ", "update": f"{changes_waiting('OLD', 'NEW', 'IS NOT')} AND "})
SQLITE_BACK = _sqlite({"insert": "", "update": ""})


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise NotImplementedError(f"No relationship-waiting trigger for {schema_editor.connection.vendor}")
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0004_lead_relationship_waiting"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            reverse_code=_run({"postgresql": POSTGRES_BACK, "sqlite": SQLITE_BACK}),
        ),
    ]
