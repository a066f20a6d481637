"""The conference schedule in the Frab/Pentabarf format that conference apps read (Giggity,
ConfClerk, EventFahrplan and the c3voc tools): ``schedule.xml`` and ``schedule.json``, as the
c3voc's published schemas describe them (``validator/xsd/schedule.xml.xsd`` and
``validator/json/schema.json`` in https://github.com/voc/schedule). ``events/views/programme.py``
serves them at the conference's ``schedule-xml/`` and ``schedule-json/``: Wagtail only routes URLs
made of word segments ending in a slash, so ``…/schedule.xml`` would need a URL pattern of its
own.

Each talk is an event of its own: talks follow one another from the start of their session,
each lasting its ``Talk.duration`` minutes, in the session's room. A session without talks is
one event spanning the session. Days, rooms and times are in Asia/Novokuznetsk.

Identifiers are stable across edits and re-exports: an event's ``guid`` is a UUID5 of the
talk's or the session page's id, and its integer ``id`` is ``2 × talk id`` for talks and
``2 × page id + 1`` for sessions exported whole, so that the two never collide. The export is in
the site's language (Russian) whatever the visitor's language.
"""

import datetime
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from .conf import setting
from .models import EVENT_TIMEZONE, SectionSessionPage
from .programme import conference_sessions, room_name

SCHEDULE_LANGUAGE = "ru"
TIMESLOT = "00:15"
GENERATOR = "kuzbib"
ROMAN = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]

# Event types of the Frab vocabulary for each session format: talks in a session are "talk"
# (in a workshop, "workshop"); a session exported whole gets its format's type.
SESSION_TYPES = {
    SectionSessionPage.Format.SECTION: "meeting",
    SectionSessionPage.Format.ROUND_TABLE: "discussion",
    SectionSessionPage.Format.PLENARY: "meeting",
    SectionSessionPage.Format.DIALOGUE: "discussion",
    SectionSessionPage.Format.WORKSHOP: "workshop",
}

# Characters XML 1.0 does not allow, even escaped.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text):
    return _NOT_XML.sub("", str(text or ""))


def _guid(kind, pk):
    domain = setting("UID_DOMAIN")
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://{domain}/schedule/{kind}/{pk}"))


def _roman(number):
    result = ""
    for value, letters in ROMAN:
        while number >= value:
            result, number = result + letters, number - value
    return result


def acronym(conference):
    """«kuzbib_viii» for the VIII session: lower-case ASCII, as the c3voc schema's acronym
    pattern wants it (a hyphen is only allowed before a year there)."""
    if conference.number and conference.number < 40:
        return f"kuzbib_{_roman(conference.number)}"
    return f"kuzbib_{conference.number or conference.pk}"


def _hhmm(minutes):
    minutes = max(0, min(int(minutes), 99 * 60 + 59))
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass
class Person:
    id: int
    name: str

    @property
    def guid(self):
        return _guid("person", self.id)


@dataclass
class Event:
    id: int
    guid: str
    start: datetime.datetime  # in the region's time zone
    minutes: int
    room: str
    title: str
    subtitle: str
    track: str
    type: str
    abstract: str
    url: str
    slug: str
    persons: list = field(default_factory=list)
    links: list = field(default_factory=list)  # (url, title)


def _persons(people):
    return [Person(person.pk, person.full_name) for person in people]


def session_events(session, prefix, request=None):
    """The Frab events of one session: its talks one after another, or the session itself."""
    start = timezone.localtime(session.start, EVENT_TIMEZONE)
    url = session.get_full_url(request)
    track = session.section.title if session.section_id else session.get_format_display()
    room = room_name(session)
    talks = list(session.talks.all())
    if not talks:
        minutes = (session.end - session.start).total_seconds() // 60
        event_id = 2 * session.pk + 1
        return [
            Event(
                id=event_id,
                guid=_guid("session", session.pk),
                start=start,
                minutes=minutes,
                room=room,
                title=session.title,
                subtitle=session.get_format_display(),
                track=track,
                type=SESSION_TYPES.get(session.format, "other"),
                abstract=strip_tags(session.description).strip(),
                url=url,
                slug=f"{prefix}-{event_id}",
                persons=_persons(link.person for link in session.moderator_links.all()),
            )
        ]
    talk_type = "workshop" if session.format == SectionSessionPage.Format.WORKSHOP else "talk"
    events = []
    for talk in talks:
        links = []
        if talk.slides_id:
            links.append((request.build_absolute_uri(talk.slides.url), _("Slides")))
        if talk.video_url:
            links.append((talk.video_url, _("Video")))
        events.append(
            Event(
                id=2 * talk.pk,
                guid=_guid("talk", talk.pk),
                start=start,
                minutes=talk.duration,
                room=room,
                title=talk.title,
                subtitle=session.title,
                track=track,
                type=talk_type,
                abstract=talk.abstract,
                url=url,
                slug=f"{prefix}-{2 * talk.pk}",
                persons=_persons(talk.speaker_list),
                links=links,
            )
        )
        start += datetime.timedelta(minutes=talk.duration)
    return events


@dataclass
class Schedule:
    conference: object
    url: str
    acronym: str
    version: str
    start: datetime.date
    end: datetime.date
    days: list  # [(index, date, {room: [events]})]
    rooms: list


