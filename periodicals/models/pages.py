"""The archive's pages: ``PeriodicalsIndexPage`` («Электронный архив краеведческой периодики»),
one ``TitlePage`` per newspaper or magazine below it, and one ``IssuePage`` per issue below its
title. An issue's scanned pages are ``Scan`` records (``records.py``), not Wagtail pages: they
are made by the ingest worker, not edited. Where the printed copies are kept is the union
catalogue (``holdings.py``)."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from kuzbib_site.base.models import Municipality
from kuzbib_site.base.routes import GET, page_route

# The routes of the reader, the union catalogue and readers' corrections: periodicals/routes.py.
from ..routes import (
    ArchiveReadingRoutes,
    CorrectionRoutes,
    IssueReadingRoutes,
    TitleReadingRoutes,
    UnionCatalogueRoutes,
)

ISSN_RE = re.compile(r"^\d{4}-\d{3}[\dX]$")


def issn_checksum_ok(issn):
    """ISSN's check digit (ISO 3297): the weighted sum of the eight characters divides by 11."""
    digits = [10 if c == "X" else int(c) for c in issn.replace("-", "")]
    return sum(d * w for d, w in zip(digits, range(8, 0, -1), strict=True)) % 11 == 0


def validate_issn(value):
    if not ISSN_RE.match(value) or not issn_checksum_ok(value):
        raise ValidationError(_("Type the ISSN as eight digits with a hyphen, e.g. 0235-8867."))


class PeriodicalsIndexPage(ArchiveReadingRoutes, UnionCatalogueRoutes, RoutablePageMixin, Page):
    """The archive: its titles, the search across every digitised page (Russian word forms and
    pre-reform spelling), the union catalogue of printed holdings and the IIIF collection of all
    titles. Its children are the ``TitlePage`` records."""

    visitor_kind = pgettext_lazy("kind of page", "Archive")

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    subpage_types = ["periodicals.TitlePage"]
    # The union catalogue («svodnyi-katalog/») lists holdings and the libraries' names.
    page_cache_tags = ("model:periodicals.holding", "model:base.library")

    # --- Finding (periodicals.views.finding): the search across every title. ---
    search = page_route("poisk/", "search", "periodicals.views.finding.search", methods=GET)

    def get_context(self, request, *args, **kwargs):
        from ..views.finding import archive_context  # noqa: PLC0415 — it imports the models

        context = super().get_context(request, *args, **kwargs)
        context.update(archive_context(request, self))
        return context

    # --- end of finding ---

    class Meta:
        verbose_name = _("periodicals archive")
        verbose_name_plural = _("periodicals archives")


