"""A chart of counts per year: an SVG bar chart drawn on the server, each bar a link, for the
archives' lists (the heroes' awards timeline, ``heroes_archive.timeline``; the newspapers'
hits by year, ``periodicals.histogram``). The drawing is here; what is counted, the words and
the links are the app's.

The chart needs no JavaScript and is read without colour or sight: its ``<title>`` and
``<desc>`` say what it shows and every year's count in words; each bar is a link named by its
year and count (``aria-label``, and a ``<title>`` tooltip), as wide as its whole column so that
a short bar is as easy to click; the chosen year's bar is drawn in outline and carries
``aria-current``. The page gives the same numbers as a table too
(``base/includes/year_chart.html``). The ``viewBox`` is 360 units wide, like the site's other
charts (``contests.charts``), so that it is drawn at about its own size on a phone.

An app subclasses ``Year`` (adding its ``label`` and ``link_label``) and ``YearChart`` (adding
its ``title``, its ``description()`` and how it is built from its counts and filters).
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH = 360
PLOT_LEFT, PLOT_RIGHT = 30, 352
PLOT_TOP, PLOT_HEIGHT = 10, 120
AXIS_LABELS = 16
FONT_SIZE = 10
#: Without ``YearChart.label_every``, years are labelled under the axis every so many columns
#: that there are this many labels at most (more would overlap).
MOST_LABELS = 8

INK = "#1a1a1a"  # text and the chosen bar's outline: 17:1 on white
BAR = "#1d4f7a"  # bars: 8.9:1 on white
GRID = "#8c8c8c"  # dashed grid lines, 3.4:1 on white
GREY = "#595959"  # the scale's labels: 7:1 on white


@dataclass(frozen=True)
class Year:
    """A year of a chart: its count, the link its bar leads to (when it is the chosen one,
    usually the link that removes the choice), whether it is chosen. A subclass names it:
    ``label`` (the year and its count in words) and ``link_label`` (where its link goes)."""

    year: int
    count: int
    url: str
    selected: bool = False

    @property
    def label(self):
        raise NotImplementedError

    @property
    def link_label(self):
        return self.label


@dataclass(frozen=True)
class YearChart:
    """Consecutive years, each with its count. A subclass gives the ``title`` and the
    ``description()`` in words, and may change how it is drawn with the class attributes."""

    years: list

    #: The chart's name in the markup: the SVG's class is ``<name>__chart``, its title's and
    #: description's ids ``<name>-title`` and ``<name>-desc``.
    name = "year-chart"
    #: Label the years divisible by this under the axis (5: 1945, 1950…); None: spread at most
    #: ``MOST_LABELS`` labels, every so many columns from the first.
    label_every = None
    #: The space between two bars, in the chart's units.
    gap = 1
    #: Whether the chosen year has a mark under the axis too.
    mark_chosen = False
    #: Whether the table lists the years without any count too.
    table_lists_empty_years = True

    @property
    def title(self):
        raise NotImplementedError

    def description(self):
        raise NotImplementedError

    @property
    def total(self):
        return sum(year.count for year in self.years)

    @property
    def table_years(self):
        """The years the table lists (``base/includes/year_chart.html``)."""
        if self.table_lists_empty_years:
            return self.years
        return [year for year in self.years if year.count]

    def svg(self):
        """The chart: bars on a scale from 0 to a round maximum, some years labelled."""
        highest = max((year.count for year in self.years), default=0)
        top = round_up(highest)
        step = (PLOT_RIGHT - PLOT_LEFT) / len(self.years)
        bottom = PLOT_TOP + PLOT_HEIGHT
        height = bottom + AXIS_LABELS + 8
        # The round years when asked for, else every so many columns from the first.
        every = self.label_every or max(1, -(-len(self.years) // MOST_LABELS))
        parts = [_grid(top, bottom)]
        for index, year in enumerate(self.years):
            x = PLOT_LEFT + index * step
            parts.append(self._bar(year, x, step, top, bottom))
            if (year.year if self.label_every else index) % every == 0:
                parts.append(
                    f'<text x="{x + step / 2:.1f}" y="{bottom + 12}" text-anchor="middle" '
                    f'aria-hidden="true">{year.year}</text>'
                )
        parts.append(
            f'<path d="M{PLOT_LEFT} {bottom}H{PLOT_RIGHT}" stroke="{INK}" stroke-width="1"/>'
        )
        name = self.name
        return mark_safe(  # noqa: S308 — every text went through escape; the name is the code's
            f'<svg xmlns="http://www.w3.org/2000/svg" class="{name}__chart" '
            f'role="group" aria-labelledby="{name}-title" '
            f'aria-describedby="{name}-desc" viewBox="0 0 {WIDTH} {height}" '
            f'width="100%" font-family="system-ui, sans-serif" font-size="{FONT_SIZE}" '
            f'fill="{INK}">'
            f'<title id="{name}-title">{escape(self.title)}</title>'
            f'<desc id="{name}-desc">{escape(self.description())}</desc>'
            f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>'
            f"{''.join(parts)}</svg>"
        )

    def _bar(self, year, x, step, top, bottom):
        """A year's column: nothing for a year without a count; else a link over the whole
        column (an invisible rectangle takes the clicks and shows the focus) around the bar."""
        if not year.count:
            return ""
        bar_height = max(round(year.count / top * PLOT_HEIGHT, 1), 1.5)
        label = escape(year.link_label)
        box = (
            f'x="{x + self.gap / 2:.1f}" y="{bottom - bar_height:.1f}" '
            f'width="{max(step - self.gap, 0.5):.1f}" height="{bar_height}"'
        )
        if year.selected:
            bar = (
                f'<rect class="bar bar--selected" {box} fill="#ffffff" stroke="{INK}" '
                f'stroke-width="1.5"/>'
            )
            if self.mark_chosen:
                bar += f'<path d="M{x + step / 2:.1f} {bottom + 2}l3 4h-6z" fill="{INK}"/>'
            current = ' aria-current="true"'
        else:
            bar = f'<rect class="bar" {box} fill="{BAR}"/>'
            current = ""
        return (
            f'<a href="{escape(year.url)}" aria-label="{label}"{current}>'
            f"<title>{label}</title>"
            f'<rect class="hit" x="{x:.1f}" y="{PLOT_TOP}" width="{step:.1f}" '
            f'height="{bottom - PLOT_TOP}" fill="#ffffff" fill-opacity="0"/>{bar}</a>'
        )


def _grid(top, bottom):
    """Dashed lines at half and the whole of the scale, labelled on the left."""
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


def round_up(value):
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
