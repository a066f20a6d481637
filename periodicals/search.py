"""Searching every digitised page of the archive: what a visitor asked for (``Filters``), the
pages that match (``found``), the hits by year (``histogram``) and what one page of results
shows (``search_context``).

The words are searched in ``Scan.lemmas`` through ``periodicals.text`` (the shared lemmatised
index, pre-reform letters folded in the index and in the query): «город» finds «городѣ» and
«городъ», «библиотека» finds «библіотека», and any case form finds the others. The filters are
a title, a range of years and a municipality (the title's); a visitor's query string is
untrusted and read with ``kuzbib_site.base.params.QueryReader``: a value that cannot be used is
left out with a Russian notice, never an error page.

**Which pages are searched.** Processed pages (``Scan.Status.DONE``) of live issues of live
titles below the archive that no view restriction hides, except issues whose access is
«description only» (``IssuePage.Access.METADATA``): their text is in copyright and not public in
any form, so the search does not reveal that a word is on one of their pages. A hit of a
reading-room issue (``READING_ROOM``) is listed — the issue, the page, a link — but its line is
shown only to a visitor in a member library's reading room (``access.in_reading_room``), as the
issue's own page shows its text there only. (Editors get no exception here, unlike
``access.issue_access``: asking each hit's permissions would cost a query per hit.)

**The page cache.** The results are not kept in the anonymous page cache
(``kuzbib_site.base.page_cache``), like the site's own search: the queries are unbounded (each
would be an entry of its own), and the reading room's visitors see lines that others must not.
The view marks its answer ``Cache-Control: private``.

**Bounded work.** A page of results costs a fixed number of queries, whatever the number of
hits or pages in the archive: the archive's titles (the filter's choices, also how a title or
municipality in the URL is checked), the view restrictions, the hits by year (one GROUP BY, whose
sum is also the paginator's count) and the page of hits with their issues."""

from dataclasses import dataclass, field, fields
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear, Substr
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import PageViewRestriction

from kuzbib_site.base.params import NUMBER, QueryReader, echo
from kuzbib_site.base.search import WORD_RE, clean_query

from . import alto, text
from .access import in_reading_room
from .conf import setting
from .histogram import Histogram
from .models import IssuePage, Scan, TitlePage

#: The years a visitor may filter by: the archive's titles came out in these (``TitlePage``'s
#: validators).
FIRST_YEAR, LAST_YEAR = 1700, 2100
#: The parameters of the search's URL, in the order links write them.
PARAMETERS = ("q", "title", "municipality", "from", "to", "page")
#: Matching lines shown of one page, and the most characters of one line.
LINES_PER_PAGE = 3
LINE_WIDTH = 240


@dataclass(frozen=True)
class Filters:
    """What the visitor asked for, every value checked; empty means «no filter». ``names``
    holds what notices and the form show of the title and municipality chosen."""

    q: str = ""
    title: int | None = None
    municipality: int | None = None
    year_from: int | None = None
    year_to: int | None = None
    page: int = 1
    names: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_query(cls, query, titles):
        """``(filters, problems)`` from ``request.GET``; ``titles`` are the archive's titles
        (``archive_titles``), against which a title or a municipality is checked. Never raises
        for anything a URL may carry."""
        reader = _Reader(query)
        values = {
            "q": reader.search(),
            "title": reader.title(titles),
            "municipality": reader.municipality(titles),
            "year_from": reader.year("from", _("from the year")),
            "year_to": reader.year("to", _("to the year")),
            "page": reader.page(),
        }
        if values["year_from"] and values["year_to"] and values["year_from"] > values["year_to"]:
            reader.problems.append(
                _("The years were given the wrong way round; %(first)s–%(last)s is searched.")
                % {"first": values["year_to"], "last": values["year_from"]}
            )
            values["year_from"], values["year_to"] = values["year_to"], values["year_from"]
        return cls(**values, names=reader.names), reader.problems

    def params(self, **changes):
        """The URL parameters of these filters with ``changes`` (None or "" removes one); any
        change but of the page goes back to the first page."""
        values = {
            "q": self.q,
            "title": self.title,
            "municipality": self.municipality,
            "from": self.year_from,
            "to": self.year_to,
            "page": self.page,
        }
        if "page" not in changes:
            values["page"] = 1
        values.update(changes)
        return [
            (name, str(values[name]))
            for name in PARAMETERS
            if values.get(name) not in (None, "") and not (name == "page" and values[name] == 1)
        ]

    def query_string(self, **changes):
        pairs = self.params(**changes)
        return "?" + urlencode(pairs) if pairs else ""

    @property
    def narrowed(self):
        """Whether a filter narrows the search (the words do not count)."""
        return any(
            getattr(self, item.name)
            for item in fields(self)
            if item.name in ("title", "municipality", "year_from", "year_to")
        )


# --- What is searched -------------------------------------------------------------------------


def hidden():
    """The pages below a view restriction, as a condition on a page's path: the restrictions
    read once (one query) for everything a page of results asks."""
    paths = PageViewRestriction.objects.values_list("page__path", flat=True)
    condition = Q(pk__in=[])
    for path in set(paths):
        condition |= Q(path__startswith=path)
    return condition


