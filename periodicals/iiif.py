"""The archive in IIIF, so that Mirador, Universal Viewer and other IIIF clients open our issues:

- Presentation API 3.0: a ``Collection`` of all titles (the archive's page), a ``Collection`` per
  title (its issues as ``Manifest`` references with ``navDate``), a ``Manifest`` per issue (a
  ``Canvas`` per scanned page with the page's level-0 image service, thumbnail, ALTO as
  ``seeAlso``, PDF and text as ``rendering``, and the content search services);
- Content Search API 1.0 (``sc:AnnotationList`` of ``oa:Annotation`` with hits) and 2.0
  (``AnnotationPage`` of ``Annotation`` with a ``TextualBody``, paged) over the issue's ALTO.

Access (``periodicals.access``): an issue the request may not read in full still has its
manifest — Presentation 3 asks a canvas for its size, not for content, so the canvases keep
their width and height and label, but carry no image, thumbnail, text or search service, and
``requiredStatement`` says why. Viewers then show the issue's structure and description, which
is public anyway. Its content search answers 403.

Rights (``rights``) by access level: open issues are marked as free of known copyright
(``NoC-US`` is wrong for Russia; the Public Domain Mark says what an open issue of ours is), the
others as in copyright, a reading-room issue with the educational-use statement.

Everything here builds plain dicts; the views serialise them with CORS open to every origin."""

import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from . import reading, text
from .models import IssuePage, Scan

PRESENTATION_CONTEXT = "http://iiif.io/api/presentation/3/context.json"
IMAGE_CONTEXT = "http://iiif.io/api/image/3/context.json"
SEARCH1_CONTEXT = "http://iiif.io/api/search/1/context.json"
SEARCH2_CONTEXT = "http://iiif.io/api/search/2/context.json"
PRESENTATION2_CONTEXT = "http://iiif.io/api/presentation/2/context.json"
ALTO_PROFILE = "http://www.loc.gov/standards/alto/v4/alto.xsd"
RIGHTS = {
    IssuePage.Access.OPEN: "http://creativecommons.org/publicdomain/mark/1.0/",
    IssuePage.Access.READING_ROOM: "http://rightsstatements.org/vocab/InC-EDU/1.0/",
    IssuePage.Access.METADATA: "http://rightsstatements.org/vocab/InC/1.0/",
}
#: Annotations per page of a content search answer (v2 pages; v1 answers the first ones and says
#: how many there are).
SEARCH_PAGE_SIZE = 100
#: Search parameters of the specification this service does not filter on: named in
#: ``ignored`` when a request gives them.
IGNORED_PARAMETERS = ("motivation", "date", "user")
#: The scanned pages' columns the manifest needs (never ALTO, text or lemmas).
SCAN_FIELDS = ("id", "issue_id", "number", "width", "height", "tiled", "status")


def both_languages(message):
    """A language map with ``message`` (an English msgid) in Russian and English."""
    values = {}
    for language in ("ru", "en"):
        with translation.override(language):
            values[language] = [str(_(message))]
    return values


def russian(text):
    return {"ru": [str(text)]}


def absolute(request, path):
    return request.build_absolute_uri(path)


def page_url(request, page):
    return absolute(request, page.get_url(request))


def image_service_url(request, scan_id):
    return absolute(request, reverse("periodicals_iiif_base", args=[scan_id]))


def nav_date(date):
    """``navDate``: the issue's day at midnight UTC (xsd:dateTime with a zone, as the API
    asks)."""
    return (
        datetime.datetime(date.year, date.month, date.day, tzinfo=datetime.UTC)
        .isoformat(timespec="seconds")
        .replace("+00:00", "Z")
    )


def issue_label(title, issue):
    return russian(f"{title}. {issue.title}" if title else issue.title)


def readable_scans(issue):
    """The issue's pages that have tiles, in order, without their texts."""
    return issue.scans.filter(tiled=True).only(*SCAN_FIELDS).order_by("number")


# --- Presentation 3 -----------------------------------------------------------------------------


def archive_collection(request, archive, titles):
    """The collection of every title of ``archive`` (``titles``: its live ``TitlePage``s)."""
    base = page_url(request, archive)
    return {
        "@context": PRESENTATION_CONTEXT,
        "id": base + "collection/",
        "type": "Collection",
        "label": russian(archive.title),
        "homepage": [_homepage(base, archive.title)],
        "items": [
            {
                "id": page_url(request, title) + "collection/",
                "type": "Collection",
                "label": russian(title.title),
            }
            for title in titles
        ],
    }


