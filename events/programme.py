"""The conference programme as a grid, and the resolution as a PDF.

The programme (``ConferencePage`` route ``programme/``) lays out a conference's live sessions by
day, then by start time (rows) and room (columns), in Kemerovo time. Each cell links to its
session and shows the format, the section, the talks and their speakers. Everything comes from
three queries whatever the number of sessions and talks: sessions with their sections, their
talks, the talks' speakers (``conference_sessions``, shared with the Frab export in ``frab.py``).

The resolution PDF (``ResolutionPage`` route ``pdf/``) prints the resolution with its numbered
items, assignees, due dates and statuses through ``kuzbib_site.base.pdf.render_pdf``. It is
rendered once per version of what it prints and then served from the cache (see
``resolution_pdf_key``), so that anonymous GETs — a crawler's too — do not each run WeasyPrint.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Prefetch
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone, translation
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


# A cached PDF outlives no template change by more than this; content changes give a new key.
RESOLUTION_PDF_CACHE_SECONDS = 24 * 60 * 60
# Bump when resolution.html or the PDF base template changes, to drop PDFs cached before.
RESOLUTION_PDF_LAYOUT = 1


def resolution_pdf_key(resolution, conference, items):
    """The cache key of a resolution's PDF: a digest of everything the PDF prints — the live
    revisions of the resolution and its conference, the language, and every item as it is now
    (items are snippets edited apart from the page, and have no modification time, so their
    printed fields are hashed: editing, adding or deleting one gives a new key)."""
    parts = [
        RESOLUTION_PDF_LAYOUT,
        translation.get_language(),
        resolution.pk,
        resolution.live_revision_id,
        resolution.last_published_at,
        conference.pk,
        conference.live_revision_id,
        conference.last_published_at,
    ]
    for item in items:
        section = item.assignee_section
        parts.append(
            (
                item.pk,
                item.kind,
                item.number,
                item.text,
                item.assignee_section_id,
                section.title if section else "",
                item.assignee_body,
                item.due_date,
                item.status,
            )
        )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"kuzbib:events:resolution-pdf:{resolution.pk}:{digest}"


def resolution_pdf_response(resolution, request):
    """The resolution as a PDF download: title, adoption date, preamble, then the decided and
    the recommended items with their numbers, assignees, due dates and statuses. Rendered on the
    first request after a change and cached (``resolution_pdf_key``)."""
    conference = resolution.get_parent().specific
    items = list(resolution.items.select_related("assignee_section").order_by("kind", "sort_key"))
    key = resolution_pdf_key(resolution, conference, items)
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_resolution_pdf(resolution, conference, items, request)
        cache.set(key, pdf, RESOLUTION_PDF_CACHE_SECONDS)
    response = HttpResponse(pdf, content_type="application/pdf")
    number = getattr(conference, "number", "") or resolution.pk
    filename = f"resolution-{number}-{resolution.adopted_on:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def render_resolution_pdf(resolution, conference, items, request):
    """The resolution's PDF bytes (WeasyPrint: slow, hence the cache above)."""
    from kuzbib_site.base.pdf import render_pdf

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
    return render_pdf("events/pdf/resolution.html", context, request=request)
