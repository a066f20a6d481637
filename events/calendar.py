"""Interchange for events: iCalendar (RFC 5545) files and schema.org Event JSON-LD.

Both are built from the same page data; times go out in Asia/Novokuznetsk with a full VTIMEZONE
block, UIDs are stable (page id and entry key), and DTSTAMP is the page's last publication so
that the same page always gives the same file.
"""

import icalendar
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .conf import setting
from .models.base import EVENT_TIMEZONE, SCHEMA_EVENT_STATUS, EventStatus, event_uid

#: The events app's own kinds of calendar entries and their labels; see ``kind_labels``.
KIND_LABELS = {
    "conference": _("Conferences"),
    "session": _("Section sessions"),
}
#: The Wagtail hook through which other apps name their kinds of calendar entries: a function
#: returning ``{kind: label}`` (contests: ``{"contest_stage": _("Contest stages")}``).
CALENDAR_KINDS_HOOK = "register_calendar_kinds"


def kind_labels():
    """Every kind of calendar entry with its label, in the calendar filter's order: the events
    app's own, then those of the ``register_calendar_kinds`` hooks."""
    labels = dict(KIND_LABELS)
    for kinds in hooks.get_hooks(CALENDAR_KINDS_HOOK):
        labels.update(kinds())
    return labels


REGION = "Кемеровская область"


def _location(event):
    return ", ".join(part for part in (event.venue, event.address, event.city) if part)


def ical_event(*, uid, title, start, end, status, location="", url="", description="", stamp=None):
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp or timezone.now())
    event.add("dtstart", timezone.localtime(start, EVENT_TIMEZONE))
    event.add("dtend", timezone.localtime(end, EVENT_TIMEZONE))
    event.add("summary", title)
    if location:
        event.add("location", location)
    if url:
        event.add("url", url)
    if description:
        event.add("description", description)
    event.add("status", "CANCELLED" if status == EventStatus.CANCELLED else "CONFIRMED")
    return event


def build_calendar(events, name):
    """An .ics file (bytes) with the given icalendar events and the zones they use."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Кузбасские библиотеки//Kuzbib//RU")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", setting("TIME_ZONE"))
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def page_ical_events(page, request=None):
    """The icalendar events of an event page: one per calendar entry (a conference or session
    is one; a contest is one per stage)."""
    return [
        ical_event(
            uid=event_uid(page.pk, key),
            title=title,
            start=start,
            end=end,
            status=page.status,
            location=_location(page),
            url=page.get_full_url(request),
            description=page.search_description,
            stamp=page.last_published_at,
        )
        for key, title, start, end in page.calendar_entries()
    ]


def entry_ical_event(entry, request=None):
    return ical_event(
        uid=entry.uid,
        title=entry.title,
        start=entry.start,
        end=entry.end,
        status=entry.status,
        location=entry.city,
        url=entry.page.get_full_url(request),
        stamp=entry.page.last_published_at,
    )


def _person(person):
    data = {"@type": "Person", "name": person.full_name}
    if person.position:
        data["jobTitle"] = person.position
    if person.library_id:
        data["affiliation"] = {"@type": "Organization", "name": person.library.full_name}
    return data


def event_jsonld(page, request=None, sub_events=(), performers=()):
    """schema.org Event for an event page, with sessions as subEvent and speakers as
    performer."""
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": page.title,
        "url": page.get_full_url(request),
        "startDate": timezone.localtime(page.start, EVENT_TIMEZONE).isoformat(),
        "endDate": timezone.localtime(page.end, EVENT_TIMEZONE).isoformat(),
        "eventStatus": SCHEMA_EVENT_STATUS[page.status],
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": {
            "@type": "Place",
            "name": page.venue or page.city,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": page.address,
                "addressLocality": page.city,
                "addressRegion": REGION,
                "addressCountry": "RU",
            },
        },
        "inLanguage": "ru",
    }
    if page.search_description:
        data["description"] = page.search_description
    if page.organisers:
        data["organizer"] = {"@type": "Organization", "name": page.organisers}
    if performers:
        data["performer"] = [_person(person) for person in performers]
    if sub_events:
        data["subEvent"] = [
            {key: value for key, value in event_jsonld(sub, request).items() if key != "@context"}
            for sub in sub_events
        ]
    return data
