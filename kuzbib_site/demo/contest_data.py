"""What the demo's contests are made of: «КНИГИНЯ-2009»'s nominations, weighted criteria and
stages, and its thirty invented entries (``data/contest_entries.toml``) with what they show
besides entries ready for judging. Illustrative, except the contest's name (the seed's)."""

import datetime
from decimal import Decimal
from typing import NamedTuple

from contests.models import Stage
from events.models import EVENT_TIMEZONE

from .data import read

SLUG = "kniginya-2009"
#: The slug an earlier demo gave it (a wrong transliteration): it redirects.
OLD_SLUG = "knyaginya-2009"
NOMINATIONS = [
    ("Библиотечный проект", "Проект, реализованный или готовый к реализации в библиотеке."),
    ("Массовое мероприятие", "Сценарий и отчёт о проведённом мероприятии для читателей."),
    ("Электронная презентация", "Презентация библиотеки, фонда или услуги."),
]
CRITERIA = [
    ("Актуальность и новизна", Decimal("3"), 10),
    ("Практическая значимость", Decimal("3"), 10),
    ("Качество оформления", Decimal("2"), 10),
    ("Представление работы", Decimal("2"), 10),
]
STAGES = [
    (Stage.Kind.SUBMISSIONS, "Приём конкурсных работ", (2009, 2, 1), (2009, 4, 30)),
    (Stage.Kind.JUDGING, "Работа жюри", (2009, 5, 4), (2009, 5, 22)),
    (Stage.Kind.RESULTS, "Подведение итогов и награждение", (2009, 5, 27), None),
]


class DemoEntry(NamedTuple):
    """An invented participant and their work. ``library`` is a short name from the demo
    directory, or the name of a library outside it, then with its ``municipality``; ``audience``
    says whom the work is for, in the genitive («для подростков 12–15 лет»); ``nomination`` is
    an index into NOMINATIONS; ``files`` are (kind, label) pairs, each a document of
    ``texts.DOCUMENTS`` (or slides)."""

    last_name: str
    first_name: str
    patronymic: str
    born: datetime.date
    email: str
    position: str
    library: str
    nomination: int
    name: str
    title: str
    description: str
    audience: str
    files: tuple
    municipality: str = ""


def _entry(row):
    nomination = [title for title, _description in NOMINATIONS].index(row["nomination"])
    files = tuple(tuple(file) for file in row["files"])
    return DemoEntry(**{**row, "nomination": nomination, "files": files})


ENTRIES = [_entry(row) for row in read("contest_entries")["entry"]]

# What the demo shows besides entries ready for judging, by (position in ENTRIES from 1, file
# label): a document that repeats another entry's text lightly edited, a file attached to two
# entries, and an entry withdrawn.
NEAR_COPY = {(11, "описание-проекта"): (10, "проект")}
SAME_FILE = {(13, "афиша-акции"): (12, "афиша")}
WITHDRAWN = (
    21,
    datetime.datetime(2009, 4, 20, 12, tzinfo=EVENT_TIMEZONE),
    "Участница отозвала работу, чтобы доработать проект и представить его на следующий конкурс.",
)
# The entries whose documents name their author (on the title page, in the files' properties)
# and library, as some participants do in every contest: the anonymity check flags them, and the
# organisers accepted the flags before judging. The others' documents say «наша библиотека».
AUTHOR_NAMED = (4, 9)
FIRST_SUBMITTED = datetime.datetime(2009, 2, 3, 9, tzinfo=EVENT_TIMEZONE)
