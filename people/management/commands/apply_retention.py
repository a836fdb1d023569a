"""manage.py apply_retention: warn, then anonymise, accounts inactive for RETENTION_INACTIVE_DAYS."""

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Email a warning to participants inactive for RETENTION_INACTIVE_DAYS - RETENTION_WARNING_DAYS, and "
        "anonymise those warned RETENTION_WARNING_DAYS ago who have not signed in since (Celery beat runs "
        "this daily as people.tasks.apply_retention)."
    )

    def handle(self, *args, **options):
        from people.retention import apply_retention

        result = apply_retention()
        self.stdout.write(
            f"Retention ({settings.RETENTION_INACTIVE_DAYS} days inactive, warned "
            f"{settings.RETENTION_WARNING_DAYS} days before): {result.warned} warned, "
            f"{result.anonymised} anonymised, {result.came_back} came back, "
            f"{result.expired_exports_removed} expired data exports removed, "
            f"{result.sign_in_records_removed} sign-in records older than {settings.SIGN_IN_RECORDS_KEEP_DAYS} days removed."
        )
