"""A conference's section sessions (a section's meeting, the plenary, a round table…) and their
talks."""

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

from kuzbib_site.base.jsonld import jsonld_script
from kuzbib_site.base.models import Person

from ..calendar import event_jsonld
from .base import RICH, CoverImageMixin, EventMixin
from .choosers import ChosenItemsPanel, ChosenPerson, ItemsPanel


class SectionSessionPage(RoutablePageMixin, EventMixin, CoverImageMixin, Page):
    """One meeting within a conference: a section's session, the plenary, a round table, a
    problem dialogue or a workshop, with its ordered talks."""

    class Format(models.TextChoices):
        SECTION = "section", _("section meeting")
        ROUND_TABLE = "round_table", _("round table")
        PLENARY = "plenary", _("plenary")
        DIALOGUE = "dialogue", _("problem dialogue")
        WORKSHOP = "workshop", _("workshop")

    section = models.ForeignKey(
        "events.SectionPage",
        verbose_name=_("section"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.SECTION
    )
    room = models.CharField(_("room"), max_length=100, blank=True)
    # Edited as ``moderator_links`` (ordered, with a chooser); this reads and writes the saved
    # links.
    moderators = models.ManyToManyField(
        Person,
        verbose_name=_("moderators"),
        through="SessionModerator",
        blank=True,
        related_name="+",
    )
    description = RichTextField(_("description"), blank=True, features=RICH)
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        help_text=_("For workshops and round tables; empty: no limit of its own."),
    )

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("format"), FieldPanel("section")]),
        *EventMixin.event_panels,
        FieldRowPanel([FieldPanel("room"), FieldPanel("capacity")]),
        ChosenItemsPanel(
            "moderator_links",
            chooser_field_name="person",
            heading=_("Moderators"),
            label=_("moderator"),
            add_label=_("Add a moderator"),
        ),
        FieldPanel("description"),
        *CoverImageMixin.cover_panels,
        ItemsPanel("talks", heading=_("Talks"), label=_("talk"), add_label=_("Add a talk")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("description")]
    parent_page_types = ["events.ConferencePage"]
    subpage_types = []
    event_kind = "session"
    visitor_kind = pgettext_lazy("kind of page", "Section session")

    class Meta:
        verbose_name = _("section session")
        verbose_name_plural = _("section sessions")

    def search_excerpt_text(self):
        return strip_tags(self.description)

    @property
    def moderator_list(self):
        """The moderators in the editor's order, as edited: a preview shows the unsaved ones."""
        return [link.person for link in self.moderator_links.select_related("person__library")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        talks = self.talks.all()
        if isinstance(talks, models.QuerySet):
            # Saved talks: their speakers in one query. A preview's talks are in memory, the
            # new ones unsaved: nothing to fetch.
            talks = talks.prefetch_related("speaker_links__person__library").select_related(
                "slides"
            )
        talks = list(talks)
        context["talks"] = talks
        context["conference"] = self.get_parent().specific
        context["moderator_list"] = self.moderator_list
        speakers = {person.pk: person for talk in talks for person in talk.speaker_list}
        context["jsonld"] = self.jsonld(request, speakers.values())
        return context

    def jsonld(self, request, performers):
        data = event_jsonld(self, request, performers=performers)
        conference = self.get_parent()
        data["superEvent"] = {
            "@type": "Event",
            "name": conference.title,
            "url": conference.get_full_url(request),
        }
        return jsonld_script(data)


class Talk(Orderable, ClusterableModel):
    """A report or speech in a session: title, speakers with their libraries, co-authors,
    abstract, slides and a video link."""

    session = ParentalKey(SectionSessionPage, on_delete=models.CASCADE, related_name="talks")
    title = models.CharField(_("title"), max_length=500)
    # Edited as ``speaker_links`` (ordered, with a chooser); this reads and writes the saved
    # links.
    speakers = models.ManyToManyField(
        Person, verbose_name=_("speakers"), through="TalkSpeaker", related_name="talks"
    )
    co_authors = models.CharField(_("co-authors"), max_length=500, blank=True)
    abstract = models.TextField(_("abstract"), blank=True)
    slides = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("slides"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    video_url = models.URLField(_("video link"), blank=True)
    duration = models.PositiveSmallIntegerField(_("minutes"), default=15)
    is_demo = models.BooleanField(
        _("demo content"), default=False, help_text=_("Made up for the demo site.")
    )

    panels = [
        FieldPanel("title"),
        ChosenItemsPanel(
            "speaker_links",
            chooser_field_name="person",
            heading=_("Speakers"),
            label=_("speaker"),
            add_label=_("Add a speaker"),
        ),
        FieldPanel("co_authors"),
        FieldPanel("abstract"),
        FieldRowPanel([FieldPanel("slides"), FieldPanel("video_url"), FieldPanel("duration")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("talk")
        verbose_name_plural = _("talks")

    def __str__(self):
        return self.title

    @property
    def speaker_list(self):
        """The speakers in the editor's order, as edited: a preview shows the unsaved ones.
        Readers of many talks prefetch ``speaker_links__person__library``."""
        return [link.person for link in self.speaker_links.all()]


class SessionModerator(ChosenPerson):
    """A moderator of a section session, in the order the editor put them."""

    session = ParentalKey(
        SectionSessionPage, on_delete=models.CASCADE, related_name="moderator_links"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("moderator"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta(ChosenPerson.Meta):
        verbose_name = _("moderator")
        verbose_name_plural = _("moderators")
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="one_link_per_moderator")
        ]


class TalkSpeaker(ChosenPerson):
    """A speaker of a talk, in the order the editor put them (the first presents it)."""

    talk = ParentalKey(Talk, on_delete=models.CASCADE, related_name="speaker_links")
    person = models.ForeignKey(
        Person, verbose_name=_("speaker"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta(ChosenPerson.Meta):
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        constraints = [
            models.UniqueConstraint(fields=["talk", "person"], name="one_link_per_speaker")
        ]
