"""Background work for people: data exports and the retention sweep (Celery beat)."""

from celery import shared_task


@shared_task
def build_data_export(export_id: int) -> None:
    """Build one "Download my data" zip and email its link (people.exports.build)."""
    from .exports import build

    build(export_id)


@shared_task
def apply_retention() -> dict:
    """Warn, then anonymise, accounts inactive for RETENTION_INACTIVE_DAYS (people.retention)."""
    from .retention import apply_retention as sweep

    return sweep().as_dict()
