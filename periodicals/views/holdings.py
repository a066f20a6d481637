"""«Сводный каталог периодики»: which member library holds which years of which title — public,
as the union catalogue is public information — with filters by library and municipality, and
the same selection as CSV and MARC 21 Holdings (``holdings_exports``).

Bounded: a page of titles (``PER_PAGE``), their holdings with libraries and held issues, and
the titles' known issue numbers are a fixed number of queries, whatever the size of the
catalogue. A GET never writes."""

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from kuzbib_site.base.models import Library, Municipality
from kuzbib_site.base.params import NUMBER, QueryReader, echo
from kuzbib_site.base.uploads import latin_stem, spooled

from .. import holdings_exports, summary
from ..conf import setting
from ..models import Holding, TitlePage


class Filters:
    """The catalogue's filters from the query string: ``library`` and ``municipality`` (ids);
    a value that names nothing is dropped with a notice."""

    def __init__(self, query):
        reader = QueryReader(query)
        self.library = self._record(reader, "library", _("library"), Library)
        self.municipality = self._record(reader, "municipality", _("municipality"), Municipality)
        self.problems = reader.problems

    @staticmethod
    def _record(reader, name, label, model):
        raw = reader.raw(name, label)
        if not raw:
            return None
        found = model.objects.filter(pk=int(raw)).first() if NUMBER.match(raw) else None
        if found is None:
            reader.problems.append(
                _("There is no %(what)s «%(value)s»; the filter is left out.")
                % {"what": label, "value": echo(raw)}
            )
        return found

    def holdings(self, page):
        """The holdings of the archive's live, public titles that the filters select."""
        titles = TitlePage.objects.live().public().child_of(page)
        queryset = Holding.objects.filter(title__in=titles.values("pk"))
        if self.library:
            queryset = queryset.filter(library=self.library)
        if self.municipality:
            queryset = queryset.filter(library__municipality=self.municipality)
        return queryset


def union_catalogue(request, page):
    filters = Filters(request.GET)
    holdings = filters.holdings(page)
    titles = (
        TitlePage.objects.filter(pk__in=holdings.values("title_id"))
        .only("pk", "title", "path", "depth", "url_path", "issn", "first_year", "last_year")
        .order_by("title", "pk")
    )
    page_obj = Paginator(titles, setting("PER_PAGE")).get_page(request.GET.get("page"))
    shown = list(page_obj.object_list)
    known = summary.known_numbers_of(shown)
    by_title = {}
    for holding in holdings_exports.holdings_for_export(
        holdings.filter(title__in=[title.pk for title in shown])
    ).order_by("library__full_name"):
        statement = summary.holding_statement(holding, known.get(holding.title_id, {}))
        by_title.setdefault(holding.title_id, []).append((holding, statement))
    libraries = Library.objects.filter(
        pk__in=Holding.objects.filter(title__in=TitlePage.objects.child_of(page)).values(
            "library_id"
        )
    ).select_related("municipality")
    libraries = list(libraries.order_by("full_name"))
    municipalities = sorted({library.municipality for library in libraries}, key=str)
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "periodicals/union_catalogue.html",
        {
            "page": page,
            "self": page,
            "filters": filters,
            "libraries": libraries,
            "municipalities": municipalities,
            "rows": [(title, by_title.get(title.pk, [])) for title in shown],
            "page_obj": page_obj,
            "query": query.urlencode(),
            "formats": holdings_exports.FORMATS,
        },
    )


def export(request, page, file_format):
    """The selected holdings as ``file_format`` (csv, mrc); 404 for another."""
    if file_format not in holdings_exports.FORMATS:
        raise Http404("No such export format.")
    queryset = Filters(request.GET).holdings(page)
    spool = spooled(lambda out: holdings_exports.write(queryset, file_format, out))
    name = f"{latin_stem(page.slug) or 'periodicals'}-holdings.{file_format}"
    return FileResponse(
        spool,
        as_attachment=True,
        filename=name,
        content_type=holdings_exports.FORMATS[file_format],
    )
