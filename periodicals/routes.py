"""Routes of the archive's pages, mixed into the page models (``models/pages.py``): the
reader's (views in ``views.reading``, imported on the first request), the union catalogue's
(``views.holdings``) and readers' corrections (``views.corrections``).

Issue: ``""`` (the first page), ``<n>/`` (page n), ``<n>/pdf/``, ``<n>/alto/``,
``<n>/text/``, ``klip/<n>/`` (the clip form without JavaScript), ``klip/<n>/<x-y-w-h>/`` (a
clip's stable page) and its ``image/``, ``manifest/`` (IIIF Presentation 3), ``search/`` and
``search2/`` (IIIF Content Search 1.0 and 2.0). Title and archive: ``collection/``.

Wagtail serves a page's URLs only in path segments of letters, digits, «_» and «-» (its
``serve_pattern``): no dots (so ``manifest/``, not ``manifest.json``, as the conference's
``schedule-json/``) and no commas (so a clip's region is ``x-y-w-h``)."""

from kuzbib_site.base.routes import GET, page_route

VIEWS = "periodicals.views.reading"


class IssueReadingRoutes:
    index_route = page_route("", "index_route", f"{VIEWS}.issue", methods=GET)
    reader_page = page_route("<int:number>/", "reader_page", f"{VIEWS}.issue_page", methods=GET)
    page_pdf = page_route("<int:number>/pdf/", "page_pdf", f"{VIEWS}.page_pdf", methods=GET)
    page_alto = page_route("<int:number>/alto/", "page_alto", f"{VIEWS}.page_alto", methods=GET)
    page_text = page_route("<int:number>/text/", "page_text", f"{VIEWS}.page_text", methods=GET)
    clip_form = page_route("klip/<int:number>/", "clip_form", f"{VIEWS}.clip_form", methods=GET)
    clip = page_route("klip/<int:number>/<str:region>/", "clip", f"{VIEWS}.clip", methods=GET)
    clip_image = page_route(
        "klip/<int:number>/<str:region>/image/",
        "clip_image",
        f"{VIEWS}.clip_image",
        methods=GET,
    )
    iiif_manifest = page_route("manifest/", "iiif_manifest", f"{VIEWS}.manifest", methods=GET)
    iiif_search = page_route("search/", "iiif_search", f"{VIEWS}.search_v1", methods=GET)
    iiif_search2 = page_route("search2/", "iiif_search2", f"{VIEWS}.search_v2", methods=GET)


class TitleReadingRoutes:
    iiif_collection = page_route(
        "collection/", "iiif_collection", f"{VIEWS}.title_collection", methods=GET
    )


class ArchiveReadingRoutes:
    iiif_collection = page_route(
        "collection/", "iiif_collection", f"{VIEWS}.archive_collection", methods=GET
    )


# The union catalogue's public page «Сводный каталог» and its exports (periodicals.views.holdings).
class UnionCatalogueRoutes:
    union_catalogue = page_route(
        "svodnyi-katalog/",
        "union_catalogue",
        "periodicals.views.holdings.union_catalogue",
        methods=GET,
    )
    union_catalogue_export = page_route(
        "svodnyi-katalog/export/<str:file_format>/",
        "union_catalogue_export",
        "periodicals.views.holdings.export",
        methods=GET,
    )


class CorrectionRoutes:
    """Readers' corrections of a line of an issue's text (``periodicals.views.corrections``):
    the form, its thank-you page and the line's history."""

    correct_line = page_route(
        "ispravit/<int:number>/<str:line>/",
        "correct_line",
        "periodicals.views.corrections.correct_line",
    )
    correction_done = page_route(
        "ispravit/spasibo/",
        "correction_done",
        "periodicals.views.corrections.correction_done",
        methods=GET,
    )
    line_history = page_route(
        "istoriya/<int:number>/<str:line>/",
        "line_history",
        "periodicals.views.corrections.line_history",
        methods=GET,
    )
