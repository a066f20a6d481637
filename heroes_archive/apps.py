from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HeroesArchiveConfig(AppConfig):
    name = "heroes_archive"
    verbose_name = _("Heroes archive")
