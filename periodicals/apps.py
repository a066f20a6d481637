from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeriodicalsConfig(AppConfig):
    name = "periodicals"
    verbose_name = _("Periodicals archive")

    def ready(self):
        # The checks of READING_ROOM_NETWORKS and (the ingest's) of tesseract register
        # themselves.
        from . import access, checks  # noqa: F401, PLC0415 — after the apps are loaded
