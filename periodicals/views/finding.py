"""Finding things in the archive: the search across every title (a route of the archive's
page, ``poisk/``), a title's calendar of one year (a route of the title's page, ``<year>/``),
and what the archive's and a title's own pages list (their ``get_context``). The work is done
by ``periodicals.search``, ``periodicals.issue_calendar`` and ``periodicals.histogram``; these
views only read the request and render. Every one is a GET that writes nothing."""

from django.core.paginator import Paginator
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kuzbib_site.base.params import NUMBER, QueryReader, echo

from .. import issue_calendar
from ..conf import setting
from ..models import IssuePage
from ..search import search_context

#: Routes of the archive's page that other parts of the app add (the union catalogue, the IIIF
#: collection of the titles): linked from the archive's page when they exist.
# (the holdings part names «union_catalogue», the reading part «iiif_collection»)
ARCHIVE_LINKS = (
    ("union_catalogue", gettext_lazy("Union catalogue of periodicals")),
    ("iiif_collection", gettext_lazy("IIIF collection of the titles")),
)


def search(request, page):
    """``poisk/``: the search form, the hits of one page of results, the hits by year. Not kept
    in the page cache (``Cache-Control: private``; see ``periodicals.search``)."""
    response = TemplateResponse(
        request,
        "periodicals/search.html",
        {"page": page, "self": page, **search_context(request, page)},
    )
    patch_cache_control(response, private=True)
    return response


def calendar(request, page, year):
    """``<year>/``: the title's calendar of ``year``; 404 for a year not the title's."""
    found = issue_calendar.year_of(page, year)
    if found is None:
        raise Http404(_("The periodical did not come out in that year."))
    base = page.get_url(request) or request.path
    return TemplateResponse(
        request,
        "periodicals/title_calendar.html",
        {
            "page": page,
            "self": page,
            "calendar": found,
            "weekdays": issue_calendar.weekdays(),
            "title_url": base,
            "previous_url": _year_url(page, found.previous, base),
            "following_url": _year_url(page, found.following, base),
        },
    )


def _year_url(page, year, base):
    return base + page.reverse_subpage("calendar", kwargs={"year": year}) if year else None


def title_context(request, page):
    """What the title's page lists: its years (links to their calendars, with counts) and its
    latest issues, a page of them at a time (``?page=``)."""
    reader = QueryReader(request.GET)
    raw = reader.raw("page", _("page"))
    number = 1
    if raw:
        if NUMBER.match(raw) and int(raw) >= 1:
            number = int(raw)
        else:
            reader.problems.append(
                _("«%(value)s» is not a page number; the first page is shown.")
                % {"value": echo(raw)}
            )
    base = page.get_url(request) or request.path
    years = [
        {
            "year": year,
            "issues": issues,
            "digitised": digitised,
            "url": base + page.reverse_subpage("calendar", kwargs={"year": year}),
        }
        for year, issues, digitised in issue_calendar.years_of(page)
    ]
    issues = IssuePage.objects.child_of(page).live().public().order_by("-date", "-path")
    paginator = Paginator(issues, setting("PER_PAGE"))
    # The years' counts already add up to the issues: no COUNT of its own.
    paginator.count = sum(row["issues"] for row in years)
    latest = paginator.get_page(number)
    if number > paginator.num_pages and paginator.count:
        reader.problems.append(
            _("There is no page %(number)s; the last page is shown.") % {"number": number}
        )
    return {
        "years": years,
        "latest": latest,
        "latest_issues": [
            {"issue": issue, "url": f"{base}{issue.slug}/"} for issue in latest.object_list
        ],
        "problems": reader.problems,
        "query_prefix": "",
    }


def archive_context(request, page):
    """What the archive's page links to besides its titles: the search, the union catalogue and
    the IIIF collection (routes of the page)."""
    base = page.get_url(request) or request.path
    links = [
        {"url": base + page.reverse_subpage(name), "label": label} for name, label in ARCHIVE_LINKS
    ]
    return {"search_url": base + page.reverse_subpage("search"), "archive_links": links}