def title_collection(request, title, issues):
    """The collection of ``title``'s issues (``issues``: its live ``IssuePage``s by date)."""
    base = page_url(request, title)
    collection = {
        "@context": PRESENTATION_CONTEXT,
        "id": base + "collection/",
        "type": "Collection",
        "label": russian(title.title),
        "homepage": [_homepage(base, title.title)],
        "items": [
            {
                "id": page_url(request, issue) + "manifest/",
                "type": "Manifest",
                "label": issue_label(title.title, issue),
                "navDate": nav_date(issue.date),
            }
            for issue in issues
        ],
    }
    parent = title.get_parent()
    if parent is not None and parent.specific_class.__name__ == "PeriodicalsIndexPage":
        collection["partOf"] = [
            {"id": page_url(request, parent) + "collection/", "type": "Collection"}
        ]
    return collection


def _homepage(url, label):
    return {"id": url, "type": "Text", "label": russian(label), "format": "text/html"}


def _metadata(title, issue):
    rows = [
        (gettext_noop("Periodical"), title),
        (gettext_noop("Date of issue"), issue.date.isoformat()),
    ]
    if issue.number:
        rows.append((gettext_noop("Number"), issue.number))
    if issue.edition:
        rows.append((gettext_noop("Edition"), issue.edition))
    return [{"label": both_languages(label), "value": russian(value)} for label, value in rows]


def _access_statement(issue, access):
    with translation.override("ru"):
        ru = str(issue.get_access_display())
        notice_ru = str(access.notice)
    with translation.override("en"):
        en = str(issue.get_access_display())
        notice_en = str(access.notice)
    value = {"ru": [f"{ru}. {notice_ru}".strip()], "en": [f"{en}. {notice_en}".strip()]}
    return {"label": both_languages(gettext_noop("Access")), "value": value}


def manifest(request, issue, title, scans, access):
    """The manifest of ``issue`` (of ``title``, a page) with ``scans`` (``readable_scans``);
    ``access`` is the request's (``periodicals.access.issue_access``)."""
    base = page_url(request, issue)
    manifest_id = base + "manifest/"
    result = {
        "@context": PRESENTATION_CONTEXT,
        "id": manifest_id,
        "type": "Manifest",
        "label": issue_label(title.title, issue),
        "navDate": nav_date(issue.date),
        "metadata": _metadata(title.title, issue),
        "requiredStatement": _access_statement(issue, access),
        "rights": RIGHTS[issue.access],
        "homepage": [_homepage(base, issue.title)],
        "partOf": [{"id": page_url(request, title) + "collection/", "type": "Collection"}],
        "items": [_canvas(request, base, scan, access) for scan in scans],
    }
    if access.full:
        result["service"] = [
            {"id": base + "search2/", "type": "SearchService2"},
            {
                "@id": base + "search/",
                "@type": "SearchService1",
                "profile": "http://iiif.io/api/search/1/search",
            },
        ]
    return result


def canvas_id(base, number):
    return f"{base}manifest/canvas/{number}"


def _canvas(request, base, scan, access):
    canvas = {
        "id": canvas_id(base, scan.number),
        "type": "Canvas",
        "label": {"ru": [f"С. {scan.number}"], "en": [f"p. {scan.number}"]},
        "width": scan.width,
        "height": scan.height,
    }
    if not access.full:
        return canvas
    service_url = image_service_url(request, scan.pk)
    service = [{"id": service_url, "type": "ImageService3", "profile": "level0"}]
    thumb_w, thumb_h = reading.sizes(scan)[0]
    canvas["thumbnail"] = [
        {
            "id": f"{service_url}/{reading.full_path(scan, thumb_w)}",
            "type": "Image",
            "format": "image/jpeg",
            "width": thumb_w,
            "height": thumb_h,
            "service": service,
        }
    ]
    canvas["items"] = [
        {
            "id": f"{canvas['id']}/page",
            "type": "AnnotationPage",
            "items": [
                {
                    "id": f"{canvas['id']}/page/image",
                    "type": "Annotation",
                    "motivation": "painting",
                    "target": canvas["id"],
                    "body": {
                        "id": f"{service_url}/full/max/0/default.jpg",
                        "type": "Image",
                        "format": "image/jpeg",
                        "width": scan.width,
                        "height": scan.height,
                        "service": service,
                    },
                }
            ],
        }
    ]
    canvas["seeAlso"] = [
        {
            "id": f"{base}{scan.number}/alto/",
            "type": "Dataset",
            "label": both_languages(gettext_noop("Text with word positions (ALTO)")),
            "format": "application/xml",
            "profile": ALTO_PROFILE,
        }
    ]
    canvas["rendering"] = [
        {
            "id": f"{base}{scan.number}/pdf/",
            "type": "Text",
            "label": both_languages(gettext_noop("Page as PDF")),
            "format": "application/pdf",
        },
        {
            "id": f"{base}{scan.number}/text/",
            "type": "Text",
            "label": both_languages(gettext_noop("Page text")),
            "format": "text/plain",
        },
    ]
    return canvas


# --- Content Search -----------------------------------------------------------------------------


def search_hits(issue_scans, matcher):
    """[(scan, hit)] of every word ``matcher`` finds on ``issue_scans`` (with ALTO), in page
    and reading order."""
    found = []
    for scan in issue_scans:
        page = reading.parsed(scan)
        for hit in reading.hits(page, matcher):
            found.append((scan, hit))
    return found


