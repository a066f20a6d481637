"""Browsing the archive: what a visitor asked for (``Filters``), the heroes it selects
(``heroes``) and everything the index page shows of them (``browse_context``).

A visitor's query string is untrusted: ``Filters.from_query`` checks every parameter, drops a
value that is garbage, out of range, repeated or names nothing that exists, and says so in a
Russian notice instead of failing. The same ``Filters`` drive the list, the facets' counts
(``facets``), the timeline (``timeline``), the links that change one filter
(``Filters.query_string``) and the exports of the filtered list, so that what a visitor
downloads is what they see::

    filters, problems = Filters.from_query(request.GET)
    heroes(index_page, filters)           # live heroes of the archive, filtered, searched, sorted
    found = searched(index_page, filters)  # the search resolved once, for the list and facets
    filters.query_string(industry="coal")  # "?industry=coal&…", the other filters kept
"""

import json
from dataclasses import dataclass, field, fields
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, F, Func, IntegerField, Value, When
from django.utils.translation import gettext as _
from taggit.models import Tag
from wagtail.models import PageViewRestriction

from kuzbib_site.base import lemma_index, partial_dates
from kuzbib_site.base.models import Municipality
from kuzbib_site.base.params import NUMBER, QueryReader, echo
from kuzbib_site.base.search import clean_query, highlight

from .conf import setting
from .models import HeroPage, HeroTag, Industry, Relation

#: The letters of the А–Я index. A surname's initial is stored with Ё as Е (``HeroPage.initial``);
#: Ъ, Ы and Ь begin no surname.
LETTERS = "АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯ"

#: The orders a visitor may choose: name (А–Я and Я–А), year of the title (earliest and latest
#: first) and date of birth. Each ends with the name and the id, so that pages never overlap.
SORTS = {
    "name": (F("sort_name").asc(), F("pk").asc()),
    "-name": (F("sort_name").desc(), F("pk").desc()),
    "year": (F("title_year").asc(nulls_last=True), F("sort_name").asc(), F("pk").asc()),
    "-year": (F("title_year").desc(nulls_last=True), F("sort_name").asc(), F("pk").asc()),
    "birth": (F("birth_date_start").asc(nulls_last=True), F("sort_name").asc(), F("pk").asc()),
}
DEFAULT_SORT = "name"
#: With a search, the default order: heroes named in the query first (``heroes``).
RELEVANCE = "relevance"

#: The parameters of the index's URL, in the order links write them.
PARAMETERS = (
    "q",
    "letter",
    "municipality",
    "industry",
    "decade",
    "year",
    "twice",
    "relation",
    "tag",
    "sort",
    "page",
)

# A number as a visitor may type it: ASCII digits only (``int`` would also take «١٢» or «1_0»),
# short enough that no page or year is refused for its length before its range.
#: How much of a refused value a notice repeats.


