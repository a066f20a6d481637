"""The OAI-PMH endpoint (``/oai/``): the HTTP side of ``heroes_archive.oai``, through the
protocol's ``kuzbib_site.base.oai.endpoint_response``.

Harvesters send GET requests or form-encoded POSTs without a CSRF token; whatever they send —
unknown verbs, repeated or huge arguments, NUL bytes, more fields than Django parses — is
answered with an OAI-PMH document (an error condition where needed), never a server error.
"""

from django.http import Http404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from wagtail.models import Site

from kuzbib_site.base.oai import endpoint_response

from .. import oai


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def endpoint(request):
    site = Site.find_for_request(request)
    if site is None:
        raise Http404("No site serves this host.")
    repository = oai.Repository(site, request.build_absolute_uri(request.path), request=request)
    return endpoint_response(request, repository)
