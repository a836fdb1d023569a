from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401
        from .sites import sync_site

        # After the sites app has made Site 1 ("example.com"), give it our name and address.
        post_migrate.connect(sync_site, sender=self, dispatch_uid="people.sync_site")
