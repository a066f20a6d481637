"""The festival of library dynasties and its dynasties.

``FestivalPage`` is an event (``events.models.EventMixin``: dates, venue, the calendar and its
.ics) with its nominations and, once decided, the dynasties awarded in each; while applications
are open it carries the public application form. Its children are ``DynastyPage``s: a family
whose members, kinship and work periods are inline records (``members.py``), and whose figures —
members, generations, years of library service — are computed from them (``dynasties.family``),
never typed. The figures the festival's list sorts on are kept in columns of the page, refreshed
on every save and, for work that goes on, at the turn of each year (``refresh_figures``).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from events.calendar import event_jsonld
from events.models import CoverImageMixin, EventMixin
from kuzbib_site.base.blocks import BaseStreamBlock, stream_text
from kuzbib_site.base.jsonld import jsonld_script
from kuzbib_site.base.routes import GET, page_route

from .. import family
from ..admin_forms import DynastyPageForm
from ..panels import FamilyPanel

#: The kind of the festival's line in the site's calendar, named in ``wagtail_hooks``.
CALENDAR_KIND = "festival"
RICH = ["bold", "italic", "link", "ol", "ul"]


class FestivalPage(RoutablePageMixin, CoverImageMixin, EventMixin, Page):
    """«Фестиваль библиотечных династий»: the festival as an event, its programme, nominations
    and awards, the list of its dynasties (sorted by service, generations or members, filtered
    by municipality, library and tag), and the public application form while applications are
    open."""

    visitor_kind = pgettext_lazy("kind of page", "Festival")

    intro = RichTextField(_("introduction"), blank=True, features=RICH)
    body = StreamField(BaseStreamBlock(), verbose_name=_("programme and rules"), blank=True)
    applications_open_from = models.DateTimeField(_("applications open"), null=True, blank=True)
    applications_close_at = models.DateTimeField(_("applications close"), null=True, blank=True)
    application_intro = RichTextField(
        _("text above the application form"), blank=True, features=RICH
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        *EventMixin.event_panels,
        *CoverImageMixin.cover_panels,
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("applications_open_from"), FieldPanel("applications_close_at")]
                ),
                FieldPanel("application_intro"),
            ],
            heading=_("Applications"),
        ),
        InlinePanel("nominations", label=_("Nominations and awards")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    subpage_types = ["dynasties.DynastyPage"]
    event_kind = CALENDAR_KIND

    apply = page_route("zayavka/", "apply", "dynasties.views.applications.apply")
    application_status = page_route(
        "zayavka/<str:token>/", "application_status", "dynasties.views.applications.status"
    )

    class Meta:
        verbose_name = _("festival of library dynasties")
        verbose_name_plural = _("festivals of library dynasties")

    def clean(self):
        super().clean()
        opens, closes = self.applications_open_from, self.applications_close_at
        if opens and closes and closes <= opens:
            raise ValidationError(
                {"applications_close_at": _("Applications cannot close before they open.")}
            )

    def applications_open(self, now=None):
        """Whether the application form takes applications now: between the two dates (an
        empty opening date: open until the closing date; no closing date: closed)."""
        now = now or timezone.now()
        if self.applications_close_at is None or self.is_cancelled:
            return False
        opens = self.applications_open_from
        return (opens is None or opens <= now) and now < self.applications_close_at

    def search_excerpt_text(self):
        return stream_text(self.body)

    def get_context(self, request, *args, **kwargs):
        from ..browse import festival_context  # noqa: PLC0415 — browse imports the models

        context = super().get_context(request, *args, **kwargs)
        context.update(festival_context(request, self))
        # schema.org Event, as the conference pages have: search engines list the festival.
        context["jsonld"] = jsonld_script(event_jsonld(self, request))
        return context


class FestivalNomination(Orderable, ClusterableModel):
    """A nomination of the festival («Старейшая династия», «Самая многочисленная»…) and, once
    the jury has decided, the dynasties awarded in it."""

    festival = ParentalKey(FestivalPage, on_delete=models.CASCADE, related_name="nominations")
    title = models.CharField(_("nomination"), max_length=255)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    winners = ParentalManyToManyField(
        "dynasties.DynastyPage",
        verbose_name=_("awarded dynasties"),
        blank=True,
        related_name="awards",
    )

    panels = [FieldPanel("title"), FieldPanel("description"), FieldPanel("winners")]

    class Meta(Orderable.Meta):
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")

    def __str__(self):
        return self.title


class DynastyTag(TaggedItemBase):
    """A tag of a dynasty («сельские библиотеки», «детские библиотеки»), kept in revisions."""

    content_object = ParentalKey(
        "dynasties.DynastyPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class DynastyPage(RoutablePageMixin, Page):
    """A library dynasty: the family's members with their years, kinship and work in libraries,
    its story and photographs; the page shows the figures computed from them, the family tree
    (``dynasties.tree``) and offers the family as GEDCOM (``dynasties.gedcom``)."""

    visitor_kind = pgettext_lazy("kind of page", "Library dynasty")

    family_name = models.CharField(
        _("family name"),
        max_length=200,
        help_text=_("As the dynasty is called, e.g. «Ивановы — Петровы»."),
    )
    municipality = models.ForeignKey(
        "base.Municipality",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.TextField(_("summary"), blank=True, max_length=1000)
    story = StreamField(BaseStreamBlock(), verbose_name=_("the family's story"), blank=True)
    tags = ClusterTaggableManager(through=DynastyTag, blank=True, verbose_name=_("tags"))
    is_demo = models.BooleanField(_("demo content"), default=False, editable=False)

    # Computed from the family on save (``refresh_figures``): what the festival's list sorts on.
    member_count = models.PositiveSmallIntegerField(default=0, editable=False, db_index=True)
    generation_count = models.PositiveSmallIntegerField(default=0, editable=False, db_index=True)
    service_years = models.PositiveIntegerField(default=0, editable=False, db_index=True)
    first_service_year = models.PositiveSmallIntegerField(null=True, editable=False)
    # The year the figures were computed for: work that goes on adds a year each January.
    figures_year = models.PositiveSmallIntegerField(null=True, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("family_name"), FieldPanel("municipality")]),
        FieldPanel("summary"),
        InlinePanel("members", label=_("Family members")),
        InlinePanel("links", label=_("Kinship")),
        InlinePanel("periods", label=_("Work in libraries")),
        FamilyPanel(heading=_("The family in figures and as a tree")),
        FieldPanel("story"),
        InlinePanel("photos", label=_("Photo gallery")),
        FieldPanel("tags"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("family_name"),
        index.SearchField("summary"),
        index.SearchField("story"),
    ]
    parent_page_types = ["dynasties.FestivalPage"]
    subpage_types = []
    base_form_class = DynastyPageForm

    gedcom = page_route("gedcom/", "gedcom", "dynasties.views.gedcom.download", methods=GET)
    gedcom7 = page_route(
        "gedcom/7/",
        "gedcom7",
        "dynasties.views.gedcom.download",
        methods=GET,
    )

    class Meta:
        verbose_name = _("library dynasty")
        verbose_name_plural = _("library dynasties")

    #: What ``lemma_index.update`` reads for a batch of dynasties in one query each.
    lemma_prefetch = ("municipality", "members", "periods__library", "tags")

    def family(self):
        """The family as plain data, from the (possibly unsaved) inline records."""
        return family.Family(
            people=tuple(member.as_person() for member in self.members.all()),
            links=tuple(link.as_link() for link in self.links.all()),
            periods=tuple(period.as_period() for period in self.periods.all()),
        )

    def figures(self, today=None):
        return family.figures(self.family(), today=today)

    def refresh_figures(self, today=None):
        """Recompute the columns the festival's list sorts on."""
        today = today or timezone.localdate()
        figures = self.figures(today=today)
        self.member_count = figures.members
        self.generation_count = figures.generations
        self.service_years = figures.service_years
        self.first_service_year = figures.first_year
        self.figures_year = today.year

    def save(self, *args, **kwargs):
        self.refresh_figures()
        return super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from ..browse import dynasty_context  # noqa: PLC0415 — browse imports the models

        context = super().get_context(request, *args, **kwargs)
        context.update(dynasty_context(request, self))
        return context

    def search_excerpt_text(self):
        return " ".join(part for part in (self.summary, stream_text(self.story)) if part)

    def lemma_text(self):
        """What the site's lemmatised index keeps of the dynasty: its name, every member's
        names (so a surname in any case finds the family), the libraries, the municipality,
        the summary, the story and the tags."""
        parts = [
            self.family_name,
            *(" ".join((member.full_name, member.maiden_name)) for member in self.members.all()),
            *(period.library_display for period in self.periods.all()),
            self.municipality.name if self.municipality else "",
            self.summary,
            stream_text(self.story),
            " ".join(tag.name for tag in self.tags.all()),
        ]
        return " ".join(part for part in parts if part)


class DynastyPhoto(Orderable):
    """A picture of the dynasty's gallery, with its caption."""

    dynasty = ParentalKey(DynastyPage, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), on_delete=models.CASCADE, related_name="+"
    )
    caption = models.CharField(_("caption"), max_length=500, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("photo")
        verbose_name_plural = _("photos")


def stale_figures(today=None):
    """Live dynasties whose figures were computed in an earlier year (work that goes on has
    grown by a year since)."""
    year = (today or timezone.localdate()).year
    return DynastyPage.objects.live().exclude(figures_year=year)
