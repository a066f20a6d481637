"""Pages of the events app: the events index (the calendar), conferences, standing sections and
their index, section sessions with their talks, and resolutions."""

import datetime
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from kuzbib_site.base.blocks import BaseStreamBlock
from kuzbib_site.base.models import Person

from ..panels import ProceedingsPanel
from ..views.proposal import ProposalRoutesMixin
from ..views.registration import RegistrationRoutesMixin
from .base import EVENT_TIMEZONE, CalendarEntry, EventMixin, EventStatus

RICH = ["bold", "italic", "link", "ol", "ul"]


class EventIndexPage(RoutablePageMixin, Page):
    """«Мероприятия»: the calendar of every kind of event — conferences, section sessions,
    contest stages, festivals — upcoming first, then past, filtered by kind and year, with an
    .ics feed of all of them. Conferences live below it."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    subpage_types = ["events.ConferencePage"]
    max_count = 1

    class Meta:
        verbose_name = _("events index")
        verbose_name_plural = _("events indexes")

    def search_excerpt_text(self):
        return strip_tags(self.intro)

    def get_context(self, request, *args, **kwargs):
        from ..calendar import KIND_LABELS

        context = super().get_context(request, *args, **kwargs)
        entries = CalendarEntry.objects.select_related("page")
        kind = request.GET.get("kind", "")
        if kind in KIND_LABELS:
            entries = entries.filter(kind=kind)
        else:
            kind = ""
        year = request.GET.get("year", "")
        if year.isdigit() and 1900 < int(year) < 2200:
            start = datetime.datetime(int(year), 1, 1, tzinfo=EVENT_TIMEZONE)
            entries = entries.filter(start__gte=start, start__lt=start.replace(year=start.year + 1))
        else:
            year = ""
        now = timezone.now()
        when = "past" if request.GET.get("when") == "past" else "upcoming"
        if when == "past":
            entries = entries.filter(end__lt=now).order_by("-start", "pk")
        else:
            entries = entries.filter(end__gte=now).order_by("start", "pk")
        paginator = Paginator(entries, 20)
        filters = {"when": when, "kind": kind, "year": year}
        context.update(
            {
                "filter_query": urlencode({k: v for k, v in filters.items() if v}) + "&",
                "entries": paginator.get_page(request.GET.get("page")),
                "kind": kind,
                "year": year,
                "when": when,
                "kinds": KIND_LABELS.items(),
                "years": sorted(
                    {d.year for d in CalendarEntry.objects.dates("start", "year")}, reverse=True
                ),
            }
        )
        return context

    @path("ics/", name="ics")
    def ics_feed(self, request):
        """Every event, past and future, as one subscribable calendar."""
        from ..calendar import build_calendar, entry_ical_event
        from ..views.calendar import ics_response

        entries = CalendarEntry.objects.select_related("page")
        content = build_calendar(
            [entry_ical_event(entry, request) for entry in entries], self.title
        )
        return ics_response(content, "kuzbib-events.ics")


class ConferencePage(
    RegistrationRoutesMixin, ProposalRoutesMixin, RoutablePageMixin, EventMixin, Page
):
    """One session of the partnership's annual conference («VIII Ежегодная сессия»). Its section
    sessions and its resolution are child pages. Its figures are counted from the programme, or
    entered by editors for historic sessions held before the site existed."""

    number = models.PositiveSmallIntegerField(_("number"), help_text=_("VIII is 8."))
    theme = models.CharField(_("theme"), max_length=500, blank=True)
    intro = models.TextField(_("introduction"), blank=True, max_length=2000)
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True)
    participants_count = models.PositiveIntegerField(
        _("participants (historic)"),
        null=True,
        blank=True,
        help_text=_("For past sessions whose registrations were never in the system."),
    )
    libraries_count = models.PositiveIntegerField(_("libraries (historic)"), null=True, blank=True)
    reports_count = models.PositiveIntegerField(_("reports (historic)"), null=True, blank=True)
    sections_count = models.PositiveIntegerField(_("sections (historic)"), null=True, blank=True)

    class ProceedingsStatus(models.TextChoices):
        NONE = "none", _("not built")
        PENDING = "pending", _("queued")
        BUILDING = "building", _("being built")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    proceedings = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("proceedings (PDF)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("«Сборник материалов конференции», built from the accepted talks."),
    )
    proceedings_status = models.CharField(
        _("proceedings status"),
        max_length=20,
        choices=ProceedingsStatus.choices,
        default=ProceedingsStatus.NONE,
        editable=False,
    )
    proceedings_error = models.TextField(_("proceedings error"), blank=True, editable=False)
    proceedings_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    proceedings_built_at = models.DateTimeField(null=True, blank=True, editable=False)

    registration_opens = models.DateTimeField(
        _("registration opens"),
        null=True,
        blank=True,
        help_text=_("Leave empty to keep registration off."),
    )
    registration_closes = models.DateTimeField(
        _("registration closes"),
        null=True,
        blank=True,
        help_text=_("Empty: when the conference starts."),
    )
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        help_text=_("Empty: unlimited. Beyond it, registrants go on the waitlist."),
    )
    cfp_opens = models.DateTimeField(
        _("call for papers opens"),
        null=True,
        blank=True,
        help_text=_("Leave empty to take no report proposals."),
    )
    cfp_closes = models.DateTimeField(
        _("call for papers closes"),
        null=True,
        blank=True,
        help_text=_("Empty: when the conference starts."),
    )
    requires_approval = models.BooleanField(
        _("registrations need an editor's approval"), default=False
    )

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("number"), FieldPanel("theme")]),
        FieldPanel("intro"),
        *EventMixin.event_panels,
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("participants_count"), FieldPanel("libraries_count")]),
                FieldRowPanel([FieldPanel("reports_count"), FieldPanel("sections_count")]),
            ],
            heading=_("Figures of a historic session"),
        ),
        MultiFieldPanel([ProceedingsPanel()], heading=_("Proceedings")),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("registration_opens"), FieldPanel("registration_closes")]
                ),
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("requires_approval")]),
            ],
            heading=_("Registration"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("cfp_opens"), FieldPanel("cfp_closes")])],
            heading=_("Call for papers"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("theme"),
        index.SearchField("intro"),
        index.SearchField("body"),
    ]
    parent_page_types = ["events.EventIndexPage"]
    subpage_types = ["events.SectionSessionPage", "events.ResolutionPage"]
    event_kind = "conference"

    class Meta:
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")

    def search_excerpt_text(self):
        return " ".join((self.theme, self.intro))

    def sessions(self):
        return SectionSessionPage.objects.live().child_of(self).order_by("start", "path")

    def figures(self):
        """Participants, libraries, reports and sections: counted from the programme, with the
        editor's figures for what the system never saw."""
        counted = Talk.objects.filter(session__in=self.sessions()).aggregate(
            reports=Count("pk"),
            sections=Count("session__section", distinct=True),
        )
        return {
            "participants": self.participants_count or 0,
            "libraries": self.libraries_count or 0,
            "reports": self.reports_count or counted["reports"],
            "sections": self.sections_count or counted["sections"],
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sessions"] = self.sessions().select_related("section")
        context["figures"] = self.figures()
        context["cfp_open"] = self.cfp_is_open()
        context["cfp_closes"] = self.cfp_closes or self.start
        context["resolution"] = ResolutionPage.objects.live().child_of(self).first()
        context["jsonld"] = self.jsonld(request, context["sessions"])
        return context

    def jsonld(self, request, sessions):
        from ..calendar import event_jsonld, jsonld_script

        return jsonld_script(event_jsonld(self, request, sub_events=sessions))

    def ical_events(self, request):
        """The conference and each of its sessions."""
        events = super().ical_events(request)
        for session in self.sessions():
            events += session.ical_events(request)
        return events

    @path("programme/", name="programme")
    def programme(self, request):
        """The programme grid: days, times by rooms."""
        from ..programme import programme_response

        return programme_response(self, request)

    @path("schedule-xml/", name="schedule_xml")
    def schedule_xml(self, request):
        """The schedule for conference apps (Frab/Pentabarf XML)."""
        from ..frab import schedule_xml_response

        return schedule_xml_response(self, request)

    @path("schedule-json/", name="schedule_json")
    def schedule_json(self, request):
        """The schedule for conference apps (Frab JSON)."""
        from ..frab import schedule_json_response

        return schedule_json_response(self, request)


class SectionIndexPage(Page):
    """«Секции»: the standing sections of the partnership, current and former."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["events.SectionPage"]
    max_count = 1

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
    members = ParentalManyToManyField(
        Person, verbose_name=_("members"), blank=True, related_name="sections"
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
        FieldPanel("members"),
        InlinePanel("working_groups", label=_("Working groups")),
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

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def search_excerpt_text(self):
        return strip_tags(self.description)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["members"] = self.members.select_related("library")
        context["assignments"] = (
            ResolutionItem.objects.filter(assignee_section=self)
            .select_related("resolution")
            .order_by("resolution__path", "sort_key")
        )
        context["sessions"] = (
            SectionSessionPage.objects.live().filter(section=self).order_by("-start")[:20]
        )
        return context


class WorkingGroup(Orderable):
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


class SectionSessionPage(RoutablePageMixin, EventMixin, Page):
    """One meeting within a conference: a section's session, the plenary, a round table, a
    problem dialogue or a workshop, with its ordered talks."""

    class Format(models.TextChoices):
        SECTION = "section", _("section meeting")
        ROUND_TABLE = "round_table", _("round table")
        PLENARY = "plenary", _("plenary")
        DIALOGUE = "dialogue", _("problem dialogue")
        WORKSHOP = "workshop", _("workshop")

    section = models.ForeignKey(
        SectionPage,
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
    moderators = ParentalManyToManyField(
        Person, verbose_name=_("moderators"), blank=True, related_name="+"
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
        FieldPanel("moderators"),
        FieldPanel("description"),
        InlinePanel("talks", label=_("Talks")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("description")]
    parent_page_types = ["events.ConferencePage"]
    subpage_types = []
    event_kind = "session"

    class Meta:
        verbose_name = _("section session")
        verbose_name_plural = _("section sessions")

    def search_excerpt_text(self):
        return strip_tags(self.description)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        talks = list(self.talks.prefetch_related("speakers__library").select_related("slides"))
        context["talks"] = talks
        context["conference"] = self.get_parent().specific
        context["moderator_list"] = list(self.moderators.select_related("library"))
        speakers = {person.pk: person for talk in talks for person in talk.speakers.all()}
        context["jsonld"] = self.jsonld(request, speakers.values())
        return context

    def jsonld(self, request, performers):
        from ..calendar import event_jsonld, jsonld_script

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
    speakers = ParentalManyToManyField(Person, verbose_name=_("speakers"), related_name="talks")
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
        FieldPanel("speakers"),
        FieldPanel("co_authors"),
        FieldPanel("abstract"),
        FieldRowPanel([FieldPanel("slides"), FieldPanel("video_url"), FieldPanel("duration")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("talk")
        verbose_name_plural = _("talks")

    def __str__(self):
        return self.title


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

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")

    def search_excerpt_text(self):
        return strip_tags(self.preamble)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        items = (
            self.items.select_related("assignee_section")
            .prefetch_related("notes", "carried_out_by")
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

    @path("pdf/", name="pdf")
    def pdf(self, request):
        """The resolution as a PDF download."""
        from ..programme import resolution_pdf_response

        return resolution_pdf_response(self, request)


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
        SectionPage,
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
    carried_out_by = ParentalManyToManyField(
        "wagtailcore.Page",
        verbose_name=_("carried out by"),
        blank=True,
        related_name="+",
        help_text=_("Pages that carry the item out, e.g. the contest page for item 5."),
    )

    panels = [
        FieldPanel("resolution"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("number")]),
        FieldPanel("text"),
        FieldRowPanel([FieldPanel("assignee_section"), FieldPanel("assignee_body")]),
        FieldRowPanel([FieldPanel("due_date"), FieldPanel("status")]),
        FieldPanel("carried_out_by"),
        InlinePanel("notes", label=_("Progress notes")),
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


class ResolutionItemNote(Orderable):
    item = ParentalKey(ResolutionItem, on_delete=models.CASCADE, related_name="notes")
    date = models.DateField(_("date"))
    text = models.TextField(_("progress"))

    panels = [FieldPanel("date"), FieldPanel("text")]

    class Meta(Orderable.Meta):
        ordering = ["date", "sort_order"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")


__all__ = [
    "ConferencePage",
    "EventIndexPage",
    "EventStatus",
    "ResolutionItem",
    "ResolutionItemNote",
    "ResolutionPage",
    "SectionIndexPage",
    "SectionPage",
    "SectionSessionPage",
    "Talk",
    "WorkingGroup",
]
