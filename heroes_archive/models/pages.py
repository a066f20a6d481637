"""The archive's pages: ``HeroIndexPage`` («Герои Социалистического Труда — кузбассовцы») and one
``HeroPage`` per hero below it.

A hero's awards, memorials, sources and pictures are inline records of the page (``records.py``),
kept in its revisions. What the index filters and sorts on — the year of the first Hero title,
twice-heroes, the surname's first letter, a sort key — is computed from them on every save into
columns of the page, so that facets on tens of thousands of heroes are plain indexed GROUP BYs.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from kuzbib_site.base import partial_dates
from kuzbib_site.base.blocks import BaseStreamBlock, stream_text
from kuzbib_site.base.routes import GET, page_route

from ..conf import setting
from ..renditions import PORTRAIT, rendition_of
from .vocabularies import AwardKind, Industry, Relation, Sex

IDENTIFIER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


class HeroIndexPage(RoutablePageMixin, Page):
    """The archive: browsing by letter and facets, search with Russian word forms, the awards
    timeline, «Памятные даты» with its calendar feed, and exports of the filtered list. Its
    children are the ``HeroPage`` records; the OAI-PMH endpoint (``heroes_archive.oai``) serves
    them to aggregators."""

    visitor_kind = pgettext_lazy("kind of page", "Archive")

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    subpage_types = ["heroes_archive.HeroPage"]

    anniversaries = page_route(
        "pamyatnye-daty/",
        "anniversaries",
        "heroes_archive.views.anniversaries.anniversaries",
        methods=GET,
    )
    # Not «pamyatnye-daty.ics»: Wagtail serves only paths of letters, digits, «-» and «_»
    # between slashes (its serve pattern), so a dotted route is never reached.
    anniversaries_ics = page_route(
        "pamyatnye-daty/ics/",
        "anniversaries_ics",
        "heroes_archive.views.anniversaries.anniversaries_ics",
        methods=GET,
    )
    export = page_route(
        "export/<str:file_format>/",
        "export",
        "heroes_archive.views.export.export",
        methods=GET,
    )

    class Meta:
        verbose_name = _("heroes archive")
        verbose_name_plural = _("heroes archives")

    def route(self, request, path_components):
        """Wagtail's routing, with the archive's usual request — one hero's page — read in one
        query: the hero as a ``HeroPage`` with its municipalities, its portrait and the
        portrait's rendition (Wagtail's own walk takes a query for the child and another for
        its specific page, and the page would read the rest later), this archive remembered as
        its parent as Wagtail does. The archive's own routes («Памятные даты», exports) come
        first, as with ``RoutablePageMixin``; anything else — a slug of no hero, a deeper path
        — goes to Wagtail's routing unchanged. A hero that is not live is a 404, as in Wagtail."""
        slug = path_components[0] if len(path_components) == 1 else None
        if slug is not None and self.live:
            try:
                self.resolve_subpage(f"/{slug}/")
            except Http404:
                pass
            else:
                slug = None  # one of the archive's routes, which RoutablePageMixin serves
        if slug is not None:
            hero = (
                HeroPage.objects.child_of(self)
                .filter(slug=slug)
                .annotate(portrait_rendition=rendition_of("portrait", PORTRAIT))
                .select_related(
                    "municipality",
                    "birth_municipality",
                    "death_municipality",
                    "portrait",
                    "portrait_rendition",
                )
                .first()
            )
            if hero is not None:
                hero._cached_parent_obj = self  # as Page.route does: get_parent() reads it
                return hero.route(request, [])  # Page.route: the page if live, else 404
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from ..browse import browse_context  # noqa: PLC0415 — browse imports the models

        context = super().get_context(request, *args, **kwargs)
        context.update(browse_context(request, self))
        return context


