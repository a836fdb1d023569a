from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Programme staff")

    def ready(self):
        from . import receivers

        receivers.connect()
