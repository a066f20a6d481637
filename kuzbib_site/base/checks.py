"""System checks for a site that installs the core: the settings it needs and Django has no
default for."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def private_media_root(app_configs, **kwargs):
    """Participants' files (contest entries, proposals, archives) are kept in
    ``PRIVATE_MEDIA_ROOT`` and served only through permission-checked views."""
    if getattr(settings, "PRIVATE_MEDIA_ROOT", None):
        return []
    return [
        Error(
            "PRIVATE_MEDIA_ROOT is not set.",
            hint="Set it to a folder outside MEDIA_ROOT that the web server does not serve.",
            id="kuzbib.E001",
        )
    ]
