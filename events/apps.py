from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base import retention


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        # These import the models, which load only once the app registry is ready.
        from . import signals  # noqa: F401, PLC0415 — connects the calendar sync
        from .retention import ProposalPolicy, RegistrationPolicy  # noqa: PLC0415 — see above

        retention.register(RegistrationPolicy())
        retention.register(ProposalPolicy())
