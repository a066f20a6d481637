"""A conference's resolution: the page, its numbered items (edited as snippets under «Пункты
резолюций») and their dated progress notes."""

from django.db import models
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from kuzbib_site.base.routes import GET, page_route

from .base import RICH
from .choosers import ChosenItemsPanel, ItemsPanel


class ResolutionPage(RoutablePageMixin, Page):
    """The resolution a conference adopts: a preamble and numbered items, each decided
    («постановляет») or recommended («рекомендует»), assigned to a section or a named body,
    with a due date, a status and dated progress notes. Items are edited in the admin under
    «Пункты резолюций»; this page is also the public implementation tracker."""

    preamble = RichTextField(_("preamble"), blank=True, features=RICH)
    adopted_on = models.DateField(_("adopted on"))

    content_panels = [*Page.content_panels, FieldPanel("adopted_on"), FieldPanel("preamble")]
    search_fields = [*Page.search_fields, index.SearchField("preamble")]
    parent_page_types = ["events.ConferencePage"]
    subpage_types = []
    max_count_per_parent = 1
    visitor_kind = pgettext_lazy("kind of page", "Resolution")

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")

    def search_excerpt_text(self):
        return strip_tags(self.preamble)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        items = (
            self.items.select_related("assignee_section")
            .prefetch_related("notes", "carrying_out_links__page")
            .order_by("kind", "sort_key")
        )
        everything = list(items)
        status = request.GET.get("status", "")
        kind = request.GET.get("kind", "")
        assignee = request.GET.get("assignee", "")
        assignees = sorted({item.assignee for item in everything if item.assignee})
        shown = [
            item
            for item in everything
            if (status not in ResolutionItem.Status.values or item.status == status)
            and (kind not in ResolutionItem.Kind.values or item.kind == kind)
            and (assignee not in assignees or item.assignee == assignee)
        ]
        summary = dict.fromkeys(ResolutionItem.Status.values, 0)
        for item in everything:
            summary[item.status] += 1
        done = summary[ResolutionItem.Status.DONE]
        context.update(
            {
                "decided": [item for item in shown if item.kind == ResolutionItem.Kind.DECIDED],
                "recommended": [
                    item for item in shown if item.kind == ResolutionItem.Kind.RECOMMENDED
                ],
                "summary": [
                    (value, label, summary[value]) for value, label in ResolutionItem.Status.choices
                ],
                "progress": round(100 * done / len(everything)) if everything else 0,
                "total": len(everything),
                "shown": len(shown),
                "statuses": ResolutionItem.Status.choices,
                "kinds": ResolutionItem.Kind.choices,
                "assignees": assignees,
                "status": status if status in ResolutionItem.Status.values else "",
                "kind": kind if kind in ResolutionItem.Kind.values else "",
                "assignee": assignee if assignee in assignees else "",
            }
        )
        return context

    #: The resolution as a PDF download.
    pdf = page_route("pdf/", "pdf", "events.views.resolution.resolution_pdf", methods=GET)


class ResolutionItem(ClusterableModel):
    """A numbered item of a resolution («4.1. Создать секцию по электронным ресурсам»)."""

    class Kind(models.TextChoices):
        DECIDED = "decided", _("decided")
        RECOMMENDED = "recommended", _("recommended")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    resolution = models.ForeignKey(
        ResolutionPage,
        verbose_name=_("resolution"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=20, help_text=_("E.g. 4 or 4.1."))
    sort_key = models.CharField(max_length=60, editable=False, db_index=True)
    text = models.TextField(_("text"))
    assignee_section = models.ForeignKey(
        "events.SectionPage",
        verbose_name=_("assigned to section"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignments",
    )
    assignee_body = models.CharField(
        _("assigned to"),
        max_length=255,
        blank=True,
        help_text=_("A body that is not a section, e.g. «Совет НБП» or «Молодые профессионалы»."),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    # Edited as ``carrying_out_links`` (ordered, with the page chooser); this reads and writes
    # the saved links.
    carried_out_by = models.ManyToManyField(
        "wagtailcore.Page",
        verbose_name=_("carried out by"),
        through="ResolutionItemPage",
        blank=True,
        related_name="+",
    )

    panels = [
        FieldPanel("resolution"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("number")]),
        FieldPanel("text"),
        FieldRowPanel([FieldPanel("assignee_section"), FieldPanel("assignee_body")]),
        FieldRowPanel([FieldPanel("due_date"), FieldPanel("status")]),
        ChosenItemsPanel(
            "carrying_out_links",
            chooser_field_name="page",
            heading=_("Carried out by"),
            label=_("page"),
            add_label=_("Add a page"),
            help_text=_("Pages that carry the item out, e.g. the contest page for item 5."),
        ),
        ItemsPanel(
            "notes",
            heading=_("Progress notes"),
            label=_("progress note"),
            add_label=_("Add a progress note"),
        ),
    ]

    class Meta:
        ordering = ["resolution", "kind", "sort_key"]
        verbose_name = _("resolution item")
        verbose_name_plural = _("resolution items")
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "kind", "number"], name="unique_item_number"
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:80]}"

    def save(self, *args, **kwargs):
        # "4.10" sorts after "4.9": pad each part of the number.
        self.sort_key = ".".join(
            part.zfill(4) if part.isdigit() else part for part in self.number.split(".")
        )
        super().save(*args, **kwargs)

    @property
    def assignee(self):
        return self.assignee_section.title if self.assignee_section_id else self.assignee_body

    @property
    def depth(self):
        return self.number.count(".")

    @property
    def pages_carrying_out(self):
        """The pages that carry the item out, in the editor's order (prefetch
        ``carrying_out_links__page`` when reading many items)."""
        return [link.page for link in self.carrying_out_links.all()]


class ResolutionItemPage(Orderable):
    """A page that carries a resolution item out («Выполняется на страницах»): a contest, an
    archive, a festival."""

    item = ParentalKey(ResolutionItem, on_delete=models.CASCADE, related_name="carrying_out_links")
    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("page"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("page")]

    class Meta(Orderable.Meta):
        # Links made outside the editor (the many-to-many's add()) have no order: oldest first.
        ordering = ["sort_order", "pk"]
        verbose_name = _("page carrying the item out")
        verbose_name_plural = _("pages carrying the item out")
        constraints = [models.UniqueConstraint(fields=["item", "page"], name="one_link_per_page")]

    def __str__(self):
        return str(self.page)


class ResolutionItemNote(Orderable):
    """A dated line on how an item is being carried out."""

    item = ParentalKey(ResolutionItem, on_delete=models.CASCADE, related_name="notes")
    date = models.DateField(_("date"))
    text = models.TextField(_("progress"))

    panels = [FieldPanel("date"), FieldPanel("text")]

    class Meta(Orderable.Meta):
        ordering = ["date", "sort_order"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
