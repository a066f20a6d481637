"""The index's facets: how many heroes each value of a filter would show, and the links that
choose or remove it.

Counts are disjunctive: each facet is counted with every active filter but its own, so that
a chosen municipality still shows how many heroes the others have, while every count agrees
with the rest of what the visitor chose. The award year and the decade are one facet (both
filter the year of the first Hero title): the timeline and the decades are counted without
either. Each count is one plain GROUP BY on an indexed column of ``HeroPage``, so the index
takes one query for all its facets with a hundred heroes or twenty thousand (``count``).
"""

from dataclasses import dataclass

from django.db.models import CharField, Count, F, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .browse import LETTERS, narrowed
from .models import HeroTag, Industry, Relation

#: The facets ``count`` counts.
FACETS = ("letter", "municipality", "industry", "year", "twice", "relation", "tag")

#: Tags the facet lists (the most used first); a chosen tag is always listed.
TAG_LIMIT = 30


@dataclass(frozen=True)
class Counts:
    """Per facet, the number of heroes of each value (``letters``, ``industries``,
    ``relations``, ``years``: value → count; ``municipalities`` and ``tags``: (id or slug,
    name, count) rows), the number of twice-heroes, and ``total``, the length of the filtered
    list when some facet's counts add up to it (else None)."""

    letters: dict
    municipalities: list
    industries: dict
    years: dict
    twice: int
    relations: dict
    tags: list
    total: int | None


@dataclass(frozen=True)
class Option:
    """One value of a facet as the page lists it: its label and count, the link that chooses
    it (or, when it is chosen, the link that removes it)."""

    label: str
    count: int
    url: str
    selected: bool = False


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    values: list


def count(index_page, filters, found=None):
    """The counts of every facet of the heroes ``filters`` select, in one query: a UNION ALL of
    one GROUP BY per facet, each over the heroes selected by every filter but the facet's own
    (so that a page of the archive costs one round trip for its facets, however many there
    are). Rows are (facet, value as text, label, heroes). ``found``: the search already
    resolved (``browse.searched``), so that no GROUP BY repeats the lemma match."""

    def grouped(facet, column, *, without=None, label=None):
        return (
            narrowed(index_page, filters, without=without or {facet}, found=found)
            .order_by()
            .annotate(
                facet=Value(facet),
                value=Cast(column, CharField()),
                label=F(label) if label else Value(""),
            )
            .values("facet", "value", "label")
            .annotate(heroes=Count("pk"))
            .values_list("facet", "value", "label", "heroes")
        )

    tagged = narrowed(index_page, filters, without={"tag"}, found=found).order_by().values("pk")
    tags = (
        HeroTag.objects.filter(content_object_id__in=tagged)
        .order_by()
        .annotate(facet=Value("tag"), value=F("tag__slug"), label=F("tag__name"))
        .values("facet", "value", "label")
        .annotate(heroes=Count("content_object_id", distinct=True))
        .values_list("facet", "value", "label", "heroes")
    )
    rows = grouped("letter", "initial").union(
        grouped("municipality", "municipality_id", label="municipality__name"),
        grouped("industry", "industry"),
        grouped("year", "title_year", without={"year", "decade"}),
        # twice-heroes: grouped by the number of titles, two or more
        grouped("twice", "title_count").filter(title_count__gte=2),
        grouped("relation", "relation"),
        tags,
        all=True,
    )
    found = {name: [] for name in FACETS}
    for facet, value, label, number in rows:
        found[facet].append((value, label, number))
    letters = {value: number for value, _label, number in found["letter"]}
    municipalities = sorted(
        (
            (int(value), label, number)
            for value, label, number in found["municipality"]
            if value is not None
        ),
        key=lambda row: row[1],
    )
    industries = {value: number for value, _label, number in found["industry"]}
    years = {
        int(value) if value is not None else None: number for value, _label, number in found["year"]
    }
    twice = sum(number for _value, _label, number in found["twice"])
    relations = {value: number for value, _label, number in found["relation"]}
    tags = sorted(found["tag"], key=lambda row: (-row[2], row[1]))
    # Every hero has one initial, one industry, one relation and one (maybe empty) title
    # year: a facet whose own filter is not active counts the whole list.
    total = None
    if not filters.letter:
        total = sum(letters.values())
    elif not filters.industry:
        total = sum(industries.values())
    elif not filters.relation:
        total = sum(relations.values())
    elif not (filters.year or filters.decade):
        total = sum(years.values())
    return Counts(letters, municipalities, industries, years, twice, relations, tags, total)


