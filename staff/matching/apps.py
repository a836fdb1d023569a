from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "staff.matching"
    label = "matching"
    verbose_name = _("Matching rounds")

    def ready(self):
        from . import receivers

        receivers.connect()
