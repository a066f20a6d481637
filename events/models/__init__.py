from .base import EVENT_TIMEZONE, CalendarEntry, EventMixin, EventStatus, sync_calendar
from .cfp import Proposal
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
