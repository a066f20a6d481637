"""Template tags of the heroes archive: ``{% hero_record page as hero %}`` loads everything a
hero's page shows in a fixed number of queries, whatever the size of the archive or of the
record; ``{% hero_date text %}`` and ``|partial_date`` show a stored partial date in the
reader's language.

Nothing of the record is kept between requests, so that a renamed municipality, an edited
image description or a new publication shows at once. A hero's page reached through the
archive's routing (``HeroIndexPage.route``) comes with its municipalities, its portrait and the
portrait's rendition already read; the loader then reads one query per kind of inline record —
awards, memorials, sources, tags — and one for the pictures joined with their images and
renditions (``rendition_of``). A page reached otherwise (a preview, a page fetched by other
code) reads its portrait with its renditions and its municipalities in up to three more.

The record is read once per request and kept on the page object, so that the page's head (the
JSON-LD) and its body share it. In a preview the page's awards, pictures, memorials, sources and
tags are the revision's, held in memory by modelcluster: they are read through the page's own
relations, never by a fresh query of the tables, so that an editor previews what they edited.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin

from django import template
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail.images import get_image_model

from kuzbib_site.base import partial_dates
from kuzbib_site.base.jsonld import jsonld_script
from kuzbib_site.base.models import Municipality

from ..citation import cite_record, gost_source
from ..jsonld import person, title_ordinal
from ..models import AwardKind
from ..renditions import PICTURE, PORTRAIT, rendition_of

register = template.Library()


_CACHE = "_hero_record"


@dataclass
class HeroRecord:
    """What the hero's page shows, read in a constant number of queries."""

    page: object
    index: object = None
    index_url: str = ""
    url: str = ""
    titles: list = field(default_factory=list)
    other_awards: list = field(default_factory=list)
    portrait: object = None
    pictures: list = field(default_factory=list)
    memorials: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    municipality: object = None
    birth_municipality: object = None
    death_municipality: object = None
    citation: str = ""
    jsonld: str = ""

    def facet_url(self, **params):
        """The archive's index filtered by ``params`` (browse's parameters), '' without one."""
        return f"{self.index_url}?{urlencode(params)}" if self.index_url else ""

    @property
    def industry_url(self):
        return self.facet_url(industry=self.page.industry) if self.page.industry else ""

    @property
    def relation_url(self):
        return self.facet_url(relation=self.page.relation) if self.page.relation else ""

    @property
    def municipality_url(self):
        return self.facet_url(municipality=self.municipality.pk) if self.municipality else ""

    @property
    def title_year_url(self):
        return self.facet_url(year=self.page.title_year) if self.page.title_year else ""

    @property
    def twice_url(self):
        return self.facet_url(twice=1)

    @property
    def portrait_alt(self):
        """The portrait's description when the editor wrote one, else «Portrait: <name>»."""
        if self.portrait is not None and self.portrait.description:
            return self.portrait.description
        return _("Portrait: %(name)s") % {"name": self.page.title}


@dataclass
class Picture:
    """A picture of the hero's life with its caption; ``alt`` is the image's own description,
    else the caption, else «Picture: <name>» (never an uploaded file's name)."""

    image: object
    caption: str
    name: str = ""

    @property
    def alt(self):
        if self.image.description or self.caption:
            return self.image.description or self.caption
        return _("Picture: %(name)s") % {"name": self.name}


def _award_start(award):
    """The first day an award's date may be, read from its text: a preview's awards have no
    stored ``date_start`` yet."""
    try:
        value = partial_dates.PartialDate.parse(award.date)
    except ValidationError:
        return None
    return value.start if value else None


def _sorted_awards(awards):
    """The Hero titles in their order (first, second), then the other awards by date, undated
    last; equal keys keep the editor's order."""
    undated = datetime.date.max
    titles = [award for award in awards if award.kind == AwardKind.HERO]
    others = [award for award in awards if award.kind != AwardKind.HERO]
    titles.sort(key=lambda award: (award.number or 99, _award_start(award) or undated))
    others.sort(key=lambda award: _award_start(award) or undated)
    return titles, others


def _index_of(page):
    try:
        return page.get_parent()
    except Exception:  # noqa: BLE001 — a preview of a page not yet in the tree has no parent
        return None


def _loaded(instance, name):
    """``instance.<name>`` when that related object has been read already, else None: never a
    query."""
    field = instance._meta.get_field(name)
    return getattr(instance, name) if field.is_cached(instance) else None


def _give_rendition(image, rendition):
    """Hand Wagtail the rendition read with ``image`` (or none: it is then made on first use),
    so that ``{% image %}`` and ``get_rendition`` look nowhere else."""
    if rendition is not None:
        rendition.image = image  # as Wagtail's own cache does, so that its alt text needs no query
    image.prefetched_renditions = [rendition] if rendition is not None else []


