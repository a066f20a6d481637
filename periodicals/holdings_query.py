"""Where a printed issue can be read: the union catalogue asked about one issue (the issue page's
«Где прочитать печатный экземпляр») or one year of a title (the title's calendar).

Both read a title's holdings in a fixed number of queries — the holdings with their libraries,
their held issues, the title's known issue numbers — whatever the number of libraries or issues.

A library holds an issue when:

- its ``HeldIssue`` rows have the issue's year without a number (the whole year), or with the
  issue's number (compared by ``summary.number_key``); or
- it has no ``HeldIssue`` rows at all and its typed statement (``Holding.summary``, e.g. from a
  MARC 866) names the issue's year — then it «holds the year» without saying which numbers, and
  an incomplete range («1962–1991 (неполн.)») says the number may be missing.
"""

from dataclasses import dataclass

from django.db.models import Prefetch

from . import summary
from .models import HeldIssue, Holding


@dataclass(frozen=True)
class HeldBy:
    """One library's answer for an issue or a year: the ``library``, its ``holding`` (shelf
    mark, note), the holding's statement (``statement``) and whether the copy is ``certain``
    (the number is listed, or the whole year is held) or only likely (an incomplete year of a
    typed statement)."""

    library: object
    holding: Holding
    statement: str
    certain: bool


def _holdings(title):
    return list(
        Holding.objects.filter(title=title)
        .select_related("library", "library__municipality")
        .prefetch_related(
            Prefetch("issues", queryset=HeldIssue.objects.only("holding_id", "year", "number"))
        )
        .order_by("library__full_name")
    )


def holdings_by_year(title, year):
    """Who holds what of ``title`` in ``year``: {number key or None: [HeldBy, …]}.

    - key ``None``: libraries that hold the year without listing numbers — the whole year
      (``certain``), or a typed statement naming the year (``certain`` unless the range is
      incomplete). Such a library holds every issue of the year, as far as anyone knows;
    - key «45» (``summary.number_key`` of a number): libraries that list that number.

    A library appears under ``None`` or under the numbers it lists, never both. Years and keys
    nobody holds are absent; a calendar asks ``result.get(None, []) + result.get(key, [])`` for
    a day's issue. Four queries, whatever the size of the catalogue."""
    holdings = _holdings(title)
    known = summary.known_numbers(title)
    result = {}
    for holding in holdings:
        statement = summary.holding_statement(holding, known)
        rows = list(holding.issues.all())
        if rows:
            of_year = [row for row in rows if row.year == year]
            if not of_year:
                continue
            if any(not row.number for row in of_year):
                result.setdefault(None, []).append(
                    HeldBy(holding.library, holding, statement, True)
                )
                continue
            for key in sorted({summary.number_key(row.number) for row in of_year}):
                result.setdefault(key, []).append(HeldBy(holding.library, holding, statement, True))
        else:
            for part in summary.parse(holding.summary):
                if year in part.years():
                    result.setdefault(None, []).append(
                        HeldBy(holding.library, holding, statement, part.complete)
                    )
                    break
    return result


def libraries_holding(issue):
    """The libraries that hold the printed ``issue`` (an ``IssuePage``), as ``HeldBy`` in the
    order of the libraries' names: those that hold its year whole or list its number, then those
    whose typed statement names its year."""
    title = issue.get_parent()
    by_year = holdings_by_year(title, issue.date.year)
    found = list(by_year.get(None, []))
    if issue.number:
        found += by_year.get(summary.number_key(issue.number), [])
    found.sort(key=lambda held: (not held.certain, held.library.full_name))
    return found