@dataclass(frozen=True)
class Filters:
    """What the visitor asked for, every value checked. Empty values mean «no filter».

    ``names`` holds what links and notices show of a value that is an id or a slug (the
    municipality's name, the tag's name); it takes no part in comparisons."""

    q: str = ""
    letter: str = ""
    municipality: int | None = None
    industry: str = ""
    decade: int | None = None
    year: int | None = None
    twice: bool = False
    relation: str = ""
    tag: str = ""
    sort: str = DEFAULT_SORT
    page: int = 1
    names: dict = field(default_factory=dict, compare=False, repr=False)

    # -- reading ---------------------------------------------------------------------------
    @classmethod
    def from_query(cls, query):
        """``(filters, problems)`` from a QueryDict (``request.GET``): every value checked,
        each refused one left out with a notice in the visitor's language in ``problems``.
        Never raises for anything a URL may carry. Checks that the municipality and the tag
        exist (one query, only when either is given)."""
        reader = _Reader(query)
        values = {
            "q": reader.search(),
            "letter": reader.letter(),
            "municipality": reader.municipality(),
            "industry": reader.choice("industry", _("industry"), Industry, _unknown_industry),
            "decade": reader.decade(),
            "year": reader.year(),
            "twice": reader.twice(),
            "relation": reader.choice(
                "relation", _("relation to the region"), Relation, _unknown_relation
            ),
            "tag": reader.tag(),
            "sort": None,
            "page": reader.page(),
        }
        values["sort"] = reader.sort(values["q"])
        reader.existing(values)
        if values["year"] and values["decade"] and values["year"] // 10 * 10 != values["decade"]:
            reader.problems.append(
                _("The year %(year)s is not in the %(decade)ss; the decade was left out.")
                % {"year": values["year"], "decade": values["decade"]}
            )
            values["decade"] = None
        elif values["year"]:
            values["decade"] = None  # a year says more than its decade
        return cls(**values, names=reader.names), reader.problems

    # -- writing ---------------------------------------------------------------------------
    def params(self, **changes):
        """The URL parameters of these filters with ``changes`` (a value of None, "" or False
        removes a parameter). Any change but of the page goes back to the first page; a year
        replaces the decade and a decade the year, since both filter the title's year."""
        values = {
            item.name: getattr(self, item.name) for item in fields(self) if item.name != "names"
        }
        if "page" not in changes:
            values["page"] = 1
        if changes.get("year"):
            values["decade"] = None
        if changes.get("decade"):
            values["year"] = None
        values.update(changes)
        pairs = []
        for name in PARAMETERS:
            value = values.get(name)
            # The order is written only when it is not the default (by relevance with a
            # search, else by name); relevance means nothing once the search is gone.
            if value in (None, "", False) or (
                name == "sort" and value in (default_sort(values["q"]), RELEVANCE)
            ):
                continue
            if name == "page" and value == 1:
                continue
            pairs.append((name, "1" if value is True else str(value)))
        return pairs

    def query_string(self, **changes):
        """``?…`` for a link to these filters with ``changes`` (see ``params``), or "" when no
        parameter is left."""
        pairs = self.params(**changes)
        return "?" + urlencode(pairs) if pairs else ""

    @property
    def active(self):
        """Whether any filter or search narrows the list (the order and the page do not)."""
        return any(
            (
                self.q,
                self.letter,
                self.municipality,
                self.industry,
                self.decade,
                self.year,
                self.twice,
                self.relation,
                self.tag,
            )
        )


def heroes(index_page, filters, found=None):
    """The live, public heroes of ``index_page`` that ``filters`` select, searched with
    Russian word forms and sorted as asked (with their municipality). The exports call this,
    so an export is the list the visitor sees. ``found``: the search already resolved
    (``searched``), used instead of searching again."""
    queryset = narrowed(index_page, filters, found=found).select_related("municipality")
    if filters.sort == RELEVANCE:
        # Heroes whose name holds the query's words first (the lemma index's title rank),
        # then by name. A query of no words (only punctuation, only prepositions) has no rank.
        if found is not None:
            return queryset.annotate(lemma_title_rank=found.rank()).order_by(
                "-lemma_title_rank", *SORTS[DEFAULT_SORT]
            )
        ranked = lemma_index.ranked(queryset, filters.q)
        if "lemma_title_rank" in ranked.query.annotations:
            return ranked.order_by("-lemma_title_rank", *SORTS[DEFAULT_SORT])
    return queryset.order_by(*SORTS[filters.sort if filters.sort in SORTS else DEFAULT_SORT])


@dataclass(frozen=True)
class Found:
    """The heroes a search matched, resolved once (``searched``): their ids by the lemma
    index's title rank (2: the name holds every query word, 1: some, 0: none)."""

    ranks: dict

    def condition(self):
        """``pk = ANY(ids)``: one array parameter however many heroes matched, so that every
        facet's GROUP BY and the list reuse the search instead of repeating its subquery."""
        return _among(list(self.ranks))

    def rank(self):
        """The title rank as an expression over the ids (``heroes`` orders by it)."""
        by_rank = {}
        for pk, rank in self.ranks.items():
            by_rank.setdefault(rank, []).append(pk)
        return Case(
            *(When(_among(by_rank[rank]), then=Value(rank)) for rank in (2, 1) if rank in by_rank),
            default=Value(0),
            output_field=IntegerField(),
        )


