"""The core's public view: the low-vision switch (the blocks and the layout read its cookie)."""

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from .conf import setting


@require_GET
def low_vision(request):
    """Switch the low-vision version on or off and return to the page the visitor came from.
    A plain link and a cookie, so it works without JavaScript; nothing is stored server-side."""
    enable = request.GET.get("mode") != "off"
    target = request.GET.get("next", "")
    if any(ord(char) < 32 or ord(char) == 127 for char in target) or not (
        url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    cookie = setting("LOW_VISION_COOKIE")
    if enable:
        response.set_cookie(
            cookie, "1", max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure()
        )
    else:
        response.delete_cookie(cookie, samesite="Lax")
    return response