class HeroTag(TaggedItemBase):
    """A tag of a hero (django-taggit through ``modelcluster``, so tags are kept in revisions)."""

    content_object = ParentalKey(
        "heroes_archive.HeroPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class HeroPage(Page):
    """One Hero of Socialist Labour connected with Kuzbass: names, partial dates and places of
    birth and death, work, the Hero title and other awards (``HeroAward``), biography, pictures,
    memorials and sources. ``identifier`` is the record's stable key: imports match rows by it,
    OAI-PMH builds its identifiers from it, and it never changes with the title."""

    visitor_kind = pgettext_lazy("kind of page", "Hero")

    identifier = models.CharField(
        _("identifier"),
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(
                IDENTIFIER_RE,
                _("Latin letters, digits, «.», «_» and «-», up to 40, e.g. GST-00042."),
            )
        ],
        help_text=_("The record's stable key (e.g. GST-00042): imports match rows by it."),
    )
    surname = models.CharField(_("surname"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    name_variants = models.CharField(
        _("name variants"),
        max_length=500,
        blank=True,
        help_text=_("Maiden name, other spellings; separated by «;»."),
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)

    birth_date = models.CharField(
        _("date of birth"),
        max_length=40,
        blank=True,
        help_text=_("12.03.1923, 03.1923, март 1923, 1923, около 1920, 1920–1925 or 1920-е."),
    )
    birth_date_start = models.DateField(null=True, blank=True, editable=False)
    birth_date_end = models.DateField(null=True, blank=True, editable=False)
    birth_place = models.CharField(
        _("place of birth"),
        max_length=255,
        blank=True,
        help_text=_("Settlement, district and region as the sources give them."),
    )
    birth_municipality = models.ForeignKey(
        "base.Municipality",
        verbose_name=_("municipality of birth"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("When the hero was born in today's Kemerovo region."),
    )
    death_date = models.CharField(
        _("date of death"),
        max_length=40,
        blank=True,
        help_text=_("Same forms as the date of birth."),
    )
    death_date_start = models.DateField(null=True, blank=True, editable=False)
    death_date_end = models.DateField(null=True, blank=True, editable=False)
    death_place = models.CharField(_("place of death"), max_length=255, blank=True)
    death_municipality = models.ForeignKey(
        "base.Municipality",
        verbose_name=_("municipality of death"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    relation = models.CharField(
        _("relation to the region"), max_length=10, choices=Relation.choices
    )
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices)
    profession = models.CharField(
        _("profession"), max_length=255, blank=True, help_text=_("E.g. «забойщик шахты»")
    )
    enterprise = models.CharField(
        _("enterprise"), max_length=255, blank=True, help_text=_("Where the hero worked.")
    )
    municipality = models.ForeignKey(
        "base.Municipality",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Where the hero lived and worked when awarded."),
    )

    summary = models.TextField(
        _("summary"),
        max_length=600,
        blank=True,
        help_text=_("One or two sentences for lists, search results and harvesters."),
    )
    biography = StreamField(BaseStreamBlock(), verbose_name=_("biography"), blank=True)
    portrait = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("portrait"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tags = ClusterTaggableManager(through=HeroTag, blank=True, verbose_name=_("tags"))

    # Computed on save from the fields and awards above (see ``refresh_derived``).
    sort_name = models.CharField(max_length=320, editable=False, db_index=True, default="")
    initial = models.CharField(max_length=1, editable=False, db_index=True, default="")
    title_year = models.PositiveSmallIntegerField(null=True, editable=False, db_index=True)
    title_count = models.PositiveSmallIntegerField(default=0, editable=False, db_index=True)

    content_panels = [
        FieldPanel("identifier"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("surname"), FieldPanel("given_name")]),
                FieldRowPanel([FieldPanel("patronymic"), FieldPanel("sex")]),
                FieldPanel("name_variants"),
            ],
            heading=_("Name"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("birth_date"), FieldPanel("birth_municipality")]),
                FieldPanel("birth_place"),
                FieldRowPanel([FieldPanel("death_date"), FieldPanel("death_municipality")]),
                FieldPanel("death_place"),
            ],
            heading=_("Birth and death"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("industry"), FieldPanel("relation")]),
                FieldPanel("profession"),
                FieldPanel("enterprise"),
                FieldPanel("municipality"),
            ],
            heading=_("Work"),
        ),
        InlinePanel("awards", label=_("Awards"), min_num=1),
        FieldPanel("summary"),
        FieldPanel("biography"),
        FieldPanel("portrait"),
        InlinePanel("images", label=_("Pictures")),
        InlinePanel("memorials", label=_("Memorials")),
        InlinePanel("sources", label=_("Sources")),
        FieldPanel("tags"),
    ]
    promote_panels = Page.promote_panels
    search_fields = [
        *Page.search_fields,
        index.SearchField("name_variants"),
        index.SearchField("profession"),
        index.SearchField("enterprise"),
        index.SearchField("birth_place"),
        index.SearchField("summary"),
        index.SearchField("biography"),
        index.AutocompleteField("surname"),
        index.FilterField("identifier"),
    ]
    parent_page_types = ["heroes_archive.HeroIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("hero")
        verbose_name_plural = _("heroes")
        indexes = [models.Index(fields=["industry", "title_year"], name="hero_industry_year")]

    # -- names -----------------------------------------------------------------------------
    @property
    def full_name(self):
        return " ".join(part for part in (self.surname, self.given_name, self.patronymic) if part)

    def variants(self):
        return [part.strip() for part in self.name_variants.split(";") if part.strip()]

    def birth(self):
        return partial_dates.PartialDate.parse(self.birth_date) if self.birth_date else None

    def death(self):
        return partial_dates.PartialDate.parse(self.death_date) if self.death_date else None

    #: What ``lemma_index.update`` reads for a batch of heroes in one query each (lemma_text).
    lemma_prefetch = ("municipality", "birth_municipality", "death_municipality", "tags")

    def search_excerpt_text(self):
        """The site search's excerpt: the summary, then the biography's text."""
        return " ".join(part for part in (self.summary, stream_text(self.biography)) if part)

    def lemma_text(self):
        """What the site's lemmatised index (``kuzbib_site.base.lemma_index``) keeps of the hero:
        names and their variants, places, work and the biography's text."""
        parts = [
            self.full_name,
            self.name_variants.replace(";", " "),
            self.birth_place,
            self.death_place,
            self.profession,
            self.enterprise,
            self.get_industry_display(),
            *(
                municipality.name
                for municipality in (
                    self.municipality,
                    self.birth_municipality,
                    self.death_municipality,
                )
                if municipality
            ),
            self.summary,
            stream_text(self.biography),
            " ".join(tag.name for tag in self.tags.all()),
        ]
        return " ".join(part for part in parts if part)

    # -- consistency -----------------------------------------------------------------------
    def clean(self):
        super().clean()
        errors = {}
        for name in ("birth_date", "death_date"):
            try:
                partial_dates.sync(self, name)
            except ValidationError as error:
                errors.update(error.message_dict)
        if (
            not errors
            and self.birth_date_start
            and self.death_date_end
            and self.death_date_end < self.birth_date_start
        ):
            errors["death_date"] = [_("The date of death is before the date of birth.")]
        if errors:
            raise ValidationError(errors)
        self.title = self.full_name or self.title

    def refresh_derived(self):
        """Recompute the columns the index filters and sorts on from the names and the (possibly
        unsaved, in-memory) awards."""
        for name in ("birth_date", "death_date"):
            partial_dates.sync(self, name)
        self.sort_name = " ".join(
            part.lower().replace("ё", "е")
            for part in (self.surname, self.given_name, self.patronymic)
        ).strip()[:320]
        first = self.surname.strip()[:1].upper().replace("Ё", "Е")
        self.initial = first if first else ""
        awards = list(self.awards.all())
        for award in awards:  # the columns every award's date sorts and filters on
            partial_dates.sync(award, "date")
        titles = [award for award in awards if award.kind == AwardKind.HERO]
        years = sorted(award.date_start.year for award in titles if award.date_start)
        self.title_count = len(titles)
        self.title_year = years[0] if years else None

    def save(self, *args, **kwargs):
        self.refresh_derived()
        if self.full_name:
            self.title = self.full_name
        return super().save(*args, **kwargs)

    @property
    def is_twice_hero(self):
        return self.title_count >= 2

    @staticmethod
    def title_years():
        return setting("TITLE_FIRST_YEAR"), setting("TITLE_LAST_YEAR")
