"""Template helpers of the events pages: an event's time and place as its header states them,
the time zone they are in, and the badge its status wears.

Dates are written by ``kuzbib_site.base.dates`` (the one way to write a date) in the events'
zone (``KUZBIB_EVENTS["TIME_ZONE"]``): ``event_when`` switches to it itself; a template that writes
several dates wraps them in ``{% event_zone as zone %}{% timezone zone %}…{% endtimezone %}``.
"""

from dataclasses import dataclass

from django import template
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.models import Page

from kuzbib_site.base import dates
from kuzbib_site.base.kinds import kind_of

from ..models import EVENT_TIMEZONE, EventStatus, ResolutionItem, SectionSessionPage

register = template.Library()

#: The badge modifier (design13 §4 ``.badge--…``) of each status of an event or of a resolution
#: item (both say «cancelled» alike).
STATUS_BADGES = {
    EventStatus.PLANNED: "muted",
    EventStatus.REGISTRATION_OPEN: "success",
    EventStatus.HELD: "muted",
    EventStatus.CANCELLED: "danger",
    ResolutionItem.Status.NOT_STARTED: "muted",
    ResolutionItem.Status.IN_PROGRESS: "warning",
    ResolutionItem.Status.DONE: "success",
}


@register.simple_tag
def event_zone():
    """The events' time zone, for ``{% timezone %}`` around dates written with ``kuzbib_dates``."""
    return EVENT_TIMEZONE


@register.simple_tag
def event_when(event):
    """«16 декабря 2008 г., 10:00–17:00» or «16–17 декабря 2008 г.», in the events' zone."""
    with timezone.override(EVENT_TIMEZONE):
        return dates.span(event.start, event.end)


@register.simple_tag
def time_zone_note(event):
    """«local time, UTC+7»: the offset of the events' zone (``KUZBIB_EVENTS["TIME_ZONE"]``) at the
    event's start, so that a site in any region says what its times mean."""
    offset = event.start.astimezone(EVENT_TIMEZONE).utcoffset()
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    text = f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
    return _("local time, %(offset)s") % {"offset": text}


def _place_part(text):
    # An editor's «ул. Весенняя, 19,» or a lone «,» must not leave a comma hanging.
    return (text or "").strip().strip(",").strip()


@register.simple_tag
def event_place(event):
    """«venue, address, city» with the empty parts left out (a contest often has only a city),
    and a part already said by the one before it (an address ending in the city) said once; ""
    when nothing is known, so that the header prints no «Где» at all."""
    parts = []
    for part in map(_place_part, (event.venue, event.address, getattr(event, "city", ""))):
        if part and not any(part.casefold() in said.casefold() for said in parts):
            parts.append(part)
    return ", ".join(parts)


@register.filter
def status_badge(status):
    """The ``.badge--…`` modifier for the status of an event (success while registration is open)
    or of a resolution item (warning in progress, success done); danger when cancelled."""
    return STATUS_BADGES.get(status, "muted")


def visitor_kind(page):
    """What a visitor calls ``page``: a session by its format («Пленарное заседание», «Круглый
    стол»), as its own header does; anything else by its kind (``kinds.kind_of``)."""
    if isinstance(page, SectionSessionPage):
        return capfirst(page.get_format_display())
    return kind_of(page)


#: The rendition of a calendar card's picture (base/includes/card.html).
CARD_RENDITION = "fill-640x360"


@dataclass
class CalendarCard:
    """A calendar entry with what its card shows: the event's page, kind and cover image."""

    entry: object
    page: Page
    kind: str
    image: object = None


@register.simple_tag
def calendar_cards(entries):
    """The cards of a page of calendar entries: each entry's page as its own kind, with its cover
    image when it has one. A few queries whatever the number of entries: the pages, one per kind of
    page, and the images with their card renditions."""
    entries = list(entries)
    pages = Page.objects.filter(pk__in={entry.page_id for entry in entries}).specific()
    pages = {page.pk: page for page in pages}
    image_ids = {getattr(page, "cover_image_id", None) for page in pages.values()} - {None}
    images = {}
    if image_ids:
        found = get_image_model().objects.filter(pk__in=image_ids)
        images = {image.pk: image for image in found.prefetch_renditions(CARD_RENDITION)}
    cards = []
    for entry in entries:
        page = pages.get(entry.page_id, entry.page)
        image = images.get(getattr(page, "cover_image_id", None))
        cards.append(CalendarCard(entry, page, visitor_kind(page), image))
    return cards
