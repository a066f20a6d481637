"""The awards timeline: heroes per year of their first Hero title, 1943–1987, as an SVG bar
chart drawn on the server, each bar a link into the index's ``year`` facet.

The chart needs no JavaScript and is read without colour or sight: its ``<title>`` and
``<desc>`` say what it shows and every year's number in words; each bar is a link named by
its year and count (``aria-label``, and a ``<title>`` tooltip), wide as its whole column so that
a short bar is as easy to click; the chosen year's bar is drawn in outline with a mark under
the axis and carries ``aria-current``. The page also gives the same numbers as a table
(``includes/browse_timeline.html``). ``Timeline.build`` takes the counts ``facets.count``
made (without the year and decade filters, so that the whole period stays in view).

The ``viewBox`` is 360 units wide, like the other charts of the site (``contests.charts``), so
that it is drawn at about its own size on a phone.
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .conf import setting

WIDTH = 360
PLOT_LEFT, PLOT_RIGHT = 30, 352
PLOT_TOP, PLOT_HEIGHT = 10, 120
AXIS_LABELS = 16
FONT_SIZE = 10

INK = "#1a1a1a"  # text and the chosen bar's outline: 17:1 on white
BAR = "#1d4f7a"  # bars: 8.9:1 on white
GRID = "#8c8c8c"  # dashed grid lines, 3.4:1 on white
GREY = "#595959"  # the scale's labels: 7:1 on white


@dataclass(frozen=True)
class Year:
    """A year of the timeline: its number of heroes, the link into the year facet (the link
    that removes the year when it is the chosen one), whether it is chosen."""

    year: int
    count: int
    url: str
    selected: bool = False

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
class Timeline:
    """The years ``first``–``last`` with their counts, and how many heroes were awarded in
    other years (the title existed from 1938 to 1991) or have no known year."""

    years: list
    first: int
    last: int
    outside: int = 0

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
    def total(self):
        return sum(year.count for year in self.years)

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

    def svg(self):
        """The chart: bars on a scale from 0 to a round maximum, years labelled every five."""
        highest = max((year.count for year in self.years), default=0)
        top = _round_up(highest)
        step = (PLOT_RIGHT - PLOT_LEFT) / len(self.years)
        bottom = PLOT_TOP + PLOT_HEIGHT
        height = bottom + AXIS_LABELS + 8
        parts = [_grid(top, bottom)]
        for index, year in enumerate(self.years):
            x = PLOT_LEFT + index * step
            parts.append(_bar(year, x, step, top, bottom))
            if year.year % 5 == 0:
                parts.append(
                    f'<text x="{x + step / 2:.1f}" y="{bottom + 12}" text-anchor="middle" '
                    f'aria-hidden="true">{year.year}</text>'
                )
        parts.append(
            f'<path d="M{PLOT_LEFT} {bottom}H{PLOT_RIGHT}" stroke="{INK}" stroke-width="1"/>'
        )
        return mark_safe(  # noqa: S308 — every text in it went through escape
            f'<svg xmlns="http://www.w3.org/2000/svg" class="hero-timeline__chart" '
            f'role="group" aria-labelledby="hero-timeline-title" '
            f'aria-describedby="hero-timeline-desc" viewBox="0 0 {WIDTH} {height}" '
            f'width="100%" font-family="system-ui, sans-serif" font-size="{FONT_SIZE}" '
            f'fill="{INK}">'
            f'<title id="hero-timeline-title">{escape(self.title)}</title>'
            f'<desc id="hero-timeline-desc">{escape(self.description())}</desc>'
            f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>'
            f"{''.join(parts)}</svg>"
        )


def _bar(year, x, step, top, bottom):
    """A year's column: nothing for a year without heroes; else a link over the whole column
    (an invisible rectangle takes the clicks and shows the focus) around the bar."""
    if not year.count:
        return ""
    bar_height = max(round(year.count / top * PLOT_HEIGHT, 1), 1.5)
    label = escape(year.link_label)
    if year.selected:
        bar = (
            f'<rect class="bar bar--selected" x="{x + 1:.1f}" y="{bottom - bar_height:.1f}" '
            f'width="{step - 2:.1f}" height="{bar_height}" fill="#ffffff" stroke="{INK}" '
            f'stroke-width="1.5"/>'
            f'<path d="M{x + step / 2:.1f} {bottom + 2}l3 4h-6z" fill="{INK}"/>'
        )
        current = ' aria-current="true"'
    else:
        bar = (
            f'<rect class="bar" x="{x + 1:.1f}" y="{bottom - bar_height:.1f}" '
            f'width="{step - 2:.1f}" height="{bar_height}" fill="{BAR}"/>'
        )
        current = ""
    return (
        f'<a href="{escape(year.url)}" aria-label="{label}"{current}>'
        f"<title>{label}</title>"
        f'<rect class="hit" x="{x:.1f}" y="{PLOT_TOP}" width="{step:.1f}" '
        f'height="{bottom - PLOT_TOP}" fill="#ffffff" fill-opacity="0"/>{bar}</a>'
    )


def _grid(top, bottom):
    """Dashed lines at half and the whole of the scale, labelled on the left."""
    if not top:
        return ""
    lines = []
    for value in sorted({top // 2, top}):
        if not value:
            continue
        y = round(bottom - value / top * PLOT_HEIGHT, 1)
        lines.append(
            f'<text x="{PLOT_LEFT - 4}" y="{y + 3}" text-anchor="end" fill="{GREY}" '
            f'aria-hidden="true">{value}</text>'
            f'<path d="M{PLOT_LEFT} {y}H{PLOT_RIGHT}" stroke="{GRID}" stroke-width="0.75" '
            f'stroke-dasharray="2 3"/>'
        )
    return f'<g class="grid">{"".join(lines)}</g>'


def _round_up(value):
    """The scale's top: ``value`` rounded up to 1, 2 or 5 times a power of ten (at least 2,
    so that the half-way line has a whole number)."""
    if value <= 2:
        return 2
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            if value <= factor * magnitude:
                return factor * magnitude
        magnitude *= 10
