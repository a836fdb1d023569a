"""A partial index for the timer sweep (journeys.tasks.fire_workflow_timers).

Every minute the sweep asks viewflow for the due timers:

    SELECT ... FROM viewflow_task
    WHERE flow_task_type = 'TIMER' AND status = 'SCHEDULED' AND scheduled <= now()
    ORDER BY scheduled

viewflow's own indexes (status, scheduled) grow with every task ever run, and the scheduled
one holds every finished timer too. This index holds only the timers still waiting, ordered by
when they fall due, so the sweep reads just the due ones, however long the history.
viewflow's models are not ours, so the index is plain SQL (valid on PostgreSQL and SQLite).
"""

from django.db import migrations

INDEX = "journeys_timer_due_idx"

CREATE = (
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON viewflow_task (scheduled) "
    "WHERE status = 'SCHEDULED' AND flow_task_type = 'TIMER'"
)
DROP = f"DROP INDEX IF EXISTS {INDEX}"


class Migration(migrations.Migration):
    dependencies = [
        ("journeys", "0002_initial"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [migrations.RunSQL(CREATE, reverse_sql=DROP)]
