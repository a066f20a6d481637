"""Template tags of the heroes archive: ``{% hero_record page as hero %}`` loads everything a
hero's page shows in a fixed number of queries, whatever the size of the archive or of the
record (one per kind of inline record, one for the images with their renditions, one for the
municipalities); ``{% hero_date text %}`` and ``|partial_date`` show a stored partial date in the
reader's language. The hero's template keeps what the record renders in Wagtail's page cache,
so that a repeated visit reads none of it.

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
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail.images import get_image_model

from kuzbib_site.base import partial_dates
from kuzbib_site.base.models import Municipality

from ..citation import cite_record, gost_source
from ..jsonld import person, script_json, title_ordinal
from ..models import AwardKind

register = template.Library()

#: The renditions the page shows: the portrait beside the facts, pictures in the gallery.
PORTRAIT = "max-400x520"
PICTURE = "max-800x600"

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
    """The first day an award's date may be, read from its text: the stored ``date_start`` is
    kept only for Hero titles, and a preview's awards have none yet."""
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

    pictures = list(page.images.all())
    image_ids = {picture.image_id for picture in pictures} | {page.portrait_id}
    image_ids.discard(None)
    images = {}
    if image_ids:
        images = get_image_model().objects.prefetch_renditions(PORTRAIT, PICTURE).in_bulk(image_ids)
    record.portrait = images.get(page.portrait_id)
    record.pictures = [
        Picture(images[picture.image_id], picture.caption, page.title)
        for picture in pictures
        if picture.image_id in images
    ]

    municipality_ids = {
        page.municipality_id,
        page.birth_municipality_id,
        page.death_municipality_id,
    } - {None}
    municipalities = Municipality.objects.in_bulk(municipality_ids) if municipality_ids else {}
    record.municipality = municipalities.get(page.municipality_id)
    record.birth_municipality = municipalities.get(page.birth_municipality_id)
    record.death_municipality = municipalities.get(page.death_municipality_id)

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
    record.jsonld = script_json(
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
