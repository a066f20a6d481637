"""The public pages of the festival: what a visitor asked of the list of dynasties (``Filters``),
the dynasties it selects and everything the festival's page shows (``festival_context``), and
everything a dynasty's page shows (``dynasty_context``).

A visitor's query string is untrusted: ``Filters.from_query`` checks every parameter, drops a
value that is garbage, out of range, repeated or names nothing among the festival's dynasties,
and says so in a notice instead of failing. Both pages read what they show in a number of
queries that does not grow with the dynasties of the festival or the members of a family::

    filters, problems = Filters.from_query(request.GET)
    dynasties(festival, filters)       # live dynasties of the festival, filtered and sorted
    filters.query_string(tag="sela")   # "?tag=sela&…", the other filters kept
"""

from dataclasses import dataclass, field, fields
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import (
    CharField,
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction

from kuzbib_site.base.params import NUMBER, QueryReader, echo

from . import family as kin
from . import tree as family_tree
from .conf import setting
from .models import DynastyPage, DynastyPhoto, DynastyTag, FestivalNomination, WorkPeriod

#: The renditions the pages show: a card's thumbnail, a member's portrait, a gallery picture.
THUMBNAIL = "fill-320x200"
PORTRAIT = "fill-120x150"
PICTURE = "max-800x600"

#: The orders a visitor may choose. Each ends with the name and the id, so that pages never
#: overlap.
SORTS = {
    "service": (F("service_years").desc(), F("family_name").asc(), F("pk").asc()),
    "generations": (
        F("generation_count").desc(),
        F("service_years").desc(),
        F("family_name").asc(),
        F("pk").asc(),
    ),
    "members": (
        F("member_count").desc(),
        F("service_years").desc(),
        F("family_name").asc(),
        F("pk").asc(),
    ),
    "name": (F("family_name").asc(), F("pk").asc()),
    "oldest": (F("first_service_year").asc(nulls_last=True), F("family_name").asc(), F("pk").asc()),
}
DEFAULT_SORT = "service"

#: The parameters of the festival's URL, in the order links write them.
PARAMETERS = ("municipality", "library", "tag", "sort", "page")

# A number as a visitor may type it: ASCII digits only, short enough to be a database id.
#: How much of a refused value a notice repeats.


def sort_labels():
    return {
        "service": _("by years of service"),
        "generations": _("by generations"),
        "members": _("by members"),
        "name": _("by name"),
        "oldest": _("oldest first (first year of service)"),
    }


@dataclass(frozen=True)
class Filters:
    """What the visitor asked of the festival's list, every value checked; empty values mean
    «no filter». ``names`` holds what notices and the form show of an id or a slug."""

    municipality: int | None = None
    library: int | None = None
    tag: str = ""
    sort: str = DEFAULT_SORT
    page: int = 1
    names: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_query(cls, query, festival):
        """``(filters, problems)`` from a QueryDict (``request.GET``): every value checked,
        each refused one left out with a notice in ``problems``. Never raises for anything a
        URL may carry. Checks that a municipality, library or tag occurs among the festival's
        dynasties (one query, only when one is given)."""
        reader = _Reader(query)
        values = {
            "municipality": reader.number("municipality", _("municipality"), _no_municipality),
            "library": reader.number("library", _("library"), _no_library),
            "tag": reader.tag(),
            "sort": reader.sort(),
            "page": reader.page(),
        }
        reader.existing(values, festival)
        return cls(**values, names=reader.names), reader.problems

    def params(self, **changes):
        """The URL parameters of these filters with ``changes`` (None or "" removes one); any
        change but of the page goes back to the first page."""
        values = {item.name: getattr(self, item.name) for item in fields(self)}
        if "page" not in changes:
            values["page"] = 1
        values.update(changes)
        pairs = []
        for name in PARAMETERS:
            value = values.get(name)
            if value in (None, "") or (name == "sort" and value == DEFAULT_SORT):
                continue
            if name == "page" and value == 1:
                continue
            pairs.append((name, str(value)))
        return pairs

    def query_string(self, **changes):
        pairs = self.params(**changes)
        return "?" + urlencode(pairs) if pairs else ""

    @property
    def active(self):
        """Whether a filter narrows the list (the order and the page do not)."""
        return bool(self.municipality or self.library or self.tag)


def public_dynasties():
    """The live dynasties anybody may read (a dynasty restricted on its own page is left out: a
    subquery, no query of its own)."""
    return DynastyPage.objects.live().exclude(pk__in=PageViewRestriction.objects.values("page_id"))


def live_dynasties(festival):
    """The public dynasties listed under ``festival``."""
    return public_dynasties().child_of(festival)


def narrowed(festival, filters, *, without=""):
    """The dynasties ``filters`` select, unordered; ``without`` names a filter to leave out
    (each filter's options are counted with the other filters)."""
    queryset = live_dynasties(festival)
    if filters.municipality and without != "municipality":
        queryset = queryset.filter(municipality_id=filters.municipality)
    if filters.library and without != "library":
        # A subquery rather than a join: a family with several periods in the library is one
        # dynasty, not several rows.
        queryset = queryset.filter(
            pk__in=WorkPeriod.objects.filter(library_id=filters.library).values("dynasty_id")
        )
    if filters.tag and without != "tag":
        queryset = queryset.filter(
            pk__in=DynastyTag.objects.filter(tag__slug=filters.tag).values("content_object_id")
        )
    return queryset


def dynasties(festival, filters):
    """The dynasties of the list as ``filters`` ask, with what a card shows: the municipality,
    the tags and the first photo of the gallery with its thumbnail (a constant number of
    queries for any number of dynasties)."""
    first_photo = (
        DynastyPhoto.objects.filter(dynasty=OuterRef("dynasty"))
        .order_by("sort_order", "pk")
        .values("pk")[:1]
    )
    photos = DynastyPhoto.objects.filter(pk=Subquery(first_photo)).prefetch_related(
        Prefetch("image", queryset=get_image_model().objects.prefetch_renditions(THUMBNAIL))
    )
    return (
        narrowed(festival, filters)
        .select_related("municipality")
        .prefetch_related(
            Prefetch("tagged_items", queryset=DynastyTag.objects.select_related("tag")),
            Prefetch("photos", queryset=photos, to_attr="first_photos"),
        )
        .order_by(*SORTS[filters.sort])
    )


@dataclass
class Option:
    """A value of a filter's select: its label, how many dynasties it finds with the other
    filters kept, and whether it is chosen."""

    value: str
    label: str
    count: int
    selected: bool = False


def options(festival, filters):
    """The choices of the filter form: only municipalities, libraries and tags that occur
    among the festival's live dynasties, each with the number of dynasties it would show with
    the other filters kept (three queries)."""

    def counted(narrowing, key="pk"):
        return Count(key, distinct=True, filter=Q(**{f"{key}__in": narrowing.values("pk")}))

    live = live_dynasties(festival)
    municipalities = (
        live.filter(municipality__isnull=False)
        .order_by()
        .values("municipality_id", "municipality__name")
        .annotate(count=counted(narrowed(festival, filters, without="municipality")))
        .order_by("municipality__name")
    )
    libraries = (
        WorkPeriod.objects.filter(dynasty__in=live.values("pk"), library__isnull=False)
        .order_by()
        .values("library_id", "library__full_name")
        .annotate(count=counted(narrowed(festival, filters, without="library"), key="dynasty_id"))
        .order_by("library__full_name")
    )
    tags = (
        DynastyTag.objects.filter(content_object__in=live.values("pk"))
        .order_by()
        .values("tag__slug", "tag__name")
        .annotate(
            count=counted(narrowed(festival, filters, without="tag"), key="content_object_id")
        )
        .order_by("tag__name")
    )
    return {
        "municipality": [
            Option(
                str(row["municipality_id"]),
                row["municipality__name"],
                row["count"],
                row["municipality_id"] == filters.municipality,
            )
            for row in municipalities
        ],
        "library": [
            Option(
                str(row["library_id"]),
                row["library__full_name"],
                row["count"],
                row["library_id"] == filters.library,
            )
            for row in libraries
        ],
        "tag": [
            Option(
                row["tag__slug"], row["tag__name"], row["count"], row["tag__slug"] == filters.tag
            )
            for row in tags
        ],
    }


@dataclass
class Card:
    """What the festival's list shows of one dynasty."""

    page: object
    tags: list
    photo: object = None

    @property
    def photo_alt(self):
        if self.photo is not None and self.photo.caption:
            return self.photo.caption
        return _("Photo of the %(family)s family") % {"family": self.page.family_name}


def _card(page):
    photos = getattr(page, "first_photos", [])
    tags = sorted((item.tag for item in page.tagged_items.all()), key=lambda tag: tag.name.lower())
    return Card(page=page, tags=tags, photo=photos[0] if photos else None)


def nominations(festival):
    """The festival's nominations, each with its awarded public dynasties (two queries). A
    dynasty keeps one page, under the festival it took part in first: one awarded again at a later
    festival is linked from there too."""
    return list(
        FestivalNomination.objects.filter(festival=festival).prefetch_related(
            Prefetch(
                "winners",
                queryset=public_dynasties().order_by("family_name", "pk"),
                to_attr="awarded",
            )
        )
    )


def festival_context(request, festival):
    """Everything ``festival_page.html`` shows: the checked filters and their notices, the
    page of dynasty cards, the filter form's choices with counts, the nominations with their
    awarded dynasties, the call to apply."""
    now = timezone.now()
    filters, problems = Filters.from_query(request.GET, festival)
    paginator = Paginator(dynasties(festival, filters), setting("PER_PAGE"))
    results = paginator.get_page(filters.page)
    if filters.page > paginator.num_pages:
        problems.append(
            _("There is no page %(number)s; the last page is shown.") % {"number": filters.page}
        )
    # A page outside every site has no URL; its links then stay on the address asked for.
    base_url = festival.get_url(request) or request.path
    listing_params = filters.params(page=None)
    full_url = festival.get_full_url(request) or ""
    canonical = full_url
    if not filters.active and results.number > 1:
        canonical += filters.query_string(sort=DEFAULT_SORT, page=results.number)
    return {
        "filters": filters,
        "problems": problems,
        "results": results,
        "cards": [_card(page) for page in results],
        "options": options(festival, filters),
        "sorts": [
            Option(key, label, 0, key == filters.sort) for key, label in sort_labels().items()
        ],
        "query_prefix": urlencode(listing_params) + "&" if listing_params else "",
        "base_url": base_url,
        "canonical_url": canonical,
        "nominations": nominations(festival),
        "applications_open": festival.applications_open(now),
        "now": now,
        "apply_url": base_url + festival.reverse_subpage("apply"),
        "ics_url": base_url + festival.reverse_subpage("ics"),
    }


# --- The dynasty's page ------------------------------------------------------------------------


@dataclass
class MemberRow:
    """A member as the page's list shows them: names, years of life, generation, years of
    service and work periods."""

    member: object
    generation: int
    life: str
    service_years: int
    periods: list

    @property
    def generation_label(self):
        """The generation in Roman numerals, as the tree labels its rows."""
        return family_tree.roman(self.generation)


@dataclass
class Photo:
    """A picture of the gallery; ``alt`` is the caption, else «Фотография семьи …»."""

    image: object
    caption: str
    family_name: str

    @property
    def alt(self):
        return self.caption or _("Photo of the %(family)s family") % {"family": self.family_name}


def period_years(period):
    """«1975–1990», «1980» or «с 2005 г.» (still working)."""
    if period.end_year is None:
        return _("since %(start)s") % {"start": period.start_year}
    if period.end_year == period.start_year:
        return str(period.start_year)
    return f"{period.start_year}–{period.end_year}"


def _prefetch_family(page):
    """Read the page's inline records once (members, kinship, periods with their libraries, the
    gallery, tags), so that ``page.family()`` and the template read them from memory, and the
    images of members and gallery with their renditions in one query each. A preview's records
    are the revision's, held in memory by modelcluster: they are left as they are, and only
    their images are read."""
    if isinstance(page.members.all(), QuerySet):
        prefetch_related_objects(
            [page],
            "members",
            "links",
            Prefetch("periods", queryset=WorkPeriod.objects.select_related("library")),
            "photos",
            Prefetch("tagged_items", queryset=DynastyTag.objects.select_related("tag")),
        )
    members, photos = list(page.members.all()), list(page.photos.all())
    wanted = {member.photo_id for member in members} | {photo.image_id for photo in photos}
    wanted.discard(None)
    images = (
        get_image_model().objects.prefetch_renditions(PORTRAIT, PICTURE).in_bulk(wanted)
        if wanted
        else {}
    )
    for member in members:
        # A member's portrait deleted since a preview's revision: shown without it.
        member.photo = images.get(member.photo_id)
    shown = [photo for photo in photos if photo.image_id in images]
    for photo in shown:
        photo.image = images[photo.image_id]
    return shown


#: How long a drawn tree is kept: it changes only with the published revision, the reader's
#: language and the year (work that goes on), which its key carries.
TREE_CACHE_SECONDS = 24 * 3600


def tree_cache_key(page):
    """The cache key of a published dynasty's drawn tree: its page, published revision, the
    reader's language and the year (work that goes on adds to the service shown)."""
    return ":".join(
        (
            "dynasties:tree",
            str(page.pk),
            str(page.live_revision_id),
            get_language() or "",
            str(timezone.localdate().year),
        )
    )


def _drawn_tree(request, page, family, figures, numbers):
    """The family tree of a published dynasty, drawn once per revision (laying out forty members
    takes as long as the rest of the page) and kept in the cache; a preview draws its own."""
    links = {number: f"#member-{number}" for number in numbers}

    def draw():
        return family_tree.draw(family, figures, title=page.title, links=links)

    if getattr(request, "is_preview", False) or not page.live_revision_id:
        return draw()
    key = tree_cache_key(page)
    tree = cache.get(key)
    if tree is None:
        tree = draw()
        cache.set(key, tree, TREE_CACHE_SECONDS)
    return tree


def dynasty_context(request, page):
    """Everything ``dynasty_page.html`` shows, computed once: the figures, the tree, the
    members with their periods, the gallery, tags, awards and the links back to the festival
    and to the GEDCOM files."""
    photos = _prefetch_family(page)
    family = page.family()
    figures = kin.figures(family)
    festival = page.get_parent() if page.pk and page.depth else None
    festival_url = (festival.get_url(request) or "") if festival is not None else ""

    periods_of = {}
    libraries = {}
    for period in page.periods.all():
        periods_of.setdefault(period.member, []).append(
            {"period": period, "years": period_years(period), "library": period.library_display}
        )
        libraries.setdefault(period.library_display, period.library_id)
    members = [
        MemberRow(
            member=member,
            generation=figures.generation_of.get(member.number, 1),
            life=family_tree.life_years(member.birth_date, member.death_date),
            service_years=figures.by_member.get(member.number, 0),
            periods=sorted(periods_of.get(member.number, []), key=lambda p: p["period"].start_year),
        )
        for member in page.members.all()
    ]
    members.sort(key=lambda row: row.generation)  # stable: the editor's order within a row
    tree = _drawn_tree(request, page, family, figures, [row.member.number for row in members])
    tags = sorted((item.tag for item in page.tagged_items.all()), key=lambda tag: tag.name.lower())
    awards = (
        list(page.awards.select_related("festival").order_by("festival_id", "sort_order"))
        if page.pk
        else []
    )
    own_url = (page.get_url(request) or "") if page.pk else ""
    return {
        "figures": figures,
        "tree": tree,
        "members": members,
        "libraries": [
            {
                "name": name,
                "url": f"{festival_url}?library={library_id}"
                if library_id and festival_url
                else "",
            }
            for name in figures.libraries
            for library_id in [libraries.get(name)]
        ],
        "photos": [Photo(photo.image, photo.caption, page.family_name) for photo in photos],
        "tags": [
            {
                "name": tag.name,
                "url": f"{festival_url}?{urlencode({'tag': tag.slug})}" if festival_url else "",
            }
            for tag in tags
        ],
        "awards": awards,
        "festival": festival,
        "festival_url": festival_url,
        "gedcom_url": own_url + page.reverse_subpage("gedcom") if own_url else "",
        "gedcom7_url": own_url + page.reverse_subpage("gedcom7") if own_url else "",
    }


# --- Reading a query string --------------------------------------------------------------------


def _no_municipality(value):
    return _(
        "No dynasty of the festival is from the municipality «%(value)s»; every municipality "
        "is shown."
    ) % {"value": echo(value)}


def _no_library(value):
    return _(
        "No dynasty of the festival worked in the library «%(value)s»; every library is shown."
    ) % {"value": echo(value)}


def _no_tag(value):
    return _("No dynasty of the festival has the tag «%(value)s»; every tag is shown.") % {
        "value": echo(value)
    }


class _Reader(QueryReader):
    """Reads the list's parameters one at a time (``kuzbib_site.base.params``)."""

    def number(self, name, label, refusal):
        raw = self.raw(name, label)
        if not raw:
            return None
        if NUMBER.match(raw) and int(raw) > 0:
            return int(raw)
        self.problems.append(refusal(raw))
        return None

    def tag(self):
        return self.slug("tag", _("tag"), _no_tag)

    def sort(self):
        raw = self.raw("sort", _("order"))
        if not raw or raw in SORTS:
            return raw or DEFAULT_SORT
        self.problems.append(
            _("The order «%(value)s» is unknown; the list is sorted by years of service.")
            % {"value": echo(raw)}
        )
        return DEFAULT_SORT

    def page(self):
        raw = self.raw("page", _("page"))
        if not raw:
            return 1
        if NUMBER.match(raw) and int(raw) >= 1:
            return int(raw)
        self.problems.append(
            _("«%(value)s» is not a page number; the first page is shown.") % {"value": echo(raw)}
        )
        return 1

    def existing(self, values, festival):
        """Leave out a municipality, library or tag that occurs among none of the festival's
        dynasties, keeping the names of those that do: one query for all three."""
        live = live_dynasties(festival).values("pk")
        lookups = []
        if values["municipality"]:
            lookups.append(
                live_dynasties(festival)
                .filter(municipality_id=values["municipality"])
                .order_by()
                .annotate(kind=_text("municipality"), label=F("municipality__name"))
                .values_list("kind", "label")
            )
        if values["library"]:
            lookups.append(
                WorkPeriod.objects.filter(library_id=values["library"], dynasty__in=live)
                .order_by()
                .annotate(kind=_text("library"), label=F("library__full_name"))
                .values_list("kind", "label")
            )
        if values["tag"]:
            lookups.append(
                DynastyTag.objects.filter(tag__slug=values["tag"], content_object__in=live)
                .order_by()
                .annotate(kind=_text("tag"), label=F("tag__name"))
                .values_list("kind", "label")
            )
        if not lookups:
            return
        first, *others = lookups
        found = dict(first.union(*others) if others else first.distinct())
        refusals = {"municipality": _no_municipality, "library": _no_library, "tag": _no_tag}
        for kind, refusal in refusals.items():
            if values[kind] and kind not in found:
                self.problems.append(refusal(values[kind]))
                values[kind] = "" if kind == "tag" else None
            elif values[kind]:
                self.names[kind] = found[kind]


def _text(value):
    return Value(value, output_field=CharField())
