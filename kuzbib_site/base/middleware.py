"""Middleware of the base app."""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .conf import setting


def chosen_language(request):
    """The language the visitor chose with the site's switch (the language cookie that our
    ``language`` view sets), else the site's language, ``settings.LANGUAGE_CODE``.

    Not the browser's ``Accept-Language``: the site's content is Russian, and a visitor whose
    browser merely prefers English would get English menus and buttons around Russian text.
    The switch sets exactly a code of ``settings.LANGUAGES``; any other value (stale, hand-made
    or hostile, a regional variant among them) counts as no choice."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class SiteLanguageMiddleware:
    """Django's ``LocaleMiddleware`` without its reading of ``Accept-Language``: activates the
    visitor's chosen language (``chosen_language``) for the request. The site uses no language
    prefixes in its URLs, so nothing else of ``LocaleMiddleware`` applies.

    The response varies with the cookie, not with ``Accept-Language``, and says its language in
    ``Content-Language``. The Wagtail admin is unaffected: its views switch to the editor's own
    admin language (their profile's preference) themselves, falling back to this one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class RequestSizeLimitMiddleware:
    """Refuses a request whose declared body (``Content-Length``) is larger than
    ``KUZBIB_BASE["MAX_REQUEST_BYTES"]`` with 413, before anything reads the body, so that an
    oversized upload costs neither memory nor disk. Sits right after SecurityMiddleware; nginx's
    ``client_max_body_size`` does the same in front of it in production."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = setting("MAX_REQUEST_BYTES")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body then either
        if limit and length > limit:
            return self.too_large(request, limit)
        return self.get_response(request)

    def too_large(self, request, limit):
        # Before SiteLanguageMiddleware has run: the refusal speaks the visitor's language itself.
        with translation.override(chosen_language(request)):
            html = render_to_string("base/request_too_large.html", {"limit": limit})
        return HttpResponse(html, status=413)
