"""The partnership's standing sections: their index, each section's page (leader, members,
working groups, history, the resolution items assigned to it and its sessions)."""

from django.db import models
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from kuzbib_site.base.models import Person

from .base import RICH
from .choosers import ChosenItemsPanel, ChosenPerson, ItemsPanel
from .resolutions import ResolutionItem
from .sessions import SectionSessionPage


class SectionIndexPage(Page):
    """«Секции»: the standing sections of the partnership, current and former."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["events.SectionPage"]
    max_count = 1
    visitor_kind = pgettext_lazy("kind of page", "Sections")

    class Meta:
        verbose_name = _("sections index")
        verbose_name_plural = _("sections indexes")

    def search_excerpt_text(self):
        return strip_tags(self.intro)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        sections = SectionPage.objects.live().child_of(self).select_related("leader")
        context["active_sections"] = [s for s in sections if s.status == SectionPage.Status.ACTIVE]
        context["former_sections"] = [s for s in sections if s.status != SectionPage.Status.ACTIVE]
        return context


class SectionPage(Page):
    """A standing section of the partnership («секция краеведческой работы»): leader, members,
    working groups, history, and the resolution items assigned to it. A section reorganised into
    another form keeps its page, marked as reorganised with a link to its successor."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        REORGANISED = "reorganised", _("reorganised")
        CLOSED = "closed", _("closed")

    description = RichTextField(_("description"), blank=True, features=RICH)
    leader = models.ForeignKey(
        Person,
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Edited as ``member_links`` (ordered, with a chooser); this reads and writes the saved
    # links.
    members = models.ManyToManyField(
        Person,
        verbose_name=_("members"),
        through="SectionMember",
        blank=True,
        related_name="sections",
    )
    established = models.DateField(_("established on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    reorganised_into = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("reorganised into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The section or round table that continues this section's work."),
    )
    history = RichTextField(_("history"), blank=True, features=RICH)

    content_panels = [
        *Page.content_panels,
        FieldPanel("description"),
        FieldPanel("leader"),
        ChosenItemsPanel(
            "member_links",
            chooser_field_name="person",
            heading=_("Members"),
            label=_("member"),
            add_label=_("Add a member"),
        ),
        ItemsPanel(
            "working_groups",
            heading=_("Working groups"),
            label=_("working group"),
            add_label=_("Add a working group"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("established"), FieldPanel("status")]),
                PageChooserPanel("reorganised_into"),
                FieldPanel("history"),
            ],
            heading=_("History"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("description"),
        index.SearchField("history"),
    ]
    parent_page_types = ["events.SectionIndexPage"]
    subpage_types = []
    visitor_kind = pgettext_lazy("kind of page", "Section")

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def search_excerpt_text(self):
        return strip_tags(self.description)

    @property
    def member_list(self):
        """The members in the editor's order, as edited: a preview shows the unsaved ones."""
        return [link.person for link in self.member_links.select_related("person__library")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["members"] = self.member_list
        context["assignments"] = (
            ResolutionItem.objects.filter(assignee_section=self)
            .select_related("resolution")
            .order_by("resolution__path", "sort_key")
        )
        context["sessions"] = (
            SectionSessionPage.objects.live().filter(section=self).order_by("-start")[:20]
        )
        return context


class SectionMember(ChosenPerson):
    """A member of a section, in the order the editor put them."""

    section = ParentalKey(SectionPage, on_delete=models.CASCADE, related_name="member_links")
    person = models.ForeignKey(
        Person, verbose_name=_("member"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta(ChosenPerson.Meta):
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(fields=["section", "person"], name="one_link_per_member")
        ]


class WorkingGroup(Orderable):
    """A working group of a section, with its purpose and the decision that created it."""

    section = ParentalKey(SectionPage, on_delete=models.CASCADE, related_name="working_groups")
    name = models.CharField(_("name"), max_length=255)
    purpose = models.TextField(_("purpose"), blank=True)
    created_by = models.CharField(
        _("created by"),
        max_length=255,
        blank=True,
        help_text=_("E.g. «Резолюция VIII сессии, п. 4.3»."),
    )

    panels = [FieldPanel("name"), FieldPanel("purpose"), FieldPanel("created_by")]

    class Meta(Orderable.Meta):
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")

    def __str__(self):
        return self.name
