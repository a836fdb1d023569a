from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = "Programme staff"

    def ready(self):
        from . import receivers

        receivers.connect()