def _pictures(page):
    """The page's pictures, each with its image; the images with their renditions when the
    pictures come from the database (one query). A preview's pictures are the revision's and
    only name their images."""
    pictures = page.images.all()
    if not isinstance(pictures, QuerySet):  # a preview: modelcluster's records in memory
        return list(pictures)
    pictures = list(
        pictures.annotate(rendition=rendition_of("image", PICTURE)).select_related(
            "image", "rendition"
        )
    )
    for picture in pictures:
        _give_rendition(picture.image, getattr(picture, "rendition", None))
    return pictures


def _portrait_and_pictures(page):
    """The portrait and the pictures (``Picture``) with their renditions. What the route and
    ``_pictures`` have not read — a preview, a page fetched without the route — is read in one
    query of the images and one of their renditions."""
    pictures = _pictures(page)
    portrait = _loaded(page, "portrait")
    if portrait is not None:
        rendition = getattr(page, "portrait_rendition", None)  # joined by HeroIndexPage.route
        if rendition is not None:
            _give_rendition(portrait, rendition)
    missing = {picture.image_id for picture in pictures if _loaded(picture, "image") is None}
    if portrait is None:
        missing.add(page.portrait_id)
    missing.discard(None)
    found = {}
    if missing:
        found = get_image_model().objects.prefetch_renditions(PORTRAIT, PICTURE).in_bulk(missing)
    if portrait is None:
        portrait = found.get(page.portrait_id)
    shown = []
    for picture in pictures:
        image = _loaded(picture, "image") or found.get(picture.image_id)
        if image is not None:  # a preview may name an image deleted since
            shown.append(Picture(image, picture.caption, page.title))
    return portrait, shown


def _municipalities(page):
    """The municipalities of work, birth and death: those the route read with the page, the
    others (a preview) in one query."""
    names = ("municipality", "birth_municipality", "death_municipality")
    loaded = {name: _loaded(page, name) for name in names}
    missing = {getattr(page, f"{name}_id") for name in names if loaded[name] is None} - {None}
    found = Municipality.objects.in_bulk(missing) if missing else {}
    return tuple(loaded[name] or found.get(getattr(page, f"{name}_id")) for name in names)


def load_record(page, request=None, *, accessed=None):
    """A ``HeroRecord`` of ``page`` for ``request``: awards, pictures with their renditions,
    memorials, sources with their GOST text, tags, municipalities, the citation and JSON-LD."""
    record = HeroRecord(page=page)
    record.index = _index_of(page)
    if record.index is not None:
        record.index_url = record.index.get_url(request) or ""
    record.url = page.get_full_url(request) or ""

    record.titles, record.other_awards = _sorted_awards(list(page.awards.all()))
    record.memorials = list(page.memorials.all())
    record.sources = [(source, gost_source(source)) for source in page.sources.all()]
    record.tags = sorted(page.tags.all(), key=lambda tag: tag.name.lower())

    record.portrait, record.pictures = _portrait_and_pictures(page)

    (
        record.municipality,
        record.birth_municipality,
        record.death_municipality,
    ) = _municipalities(page)

    record.citation = cite_record(
        page,
        record.url,
        accessed or timezone.localdate(),
        archive_title=record.index.title if record.index is not None else "",
    )
    portrait_url = ""
    if record.portrait is not None:
        # Absolute on the page's own site root, as the page's URL is (not the request's host).
        portrait_url = urljoin(record.url, record.portrait.get_rendition(PORTRAIT).url)
    record.jsonld = jsonld_script(
        person(
            page,
            request,
            url=record.url,
            awards=[*record.titles, *record.other_awards],
            image=portrait_url,
            sources=[source for source, _text in record.sources],
            municipalities=(
                record.birth_municipality,
                record.death_municipality,
                record.municipality,
            ),
        )
    )
    return record


@register.simple_tag(takes_context=True)
def hero_record(context, page):
    """``{% hero_record page as hero %}``: the page's ``HeroRecord``, read once per page
    object."""
    record = getattr(page, _CACHE, None)
    if record is None:
        record = load_record(page, context.get("request"))
        setattr(page, _CACHE, record)
    return record


@register.simple_tag
def hero_date(text):
    """A stored partial date in the reader's language, in ``<time datetime>`` when HTML can
    state it (a day, a month or a year)."""
    iso = partial_date_iso(text)
    shown = partial_dates.display(text)
    if iso:
        return format_html('<time datetime="{}">{}</time>', iso, shown)
    return shown


register.filter("title_ordinal", title_ordinal)


@register.filter
def partial_date(text):
    """A stored partial date («03.1923») as the reader reads it («март 1923 г.»)."""
    return partial_dates.display(text)


@register.filter
def partial_date_iso(text):
    """The ISO form of a stored partial date for ``<time datetime>``, when it is one day, month
    or year that HTML can state; '' for ranges, decades and text that no longer parses."""
    try:
        value = partial_dates.PartialDate.parse(text)
    except ValidationError:  # a stored text that no longer parses is shown as it is, undated
        return ""
    if value is None or value.precision not in (
        partial_dates.DAY,
        partial_dates.MONTH,
        partial_dates.YEAR,
    ):
        return ""
    return value.iso()
