from .conf import setting
from .low_vision import LowVision


def low_vision(request):
    """The visitor's low-vision version (``kuzbib_site.base.low_vision.LowVision``): false when
    off, else its settings, the classes for ``<html>`` and the panel's links back to this page.
    A cookie, so it works without JavaScript and survives across pages."""
    return {
        "low_vision": LowVision.from_cookie(
            request.COOKIES.get(setting("LOW_VISION_COOKIE"), ""),
            next_path=request.get_full_path(),
        )
    }
