from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DynastiesConfig(AppConfig):
    name = "dynasties"
    verbose_name = _("Library dynasties")
