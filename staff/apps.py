from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Programme staff")

    def ready(self):
        from people import erasure as people_erasure

        from . import erasure, receivers

        receivers.connect()
        people_erasure.register(erasure.PART)
