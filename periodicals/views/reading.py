"""The reader's views, routes of the archive's pages (``periodicals.routes``): the issue page
with its viewer (page images, the page's text with hits marked, the page strip), one page's
downloads (PDF, ALTO, text), region clips with their citation, the IIIF manifest and content
search of an issue and the IIIF collections of a title and of the archive.

Each view asks ``access.issue_access`` first; what depends on the client's address is marked
never-cache (``Access.mark``)."""

import datetime
import json
from urllib.parse import quote

from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from kuzbib_site.base import throttle

from .. import corrections_query, iiif, reading, text
from ..access import issue_access
from ..models import IssuePage, Scan, TitlePage
from ..models.records import scan_storage
from .iiif import cors, refused, service_url

#: The longest search query read (characters); the rest is cut.
QUERY_MAX_LENGTH = 200
#: Scans are numbered in a small integer; larger numbers are not looked for.
MAX_PAGE_NUMBER = 32767
#: The throttle's name of clip images (``KUZBIB_BASE["THROTTLE"]["LIMITS"]``): each is cut from
#: the master image when asked for, so a client asking for thousands would keep a web worker busy.
CLIP_THROTTLE = "periodical_clip"
#: What the issue page needs of every page in the strip (never the texts).
STRIP_FIELDS = ("id", "number", "width", "height", "tiled")


def query_of(request):
    """The search words of ``?q=`` (trimmed, cut to a sane length), or ''."""
    value = request.GET.get("q", "")
    return " ".join(value.split())[:QUERY_MAX_LENGTH] if isinstance(value, str) else ""


def _title_of(issue):
    parent = issue.get_parent()
    return parent.title if parent else ""


def _scan(issue, number, *, fields=None, tiled=False):
    if number > MAX_PAGE_NUMBER:
        return None
    scans = Scan.objects.filter(issue=issue, number=number)
    if tiled:
        scans = scans.filter(tiled=True)
    if fields:
        scans = scans.only(*fields)
    return scans.first()


# --- The issue page -----------------------------------------------------------------------------


def issue(request, page):
    """The issue's page: its first page in the viewer (or the description only), or the page
    that ``?page=`` names (a number the issue has no page of shows the first). The archive's
    search links a hit to the page's own route, ``<n>/?q=`` (``search.hit_url``)."""
    raw = request.GET.get("page", "")
    number = int(raw) if raw.isdigit() and len(raw) <= 5 else None
    return _issue_page(request, page, number, fallback=True)


def issue_page(request, page, number):
    """The issue's page ``number`` in the viewer."""
    return _issue_page(request, page, number)


def _issue_page(request, issue, number, *, fallback=False):
    access = issue_access(request, issue)
    context = {"page": issue, "self": issue, "access": access}
    if access.full:
        strip = list(
            Scan.objects.filter(issue=issue, tiled=True).only(*STRIP_FIELDS).order_by("number")
        )
        if number is not None and not any(scan.number == number for scan in strip):
            if not fallback:
                raise Http404
            number = None
        if strip:
            context.update(_reader(request, issue, strip, number or strip[0].number))
    response = TemplateResponse(request, issue.get_template(request), context)
    return access.mark(response)


def _reader(request, issue, strip, number):
    q = query_of(request)
    matcher = text.word_matcher(q) if text.has_words(q) else None
    hit_numbers = set()
    if matcher is not None:
        hit_numbers = set(
            text.matching(Scan.objects.filter(issue=issue), q).values_list("number", flat=True)
        )
    current = Scan.objects.get(pk=next(scan.pk for scan in strip if scan.number == number))
    parsed = reading.parsed(current)
    base_url = service_url(request, current)
    issue_url = issue.get_url(request)
    suffix = f"?q={quote(q)}" if q else ""
    pages = []
    for scan in strip:
        thumb_w, thumb_h = reading.sizes(scan)[0]
        pages.append(
            {
                "number": scan.number,
                "url": f"{issue_url}{scan.number}/{suffix}",
                "thumb": f"{service_url(request, scan)}/{reading.full_path(scan, thumb_w)}",
                "thumb_width": thumb_w,
                "thumb_height": thumb_h,
                "current": scan.number == number,
                "hit": scan.number in hit_numbers,
            }
        )
    position = [p["number"] for p in pages].index(number)
    still_w, still_h = _still_size(current)
    boxes = [[box.x, box.y, box.width, box.height] for box in reading.hit_boxes(parsed, matcher)]
    page_url = request.build_absolute_uri(f"{issue_url}{number}/")
    return {
        "reader": True,
        "q": q,
        "pages": pages,
        "current": current,
        "previous_page": pages[position - 1] if position > 0 else None,
        "next_page": pages[position + 1] if position + 1 < len(pages) else None,
        "hit_pages": [p for p in pages if p["hit"]],
        "info_url": f"{base_url}/info.json",
        "still_url": f"{base_url}/{reading.full_path(current, 800)}",
        "still_width": still_w,
        "still_height": still_h,
        "lines": reading.text_lines(
            current, parsed, matcher, corrections_query.shown_lines(current)
        ),
        "boxes": boxes,
        "box_styles": [_box_style(current, box) for box in boxes],
        "issue_url": issue_url,
        "manifest_url": f"{issue_url}manifest/",
        "citation": reading.cite_page(
            _title_of(issue), issue, number, url=page_url, accessed=datetime.date.today()
        ),
    }