def archive_titles(index_page, hidden_pages=None):
    """The live titles of the archive with their municipalities, by name (one query, and one
    for the view restrictions unless ``hidden_pages`` is given): the title filter's choices and
    what a title in the URL is checked against."""
    return list(
        TitlePage.objects.child_of(index_page)
        .live()
        .exclude(hidden() if hidden_pages is None else hidden_pages)
        .select_related("municipality")
        .order_by("title", "pk")
    )


def searched_issues(titles, filters, hidden_pages=None):
    """The issues whose pages are searched (a subquery, no query of its own but the view
    restrictions' unless ``hidden_pages`` is given): live, not hidden by a view restriction, not
    «description only», of the chosen ``titles``, in the chosen years."""
    chosen = [
        title
        for title in titles
        if (filters.title is None or title.pk == filters.title)
        and (filters.municipality is None or title.municipality_id == filters.municipality)
    ]
    if not chosen:
        return IssuePage.objects.none()
    steps = len(chosen[0].path)  # titles of one archive are at one depth
    issues = (
        IssuePage.objects.live()
        .exclude(hidden() if hidden_pages is None else hidden_pages)
        .exclude(access=IssuePage.Access.METADATA)
        .annotate(title_path=Substr("path", 1, steps))
        .filter(title_path__in=[title.path for title in chosen])
    )
    if filters.year_from:
        issues = issues.filter(date__year__gte=filters.year_from)
    if filters.year_to:
        issues = issues.filter(date__year__lte=filters.year_to)
    return issues


def found(titles, filters, hidden_pages=None):
    """The pages (``Scan``) that hold every word of the query, of the issues ``filters``
    choose, unordered; none without a word to search for."""
    if not text.has_words(filters.q):
        return Scan.objects.none()
    scans = Scan.objects.filter(
        status=Scan.Status.DONE,
        issue__in=searched_issues(titles, filters, hidden_pages).values("pk"),
    )
    return text.matching(scans, filters.q)


def histogram(titles, filters, hidden_pages=None):
    """{year: pages with hits} over every year (the year range left out, so that the whole
    period stays in view and each bar can narrow the search to its year): one GROUP BY."""
    every_year = Filters(
        q=filters.q, title=filters.title, municipality=filters.municipality, names=filters.names
    )
    rows = (
        found(titles, every_year, hidden_pages)
        .annotate(year=ExtractYear("issue__date"))
        .order_by()
        .values("year")
        .annotate(pages=Count("pk"))
        .values_list("year", "pages")
    )
    return dict(rows)


# --- One hit --------------------------------------------------------------------------------


def page_lines(scan):
    """The page's lines: its text, which the ingest draws from ALTO one line per ALTO line
    with hyphenated words joined (``alto.plain_text``), so no XML is read per hit; ALTO's own
    lines only for a page whose text is missing."""
    if scan.text or not scan.alto:
        return scan.text.splitlines()
    try:
        return [line for _id, line in alto.lines(alto.parse(scan.alto))]
    except alto.InvalidAlto:
        return []


