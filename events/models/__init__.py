from .base import EVENT_TIMEZONE, CalendarEntry, EventMixin, EventStatus, sync_calendar
from .cfp import Proposal
from .changes import ProgrammeChange
from .pages import (
    ConferencePage,
    EventIndexPage,
    ResolutionItem,
    ResolutionItemNote,
    ResolutionPage,
    SectionIndexPage,
    SectionPage,
    SectionSessionPage,
    Talk,
    WorkingGroup,
)
from .registration import Registration, SessionSeat

__all__ = [
    "EVENT_TIMEZONE",
    "CalendarEntry",
    "ConferencePage",
    "EventIndexPage",
    "EventMixin",
    "EventStatus",
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
