"""What the platform records about itself (not about people): the last heartbeat of the task queue."""

from django.db import models

from . import roles


class Heartbeat(models.Model):
    """When a scheduled heartbeat task last ran: beat sent it and a worker ran it.

    One row per name; ``/health/`` reports how long ago ``seen_at`` was.
    """

    name = models.CharField(max_length=50, primary_key=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.seen_at:%Y-%m-%d %H:%M:%S}"


class ProgrammeAccess(models.Model):
    """No table: the permissions that make the staff roles (``project.roles``)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = roles.PERMISSIONS
