"""The project's URLs plus ``/bench/bare/``, the baseline every page is compared with."""

from django.http import HttpResponse
from django.urls import include, path


def bare_view(request):
    """The cheapest response the stack can give: all middleware, no template, no query."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare_view, name="bench_bare"),
    path("", include("kuzbib_site.urls")),
]
