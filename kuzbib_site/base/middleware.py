"""Middleware of the base app."""

from django.http import HttpResponse
from django.template.loader import render_to_string

from .conf import setting


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
        html = render_to_string("base/request_too_large.html", {"limit": limit})
        return HttpResponse(html, status=413)
