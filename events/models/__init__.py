"""The events app's models, by family: the event base and the calendar (``base``), the admin's
lists of chosen people and pages (``choosers``), the events index and conferences
(``conference``), sections (``sections``), section sessions and talks (``sessions``), resolutions
(``resolutions``), registrations (``registration``), report proposals (``cfp``), programme
changes (``changes``) and the proceedings' builds (``proceedings``)."""

from .base import (
    EVENT_TIMEZONE,
    CalendarEntry,
    CoverImageMixin,
    EventMixin,
    EventStatus,
    sync_calendar,
)
from .cfp import Proposal
from .changes import ProgrammeChange
from .conference import ConferencePage, EventIndexPage
from .proceedings import ProceedingsBuild
from .registration import Registration, SessionSeat
from .resolutions import ResolutionItem, ResolutionItemNote, ResolutionItemPage, ResolutionPage
from .sections import SectionIndexPage, SectionMember, SectionPage, WorkingGroup
from .sessions import SectionSessionPage, SessionModerator, Talk, TalkSpeaker

__all__ = [
    "EVENT_TIMEZONE",
    "CalendarEntry",
    "ConferencePage",
    "CoverImageMixin",
    "EventIndexPage",
    "EventMixin",
    "EventStatus",
    "ProceedingsBuild",
    "ProgrammeChange",
    "Proposal",
    "Registration",
    "ResolutionItem",
    "ResolutionItemNote",
    "ResolutionItemPage",
    "ResolutionPage",
    "SectionIndexPage",
    "SectionMember",
    "SectionPage",
    "SectionSessionPage",
    "SessionModerator",
    "SessionSeat",
    "Talk",
    "TalkSpeaker",
    "WorkingGroup",
    "sync_calendar",
]
