"""The OAI-PMH endpoint (``/oai/``): the HTTP side of ``heroes_archive.oai``.

Harvesters send GET requests or form-encoded POSTs without a CSRF token; whatever they send —
unknown verbs, repeated or huge arguments, NUL bytes, more fields than Django parses — is
answered with an OAI-PMH document (an error condition where needed), never a server error.
"""

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http import Http404, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from wagtail.models import Site

from .. import oai

FORM = "application/x-www-form-urlencoded"


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def endpoint(request):
    site = Site.find_for_request(request)
    if site is None:
        raise Http404("No site serves this host.")
    repository = oai.Repository(site, request.build_absolute_uri(request.path), request=request)
    response = HttpResponse(
        oai.respond(_arguments(request), repository), content_type="text/xml; charset=utf-8"
    )
    # Responses are for harvesters, not for search engines' results.
    response["X-Robots-Tag"] = "noindex"
    return response


def _arguments(request):
    """The request's arguments as (name, value) pairs with repeats kept, or None when they
    cannot be read: a POST that is not a form, more fields or bytes than Django accepts."""
    try:
        if request.method == "POST":
            if request.content_type != FORM:
                return None
            query = request.POST
        else:
            query = request.GET
        return [(name, value) for name, values in query.lists() for value in values]
    except (RequestDataTooBig, TooManyFieldsSent, SuspiciousOperation):
        return None
