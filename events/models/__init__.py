from .base import EVENT_TIMEZONE, CalendarEntry, EventMixin, EventStatus, sync_calendar
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

__all__ = [
    "EVENT_TIMEZONE",
    "CalendarEntry",
    "ConferencePage",
    "EventIndexPage",
    "EventMixin",
    "EventStatus",
    "ResolutionItem",
    "ResolutionItemNote",
    "ResolutionPage",
    "SectionIndexPage",
    "SectionPage",
    "SectionSessionPage",
    "Talk",
    "WorkingGroup",
    "sync_calendar",
]
