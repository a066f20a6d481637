"""The awards timeline: heroes per year of their first Hero title, 1943–1987, as an SVG bar
chart drawn on the server, each bar a link into the index's ``year`` facet.

The chart is the site's chart of counts per year (``kuzbib_site.base.year_chart``: drawn
without JavaScript, read without colour or sight, the same numbers as a table in
``includes/browse_timeline.html``); here are its words, its years and its links. The chosen
year's bar also has a mark under the axis, and the years are labelled every five.
``Timeline.build`` takes the counts ``facets.count`` made (without the year and decade filters,
so that the whole period stays in view).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kuzbib_site.base import year_chart

from .conf import setting


class Year(year_chart.Year):
    """A year of the timeline: its number of heroes, the link into the year facet (the link
    that removes the year when it is the chosen one), whether it is chosen."""

    @property
    def label(self):
        return ngettext("%(year)s: %(count)d hero", "%(year)s: %(count)d heroes", self.count) % {
            "year": self.year,
            "count": self.count,
        }

    @property
    def link_label(self):
        """The bar's link says where it goes: the chosen year's link shows every year again."""
        if self.selected:
            return _("%(label)s, chosen; the link shows every year") % {"label": self.label}
        return self.label


@dataclass(frozen=True)
class Timeline(year_chart.YearChart):
    """The years ``first``–``last`` with their counts, and how many heroes were awarded in
    other years (the title existed from 1938 to 1991) or have no known year."""

    first: int
    last: int
    outside: int = 0

    name = "hero-timeline"
    label_every = 5
    gap = 2
    mark_chosen = True

    @classmethod
    def build(cls, counts, filters, base="", first=None, last=None):
        """From ``{title year: heroes}``, the visitor's filters and the index's URL ``base``
        (for the links)."""
        first = first or setting("TIMELINE_FIRST_YEAR")
        last = last or setting("TIMELINE_LAST_YEAR")
        years = [
            Year(
                year,
                counts.get(year, 0),
                base + filters.query_string(year=None if year == filters.year else year),
                year == filters.year,
            )
            for year in range(first, last + 1)
        ]
        outside = sum(
            number
            for year, number in counts.items()
            if year is not None and not first <= year <= last
        )
        return cls(years, first, last, outside)

    @property
    def title(self):
        return _("Heroes by the year of the title, %(first)s–%(last)s") % {
            "first": self.first,
            "last": self.last,
        }

    def description(self):
        """The chart in words: what it draws, then each year that has heroes."""
        parts = [
            _(
                "Bars show how many heroes received their first Hero of Socialist Labour title "
                "in each year; a twice-hero is counted in the year of the first title. Each bar "
                "is a link that shows that year's heroes."
            )
        ]
        with_heroes = [year for year in self.years if year.count]
        if with_heroes:
            parts.append("; ".join(year.label for year in with_heroes) + ".")
            parts.append(_("No heroes in the other years."))
        else:
            parts.append(_("No heroes in these years."))
        if self.outside:
            parts.append(
                ngettext(
                    "%(count)d hero received the title outside these years.",
                    "%(count)d heroes received the title outside these years.",
                    self.outside,
                )
                % {"count": self.outside}
            )
        return " ".join(parts)