def decades(years):
    """Heroes per decade of the title from the heroes per year."""
    found = {}
    for year, number in years.items():
        if year is not None and number:
            found[year // 10 * 10] = found.get(year // 10 * 10, 0) + number
    return dict(sorted(found.items()))


def decade_label(decade):
    # The same words as a partial date of a decade («1950-е гг.»), so one translation serves.
    return pgettext("partial date", "the %(decade)ss") % {"decade": decade}


def letters(filters, counts, base=""):
    """The А–Я index: each letter with its count, a link when it has heroes. Links are
    ``base`` (the index's URL) and the query string."""
    return [
        Option(
            letter,
            counts.letters.get(letter, 0),
            base + filters.query_string(letter=None if letter == filters.letter else letter),
            letter == filters.letter,
        )
        for letter in LETTERS
    ]


def build(filters, counts, base=""):
    """The facets in the order the page lists them, each with its values that have heroes (and
    the chosen one even when it has none)."""
    facets = [
        Facet(
            "municipality",
            _("Municipality"),
            _values(
                filters,
                base,
                "municipality",
                [(pk, name, number) for pk, name, number in counts.municipalities],
                filters.municipality,
                extra=(filters.municipality, filters.names.get("municipality", "")),
            ),
        ),
        Facet(
            "industry",
            _("Industry"),
            _values(
                filters,
                base,
                "industry",
                [
                    (value, label, counts.industries.get(value, 0))
                    for value, label in Industry.choices
                ],
                filters.industry,
            ),
        ),
        Facet(
            "decade",
            _("Decade of the title"),
            _values(
                filters,
                base,
                "decade",
                [
                    (decade, decade_label(decade), number)
                    for decade, number in decades(counts.years).items()
                ],
                filters.decade,
            ),
        ),
        Facet(
            "twice",
            _("Twice Heroes"),
            _values(
                filters,
                base,
                "twice",
                [(True, _("twice Heroes of Socialist Labour"), counts.twice)],
                filters.twice,
            ),
        ),
        Facet(
            "relation",
            _("Relation to the region"),
            _values(
                filters,
                base,
                "relation",
                [
                    (value, label, counts.relations.get(value, 0))
                    for value, label in Relation.choices
                ],
                filters.relation,
            ),
        ),
        Facet(
            "tag",
            _("Tags"),
            _values(
                filters,
                base,
                "tag",
                _top_tags(counts.tags, filters.tag),
                filters.tag,
                extra=(filters.tag, filters.names.get("tag", "")),
            ),
        ),
    ]
    return [facet for facet in facets if facet.values]


def _top_tags(rows, chosen):
    top = rows[:TAG_LIMIT]
    if chosen and all(slug != chosen for slug, _name, _number in top):
        top += [row for row in rows if row[0] == chosen]
    return sorted(top, key=lambda row: row[1].lower())


def _values(filters, base, name, rows, chosen, extra=None):
    """A facet's values from (value, label, count) rows: those with heroes, and the chosen one
    (added from ``extra``, its (value, label), when no row has it)."""
    values = []
    seen = False
    for value, label, number in rows:
        selected = bool(chosen) and value == chosen
        seen = seen or selected
        if number or selected:
            values.append(
                Option(
                    str(label),
                    number,
                    base + filters.query_string(**{name: None if selected else value}),
                    selected,
                )
            )
    if chosen and not seen and extra and extra[1]:
        values.append(Option(str(extra[1]), 0, base + filters.query_string(**{name: None}), True))
    return values


def selected(filters, base=""):
    """The filters in force, each with the link that removes it: the page lists them above the
    results so that a visitor sees, and undoes, what narrows the list."""
    chosen = []
    if filters.q:
        chosen.append((_("Search: «%(query)s»") % {"query": filters.q}, {"q": None}))
    if filters.letter:
        chosen.append((_("Surnames on %(letter)s") % {"letter": filters.letter}, {"letter": None}))
    if filters.municipality:
        chosen.append(
            (
                _("Municipality: %(name)s") % {"name": filters.names.get("municipality", "")},
                {"municipality": None},
            )
        )
    if filters.industry:
        chosen.append(
            (
                _("Industry: %(name)s") % {"name": Industry(filters.industry).label},
                {"industry": None},
            )
        )
    if filters.decade:
        chosen.append(
            (
                _("Title awarded in %(decade)s") % {"decade": decade_label(filters.decade)},
                {"decade": None},
            )
        )
    if filters.year:
        chosen.append((_("Title awarded in %(year)s") % {"year": filters.year}, {"year": None}))
    if filters.twice:
        chosen.append((_("Twice Heroes of Socialist Labour"), {"twice": None}))
    if filters.relation:
        chosen.append(
            (
                _("Relation to the region: %(name)s") % {"name": Relation(filters.relation).label},
                {"relation": None},
            )
        )
    if filters.tag:
        chosen.append((_("Tag: %(name)s") % {"name": filters.names.get("tag", "")}, {"tag": None}))
    return [
        Option(str(label), 0, base + filters.query_string(**change), True)
        for label, change in chosen
    ]
