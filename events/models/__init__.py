"""The events app's models, by family: the event base and the calendar (``base``), the events
index and conferences (``conference``), sections (``sections``), section sessions and talks
(``sessions``), resolutions (``resolutions``), registrations (``registration``), report proposals
(``cfp``), programme changes (``changes``) and the proceedings' builds (``proceedings``)."""

from .base import EVENT_TIMEZONE, CalendarEntry, EventMixin, EventStatus, sync_calendar
from .cfp import Proposal
from .changes import ProgrammeChange
from .conference import ConferencePage, EventIndexPage
from .proceedings import ProceedingsBuild
from .registration import Registration, SessionSeat
from .resolutions import ResolutionItem, ResolutionItemNote, ResolutionPage
from .sections import SectionIndexPage, SectionPage, WorkingGroup
from .sessions import SectionSessionPage, Talk

__all__ = [
    "EVENT_TIMEZONE",
    "CalendarEntry",
    "ConferencePage",
    "EventIndexPage",
    "EventMixin",
    "EventStatus",
    "ProceedingsBuild",
    "ProgrammeChange",
    "Proposal",
    "Registration",
    "ResolutionItem",
    "ResolutionItemNote",
    "ResolutionPage",
    "SectionIndexPage",
    "SectionPage",
    "SectionSessionPage",
    "SessionSeat",
    "Talk",
    "WorkingGroup",
    "sync_calendar",
]
