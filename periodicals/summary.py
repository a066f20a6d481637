"""The holdings statement of the union catalogue in the Z39.71 style, «1956–1960; 1962–1991
(неполн.)», made from the issues a library holds (``HeldIssue``), and read back from such a
statement typed by a librarian or imported from MARC 866.

The rule, year by year:

- a year is **held** when the library has at least one ``HeldIssue`` row of it;
- a held year is **complete** when a row of it has no number (the library says it holds the
  whole year), or when its numbered rows include the number of every issue of that year the
  archive knows (the title's ``IssuePage`` children dated that year, numbers compared by
  ``number_key``: «45 (1234)» is number 45);
- otherwise it is **incomplete** — also when the archive knows no issue of that year: a library
  that lists single numbers holds those numbers, and completeness is never guessed.

Consecutive held years are joined into ranges («1956–1960»). A range is marked «(неполн.)» when
any year in it is incomplete, and a run of years changes range where completeness changes, so
that «1956–1958; 1959–1960 (неполн.)» says exactly which years lack numbers. Ranges are joined
by «; ». No rows: an empty statement.
"""

import itertools
import re
from dataclasses import dataclass

from django.utils.translation import pgettext

# What «неполн.» stands for in any language of the site; the parser accepts both spellings.
INCOMPLETE_MARKS = ("неполн.", "incomplete")
NUMBER_RE = re.compile(r"\d+")
YEAR_RANGE_RE = re.compile(
    r"(?P<first>1[6-9]\d\d|20\d\d)\s*(?:[-–—]\s*(?P<last>1[6-9]\d\d|20\d\d))?"
    r"(?P<rest>[^;]*)"
)


def incomplete_mark():
    """«неполн.» in Russian (the catalogue's abbreviation; the translation is the lead's)."""
    return pgettext("holdings statement", "incomplete")


def number_key(number):
    """How an issue's number is compared: its first run of digits («45 (1234)» → «45», «№ 7» →
    «7»), else the text itself trimmed and lower-cased («спецвыпуск»)."""
    number = (number or "").strip()
    found = NUMBER_RE.search(number)
    if found:
        return str(int(found.group()))
    return number.lower()


@dataclass(frozen=True)
class YearRange:
    """Years ``first``…``last`` held, ``complete`` or not."""

    first: int
    last: int
    complete: bool

    def label(self):
        years = str(self.first) if self.first == self.last else f"{self.first}–{self.last}"
        return years if self.complete else f"{years} ({incomplete_mark()})"

    def years(self):
        return range(self.first, self.last + 1)


def year_states(held, known=None):
    """{year: complete} of the years held. ``held``: (year, number) pairs of the library's
    ``HeldIssue`` rows; ``known``: {year: set of number keys} of the issues the archive knows
    (missing years: none known)."""
    known = known or {}
    whole, numbers = set(), {}
    for year, number in held:
        if number:
            numbers.setdefault(year, set()).add(number_key(number))
        else:
            whole.add(year)
    states = {}
    for year in whole | numbers.keys():
        if year in whole:
            states[year] = True
        else:
            expected = known.get(year) or set()
            states[year] = bool(expected) and expected <= numbers[year]
    return states


def ranges(states):
    """The ranges of consecutive years with the same completeness, in order."""
    result = []
    for year in sorted(states):
        complete = states[year]
        if result and result[-1].last == year - 1 and result[-1].complete == complete:
            result[-1] = YearRange(result[-1].first, year, complete)
        else:
            result.append(YearRange(year, year, complete))
    return result


def statement(held, known=None):
    """The holdings statement of (year, number) pairs held, «1956–1960; 1962 (неполн.)»."""
    return "; ".join(part.label() for part in ranges(year_states(held, known)))


def parse(text):
    """The ranges a typed or imported statement names, best effort: «1956–1960; 1962–1991
    (неполн.)» → [YearRange(1956, 1960, True), YearRange(1962, 1991, False)]. Parts without a
    year are ignored; a range written backwards is turned round."""
    result = []
    for part in (text or "").split(";"):
        found = YEAR_RANGE_RE.search(part)
        if not found:
            continue
        first = int(found["first"])
        last = int(found["last"] or first)
        first, last = min(first, last), max(first, last)
        rest = found["rest"].lower()
        marks = {*INCOMPLETE_MARKS, incomplete_mark().lower()}
        complete = not any(mark in rest for mark in marks)
        result.append(YearRange(first, last, complete))
    return result


def known_numbers(title):
    """{year: set of number keys} of the title's issues that carry a number (one query)."""
    return known_numbers_of([title]).get(title.pk, {})


def known_numbers_of(titles):
    """{title pk: {year: set of number keys}} of several titles' issues (one query)."""
    from django.db.models import Q  # noqa: PLC0415

    from .models import IssuePage  # noqa: PLC0415 — the models import nothing from here

    titles = list(titles)
    if not titles:
        return {}
    by_path = {title.path: title.pk for title in titles}
    steplen = IssuePage.steplen
    within = Q()
    for title in titles:
        within |= Q(path__startswith=title.path, depth=title.depth + 1)
    known = {}
    issues = IssuePage.objects.filter(within).exclude(number="")
    for path, date, number in issues.values_list("path", "date", "number"):
        years = known.setdefault(by_path[path[:-steplen]], {})
        years.setdefault(date.year, set()).add(number_key(number))
    return known


def holding_statement(holding, known=None):
    """What the catalogue shows for a ``Holding``: its typed statement when there is one, else
    the statement made from its issues. ``known`` as from ``known_numbers`` (computed when not
    given); ``holding.issues`` may be prefetched."""
    if holding.summary:
        return holding.summary
    held = [(issue.year, issue.number) for issue in holding.issues.all()]
    if not held:
        return ""
    if known is None:
        known = known_numbers(holding.title)
    return statement(held, known)


def _compress(numbers):
    """«1–3, 5, спецвыпуск» of a set of numbers: runs of digits joined."""
    digits = sorted(int(n) for n in numbers if n.isdigit())
    others = sorted(n for n in numbers if not n.isdigit())
    parts = []
    for _key, run in itertools.groupby(enumerate(digits), lambda pair: pair[1] - pair[0]):
        run = [n for _i, n in run]
        parts.append(str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}")
    return ", ".join(parts + others)


def issues_as_lines(rows):
    """The lines of (year, number) rows: whole years as spans, numbered years with numbers."""
    whole = sorted({year for year, number in rows if not number})
    numbered = {}
    for year, number in rows:
        if number and year not in whole:
            numbered.setdefault(year, set()).add(number)
    lines = []
    for _key, run in itertools.groupby(enumerate(whole), lambda pair: pair[1] - pair[0]):
        run = [year for _i, year in run]
        lines.append((run[0], str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}"))
    lines += [(year, f"{year}: {_compress(numbers)}") for year, numbers in numbered.items()]
    return "\n".join(text for _year, text in sorted(lines))