def _xywh(box):
    return f"{box.x},{box.y},{box.width},{box.height}"


def ignored_parameters(query):
    return [name for name in IGNORED_PARAMETERS if query.get(name)]


def search_v1(request, issue, found, q, ignored):
    """Content Search 1.0: an ``sc:AnnotationList`` with an annotation per box of each word
    found (a hyphenated word has two) and a ``search:Hit`` per word naming its annotations,
    with the words before and after it on its line."""
    base = page_url(request, issue)
    resources, hit_list = [], []
    for index, (scan, hit) in enumerate(found[:SEARCH_PAGE_SIZE]):
        ids = []
        for part, box in enumerate(hit.boxes):
            anno_id = f"{base}search/anno/{scan.number}/{index}/{part}"
            ids.append(anno_id)
            resources.append(
                {
                    "@id": anno_id,
                    "@type": "oa:Annotation",
                    "motivation": "sc:painting",
                    "resource": {"@type": "cnt:ContentAsText", "chars": hit.word},
                    "on": f"{canvas_id(base, scan.number)}#xywh={_xywh(box)}",
                }
            )
        hit_list.append(
            {
                "@type": "search:Hit",
                "annotations": ids,
                "match": hit.word,
                "before": hit.before,
                "after": hit.after,
            }
        )
    within = {"@type": "sc:Layer", "total": len(found)}
    if ignored:
        within["ignored"] = ignored
    return {
        "@context": [PRESENTATION2_CONTEXT, SEARCH1_CONTEXT],
        "@id": f"{base}search/?{urlencode({'q': q})}",
        "@type": "sc:AnnotationList",
        "within": within,
        "startIndex": 0,
        "resources": resources,
        "hits": hit_list,
    }


def search_v2(request, issue, found, q, ignored, page_number=1):
    """Content Search 2.0: an ``AnnotationPage`` of ``Annotation``s (a ``TextualBody`` on a
    canvas region), ``SEARCH_PAGE_SIZE`` words a page with ``partOf`` (the
    ``AnnotationCollection``: total, first, last), ``next``/``prev`` and ``startIndex``; the
    words' context in ``annotations`` (highlighting annotations with a ``TextQuoteSelector``)."""
    base = page_url(request, issue)
    pages = max(1, -(-len(found) // SEARCH_PAGE_SIZE))

    def page_id(number):
        params = {"q": q}
        if number > 1:
            params["page"] = number
        return f"{base}search2/?{urlencode(params)}"

    start = (page_number - 1) * SEARCH_PAGE_SIZE
    items, highlights = [], []
    for index, (scan, hit) in enumerate(found[start : start + SEARCH_PAGE_SIZE], start=start):
        targets = []
        for part, box in enumerate(hit.boxes):
            anno_id = f"{base}search2/anno/{scan.number}/{index}/{part}"
            targets.append(anno_id)
            items.append(
                {
                    "id": anno_id,
                    "type": "Annotation",
                    "motivation": "painting",
                    "body": {
                        "type": "TextualBody",
                        "value": hit.word,
                        "format": "text/plain",
                        "language": "ru",
                    },
                    "target": f"{canvas_id(base, scan.number)}#xywh={_xywh(box)}",
                }
            )
        highlights.append(
            {
                "id": f"{base}search2/hit/{index}",
                "type": "Annotation",
                "motivation": "highlighting",
                "target": [
                    {
                        "type": "SpecificResource",
                        "source": target,
                        "selector": [
                            {
                                "type": "TextQuoteSelector",
                                "prefix": (hit.before + " ") if hit.before else "",
                                "exact": hit.word,
                                "suffix": (" " + hit.after) if hit.after else "",
                            }
                        ],
                    }
                    for target in targets
                ],
            }
        )
    result = {
        "@context": SEARCH2_CONTEXT,
        "id": page_id(page_number),
        "type": "AnnotationPage",
        "startIndex": start,
        "partOf": {
            "id": f"{base}search2/?{urlencode({'q': q})}",
            "type": "AnnotationCollection",
            "total": len(found),
            "first": {"id": page_id(1), "type": "AnnotationPage"},
            "last": {"id": page_id(pages), "type": "AnnotationPage"},
        },
        "items": items,
    }
    if page_number < pages:
        result["next"] = {"id": page_id(page_number + 1), "type": "AnnotationPage"}
    if page_number > 1:
        result["prev"] = {"id": page_id(page_number - 1), "type": "AnnotationPage"}
    if highlights:
        result["annotations"] = [{"type": "AnnotationPage", "items": highlights}]
    if ignored:
        result["ignored"] = ignored
    return result


def search_scans(issue, q):
    """The issue's pages whose text holds every word of ``q`` (with their ALTO), in order."""
    scans = Scan.objects.filter(issue=issue).exclude(alto="")
    return text.matching(scans, q).only("id", "number", "alto").order_by("number")
