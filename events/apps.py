from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from kuzbib_site.base import retention

        from . import signals  # noqa: F401 - connects the calendar sync
        from .retention import ProposalPolicy, RegistrationPolicy

        retention.register(RegistrationPolicy())
        retention.register(ProposalPolicy())
