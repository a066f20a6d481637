"""The event base shared by every app that puts something in the calendar: conferences and their
section sessions here, contest stages in ``contests``, the festival in ``dynasties``.

An event page mixes in ``EventMixin`` (dates in the region's time zone, venue, organisers,
status) and says which calendar entries it contributes; ``CalendarEntry`` keeps those entries
in one table, refreshed when the page is published or unpublished, so that the events index, the
home page and the .ics feed read every kind of event with one query.
"""

from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from kuzbib_site.base.routes import GET, page_route

from ..conf import setting

EVENT_TIMEZONE = ZoneInfo(setting("TIME_ZONE"))

#: The rich-text features of the events pages' text fields.
RICH = ["bold", "italic", "link", "ol", "ul"]


class EventStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    REGISTRATION_OPEN = "registration_open", _("registration open")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


# schema.org eventStatus for each status.
SCHEMA_EVENT_STATUS = {
    EventStatus.PLANNED: "https://schema.org/EventScheduled",
    EventStatus.REGISTRATION_OPEN: "https://schema.org/EventScheduled",
    EventStatus.HELD: "https://schema.org/EventScheduled",
    EventStatus.CANCELLED: "https://schema.org/EventCancelled",
}


class LocalTimesMixin:
    """``start`` and ``end`` as the region's local time."""

    @property
    def local_start(self):
        return timezone.localtime(self.start, EVENT_TIMEZONE)

    @property
    def local_end(self):
        return timezone.localtime(self.end, EVENT_TIMEZONE)


class EventMixin(LocalTimesMixin, models.Model):
    """Dates, place, organisers and status of anything that happens on a date. Times are stored
    in UTC and shown in Asia/Novokuznetsk (UTC+7), the Kemerovo region's zone."""

    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=100, default="Кемерово")
    organisers = models.CharField(
        _("organisers"),
        max_length=500,
        blank=True,
        help_text=_("Who holds the event, e.g. «НП «Кузбасские библиотеки»»."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EventStatus.choices, default=EventStatus.PLANNED
    )

    event_panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldRowPanel([FieldPanel("venue"), FieldPanel("city")]),
                FieldPanel("address"),
                FieldPanel("organisers"),
                FieldPanel("status"),
            ],
            heading=_("When and where"),
        )
    ]

    #: What the calendar calls this kind of event; pages override it.
    event_kind = "event"

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The event cannot end before it starts.")})

    @property
    def is_cancelled(self):
        return self.status == EventStatus.CANCELLED

    #: «Добавить в календарь»: this event as an .ics file.
    ics = page_route("ics/", "ics", "events.views.calendar.event_ics", methods=GET)

    def ical_events(self, request):
        from ..calendar import page_ical_events  # noqa: PLC0415 — calendar imports this module

        return page_ical_events(self, request)

    def calendar_entries(self):
        """The entries this page puts in the calendar: by default the event itself. A contest
        returns one per stage. Each is (key, title, start, end)."""
        return [("", self.title, self.start, self.end)]


class CoverImageMixin(models.Model):
    """An optional picture of an event («Обложка») for its card and the top of its page; a card
    without one draws a pattern instead."""

    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Shown on the event's card and at the top of its page. Without one the card shows "
            "a pattern."
        ),
    )

    cover_panels = [FieldPanel("cover_image")]

    class Meta:
        abstract = True


class CalendarEntry(LocalTimesMixin, models.Model):
    """One line of the calendar: a live event page (or one stage of it) with its dates. Kept in
    step with the pages by signals; never edited by hand."""

    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="calendar_entries"
    )
    key = models.CharField(max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=30, db_index=True)
    title = models.CharField(_("title"), max_length=500)
    start = models.DateTimeField(_("starts"), db_index=True)
    end = models.DateTimeField(_("ends"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    room = models.CharField(_("room"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=EventStatus.choices)

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("calendar entry")
        verbose_name_plural = _("calendar entries")
        constraints = [
            models.UniqueConstraint(fields=["page", "key"], name="one_calendar_entry_per_key")
        ]

    def __str__(self):
        return f"{self.title} ({self.start:%Y-%m-%d})"

    @property
    def uid(self):
        return event_uid(self.page_id, self.key)


def event_uid(page_id, key=""):
    """An iCalendar UID stable across edits and exports: the page id and the entry's key."""
    suffix = f"-{key}" if key else ""
    return f"page-{page_id}{suffix}@{setting('UID_DOMAIN')}"


def sync_calendar(page):
    """Bring the page's calendar entries in line with what it says now."""
    specific = page.specific
    if not isinstance(specific, EventMixin) or not specific.live:
        CalendarEntry.objects.filter(page=page).delete()
        return
    wanted = {}
    for key, title, start, end in specific.calendar_entries():
        if start and end:
            wanted[key] = {
                "kind": specific.event_kind,
                "title": title,
                "start": start,
                "end": end,
                "city": specific.city,
                "room": getattr(specific, "room", ""),
                "status": specific.status,
            }
    CalendarEntry.objects.filter(page=page).exclude(key__in=wanted).delete()
    for key, values in wanted.items():
        CalendarEntry.objects.update_or_create(page=page, key=key, defaults=values)
