"""Models of the contests app, by kind: the pages (``pages``), what a contest is run by
(``rules``: nominations, criteria, stages), the entries with their files and flags
(``entries``) and the entries' ZIP archives (``archives``). Import them from here."""

from .archives import EntriesArchive
from .entries import Entry, EntryFile, EntryFlag, entry_storage
from .pages import CALENDAR_KIND, FILE_KINDS, ContestIndexPage, ContestPage
from .rules import Criterion, Nomination, Stage

__all__ = [
    "CALENDAR_KIND",
    "FILE_KINDS",
    "ContestIndexPage",
    "ContestPage",
    "Criterion",
    "EntriesArchive",
    "Entry",
    "EntryFile",
    "EntryFlag",
    "Nomination",
    "Stage",
    "entry_storage",
]