def _among(ids):
    return _Among(ids)


class _Among(Func):
    """The hero is one of ``ids``, written as one parameter however many there are (``pk__in``
    writes a parameter per id, and SQLite takes a limited number of them): PostgreSQL reads an
    array literal (``pk = ANY('{…}'::integer[])``), SQLite a JSON list (``pk IN (SELECT value
    FROM json_each('[…]'))``)."""

    output_field = BooleanField()

    def __init__(self, ids):
        self.ids = [int(pk) for pk in ids]
        super().__init__(F("pk"))

    def _pk(self, compiler):
        return compiler.compile(self.get_source_expressions()[0])

    def as_sql(self, compiler, connection, **extra):
        sql, params = self._pk(compiler)
        # ``sql`` is the compiled primary-key column; the ids go as a parameter.
        in_list = f"{sql} IN (SELECT value FROM json_each(%s))"  # noqa: S608
        return in_list, (*params, json.dumps(self.ids))

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = self._pk(compiler)
        return f"{sql} = ANY(%s::integer[])", (*params, "{" + ",".join(map(str, self.ids)) + "}")


def searched(index_page, filters):
    """The search of ``filters`` resolved in one query (``Found``), or None when there is no
    search or no word to search for. The lemma match over 20,000 entries costs a tenth of a
    second and more: repeated in each facet's GROUP BY, it made a searched index page several
    times slower than one without a search."""
    if not filters.q or not lemma_index.has_words(filters.q):
        return None
    if filters.sort != RELEVANCE:
        matched = lemma_index.matching(live_heroes(index_page), filters.q)
        return Found(dict.fromkeys(matched.order_by().values_list("pk", flat=True), 0))
    ranked = lemma_index.ranked(live_heroes(index_page), filters.q).order_by()
    return Found(dict(ranked.values_list("pk", "lemma_title_rank")))


def narrowed(index_page, filters, *, without=(), found=None):
    """The heroes ``filters`` select, unordered; ``without`` names filters to leave out (each
    facet is counted with every filter but its own); ``found``: the search already resolved
    (``searched``)."""
    queryset = live_heroes(index_page)
    if filters.q and "q" not in without:
        # The site's lemmatised index: every case form of names and words, ё as е.
        if found is not None:
            queryset = queryset.filter(found.condition())
        else:
            queryset = lemma_index.matching(queryset, filters.q)
    if filters.letter and "letter" not in without:
        queryset = queryset.filter(initial=filters.letter)
    if filters.municipality and "municipality" not in without:
        queryset = queryset.filter(municipality_id=filters.municipality)
    if filters.industry and "industry" not in without:
        queryset = queryset.filter(industry=filters.industry)
    if filters.year and "year" not in without:
        queryset = queryset.filter(title_year=filters.year)
    if filters.decade and "decade" not in without:
        queryset = queryset.filter(
            title_year__gte=filters.decade, title_year__lte=filters.decade + 9
        )
    if filters.twice and "twice" not in without:
        queryset = queryset.filter(title_count__gte=2)
    if filters.relation and "relation" not in without:
        queryset = queryset.filter(relation=filters.relation)
    if filters.tag and "tag" not in without:
        queryset = queryset.filter(
            pk__in=HeroTag.objects.filter(tag__slug=filters.tag).values("content_object_id")
        )
    return queryset


def default_sort(query):
    """By relevance when searching, else by name."""
    return RELEVANCE if query else DEFAULT_SORT


def live_heroes(index_page):
    """The live heroes below ``index_page`` that anybody may read. The index itself is guarded
    by Wagtail's own view restrictions; a hero restricted on its own page is left out here (a
    subquery, no query of its own: heroes are leaves, so a restriction covers one page)."""
    return (
        HeroPage.objects.child_of(index_page)
        .live()
        .exclude(pk__in=PageViewRestriction.objects.values("page_id"))
    )


