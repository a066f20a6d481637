"""The events index (the calendar of every kind of event) and the conference pages: one session
of the partnership's annual conference, with its figures, proceedings, registration and call for
papers; its section sessions and its resolution are child pages."""

import datetime
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from kuzbib_site.base.blocks import BaseStreamBlock
from kuzbib_site.base.jsonld import jsonld_script
from kuzbib_site.base.restrictions import private_q, public
from kuzbib_site.base.routes import GET, page_route

from ..calendar import event_jsonld, kind_labels
from ..panels import ProceedingsPanel
from .base import EVENT_TIMEZONE, RICH, CalendarEntry, CoverImageMixin, EventMixin
from .resolutions import ResolutionPage
from .sessions import SectionSessionPage


def optional_moment(verbose_name, help_text):
    """A date and time the editor may leave empty: when registration or the call for papers
    opens or closes."""
    return models.DateTimeField(verbose_name, null=True, blank=True, help_text=help_text)


class EventIndexPage(RoutablePageMixin, Page):
    """«Мероприятия»: the calendar of every kind of event — conferences, section sessions,
    contest stages, festivals — upcoming first, then past, filtered by kind and year, with an
    .ics feed of all of them. Conferences live below it."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    subpage_types = ["events.ConferencePage"]
    max_count = 1
    visitor_kind = pgettext_lazy("kind of page", "Events")
    # The anonymous page cache: the calendar lists contests' stages and festivals, which live
    # elsewhere in the tree, through their calendar entries.
    page_cache_tags = ("model:events.calendarentry",)

    class Meta:
        verbose_name = _("events index")
        verbose_name_plural = _("events indexes")

    def search_excerpt_text(self):
        return strip_tags(self.intro)

    def get_context(self, request, *args, **kwargs):
        kinds = kind_labels()
        context = super().get_context(request, *args, **kwargs)
        # Events in a private part of the site stay off the calendar.
        public_entries = CalendarEntry.objects.exclude(
            private_q(request, "page__path", within=self)
        )
        entries = public_entries.select_related("page")
        kind = request.GET.get("kind", "")
        if kind in kinds:
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
                "kinds": kinds.items(),
                "years": sorted(
                    {d.year for d in public_entries.dates("start", "year")}, reverse=True
                ),
            }
        )
        return context

    #: Every event, past and future, as one subscribable calendar.
    ics_feed = page_route("ics/", "ics", "events.views.calendar.calendar_feed", methods=GET)

    def route(self, request, path_components):
        """A conference below is read as a ``ConferencePage`` at once (its only child type): one
        query where Wagtail's routing takes two (the page, then its specific page) for the
        conference page and every page and route below it. The index's own routes and anything
        else go Wagtail's way."""
        if path_components and self.live:
            try:
                self.resolve_subpage("/" + "/".join(path_components) + "/")
            except Http404:
                conference = (
                    ConferencePage.objects.child_of(self).filter(slug=path_components[0]).first()
                )
                if conference is not None:
                    conference._cached_parent_obj = self  # as Wagtail's routing does
                    return conference.route(request, path_components[1:])
        return super().route(request, path_components)


