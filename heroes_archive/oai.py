"""OAI-PMH 2.0 for the heroes archive: library aggregators harvest the live heroes of a site as
unqualified Dublin Core (``oai_dc``). The protocol is ``kuzbib_site.base.oai``, shared with the
periodicals archive; this module is the heroes' repository, and ``respond(arguments,
repository)`` answers a request with the response document as UTF-8 bytes.
``heroes_archive.views.oai.endpoint`` is the thin HTTP side.

What the repository serves:

- records: the live, public ``HeroPage`` pages of the requesting site, one record per hero,
  identified as ``oai:<repository identifier>:<HeroPage.identifier>`` (the setting
  ``OAI_REPOSITORY_IDENTIFIER``, else the site's hostname);
- datestamps: the page's ``last_published_at`` in UTC, to the second;
- sets: ``municipality:<id>`` and ``industry:<value>``, below the parent sets ``municipality``
  and ``industry``;
- list responses of ``OAI_BATCH`` records, continued by resumption tokens (``Harvest``, signed
  with the heroes' own salt) that expire after ``OAI_TOKEN_SECONDS``.
"""

import datetime

from django.db.models import Prefetch
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kuzbib_site.base import oai as protocol
from kuzbib_site.base import partial_dates
from kuzbib_site.base.oai import (  # noqa: F401 — the names the heroes' tests and bench use
    DATESTAMP_FORMAT,
    DC_NS,
    OAI_DC_NS,
    OAI_DC_SCHEMA,
    OAI_NS,
    UNKNOWN_DATESTAMP,
    XSI_NS,
    OAIError,
    datestamp,
    respond,
)

from . import citation
from .conf import setting
from .models import AwardKind, HeroAward, HeroIndexPage, HeroPage, HeroTag, Industry, Source

SIGNING_SALT = "heroes_archive.oai.resumption"


class Harvest(protocol.Harvest):
    """A list request of the heroes' repository; its tokens are signed with the heroes' salt."""

    salt = SIGNING_SALT


class Repository(protocol.Repository):
    """The heroes of one Wagtail site as an OAI-PMH repository. ``base_url`` is the endpoint's
    absolute URL; ``request`` (optional) lets Wagtail build page URLs from its cached site
    paths."""

    harvest_class = Harvest
    local_identifier = "identifier"
    header_fields = ("pk", "path", "identifier", "municipality", "industry")

    def setting(self, name):
        return setting(name)

    @property
    def default_name(self):
        return _("Heroes archive")

    def records(self):
        """The live, public heroes of the site, each with its ``oai_datestamp``."""
        return protocol.published_pages(HeroPage, self.site)

    def index_pages(self):
        return HeroIndexPage.objects.live().descendant_of(self.site.root_page)

    def sets(self):
        records = self.records()
        industries = set(records.order_by().values_list("industry", flat=True).distinct())
        found = protocol.municipality_sets(records, _("Heroes by municipality"))
        found.append(("industry", _("Heroes by industry")))
        found += [
            (f"industry:{value}", capfirst(label))
            for value, label in Industry.choices
            if value in industries
        ]
        return found

    def in_set(self, queryset, spec):
        """The records of a set; none for a set the repository does not have."""
        kind, _colon, value = spec.partition(":")
        if kind == "municipality":
            return protocol.in_municipality_set(queryset, value)
        if kind == "industry":
            if not value:
                return queryset.exclude(industry="")
            if value in Industry.values:
                return queryset.filter(industry=value)
        return queryset.none()

    def set_specs(self, hero):
        specs = []
        if hero.municipality_id:
            specs.append(f"municipality:{hero.municipality_id}")
        if hero.industry:
            specs.append(f"industry:{hero.industry}")
        return specs

    def with_metadata(self, queryset):
        """What the oai_dc of a batch reads, in a constant number of queries."""
        return (
            queryset.defer_streamfields()
            .select_related("municipality")
            .prefetch_related(
                Prefetch("tagged_items", queryset=HeroTag.objects.select_related("tag")),
                Prefetch("awards", queryset=HeroAward.objects.filter(kind=AwardKind.HERO)),
                Prefetch("sources", queryset=Source.objects.order_by("sort_order")),
            )
        )

    def batch_context(self, heroes):
        """The archive pages the heroes belong to, by their tree path, in one query."""
        paths = {hero.path[: -HeroPage.steplen] for hero in heroes}
        return {index.path: index for index in HeroIndexPage.objects.filter(path__in=paths)}

    def write_metadata(self, parent, prefix, hero, indexes):
        index = indexes.get(hero.path[: -HeroPage.steplen])
        protocol.dublin_core(parent, oai_dc(self, hero, index))


def oai_dc(repository, hero, index=None):
    """The hero's Dublin Core as (element, value) pairs. The hero is the subject of the record,
    not its creator, so there is no dc:creator; dc:date is the record's publication."""
    yield "title", hero.title
    if hero.industry:
        yield "subject", capfirst(hero.get_industry_display())
    if hero.profession:
        yield "subject", hero.profession
    for item in hero.tagged_items.all():
        yield "subject", item.tag.name
    if hero.summary:
        yield "description", hero.summary
    facts = _facts(hero)
    if facts:
        yield "description", facts
    if repository.site.site_name:
        yield "publisher", repository.site.site_name
    yield "date", hero.oai_datestamp.astimezone(datetime.UTC).date().isoformat()
    # DCMI Type Vocabulary: a biographical article.
    yield "type", "Text"
    yield "identifier", hero.get_full_url(repository.request)
    for source in hero.sources.all():
        # The bibliographic references the record is written from, per GOST R 7.0.100-2018.
        yield "source", citation.gost_source(source)
    yield "language", "ru"
    if index is not None:
        yield "relation", index.get_full_url(repository.request)
    if hero.municipality:
        yield "coverage", hero.municipality.name
    yield (
        "rights",
        setting("OAI_RIGHTS")
        or _("Free to read; when you use the record, cite it with its address."),
    )


def _facts(hero):
    """One sentence of facts a harvester's reader looks for: the Hero title's dates, birth,
    death, profession and enterprise, each after its label."""
    fields = HeroPage._meta
    parts = []
    titles = [award.display_date() for award in hero.awards.all() if award.date]
    if titles:
        parts.append(f"{AwardKind.HERO.label}: {', '.join(titles)}")
    for date_name, place_name in (("birth_date", "birth_place"), ("death_date", "death_place")):
        date = getattr(hero, date_name)
        if date:
            parts.append(
                f"{capfirst(fields.get_field(date_name).verbose_name)}: "
                f"{partial_dates.display(date)}"
            )
        place = getattr(hero, place_name)
        if place:
            parts.append(f"{capfirst(fields.get_field(place_name).verbose_name)}: {place}")
    for name in ("profession", "enterprise"):
        value = getattr(hero, name)
        if value:
            parts.append(f"{capfirst(fields.get_field(name).verbose_name)}: {value}")
    return ". ".join(parts) + "." if parts else ""