def _still_size(scan):
    for w, h in reading.sizes(scan):
        if w >= 800:
            return w, h
    return scan.width, scan.height


def _box_style(scan, box):
    """The position of a hit's box over the page's still image, in percent (no JavaScript)."""
    x, y, w, h = box
    return (
        f"left:{100 * x / scan.width:.3f}%;top:{100 * y / scan.height:.3f}%;"
        f"width:{100 * w / scan.width:.3f}%;height:{100 * h / scan.height:.3f}%"
    )


# --- One page's downloads -----------------------------------------------------------------------


def _readable(request, issue, number, fields=None, tiled=False):
    """The page ``number`` and the request's access, or an answer to send instead."""
    access = issue_access(request, issue)
    if not access.full:
        return None, access, refused(access)
    scan = _scan(issue, number, fields=fields, tiled=tiled)
    if scan is None:
        raise Http404
    return scan, access, None


#: How long a browser keeps an open issue's download (seconds).
DOWNLOAD_MAX_AGE = 24 * 3600


def _download(access, response, filename):
    """A page's file. Kept by the browser only («private»): the page cache would otherwise
    store every page's PDF and every clip anyone asks for in the shared cache."""
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    if access.cacheable:
        patch_cache_control(response, private=True, max_age=DOWNLOAD_MAX_AGE)
    return cors(access.mark(response))


def _file_stem(issue, number):
    return f"{issue.slug}-{number}"


def page_text(request, page, number):
    scan, access, refusal = _readable(request, page, number, fields=("id", "text", "alto"))
    if refusal:
        return refusal
    lines = reading.text_lines(scan)
    body = "\n".join(line.text for line in lines) + ("\n" if lines else "")
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    return _download(access, response, f"{_file_stem(page, number)}.txt")


def page_alto(request, page, number):
    scan, access, refusal = _readable(request, page, number, fields=("id", "alto"))
    if refusal:
        return refusal
    if not scan.alto:
        raise Http404
    response = HttpResponse(scan.alto.encode("utf-8"), content_type="application/xml")
    return _download(access, response, f"{_file_stem(page, number)}.alto.xml")


def page_pdf(request, page, number):
    scan, access, refusal = _readable(
        request, page, number, fields=("id", "width", "height", "tiled"), tiled=True
    )
    if refusal:
        return refusal
    try:
        with scan_storage().open(scan.tile_prefix + "full/max/0/default.jpg", "rb") as handle:
            jpeg = handle.read()
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    title = reading.cite_page(_title_of(page), page, number)
    body = reading.jpeg_pdf(jpeg, scan.width, scan.height, title=title)
    response = HttpResponse(body, content_type="application/pdf")
    return _download(access, response, f"{_file_stem(page, number)}.pdf")


# --- Clips --------------------------------------------------------------------------------------


def clip_form(request, page, number):
    """The clip form sent without JavaScript (``?x=&y=&w=&h=``): on to the clip's stable URL,
    or back to the page with the form when the numbers do not make a region of it."""
    values = [request.GET.get(name, "").strip() for name in ("x", "y", "w", "h")]
    scan, _access, refusal = _readable(request, page, number, fields=("id", "width", "height"))
    if refusal:
        return refusal
    region = reading.parse_region("-".join(values), scan)
    if region is None:
        response = TemplateResponse(
            request,
            "periodicals/clip_page.html",
            {
                "page": page,
                "self": page,
                "number": number,
                "scan": scan,
                "values": dict(zip("xywh", values, strict=True)),
                "error": _(
                    "These numbers do not make a region of the page: give the left and top edge "
                    "(from 0) and a width and height above 0 within %(width)s × %(height)s "
                    "pixels."
                )
                % {"width": scan.width, "height": scan.height},
            },
            status=400,
        )
        return response
    x, y, w, h = region
    return HttpResponseRedirect(f"{page.get_url(request)}klip/{number}/{x}-{y}-{w}-{h}/")