class ConferencePage(RoutablePageMixin, EventMixin, CoverImageMixin, Page):
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

    proceedings = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("proceedings (PDF)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("«Сборник материалов конференции», built from the accepted talks."),
    )

    registration_opens = optional_moment(
        _("registration opens"), _("Leave empty to keep registration off.")
    )
    registration_closes = optional_moment(
        _("registration closes"), _("Empty: when the conference starts.")
    )
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        help_text=_("Empty: unlimited. Beyond it, registrants go on the waitlist."),
    )
    cfp_opens = optional_moment(
        _("call for papers opens"), _("Leave empty to take no report proposals.")
    )
    cfp_closes = optional_moment(
        _("call for papers closes"), _("Empty: when the conference starts.")
    )
    requires_approval = models.BooleanField(
        _("registrations need an editor's approval"), default=False
    )

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("number"), FieldPanel("theme")]),
        FieldPanel("intro"),
        *EventMixin.event_panels,
        *CoverImageMixin.cover_panels,
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
    visitor_kind = pgettext_lazy("kind of page", "Conference")

    class Meta:
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")

    def search_excerpt_text(self):
        return " ".join((self.theme, self.intro))

    def sessions(self):
        return SectionSessionPage.objects.live().child_of(self).order_by("start", "path")

    def figures(self):
        """Sessions, reports, sections, participants and libraries, counted from the programme
        (``events.programme.programme_figures``: the editors' figures of a historic session win
        once it has ended)."""
        from ..programme import listed_sessions, programme_figures  # noqa: PLC0415

        return programme_figures(self, list(listed_sessions(self)))

    def get_context(self, request, *args, **kwargs):
        # The programme imports the models: imported here, on the first page view.
        from ..programme import listed_sessions, programme_figures  # noqa: PLC0415

        context = super().get_context(request, *args, **kwargs)
        # One list of sessions for the programme, the figures and the schema.org data, so that
        # the figures agree with the programme the page shows: their talks counted, not read.
        sessions = list(public(listed_sessions(self), request, within=self))
        context["sessions"] = sessions
        context["figures"] = programme_figures(self, sessions)
        context["cfp_open"] = self.cfp_is_open()
        context["cfp_closes"] = self.cfp_closes or self.start
        context["resolution"] = (
            public(ResolutionPage.objects.live(), request, within=self).child_of(self).first()
        )
        context["jsonld"] = self.jsonld(request, sessions)
        return context

    def jsonld(self, request, sessions):
        return jsonld_script(event_jsonld(self, request, sub_events=sessions))

    def ical_events(self, request):
        """The conference and each of its sessions."""
        events = super().ical_events(request)
        for session in self.sessions():
            events += session.ical_events(request)
        return events

    @cached_property
    def registration_info(self):
        """What the conference page says about registration: state, dates and the link."""
        from ..domain import registration  # noqa: PLC0415 — the domain imports the models

        state = registration.registration_state(self)
        return {
            "state": state,
            "available": state != registration.State.UNAVAILABLE,
            "open": registration.is_open(state),
            "opens": self.registration_opens,
            "closes": registration.closes_at(self),
        }

    def cfp_is_open(self, now=None):
        """Proposals are taken from ``cfp_opens`` (empty: never) until ``cfp_closes`` (empty:
        the start of the conference)."""
        now = now or timezone.now()
        if self.cfp_opens is None or now < self.cfp_opens:
            return False
        return now < (self.cfp_closes or self.start)

    # Public routes: view functions of events/views/, imported on the first request.
    programme = page_route(
        "programme/", "programme", "events.views.programme.programme", methods=GET
    )
    #: The schedule for conference apps (Frab/Pentabarf XML and JSON).
    schedule_xml = page_route(
        "schedule-xml/", "schedule_xml", "events.views.programme.schedule_xml", methods=GET
    )
    schedule_json = page_route(
        "schedule-json/", "schedule_json", "events.views.programme.schedule_json", methods=GET
    )
    registration_form = page_route(
        "register/", "register", "events.views.registration.registration_form"
    )
    registration_done = page_route(
        "register/done/",
        "register_done",
        "events.views.registration.registration_done",
        methods=GET,
    )
    registration_status = page_route(
        "registration/<str:token>/",
        "registration_status",
        "events.views.registration.registration_status",
    )
    registration_cancel = page_route(
        "registration/<str:token>/cancel/",
        "registration_cancel",
        "events.views.registration.registration_cancel",
    )
    registration_agenda = page_route(
        "registration/<str:token>/agenda/",
        "registration_agenda",
        "events.views.registration.registration_agenda",
        methods=GET,
    )
    proposal_form = page_route("propose/", "propose", "events.views.proposal.proposal_form")
    proposal_done = page_route(
        "propose/done/", "proposal_done", "events.views.proposal.proposal_done", methods=GET
    )
    proposal_status = page_route(
        "proposal/<str:token>/", "proposal_status", "events.views.proposal.proposal_status"
    )
    proposal_withdraw = page_route(
        "proposal/<str:token>/withdraw/",
        "proposal_withdraw",
        "events.views.proposal.proposal_withdraw",
    )
