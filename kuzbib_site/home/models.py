"""Our site's own pages: the home page, plain content pages and the library directory.

They are not part of the shared core (``kuzbib_site.base``): a site that installs the domain apps
into its own Wagtail project has its own home page. Domain apps add their page types under ours;
the home page shows their latest pages per top-level section and, through the
``kuzbib_upcoming_events`` hook, their upcoming events.
"""

from django.db import models
from django.db.models import F
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, InlinePanel, PageChooserPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from kuzbib_site.base.blocks import BaseStreamBlock, stream_text
from kuzbib_site.base.models import Library

UPCOMING_EVENTS_HOOK = "kuzbib_upcoming_events"


class HomePage(Page):
    """The root of a Kuzbib site: an introduction, pages the editors feature, upcoming events of
    every app and the latest pages of each top-level section."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True)
    latest_per_section = models.PositiveSmallIntegerField(
        _("latest pages per section"),
        default=3,
        help_text=_("How many of the newest pages of each top-level section the home page lists."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel("featured_pages", label=_("Featured pages"), max_num=6),
        FieldPanel("body"),
        FieldPanel("latest_per_section"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def search_excerpt_text(self):
        return " ".join((strip_tags(self.intro), stream_text(self.body)))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        order = list(self.featured_pages.values_list("page_id", flat=True))
        featured = Page.objects.live().public().filter(pk__in=order).specific()
        context["featured"] = sorted(featured, key=lambda page: order.index(page.pk))
        context["upcoming_events"] = [
            event for hook in hooks.get_hooks(UPCOMING_EVENTS_HOOK) for event in hook(request, 5)
        ]
        # One query per top-level section: bounded by the menu, not by how many pages there are.
        context["sections"] = [
            (
                section,
                Page.objects.live()
                .public()
                .descendant_of(section)
                .order_by(F("first_published_at").desc(nulls_last=True))[: self.latest_per_section],
            )
            for section in self.get_children().live().public().in_menu()
        ]
        return context


class HomePageFeatured(Orderable):
    home = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_pages")
    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("page"), on_delete=models.CASCADE, related_name="+"
    )
    panels = [PageChooserPanel("page")]

    class Meta(Orderable.Meta):
        verbose_name = _("featured page")


class StandardPage(Page):
    """A plain content page (about the partnership, documents, contacts) built from the shared
    blocks; can stand anywhere in the tree."""

    intro = models.TextField(_("introduction"), blank=True, max_length=1000)
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")

    def search_excerpt_text(self):
        return " ".join((self.intro, stream_text(self.body)))


class LibraryIndexPage(Page):
    """The directory of the partnership's member libraries, grouped by municipality, with the
    number of members in each. Libraries themselves are snippets edited under «Справочники»."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("library directory")
        verbose_name_plural = _("library directories")

    def search_excerpt_text(self):
        return strip_tags(self.intro)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        libraries = (
            Library.objects.members()
            .select_related("municipality")
            .order_by("municipality__name", "full_name")
        )
        groups = {}
        for library in libraries:
            groups.setdefault(library.municipality, []).append(library)
        context["groups"] = list(groups.items())
        context["library_count"] = sum(len(items) for items in groups.values())
        return context