def build_schedule(conference, request):
    """Everything both formats say, read with a fixed number of queries."""
    sessions = list(conference_sessions(conference, moderators=True))
    prefix = acronym(conference)
    start = timezone.localtime(conference.start, EVENT_TIMEZONE).date()
    end = timezone.localtime(conference.end, EVENT_TIMEZONE).date()
    dates = {start, end}
    if (end - start).days < 31:
        dates |= {start + datetime.timedelta(days=n) for n in range((end - start).days + 1)}
    by_date, rooms = {}, {}
    for session in sessions:
        for event in session_events(session, prefix, request):
            rooms[event.room] = None
            day = by_date.setdefault(event_date(session), {})
            day.setdefault(event.room, []).append(event)
    dates |= set(by_date)
    published = [p.last_published_at for p in (conference, *sessions) if p.last_published_at]
    version = (
        max(published).astimezone(EVENT_TIMEZONE).strftime("%Y-%m-%d %H:%M") if published else "1"
    )
    return Schedule(
        conference=conference,
        url=conference.get_full_url(request),
        acronym=prefix,
        version=version,
        start=min(dates),
        end=max(dates),
        days=[(n, date, by_date.get(date, {})) for n, date in enumerate(sorted(dates), start=1)],
        rooms=list(rooms),
    )


def event_date(session):
    """Talks stay on the day their session starts, even when they run past midnight."""
    return timezone.localtime(session.start, EVENT_TIMEZONE).date()


def _day_bounds(date):
    start = datetime.datetime.combine(date, datetime.time.min, tzinfo=EVENT_TIMEZONE)
    return start, start + datetime.timedelta(hours=23, minutes=59)


# --- XML ----------------------------------------------------------------------------------------


def _sub(parent, tag, text=None, **attributes):
    element = ET.SubElement(parent, tag, {k: _clean(v) for k, v in attributes.items()})
    if text is not None:
        element.text = _clean(text)
    return element


def schedule_xml(schedule):
    """schedule.xml (bytes)."""
    root = ET.Element("schedule")
    _sub(root, "generator", name=GENERATOR, version=schedule.version)
    _sub(root, "version", schedule.version)
    conference = _sub(root, "conference")
    _sub(conference, "acronym", schedule.acronym)
    _sub(conference, "title", schedule.conference.title)
    _sub(conference, "start", schedule.start.isoformat())
    _sub(conference, "end", schedule.end.isoformat())
    _sub(conference, "days", str(len(schedule.days)))
    _sub(conference, "timeslot_duration", TIMESLOT)
    _sub(conference, "base_url", schedule.url)
    _sub(conference, "time_zone_name", setting("TIME_ZONE"))
    for index, date, rooms in schedule.days:
        day_start, day_end = _day_bounds(date)
        day = _sub(
            root,
            "day",
            index=str(index),
            date=date.isoformat(),
            start=day_start.isoformat(),
            end=day_end.isoformat(),
        )
        for name, events in rooms.items():
            room = _sub(day, "room", name=name)
            for event in events:
                _event_xml(room, event)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _event_xml(room, event):
    element = _sub(room, "event", id=str(event.id), guid=event.guid)
    _sub(element, "date", event.start.isoformat())
    _sub(element, "start", event.start.strftime("%H:%M"))
    _sub(element, "duration", _hhmm(event.minutes))
    _sub(element, "room", event.room)
    _sub(element, "slug", event.slug)
    _sub(element, "url", event.url)
    _sub(element, "title", event.title)
    _sub(element, "subtitle", event.subtitle)
    _sub(element, "track", event.track)
    _sub(element, "type", event.type)
    _sub(element, "language", SCHEDULE_LANGUAGE)
    _sub(element, "abstract", event.abstract)
    _sub(element, "description", "")
    persons = _sub(element, "persons")
    for person in event.persons:
        _sub(persons, "person", person.name, id=str(person.id))
    links = _sub(element, "links")
    for url, title in event.links:
        _sub(links, "link", title, href=url)


# --- JSON ---------------------------------------------------------------------------------------


def _event_json(event):
    return {
        "id": event.id,
        "guid": event.guid,
        "date": event.start.isoformat(),
        "start": event.start.strftime("%H:%M"),
        "duration": _hhmm(event.minutes),
        "room": event.room,
        "slug": event.slug,
        "url": event.url,
        "title": event.title,
        "subtitle": event.subtitle,
        "track": event.track,
        "type": event.type,
        "language": SCHEDULE_LANGUAGE,
        "abstract": event.abstract,
        "description": "",
        "persons": [{"guid": person.guid, "name": person.name} for person in event.persons],
        "links": [{"url": url, "title": title} for url, title in event.links],
    }


def schedule_json(schedule):
    """schedule.json (a dict)."""
    days = []
    for index, date, rooms in schedule.days:
        day_start, day_end = _day_bounds(date)
        days.append(
            {
                "index": index,
                "date": date.isoformat(),
                "day_start": day_start.isoformat(),
                "day_end": day_end.isoformat(),
                "rooms": {
                    name: [_event_json(event) for event in events] for name, events in rooms.items()
                },
            }
        )
    return {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": GENERATOR, "version": schedule.version},
        "schedule": {
            "version": schedule.version,
            "base_url": schedule.url,
            "conference": {
                "acronym": schedule.acronym,
                "title": schedule.conference.title,
                "start": schedule.start.isoformat(),
                "end": schedule.end.isoformat(),
                "daysCount": len(schedule.days),
                "timeslot_duration": TIMESLOT,
                "time_zone_name": setting("TIME_ZONE"),
                "url": schedule.url,
                "rooms": [{"name": name, "guid": _guid("room", name)} for name in schedule.rooms],
                "days": days,
            },
        },
    }
