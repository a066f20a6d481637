"""The conference programme as a grid (``ConferencePage`` route ``programme/``, served by
``events/views/programme.py``).

The grid lays out a conference's live sessions by day, then by start time (rows) and room
(columns), in Kemerovo time. Each cell links to its session and shows the format, the section,
the talks and their speakers. Everything comes from three queries whatever the number of sessions
and talks: sessions with their sections, their talks, the talks' speakers
(``conference_sessions``, shared with the Frab export in ``frab.py``).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import EVENT_TIMEZONE, SectionSessionPage, Talk


def room_name(session):
    """The room a session is held in, as the programme and the schedule export name it."""
    return session.room.strip() or _("Room to be announced")


def conference_sessions(conference, moderators=False):
    """The conference's live sessions in time order, with their sections, talks (in order, with
    slides) and the talks' speakers; with ``moderators`` the sessions' moderators too."""
    talks = Talk.objects.select_related("slides").prefetch_related("speakers")
    sessions = (
        SectionSessionPage.objects.live()
        .child_of(conference)
        .select_related("section")
        .prefetch_related(Prefetch("talks", queryset=talks.order_by("sort_order", "pk")))
        .order_by("start", "path")
    )
    if moderators:
        sessions = sessions.prefetch_related("moderators")
    return sessions


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


@dataclass
class Day:
    index: int
    date: datetime.date
    rooms: list
    rows: list

    @property
    def id(self):
        return f"day-{self.index}"


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
