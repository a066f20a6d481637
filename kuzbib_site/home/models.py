"""Our site's own pages: the home page, plain content pages and the library directory.

They are not part of the shared core (``kuzbib_site.base``): a site that installs the domain apps
into its own Wagtail project has its own home page. Domain apps add their page types under ours;
the home page arranges their pages as a library portal does (``portal``: upcoming events,
contests under way, the standing sections, the archives) around the pages its editors feature.
"""

from django.db import models
from django.db.models import Prefetch
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, PageChooserPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.models import Orderable, Page
from wagtail.search import index

from kuzbib_site.base.blocks import BaseStreamBlock, stream_text
from kuzbib_site.base.models import Library

from . import portal

#: The rendition of a library's photo on the list of libraries (library_index_page.html).
LIBRARY_PHOTO = "fill-240x160"


class HomePage(Page):
    """The root of a Kuzbib site, laid out as a regional library portal: the partnership's name
    and introduction by a drawn banner, the pages the editors feature, the upcoming events (a
    conference with its sessions as one card), the contests under way with their stage, the
    standing sections and the archives (``portal``); each block only when it has something to
    show. The <title> is the page's own, without the site's name after it."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel("featured_pages", label=_("Featured pages"), max_num=6),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["wagtailcore.Page"]
    visitor_kind = pgettext_lazy("kind of page", "Home page")

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def search_excerpt_text(self):
        return " ".join((strip_tags(self.intro), stream_text(self.body)))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        featured = [item.page_id for item in self.featured_pages.all()]
        context.update(portal.compose(self, request, featured))
        return context


class HomePageFeatured(Orderable):
    """A page the editors put at the top of the home page, in their order."""

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
    visitor_kind = pgettext_lazy("kind of page", "Page")

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")

    def search_excerpt_text(self):
        return " ".join((self.intro, stream_text(self.body)))


class LibraryIndexPage(Page):
    """The directory of the partnership's member libraries, grouped by municipality, with the
    number of members in each and each library's photo when it has one. Libraries themselves
    are snippets edited under «Справочники»."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1
    visitor_kind = pgettext_lazy("kind of page", "Libraries")
    # The anonymous page cache: the directory lists every library, its municipality and photo.
    page_cache_tags = ("model:base.library", "model:base.municipality", "model:wagtailimages.image")

    class Meta:
        verbose_name = _("library directory")
        verbose_name_plural = _("library directories")

    def search_excerpt_text(self):
        return strip_tags(self.intro)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The photos with their renditions in two queries for the whole list.
        photos = get_image_model().objects.prefetch_renditions(LIBRARY_PHOTO)
        libraries = (
            Library.objects.members()
            .select_related("municipality")
            .prefetch_related(Prefetch("image", queryset=photos))
            .order_by("municipality__name", "full_name")
        )
        groups = {}
        for library in libraries:
            groups.setdefault(library.municipality, []).append(library)
        context["groups"] = list(groups.items())
        context["library_count"] = sum(len(items) for items in groups.values())
        return context
