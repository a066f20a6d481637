"""The conference programme as a grid (``ConferencePage`` route ``programme/``, served by
``events/views/programme.py``), and the conference's figures counted from it.

The grid lays out a conference's live sessions by day, then by start time (rows) and room
(columns), in Kemerovo time. Each cell links to its session and shows the format, the section,
the talks and their speakers. Everything comes from four queries whatever the number of sessions
and talks: sessions with their sections, their talks, the talks' speaker links and the speakers
(``conference_sessions``, shared with the Frab export in ``frab.py``).

The conference page counts its sessions, reports and sections from that same list
(``programme_figures``), so that what it says in figures is what its programme shows.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import EVENT_TIMEZONE, SectionSessionPage, Talk


def room_name(session):
    """The room a session is held in, as the programme and the schedule export name it."""
    return session.room.strip() or _("Room to be announced")


def conference_sessions(conference, moderators=False):
    """The conference's live sessions in time order, with their sections, talks (in order, with
    slides) and the talks' speakers (``talk.speaker_list``, in the editor's order); with
    ``moderators`` the sessions' moderators too (``session.moderator_links``, in order)."""
    talks = Talk.objects.select_related("slides").prefetch_related("speaker_links__person")
    sessions = (
        SectionSessionPage.objects.live()
        .child_of(conference)
        .select_related("section")
        .prefetch_related(Prefetch("talks", queryset=talks.order_by("sort_order", "pk")))
        .order_by("start", "path")
    )
    if moderators:
        sessions = sessions.prefetch_related("moderator_links__person")
    return sessions


def listed_sessions(conference):
    """The conference's live sessions in time order as its page lists them: with their sections'
    titles (``session.section_title``) and their number of talks (``session.report_count``), in
    one query. The page shows neither the talks nor their speakers nor more of the sections, so
    they are not read."""
    return (
        SectionSessionPage.objects.live()
        .child_of(conference)
        .annotate(section_title=F("section__title"), report_count=Count("talks"))
        .order_by("start", "path")
    )


def report_count(session):
    """A session's number of talks: counted by ``listed_sessions``, else its prefetched talks."""
    count = getattr(session, "report_count", None)
    return len(session.talks.all()) if count is None else count


@dataclass
class Figures:
    """What the conference page says «in figures». Zero means unknown: the page leaves it out."""

    sessions: int = 0
    reports: int = 0
    sections: int = 0
    participants: int = 0
    libraries: int = 0


def programme_figures(conference, sessions, now=None):
    """The conference's figures, counted from ``sessions`` — the programme as
    ``conference_sessions`` (its talks prefetched) or ``listed_sessions`` (its talks counted)
    gives it — so that they agree with the programme.
    A conference that is over may have figures its editors entered for what the site never saw
    (a session held before the site existed); those win once it has ended, never before."""
    counted = Figures(
        sessions=len(sessions),
        reports=sum(report_count(session) for session in sessions),
        sections=len({session.section_id for session in sessions if session.section_id}),
    )
    if conference.end >= (now or timezone.now()):
        return counted
    return Figures(
        sessions=counted.sessions,
        reports=conference.reports_count or counted.reports,
        sections=conference.sections_count or counted.sections,
        participants=conference.participants_count or 0,
        libraries=conference.libraries_count or 0,
    )


@dataclass
class Room:
    id: str
    name: str


@dataclass
class Cell:
    room: Room
    sessions: list = field(default_factory=list)


@dataclass
class Row:
    id: str
    start: datetime.datetime
    cells: list


#: How many rooms a day's table shows side by side on a 1366 px screen: the page's 72rem less the
#: times' column leave room for four columns of at least 12rem and their padding (kuzbib.css). A
#: day with more says that its table scrolls sideways; programme.js corrects the guess for the
#: screen and text size at hand.
ROOMS_ACROSS = 4


@dataclass
class Day:
    index: int
    date: datetime.date
    rooms: list
    rows: list

    @property
    def id(self):
        return f"day-{self.index}"

    @property
    def wide(self):
        """More rooms than fit across a desktop screen: the table scrolls sideways."""
        return len(self.rooms) > ROOMS_ACROSS


def programme_days(sessions):
    """Sessions grouped into days; each day is a table of start times (rows) by rooms (columns,
    in the order they first appear that day)."""
    by_date = {}
    for session in sessions:
        by_date.setdefault(timezone.localtime(session.start, EVENT_TIMEZONE).date(), []).append(
            session
        )
    days = []
    for index, (date, day_sessions) in enumerate(sorted(by_date.items()), start=1):
        names = list(dict.fromkeys(room_name(session) for session in day_sessions))
        rooms = [Room(f"d{index}-room-{n}", name) for n, name in enumerate(names, start=1)]
        room_by_name = dict(zip(names, rooms, strict=True))
        rows = {}
        for session in day_sessions:
            start = timezone.localtime(session.start, EVENT_TIMEZONE)
            if start not in rows:
                rows[start] = Row(
                    f"d{index}-time-{len(rows) + 1}", start, [Cell(room) for room in rooms]
                )
            rows[start].cells[rooms.index(room_by_name[room_name(session)])].sessions.append(
                session
            )
        days.append(Day(index, date, rooms, list(rows.values())))
    return days
