from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base import retention


class ContestsConfig(AppConfig):
    name = "contests"
    verbose_name = _("Contests")

    def ready(self):
        from .retention import EntryPolicy  # noqa: PLC0415 — models load after the app registry

        retention.register(EntryPolicy())
