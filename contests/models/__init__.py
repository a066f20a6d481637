"""Models of the contests app, by kind: the pages (``pages``), what a contest is run by
(``rules``: nominations, criteria, stages), the entries with their files and flags
(``entries``), the entries' ZIP archives (``archives``), judging (``jury``: jurors,
assignments, score sheets, results) and what judging produces (``documents``: diplomas, the
protocol, the winners' collection, reminders). Import them from here."""

from .archives import EntriesArchive
from .documents import (
    Diploma,
    DiplomaBatch,
    JurorReminder,
    JuryProtocol,
    ReminderRound,
    WinnersCollection,
)
from .entries import Entry, EntryFile, EntryFlag, entry_storage
from .jury import (
    Assignment,
    ChairDecision,
    Judging,
    JuryMember,
    Result,
    Score,
    ScoreChange,
    ScoreSheet,
)
from .pages import CALENDAR_KIND, FILE_KINDS, ContestIndexPage, ContestPage
from .rules import Criterion, Nomination, Stage

__all__ = [
    "Assignment",
    "ChairDecision",
    "Diploma",
    "DiplomaBatch",
    "Judging",
    "JurorReminder",
    "JuryMember",
    "JuryProtocol",
    "ReminderRound",
    "Result",
    "Score",
    "ScoreChange",
    "ScoreSheet",
    "WinnersCollection",
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
