"""«Скачать»: the archive's filtered list as CSV, XLSX or JSON (``HeroIndexPage.export``,
``export.<file_format>``). The list is the one the visitor sees — the same ``Filters`` of the
query string and ``browse.heroes`` — written into a temporary spool (``base.uploads.spooled``)
and sent from there, so a large export never sits in memory."""

from django.http import FileResponse, Http404

from kuzbib_site.base.uploads import latin_stem, spooled

from .. import browse, exports


def export(request, page, file_format):
    """The heroes of ``page`` the query string selects, as ``file_format``; 404 for a format
    the archive does not write."""
    if file_format not in exports.FORMATS:
        raise Http404("No such export format.")
    filters, _problems = browse.Filters.from_query(request.GET)
    queryset = browse.heroes(page, filters)
    spool = spooled(lambda out: exports.write(queryset, file_format, out))
    name = f"{latin_stem(page.slug) or 'heroes'}.{file_format}"
    return FileResponse(
        spool, as_attachment=True, filename=name, content_type=exports.FORMATS[file_format]
    )