def browse_context(request, page):
    """Everything ``hero_index_page.html`` shows: the checked filters and their notices, the
    page of heroes (highlighted when searched), the А–Я index, the facets with their counts,
    the timeline, the links to sort, to «Памятные даты» and to the exports."""
    from . import facets, timeline  # noqa: PLC0415 — they import this module

    filters, problems = Filters.from_query(request.GET)
    found = searched(page, filters)
    counts = facets.count(page, filters, found)
    paginator = Paginator(heroes(page, filters, found), setting("PER_PAGE"))
    if counts.total is not None:
        # The facets' GROUP BYs already add up to the list's length: no COUNT of its own.
        paginator.count = counts.total
    results = paginator.get_page(filters.page)
    if filters.page > paginator.num_pages:
        problems.append(
            _("There is no page %(number)s; the last page is shown.") % {"number": filters.page}
        )
    # A page outside every site has no URL; its links then stay on the address asked for.
    base_url = page.get_url(request) or request.path
    export_query = filters.query_string(page=None)
    listing_params = filters.params(page=None)
    return {
        "filters": filters,
        "problems": problems,
        "results": results,
        "hits": [_hit(hero, filters.q) for hero in results],
        "query_prefix": urlencode(listing_params) + "&" if listing_params else "",
        # A new search keeps the other filters and the order.
        "search_hidden": filters.params(q=None),
        "base_url": base_url,
        "letters": facets.letters(filters, counts, base_url),
        "facets": facets.build(filters, counts, base_url),
        "selected": facets.selected(filters, base_url),
        "timeline": timeline.Timeline.build(counts.years, filters, base_url),
        "sorts": _sort_links(filters, base_url),
        "anniversaries_url": base_url + page.reverse_subpage("anniversaries"),
        "exports": [
            {
                "label": label,
                "url": base_url
                + page.reverse_subpage("export", kwargs={"file_format": file_format})
                + export_query,
            }
            for file_format, label in (("csv", "CSV"), ("xlsx", "XLSX"), ("json", "JSON"))
        ],
    }


def _hit(hero, query):
    """What the list shows of one hero; the name and the summary highlighted for a search."""
    return {
        "hero": hero,
        "name": highlight(hero.full_name, query),
        "summary": highlight(hero.summary, query, width=300) if hero.summary else "",
        "life": life_years(hero),
    }


def life_years(hero):
    """«12 марта 1923 г. — 5 мая 1990 г.», «род. 1923 г.» or «ум. 1990 г.», '' when unknown."""
    birth = partial_dates.display(hero.birth_date)
    death = partial_dates.display(hero.death_date)
    if birth and death:
        return _("%(birth)s – %(death)s") % {"birth": birth, "death": death}
    if birth:
        return _("born %(date)s") % {"date": birth}
    if death:
        return _("died %(date)s") % {"date": death}
    return ""


def _sort_links(filters, base):
    labels = {RELEVANCE: _("by relevance")} if filters.q else {}
    labels |= {
        "name": _("by name, А–Я"),
        "-name": _("by name, Я–А"),
        "year": _("by year of the title, earliest first"),
        "-year": _("by year of the title, latest first"),
        "birth": _("by date of birth"),
    }
    return [
        {
            "label": label,
            "url": base + filters.query_string(sort=key),
            "current": key == filters.sort,
        }
        for key, label in labels.items()
    ]


# --- Reading a query string --------------------------------------------------------------------


def _no_municipality(value):
    return _("There is no municipality «%(value)s»; every municipality is shown.") % {
        "value": echo(value)
    }


def _no_tag(value):
    return _("There is no tag «%(value)s»; heroes with any tag are shown.") % {"value": echo(value)}


def _unknown_industry(value):
    return _("The industry «%(value)s» is unknown; every industry is shown.") % {"value": value}


def _unknown_relation(value):
    return _("The relation to the region «%(value)s» is unknown; every relation is shown.") % {
        "value": value
    }


