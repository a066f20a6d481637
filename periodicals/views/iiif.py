"""The IIIF image service of the scanned pages: static level-0 files that the ingest writes to
scan storage (``tiles/<scan id>/``), served after the access check, and the ``info.json`` that
describes them. Only paths of the IIIF Image API's grammar for what level 0 has (``full`` or a
tile's ``x,y,w,h`` region, a ``w,h`` or ``max`` size, rotation 0, ``default.jpg``) reach the
storage; anything else is a 404 before a file is looked for.

Caching: open issues' files are public for a week (tiles are rewritten only when a page is made
again); reading-room and editors' answers are never stored anywhere (``access.Access.mark``).
Every answer allows any origin (CORS), so IIIF viewers on other sites can load our pages."""

import re

from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import tiles
from ..access import is_editor, issue_access
from ..models import Scan
from ..models.records import scan_storage

#: The files level 0 has: the whole page (``full``) or one tile, at a listed size.
IMAGE_PATH = re.compile(
    r"^(?:full|[0-9]{1,6},[0-9]{1,6},[0-9]{1,6},[0-9]{1,6})/(?:max|[0-9]{1,6},[0-9]{1,6})"
    r"/0/default\.jpg$"
)
#: How long browsers and proxies keep an open issue's files (seconds).
OPEN_MAX_AGE = 7 * 24 * 3600
#: Scans have an integer id: longer numbers are not looked for.
MAX_ID = 2**31 - 1


def cors(response):
    response["Access-Control-Allow-Origin"] = "*"
    return response


def refused(access):
    """The answer to a request that may not have the issue's images or texts."""
    response = HttpResponse(
        _("This issue can be read only in member libraries' reading rooms or not online at all."),
        status=403,
        content_type="text/plain; charset=utf-8",
    )
    return cors(access.mark(response))


def readable_scan(request, scan_id, *, tiled=True):
    """The scan ``scan_id`` of a live issue (or one the request's editor may edit) and the
    request's access to it; 404 when there is none."""
    if int(scan_id) > MAX_ID:
        raise Http404
    scans = Scan.objects.select_related("issue")
    if tiled:
        scans = scans.filter(tiled=True)
    scan = scans.filter(pk=int(scan_id)).first()
    if scan is None:
        raise Http404
    if not scan.issue.live and not is_editor(request, scan.issue):
        raise Http404
    return scan, issue_access(request, scan.issue)


def cache_for(access, response):
    """Long public caching for open issues' files, never for the others'."""
    if access.reason == "open":
        patch_cache_control(response, public=True, max_age=OPEN_MAX_AGE)
    else:
        access.mark(response)
        patch_cache_control(response, private=True)
    return cors(response)


def service_url(request, scan):
    return request.build_absolute_uri(reverse("periodicals_iiif_base", args=[scan.pk]))


@require_safe
def base(request, scan_id):
    """The image's base URI: the Image API says it redirects to ``info.json``."""
    readable_scan(request, scan_id)
    return cors(HttpResponseRedirect(reverse("periodicals_iiif_info", args=[int(scan_id)]), 303))


@require_safe
def info(request, scan_id):
    scan, access = readable_scan(request, scan_id)
    if not access.full:
        return refused(access)
    response = JsonResponse(tiles.info(scan, service_url(request, scan)))
    response["Content-Type"] = (
        'application/ld+json;profile="http://iiif.io/api/image/3/context.json"'
    )
    return cache_for(access, response)


@require_safe
def image(request, scan_id, path):
    if ".." in path or not IMAGE_PATH.match(path):
        raise Http404
    scan, access = readable_scan(request, scan_id)
    if not access.full:
        return refused(access)
    storage = scan_storage()
    name = scan.tile_prefix + path
    try:
        handle = storage.open(name, "rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    return cache_for(access, FileResponse(handle, content_type="image/jpeg"))
