from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from . import checks  # noqa: F401 — registers the core's system checks


class BaseConfig(AppConfig):
    name = "kuzbib_site.base"
    label = "base"
    verbose_name = _("Kuzbass Libraries: shared core")

    def ready(self):
        from . import lemma_index, page_cache_purge  # noqa: PLC0415 — models load after the registry

        # The lemmatised index follows pages being saved, published, unpublished and moved.
        lemma_index.connect()
        # The anonymous page cache forgets the pages that show what changed.
        page_cache_purge.connect()