class _Reader(QueryReader):
    """Reads the list's parameters one at a time (``kuzbib_site.base.params``)."""

    def search(self):
        raw = self.raw("q", _("search"))
        query, truncated = clean_query(raw)
        if truncated:
            self.problems.append(
                _("The search query was too long; only its beginning was searched.")
            )
        return query

    def letter(self):
        raw = self.raw("letter", _("letter"))
        if not raw:
            return ""
        letter = raw.upper().replace("Ё", "Е")
        if len(letter) == 1 and letter in LETTERS:
            return letter
        self.problems.append(
            _("«%(value)s» is not a letter of the index; every letter is shown.")
            % {"value": echo(raw)}
        )
        return ""

    def number(self, name, label):
        raw = self.raw(name, label)
        if not raw:
            return None, ""
        return (int(raw) if NUMBER.match(raw) else None), raw

    def municipality(self):
        number, raw = self.number("municipality", _("municipality"))
        if raw and not number:
            self.problems.append(_no_municipality(raw))
        return number or None

    def choice(self, name, label, choices, refusal):
        raw = self.raw(name, label)
        if not raw:
            return ""
        if raw in choices.values:
            return raw
        self.problems.append(refusal(echo(raw)))
        return ""

    def decade(self):
        number, raw = self.number("decade", _("decade"))
        if not raw:
            return None
        first, last = (year // 10 * 10 for year in HeroPage.title_years())
        if number is not None and number % 10 == 0 and first <= number <= last:
            return number
        self.problems.append(
            _("«%(value)s» is not a decade from %(first)s to %(last)s; every decade is shown.")
            % {"value": echo(raw), "first": first, "last": last}
        )
        return None

    def year(self):
        number, raw = self.number("year", _("year"))
        if not raw:
            return None
        first, last = HeroPage.title_years()
        if number is not None and first <= number <= last:
            return number
        self.problems.append(
            _("«%(value)s» is not a year from %(first)s to %(last)s; every year is shown.")
            % {"value": echo(raw), "first": first, "last": last}
        )
        return None

    def twice(self):
        raw = self.raw("twice", _("twice-heroes"))
        if not raw:
            return False
        if raw == "1":
            return True
        self.problems.append(
            _("«%(value)s» is not a value of the twice-heroes filter; every hero is shown.")
            % {"value": echo(raw)}
        )
        return False

    def tag(self):
        return self.slug("tag", _("tag"), _no_tag)

    def existing(self, values):
        """Leave out a municipality or a tag that does not exist (a tag that no hero has is as
        good as none), keeping the names of those that do: one query for both."""
        lookups = []
        if values["municipality"]:
            lookups.append(
                Municipality.objects.filter(pk=values["municipality"])
                .order_by()
                .annotate(lookup=Value("municipality"), label=F("name"))
                .values_list("lookup", "label")
            )
        if values["tag"]:
            lookups.append(
                Tag.objects.filter(slug=values["tag"], pk__in=HeroTag.objects.values("tag_id"))
                .order_by()
                .annotate(lookup=Value("tag"), label=F("name"))
                .values_list("lookup", "label")
            )
        if not lookups:
            return
        first, *others = lookups
        found = dict(first.union(*others, all=True) if others else first)
        for kind, refusal in (("municipality", _no_municipality), ("tag", _no_tag)):
            if values[kind] and kind not in found:
                self.problems.append(refusal(values[kind]))
                values[kind] = None if kind == "municipality" else ""
            elif values[kind]:
                self.names[kind] = found[kind]

    def sort(self, query):
        raw = self.raw("sort", _("order"))
        if not raw:
            return default_sort(query)
        if raw in SORTS:
            return raw
        if raw == RELEVANCE:  # a link of a search kept after the search was removed
            return default_sort(query)
        self.problems.append(
            _("The order «%(value)s» is unknown; the list is sorted by name.")
            % {"value": echo(raw)}
        )
        return default_sort(query)

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
