from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ProjectConfig(AppConfig):
    name = "project"
    verbose_name = _("Platform")

    def ready(self):
        from . import roles

        # After every migrate (and every test database flush): the staff role groups exist.
        post_migrate.connect(roles.ensure_groups, dispatch_uid="project.roles.ensure_groups")
