from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base import retention


class DynastiesConfig(AppConfig):
    name = "dynasties"
    verbose_name = _("Library dynasties")

    def ready(self):
        from .retention import ApplicationPolicy  # noqa: PLC0415 — models load after the registry

        retention.register(ApplicationPolicy())
