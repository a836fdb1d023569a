from django.conf import settings

from project.celery import app


def test_every_scheduled_task_exists_and_runs_at_a_sane_interval():
    app.loader.import_default_modules()
    expected = {
        "journeys.tasks.fire_workflow_timers",
        "journeys.tasks.send_dated_reminders",
        "staff.tasks.open_stalled_cases",
        "notifications.tasks.redeliver_pending",
        "people.tasks.apply_retention",
        "people.tasks.build_waiting_exports",
        "staff.imports.tasks.start_waiting_imports",
        "staff.matching.tasks.resume_waiting_work",
        "project.tasks.heartbeat",
    }
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == expected
    for name in scheduled:
        assert name in app.tasks, f"beat would send {name}, which no worker knows"
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert 1 <= entry["schedule"] <= 24 * 3600
