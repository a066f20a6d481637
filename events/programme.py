"""The conference programme as a grid, and the resolution as a PDF.

The programme (``ConferencePage`` route ``programme/``) lays out a conference's live sessions by
day, then by start time (rows) and room (columns), in Kemerovo time. Each cell links to its
session and shows the format, the section, the talks and their speakers. Everything comes from
three queries whatever the number of sessions and talks: sessions with their sections, their
talks, the talks' speakers (``conference_sessions``, shared with the Frab export in ``frab.py``).

The resolution PDF (``ResolutionPage`` route ``pdf/``) prints the resolution with its numbered
items, assignees, due dates and statuses through ``kuzbib_site.base.pdf.render_pdf``.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import EVENT_TIMEZONE, ResolutionItem, SectionSessionPage, Talk


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


def programme_response(conference, request):
    """The programme page of a conference. Query parameters are not read."""
    days = programme_days(conference_sessions(conference))
    context = {
        "page": conference,
        "self": conference,
        "days": days,
        "programme_changes": conference.programme_changes.all()[:50],
    }
    return TemplateResponse(request, "events/programme.html", context)


# --- The resolution as a PDF ------------------------------------------------------------------


def resolution_pdf_response(resolution, request):
    """The resolution as a PDF download: title, adoption date, preamble, then the decided and
    the recommended items with their numbers, assignees, due dates and statuses."""
    from kuzbib_site.base.pdf import render_pdf

    conference = resolution.get_parent().specific
    items = list(resolution.items.select_related("assignee_section").order_by("kind", "sort_key"))
    groups = [
        (_("The conference decides"), [i for i in items if i.kind == ResolutionItem.Kind.DECIDED]),
        (
            _("The conference recommends"),
            [i for i in items if i.kind == ResolutionItem.Kind.RECOMMENDED],
        ),
    ]
    context = {
        "page": resolution,
        "conference": conference,
        "groups": [(heading, group) for heading, group in groups if group],
    }
    pdf = render_pdf("events/pdf/resolution.html", context, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    number = getattr(conference, "number", "") or resolution.pk
    filename = f"resolution-{number}-{resolution.adopted_on:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
