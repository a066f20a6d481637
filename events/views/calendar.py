"""Calendar files: an event page's «Добавить в календарь» and the events index's feed of every
event (routes ``ics/`` of ``EventMixin`` pages and of ``EventIndexPage``)."""

from django.http import HttpResponse

from kuzbib_site.base.restrictions import private_q

from ..calendar import build_calendar, entry_ical_event
from ..models import CalendarEntry


def ics_response(content, filename):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def event_ics(request, page):
    """This event (a conference with its sessions, a session, a contest's stages) as an .ics
    file."""
    content = build_calendar(page.ical_events(request), page.title)
    return ics_response(content, f"{page.event_kind}-{page.pk}.ics")


def calendar_feed(request, page):
    """Every event, past and future, as one subscribable calendar; none in a private part of
    the site."""
    private = private_q(request, "page__path", within=page)
    entries = CalendarEntry.objects.exclude(private).select_related("page")
    content = build_calendar([entry_ical_event(entry, request) for entry in entries], page.title)
    return ics_response(content, "kuzbib-events.ics")