def marked(line, matches):
    """``line`` escaped, its words that ``matches`` in <mark>; a long line is cut around its
    first hit."""
    hits = [m for m in WORD_RE.finditer(line) if matches(m.group())]
    start, end = 0, len(line)
    if len(line) > LINE_WIDTH:
        first = hits[0].start() if hits else 0
        start = max(0, first - LINE_WIDTH // 3)
        end = min(len(line), start + LINE_WIDTH)
        hits = [m for m in hits if m.start() >= start and m.end() <= end]
    out, cursor = [], start
    for hit in hits:
        out += [escape(line[cursor : hit.start()]), f"<mark>{escape(hit.group())}</mark>"]
        cursor = hit.end()
    out.append(escape(line[cursor:end]))
    html = ("… " if start else "") + "".join(out) + (" …" if end < len(line) else "")
    return mark_safe(html)  # noqa: S308 — every piece of the line above is escaped


def matching_lines(scan, matches):
    """The page's first lines with a hit, marked (``LINES_PER_PAGE`` at most)."""
    lines = []
    for line in page_lines(scan):
        if any(matches(m.group()) for m in WORD_RE.finditer(line)):
            lines.append(marked(line, matches))
            if len(lines) == LINES_PER_PAGE:
                break
    return lines


@dataclass
class Hit:
    """A page with hits: its issue and title, the link that opens it at the hit, the marked
    lines (empty when the issue's access keeps them from this visitor: ``withheld``)."""

    scan: Scan
    issue: IssuePage
    title: TitlePage
    url: str
    lines: list
    withheld: bool


def hit_url(issue_url, scan, query):
    """The issue opened in the reader at the page of ``scan`` with the query's hits marked
    (``periodicals.views.reading``: the issue's ``<n>/`` route reads ``q``); a page not tiled yet
    has no place in the reader, so its issue opens at the first page."""
    words = urlencode({"q": query})
    if scan.tiled:
        return f"{issue_url}{scan.number}/?{words}#reader-heading"
    return f"{issue_url}?{words}"


# --- The page -------------------------------------------------------------------------------


def search_context(request, index_page):
    """Everything ``periodicals/search.html`` shows."""
    hidden_pages = hidden()
    titles = archive_titles(index_page, hidden_pages)
    filters, problems = Filters.from_query(request.GET, titles)
    base_url = (index_page.get_url(request) or request.path) + index_page.reverse_subpage("search")
    searching = text.has_words(filters.q)
    if filters.q and not searching:
        problems.append(
            _("«%(value)s» has no words to search for; type a word of the text.")
            % {"value": echo(filters.q)}
        )
    counts = histogram(titles, filters, hidden_pages) if searching else {}
    total = sum(
        pages
        for year, pages in counts.items()
        if (filters.year_from is None or year >= filters.year_from)
        and (filters.year_to is None or year <= filters.year_to)
    )
    scans = (
        found(titles, filters, hidden_pages)
        .select_related("issue")
        # ALTO (the largest column) is read only for a page without text (``page_lines``).
        .defer("lemmas", "image", "error", "alto")
        .order_by("issue__date", "issue__path", "number")
    )
    paginator = Paginator(scans, setting("PER_PAGE"))
    paginator.count = total  # the GROUP BY above already counted them
    results = paginator.get_page(filters.page)
    if searching and filters.page > paginator.num_pages:
        problems.append(
            _("There is no page %(number)s; the last page is shown.") % {"number": filters.page}
        )
    by_path = {title.path: title for title in titles}
    steps = len(titles[0].path) if titles else 0
    reading_room = None
    matches = text.word_matcher(filters.q) if searching else None
    hits = []
    for scan in results if searching else ():
        issue = scan.issue
        withheld = False
        if issue.access == IssuePage.Access.READING_ROOM:
            if reading_room is None:
                reading_room = in_reading_room(request)
            withheld = not reading_room
        title = by_path.get(issue.path[:steps])
        issue_url = _issue_url(title, issue, request)
        hits.append(
            Hit(
                scan=scan,
                issue=issue,
                title=title,
                url=hit_url(issue_url, scan, filters.q),
                lines=[] if withheld else matching_lines(scan, matches),
                withheld=withheld,
            )
        )
    listing = filters.params(page=None)
    municipalities = {
        title.municipality_id: title.municipality for title in titles if title.municipality_id
    }
    return {
        "filters": filters,
        "problems": problems,
        "searching": searching,
        "results": results,
        "hits": hits,
        "total": total,
        "count_label": ngettext("%(count)d page found", "%(count)d pages found", total)
        % {"count": total},
        "query_prefix": urlencode(listing) + "&" if listing else "",
        "base_url": base_url,
        "titles": titles,
        "municipalities": sorted(municipalities.values(), key=lambda m: m.name),
        "histogram": Histogram.build(counts, filters, base_url) if counts else None,
        "first_year": FIRST_YEAR,
        "last_year": LAST_YEAR,
    }


def _issue_url(title, issue, request):
    """The issue's URL from its title's (already read) and its slug: no query per hit."""
    if title is None:
        return issue.get_url(request)
    title_url = title.get_url(request)
    return f"{title_url}{issue.slug}/" if title_url else issue.get_url(request)


# --- Reading a query string -------------------------------------------------------------------


class _Reader(QueryReader):
    """Reads the search's parameters one at a time (``kuzbib_site.base.params``)."""

    def search(self):
        query, truncated = clean_query(self.raw("q", _("search")))
        if truncated:
            self.problems.append(
                _("The search query was too long; only its beginning was searched.")
            )
        return query

    def number(self, name, label):
        raw = self.raw(name, label)
        if not raw:
            return None, ""
        return (int(raw) if NUMBER.match(raw) else None), raw

    def title(self, titles):
        number, raw = self.number("title", _("periodical"))
        if not raw:
            return None
        for title in titles:
            if title.pk == number:
                self.names["title"] = title.title
                return number
        self.problems.append(
            _("There is no periodical «%(value)s» in the archive; every periodical is searched.")
            % {"value": echo(raw)}
        )
        return None

    def municipality(self, titles):
        number, raw = self.number("municipality", _("municipality"))
        if not raw:
            return None
        for title in titles:
            if title.municipality_id is not None and title.municipality_id == number:
                self.names["municipality"] = title.municipality.name
                return number
        self.problems.append(
            _(
                "No periodical of the archive comes from the municipality «%(value)s»; every "
                "municipality is searched."
            )
            % {"value": echo(raw)}
        )
        return None

    def year(self, name, label):
        number, raw = self.number(name, label)
        if not raw:
            return None
        if number is not None and FIRST_YEAR <= number <= LAST_YEAR:
            return number
        self.problems.append(
            _("«%(value)s» is not a year from %(first)s to %(last)s; it was left out.")
            % {"value": echo(raw), "first": FIRST_YEAR, "last": LAST_YEAR}
        )
        return None

    def page(self):
        number, raw = self.number("page", _("page"))
        if not raw:
            return 1
        if number is not None and number >= 1:
            return number
        self.problems.append(
            _("«%(value)s» is not a page number; the first page is shown.") % {"value": echo(raw)}
        )
        return 1
