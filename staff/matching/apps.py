from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "staff.matching"
    label = "matching"
    verbose_name = _("Matching rounds")

    def ready(self):
        from people import erasure as people_erasure
        from people import exports as people_exports

        from . import exports, receivers

        receivers.connect()
        people_exports.register(exports.SECTION)
        people_erasure.register(exports.PART)