class TitlePage(TitleReadingRoutes, RoutablePageMixin, Page):
    """A newspaper or magazine: its names over the years, where and how often it came out, and
    its spelling (pre-1918 titles are searched by modern spelling too). Its children are the
    ``IssuePage`` records; its calendar shows each year's days as digitised, held in print by a
    member library (``Holding``) or missing everywhere."""

    visitor_kind = pgettext_lazy("kind of page", "Periodical")

    class Orthography(models.TextChoices):
        MODERN = "modern", _("modern")
        PRE_REFORM = "pre_reform", _("pre-1918")

    earlier_names = models.TextField(
        _("earlier and later names"),
        blank=True,
        help_text=_("One per line, with years, e.g. «Кузнецкий рабочий (1930–1937)»."),
    )
    place = models.CharField(_("place of publication"), max_length=200, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issn = models.CharField(
        "ISSN", max_length=9, blank=True, db_index=True, validators=[validate_issn]
    )
    identifier = models.CharField(
        _("stable identifier"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        validators=[RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")],
        help_text=_(
            "Latin letters, digits, «.», «_», «-»: how imports name a title without an ISSN."
        ),
    )
    frequency = models.CharField(
        _("frequency"), max_length=100, blank=True, help_text=_("E.g. «3 раза в неделю».")
    )
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    first_year = models.PositiveSmallIntegerField(
        _("first year"), null=True, blank=True, validators=[MinValueValidator(1700)]
    )
    last_year = models.PositiveSmallIntegerField(
        _("last year"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(2100)],
        help_text=_("Empty while it still comes out."),
    )
    orthography = models.CharField(
        _("spelling"), max_length=16, choices=Orthography.choices, default=Orthography.MODERN
    )
    description = RichTextField(
        _("description"), blank=True, features=["bold", "italic", "link", "ol", "ul"]
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("earlier_names"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("place"), FieldPanel("municipality")]),
                FieldRowPanel([FieldPanel("issn"), FieldPanel("identifier")]),
                FieldRowPanel([FieldPanel("frequency"), FieldPanel("publisher")]),
                FieldRowPanel([FieldPanel("first_year"), FieldPanel("last_year")]),
                FieldPanel("orthography"),
            ],
            heading=_("Publication"),
        ),
        FieldPanel("description"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("earlier_names"),
        index.SearchField("description"),
        index.FilterField("municipality"),
    ]
    parent_page_types = ["periodicals.PeriodicalsIndexPage"]
    subpage_types = ["periodicals.IssuePage"]

    # --- Finding (periodicals.views.finding): the calendar of a year, the years and the latest
    # issues on the page. Its issues are its children (the subtree's tags purge the page); the
    # calendar shows the union catalogue's holdings and libraries too.
    page_cache_tags = (
        "model:periodicals.holding",
        "model:periodicals.heldissue",
        "model:base.library",
    )
    calendar = page_route(
        "<int:year>/", "calendar", "periodicals.views.finding.calendar", methods=GET
    )

    def get_context(self, request, *args, **kwargs):
        from ..views.finding import title_context  # noqa: PLC0415 — it imports the models

        context = super().get_context(request, *args, **kwargs)
        context.update(title_context(request, self))
        return context

    # --- end of finding ---

    class Meta:
        verbose_name = _("periodical")
        verbose_name_plural = _("periodicals")

    def clean(self):
        super().clean()
        if self.first_year and self.last_year and self.last_year < self.first_year:
            raise ValidationError({"last_year": _("The last year is before the first.")})

    @property
    def years_label(self):
        """«1930–1991», «с 1957», or empty."""
        if self.first_year and self.last_year:
            return f"{self.first_year}–{self.last_year}"
        if self.first_year:
            return _("since %(year)s") % {"year": self.first_year}
        return ""

    def lemma_text(self):
        return " ".join(
            part for part in [self.title, self.earlier_names, self.place, self.publisher] if part
        )


class IssuePage(IssueReadingRoutes, CorrectionRoutes, RoutablePageMixin, Page):
    """One issue of a title: its date, number and edition, and who may read it. Its scanned
    pages (``Scan``) are read in the viewer on this page; the IIIF manifest, content search,
    downloads and region clips are routes of it, and all of them obey ``access``."""

    visitor_kind = pgettext_lazy("kind of page", "Issue")

    class Access(models.TextChoices):
        OPEN = "open", _("open to everyone")
        READING_ROOM = "reading_room", _("in member libraries' reading rooms only")
        METADATA = "metadata", _("description only (in copyright)")

    date = models.DateField(_("date of issue"))
    number = models.CharField(
        _("number"), max_length=40, blank=True, help_text=_("As printed, e.g. «45 (1234)».")
    )
    edition = models.CharField(
        _("edition"), max_length=100, blank=True, help_text=_("E.g. «вечерний выпуск».")
    )
    access = models.CharField(
        _("access"), max_length=16, choices=Access.choices, default=Access.OPEN
    )

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("date"), FieldPanel("number"), FieldPanel("edition")]),
        FieldPanel("access"),
    ]
    search_fields = [*Page.search_fields, index.FilterField("date")]
    parent_page_types = ["periodicals.TitlePage"]
    subpage_types = []
    # «Где прочитать печатный экземпляр» lists the holdings and the libraries' names.
    page_cache_tags = ("model:periodicals.holding", "model:base.library")

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        indexes = [models.Index(fields=["date"], name="periodicals_issue_date")]
