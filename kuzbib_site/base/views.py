"""The core's public views: the low-vision switch and the language switch, plain links that set
a cookie and return to the page (the blocks and the layout read the cookies). Links, not forms: a
page carries no CSRF token for them, so the anonymous page cache may keep it."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from .conf import setting
from .low_vision import LowVision


def _way_back(request):
    """The page the visitor came from (``next``): a path of this site, else the home page."""
    target = request.GET.get("next", "")
    if any(ord(char) < 32 or ord(char) == 127 for char in target) or not (
        url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return "/"
    return target


@require_GET
def language(request):
    """Switch the site's language to ``lang`` (a code of ``settings.LANGUAGES``; anything else
    changes nothing) and return to the page the visitor came from. The cookie is Django's
    language cookie, which ``SiteLanguageMiddleware`` reads."""
    response = HttpResponseRedirect(_way_back(request))
    code = request.GET.get("lang", "")
    if code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE or request.is_secure(),
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
        )
    return response


@require_GET
def low_vision(request):
    """Switch the low-vision version on or off, or change one of its settings, and return to the
    page the visitor came from. Plain links and a cookie, so it works without JavaScript; nothing
    is stored server-side.

    ``mode=off`` turns it off; any other request turns it on (``mode=on``, the header's switch)
    with the settings it names (``size``, ``scheme``, ``spacing``, ``images``: the panel's links)
    over those the cookie holds. A value that is not one of a setting's choices leaves that
    setting as it was: only a hand-made link has one, and the page it returns to shows the
    settings in force."""
    response = HttpResponseRedirect(_way_back(request))
    cookie = setting("LOW_VISION_COOKIE")
    if request.GET.get("mode") == "off":
        response.delete_cookie(cookie, samesite="Lax")
        return response
    current = LowVision.from_cookie(request.COOKIES.get(cookie, "")) or LowVision(on=True)
    chosen = current.changed(request.GET.dict())
    response.set_cookie(
        cookie,
        chosen.cookie_value,
        max_age=setting("LOW_VISION_COOKIE_DAYS") * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response