def clip(request, page, number, region):
    """A clip of page ``number``: its image, its stable URL and its citation."""
    scan, access, refusal = _readable(request, page, number, fields=("id", "width", "height"))
    if refusal:
        return refusal
    parsed_region = reading.parse_region(region, scan)
    if parsed_region is None:
        raise Http404
    issue_url = page.get_url(request)
    x, y, w, h = parsed_region
    canonical = f"{issue_url}klip/{number}/{x}-{y}-{w}-{h}/"
    if canonical != request.path:
        return HttpResponseRedirect(canonical)
    width, height = reading.clip_size(parsed_region)
    clip_url = request.build_absolute_uri(canonical)
    context = {
        "page": page,
        "self": page,
        "number": number,
        "scan": scan,
        "region": parsed_region,
        "image_url": f"{canonical}image/",
        "image_width": width,
        "image_height": height,
        "page_url": f"{issue_url}{number}/",
        "clip_url": clip_url,
        "citation": reading.cite_page(
            _title_of(page), page, number, url=clip_url, accessed=datetime.date.today()
        ),
    }
    response = TemplateResponse(request, "periodicals/clip_page.html", context)
    return access.mark(response)


def clip_image(request, page, number, region):
    scan, access, refusal = _readable(
        request, page, number, fields=("id", "image", "width", "height")
    )
    if refusal:
        return refusal
    parsed_region = reading.parse_region(region, scan)
    if parsed_region is None or not scan.image:
        raise Http404
    # Counted only for clips that would be cut (known page, valid region), before the work.
    over = throttle.hit_ip(request, CLIP_THROTTLE)
    if over:
        message = _(
            "Too many clips have been asked for from your address. Please try again after %(time)s."
        ) % {"time": over.until}
        response = HttpResponse(message, content_type="text/plain; charset=utf-8")
        return throttle.throttled(response, over)
    try:
        with scan.image.open("rb") as handle:
            body = reading.crop(handle, parsed_region)
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    return _download(access, HttpResponse(body, content_type="image/jpeg"), "clip.jpg")


# --- IIIF ---------------------------------------------------------------------------------------


def _json(data, access=None, content_type="application/ld+json"):
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1),
        content_type=f"{content_type}; charset=utf-8",
    )
    if access is not None:
        access.mark(response)
    return cors(response)


PRESENTATION_TYPE = 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'


def manifest(request, page):
    access = issue_access(request, page)
    title = page.get_parent()
    scans = list(iiif.readable_scans(page))
    data = iiif.manifest(request, page, title, scans, access)
    return _json(data, access, PRESENTATION_TYPE)


def _search_found(request, page):
    access = issue_access(request, page)
    if not access.full:
        return access, None, "", refused(access)
    q = query_of(request)
    matcher = text.word_matcher(q) if text.has_words(q) else None
    scans = iiif.search_scans(page, q) if matcher else []
    return access, iiif.search_hits(scans, matcher), q, None


def search_v1(request, page):
    access, found, q, refusal = _search_found(request, page)
    if refusal:
        return refusal
    ignored = iiif.ignored_parameters(request.GET)
    return _json(iiif.search_v1(request, page, found, q, ignored), access)


def search_v2(request, page):
    access, found, q, refusal = _search_found(request, page)
    if refusal:
        return refusal
    raw_page = request.GET.get("page", "1")
    if not raw_page.isdigit() or len(raw_page) > 6 or int(raw_page) < 1:
        return cors(JsonResponse({"error": _("No such page of results.")}, status=400))
    number = int(raw_page)
    pages = max(1, -(-len(found) // iiif.SEARCH_PAGE_SIZE))
    if number > pages:
        raise Http404
    ignored = iiif.ignored_parameters(request.GET)
    return _json(iiif.search_v2(request, page, found, q, ignored, number), access)


def title_collection(request, page):
    issues = IssuePage.objects.child_of(page).live().order_by("date", "path")
    return _json(iiif.title_collection(request, page, issues), None, PRESENTATION_TYPE)


def archive_collection(request, page):
    titles = TitlePage.objects.child_of(page).live().order_by("path")
    return _json(iiif.archive_collection(request, page, titles), None, PRESENTATION_TYPE)
