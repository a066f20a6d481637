from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from . import checks  # noqa: F401 — registers the core's system checks


class BaseConfig(AppConfig):
    name = "kuzbib_site.base"
    label = "base"
    verbose_name = _("Kuzbass Libraries: shared core")
