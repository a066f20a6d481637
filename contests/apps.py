from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestsConfig(AppConfig):
    name = "contests"
    verbose_name = _("Contests")

    def ready(self):
        from events.calendar import KIND_LABELS
        from kuzbib_site.base import retention

        from .retention import EntryPolicy

        retention.register(EntryPolicy())

        KIND_LABELS["contest_stage"] = _("Contest stages")
