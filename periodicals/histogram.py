"""The search's hits by year: pages with hits per year of issue, as an SVG bar chart drawn on
the server, each bar a link that narrows the search to its year.

The chart is the site's chart of counts per year (``kuzbib_site.base.year_chart``: drawn
without JavaScript, read without colour or sight, the same numbers as a table in
``periodicals/includes/search_histogram.html``); here are its words, its years and its links.
The years run from the first to the last with hits, so there may be many of them: the bars
stand close together and a few years are labelled."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kuzbib_site.base import year_chart


class Year(year_chart.Year):
    """A year of the chart: its pages with hits, the link to the search in that year (or back
    to every year when it is the chosen one), whether it is chosen."""

    @property
    def label(self):
        return ngettext("%(year)s: %(count)d page", "%(year)s: %(count)d pages", self.count) % {
            "year": self.year,
            "count": self.count,
        }

    @property
    def link_label(self):
        if self.selected:
            return _("%(label)s, chosen; the link searches every year") % {"label": self.label}
        return self.label


class Histogram(year_chart.YearChart):
    """The years from the first to the last with hits, each with its count; the table lists
    only the years with hits."""

    name = "periodicals-histogram"
    table_lists_empty_years = False

    @classmethod
    def build(cls, counts, filters, base=""):
        """From ``{year: pages with hits}``, the visitor's filters and the search's URL."""
        first, last = min(counts), max(counts)
        chosen = filters.year_from if filters.year_from == filters.year_to else None
        years = []
        for year in range(first, last + 1):
            selected = year == chosen
            change = {"from": None, "to": None} if selected else {"from": year, "to": year}
            years.append(
                Year(year, counts.get(year, 0), base + filters.query_string(**change), selected)
            )
        return cls(years)

    @property
    def title(self):
        return _("Pages with hits by year, %(first)s–%(last)s") % {
            "first": self.years[0].year,
            "last": self.years[-1].year,
        }

    def description(self):
        with_hits = [year for year in self.years if year.count]
        return " ".join(
            [
                _(
                    "Bars show how many pages of each year's issues hold the words searched "
                    "for; each bar is a link that searches that year only."
                ),
                "; ".join(year.label for year in with_hits) + ".",
            ]
        )
