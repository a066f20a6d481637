"""A title's calendar of one year: each day on which an issue is known, marked as digitised
(its pages are scanned; a link to the issue), held in print by member libraries (the union
catalogue) or missing everywhere — scanned nowhere and held by no library.

Only the days of known issues (``IssuePage`` records) are marked: a title's schedule («3 раза
в неделю») is free text and its gaps (holidays, suspensions) are not recorded, so a day
without a known issue is plain, not «missing». Libraries that hold the year without listing its
numbers hold each of its issues as far as anyone knows; those that list numbers hold the issues
of those numbers.

The year's page is a table per month (a caption, the weekdays as column headers, the day's
state in words, not in colour only), and a list of the year's holdings; it needs no JavaScript.
Years outside the title's span (``TitlePage.first_year``–``last_year``, widened by the years
of its known issues) answer 404. The work is a fixed number of queries: the year's issues with
whether they are scanned, and the title's holdings (``holdings_query.holdings_by_year``: issue-level
holdings and typed statements alike, numbers compared by ``summary.number_key``)."""

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from .holdings_query import holdings_by_year
from .models import IssuePage, Scan
from .summary import number_key

#: Years that can never be a title's (``TitlePage``'s validators): answered 404 before any query.
FIRST_YEAR, LAST_YEAR = 1700, 2100

DIGITISED, HELD, MISSING = "digitised", "held", "missing"


# --- The year -------------------------------------------------------------------------------


@dataclass
class Day:
    """A day of the year with its known issues (``IssuePage`` with ``scanned``, ``state`` and
    ``libraries`` set by ``year_of``)."""

    date: datetime.date
    issues: list = field(default_factory=list)

    @property
    def state(self):
        """The best of its issues' states: digitised, else held, else missing ('' without)."""
        states = {issue.state for issue in self.issues}
        return next((state for state in (DIGITISED, HELD, MISSING) if state in states), "")


#: The shape that marks each state (the legend explains them; not colour alone).
MARKS = {DIGITISED: "■", HELD: "▲", MISSING: "✕"}


def _describe(issue):
    """The issue's state in words, for the day's cell: «№ 45: in print (КОНБ, ГБ)»."""
    words = issue.state_label
    if issue.state == HELD:
        names = ", ".join(library.short_name or library.full_name for library in issue.libraries)
        words = f"{words} ({names})"
    return f"№ {issue.number}: {words}" if issue.number else words


def state_label(state):
    return {DIGITISED: _("digitised"), HELD: _("in print"), MISSING: _("missing")}[state]


@dataclass
class Month:
    number: int
    name: str
    weeks: list  # of 7 Days or None

    @property
    def has_issues(self):
        return any(day and day.issues for week in self.weeks for day in week)


@dataclass
class YearCalendar:
    title: object
    year: int
    months: list
    holdings: list  # (library, what: None for the whole year, or the numbers)
    counts: dict
    previous: int | None = None
    following: int | None = None


def span(title):
    """(first, last) year of the title: its first and last year widened by the years of its
    known issues; the current year while it still comes out. One query."""
    found = IssuePage.objects.child_of(title).aggregate(
        first=Min(ExtractYear("date")), last=Max(ExtractYear("date"))
    )
    today = timezone.localdate().year
    firsts = [year for year in (title.first_year, found["first"]) if year]
    lasts = [year for year in (title.last_year or today, found["last"]) if year]
    first = min(firsts) if firsts else today
    last = max(lasts) if lasts else today
    return first, max(first, last)


def year_of(title, year):
    """The calendar of ``title`` in ``year``, or None when the year is not the title's."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    first, last = span(title)
    if not first <= year <= last:
        return None
    issues = list(
        IssuePage.objects.child_of(title)
        .live()
        .public()
        .filter(date__year=year)
        # EXISTS, not a COUNT over a join: that would GROUP BY every column of the page.
        .annotate(
            scanned=Exists(Scan.objects.filter(issue=OuterRef("pk"), status=Scan.Status.DONE))
        )
        .order_by("date", "path")
    )
    held = holdings_by_year(title, year)
    whole_year = [entry.library for entry in held.get(None, [])]
    days = {}
    for issue in issues:
        by_number = held.get(number_key(issue.number), []) if issue.number else []
        issue.libraries = list(
            dict.fromkeys([*whole_year, *(entry.library for entry in by_number)])
        )
        issue.state = DIGITISED if issue.scanned else HELD if issue.libraries else MISSING
        issue.state_label = state_label(issue.state)
        issue.mark = MARKS[issue.state]
        issue.description = _describe(issue)
        days.setdefault(issue.date, Day(issue.date)).issues.append(issue)
    weeks_of = calendar.Calendar(firstweekday=0)
    months = []
    for number in range(1, 13):
        weeks = [
            [(days.get(date) or Day(date)) if date.month == number else None for date in week]
            for week in weeks_of.monthdatescalendar(year, number)
        ]
        months.append(Month(number, str(MONTHS[number]), weeks))
    counts = {DIGITISED: 0, HELD: 0, MISSING: 0}
    for issue in issues:
        counts[issue.state] += 1
    return YearCalendar(
        title=title,
        year=year,
        months=months,
        holdings=_holdings_of_year(title, year, held),
        counts=counts,
        previous=year - 1 if year > first else None,
        following=year + 1 if year < last else None,
    )


def _holdings_of_year(title, year, held):
    """[(library, holding statement, numbers, certain)]: who holds what of the year; ``numbers``
    empty for a library holding the whole year (or a typed statement naming it)."""
    rows = {}
    for key, entries in held.items():
        for entry in entries:
            row = rows.setdefault(
                entry.library.pk,
                {
                    "library": entry.library,
                    "statement": entry.statement,
                    "numbers": [],
                    "certain": entry.certain,
                },
            )
            if key is not None:
                row["numbers"].append(key)
    for row in rows.values():
        row["numbers"].sort(key=lambda key: (len(key), key))
    return sorted(rows.values(), key=lambda row: row["library"].full_name)


def weekdays():
    """The weekdays' short names, Monday first (the calendar's column headers)."""
    return [(str(WEEKDAYS_ABBR[number]), str(WEEKDAYS[number])) for number in range(7)]


def years_of(title):
    """[(year, issues, digitised issues)] of the title's live issues, by year: the title page's
    links to the calendars. One query."""
    return list(
        IssuePage.objects.child_of(title)
        .live()
        .public()
        .annotate(year=ExtractYear("date"))
        .order_by()
        .values("year")
        .annotate(
            issues=Count("pk", distinct=True),
            digitised=Count("pk", distinct=True, filter=Q(scans__status=Scan.Status.DONE)),
        )
        .order_by("year")
        .values_list("year", "issues", "digitised")
    )
