"""SVG charts for the jury chair: how each juror's totals are spread (``juror_distributions``)
and a nomination's ranking with the spread of its jurors' totals (``ranking_spread``).

Pure functions from plain rows to an SVG string marked safe for a template, drawn inline on the
chair's results page. They are read without colour: near-black marks on a white ground that
differ by shape (a box, a thick bar, a diamond, a dot, capped lines), a legend drawn with the
same marks, and every number also in words in the chart's ``<desc>``, which a screen reader
reads with its ``<title>`` (``role="img"``). The ``viewBox`` is 360 units wide with 11-unit
text, so on a 390 px phone the chart is drawn at about its own size. A chart draws at most
``MAX_ROWS`` rows and says so, in its text and in its ``<desc>``; the results table lists all.

Labels (jurors' names, entries' codes and titles) come from users: each is escaped, stripped of
the characters XML forbids and shortened to fit its line, with the whole label in the row's
``<title>`` tooltip and the ``<desc>``. Values are on the 0–100 scale of the totals; one beyond
its ends (a normalised score may pass them a little) is drawn at the end and told exactly.
"""

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

WIDTH = 360
PLOT_LEFT, PLOT_RIGHT = 16, 344
AXIS_HEIGHT = 26
ROW_HEIGHT = 40
LINE_HEIGHT = 18
FONT_SIZE = 11
#: Rows one chart draws; the rest are left to the results table, and the chart says so.
MAX_ROWS = 50
#: Characters of a label on its line (about 57 fit at 11 units).
LABEL_CHARS = 44

INK = "#1a1a1a"  # the marks and the text: 17:1 on white
GREY = "#595959"  # the spread lines and the grid's labels: 7:1 on white
GRID = "#8c8c8c"  # dashed grid lines, 3.4:1 on white

# XML 1.0 allows tab, newline and carriage return among the control characters, and no
# surrogates or U+FFFE/U+FFFF; a title pasted from anywhere may hold any of them.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class JurorRow:
    """A juror's name and their totals (``scoring.JurorStats.totals``)."""

    label: str
    totals: Sequence[float]


@dataclass(frozen=True)
class SpreadRow:
    """A ranked entry: its place, code and title, its method score and its lowest and highest
    juror's total (``scoring.EntryResult``'s ``place``, ``score``, ``low``, ``high``, ``tied``)."""

    place: int
    code: str
    score: float
    low: float | None = None
    high: float | None = None
    tied: bool = False
    title: str = ""


# --- The charts --------------------------------------------------------------------------------


def juror_distributions(juror_rows: Sequence[JurorRow], title=None):
    """Per juror a box plot of their totals on 0–100: the box spans the middle half (the
    quartiles), a thick bar marks the median, a diamond the mean, a capped line runs from the
    lowest total to the highest; the juror's name and number of sheets above it."""
    title = title or _("Jurors' totals")
    intro = _(
        "Each juror's totals on a scale of 0 to 100: a box over the middle half of them, a "
        "thick bar at the median, a diamond at the mean and a capped line from the lowest to "
        "the highest."
    )
    juror_rows = list(juror_rows)
    drawn, rows, sentences = juror_rows[:MAX_ROWS], [], []
    for index, juror in enumerate(drawn):
        top = AXIS_HEIGHT + index * ROW_HEIGHT
        count = len(juror.totals)
        heading = ngettext("%(label)s, %(count)d sheet", "%(label)s, %(count)d sheets", count) % {
            "label": _short(juror.label, LABEL_CHARS - 12),
            "count": count,
        }
        sentence = _juror_sentence(juror)
        sentences.append(sentence)
        marks = _box_plot(juror.totals, top + 28) if count else ""
        rows.append(
            f'<g class="juror"><title>{_text(sentence)}</title>'
            f"{_label(heading, top + 14)}{marks}</g>"
        )
    legend = [
        (_legend_box, _("middle half of the totals")),
        (_bar, _("median")),
        (_diamond_at, _("mean")),
        (_legend_range, _("lowest to highest total")),
    ]
    more = ngettext(
        "Showing the first %(shown)d of %(total)d juror.",
        "Showing the first %(shown)d of %(total)d jurors.",
        len(juror_rows),
    )
    return _chart(title, intro, len(juror_rows), rows, sentences, legend, more)


def ranking_spread(nomination_rows: Sequence[SpreadRow], title=None):
    """Entries in ranked order: per entry its place, code and score as text, a dot at the score
    and a capped line from its lowest to its highest juror's total."""
    title = title or _("Ranking and the spread of the jurors' totals")
    intro = _(
        "Entries in ranked order on a scale of 0 to 100: a dot at the score and a capped line "
        "from the lowest to the highest juror's total."
    )
    nomination_rows = list(nomination_rows)
    drawn, rows, sentences = nomination_rows[:MAX_ROWS], [], []
    for index, entry in enumerate(drawn):
        top = AXIS_HEIGHT + index * ROW_HEIGHT
        place = f"{entry.place}=" if entry.tied else f"{entry.place}."
        heading = " ".join(part for part in (place, entry.code, entry.title) if part)
        sentence = _entry_sentence(entry)
        sentences.append(sentence)
        middle = top + 28
        spread = ""
        if entry.low is not None and entry.high is not None:
            spread = _range(entry.low, entry.high, middle, GREY, "spread")
        rows.append(
            f'<g class="entry"><title>{_text(sentence)}</title>'
            f"{_label(heading, top + 14, LABEL_CHARS - 8)}"
            f'<text x="{PLOT_RIGHT}" y="{top + 14}" text-anchor="end" font-weight="bold">'
            f"{_text(_number(entry.score))}</text>"
            f'{spread}<circle class="score" cx="{_x(entry.score)}" cy="{middle}" r="4.5" '
            f'fill="{INK}"/></g>'
        )
    legend = [
        (_legend_score, _("score")),
        (_legend_spread, _("lowest to highest juror's total")),
    ]
    more = ngettext(
        "Showing the first %(shown)d of %(total)d entry.",
        "Showing the first %(shown)d of %(total)d entries.",
        len(nomination_rows),
    )
    return _chart(title, intro, len(nomination_rows), rows, sentences, legend, more)


# --- Sentences for the <desc> and the tooltips -------------------------------------------------


def _juror_sentence(juror):
    if not juror.totals:
        return _("%(label)s: no sheets.") % {"label": _clean(juror.label)}
    totals = sorted(juror.totals)
    return ngettext(
        "%(label)s: %(count)d sheet, lowest %(low)s, median %(median)s, mean %(mean)s, "
        "highest %(high)s.",
        "%(label)s: %(count)d sheets, lowest %(low)s, median %(median)s, mean %(mean)s, "
        "highest %(high)s.",
        len(totals),
    ) % {
        "label": _clean(juror.label),
        "count": len(totals),
        "low": _number(totals[0]),
        "median": _number(statistics.median(totals)),
        "mean": _number(statistics.fmean(totals)),
        "high": _number(totals[-1]),
    }


def _entry_sentence(entry):
    values = {
        "place": entry.place,
        "entry": " ".join(_clean(part) for part in (entry.code, entry.title) if part),
        "score": _number(entry.score),
    }
    if entry.low is None or entry.high is None:
        sentence = _("Place %(place)s: %(entry)s, score %(score)s.") % values
    else:
        sentence = _(
            "Place %(place)s: %(entry)s, score %(score)s, jurors' totals from %(low)s to %(high)s."
        ) % {**values, "low": _number(entry.low), "high": _number(entry.high)}
    if entry.tied:
        shared = _("The place is shared.")
        sentence = f"{sentence} {shared}"
    return sentence


# --- Drawing -----------------------------------------------------------------------------------


def _chart(title, intro, total, rows, sentences, legend, more):
    """The whole SVG: a white ground, the grid and its scale, the rows, the legend and a line
    saying that there is nothing to draw, or how many rows were left out (``more``)."""
    notes = []
    if not total:
        notes.append(_("No data yet."))
    elif total > len(rows):
        notes.append(more % {"shown": len(rows), "total": total})
    bottom = AXIS_HEIGHT + len(rows) * ROW_HEIGHT if rows else 0
    parts = []
    if rows:
        parts.append(_grid(len(rows)))
        parts.extend(rows)
        for index, (draw, label) in enumerate(legend):
            y = bottom + 8 + index * LINE_HEIGHT
            parts.append(
                f'<g class="legend">{draw(PLOT_LEFT + 10, y)}'
                f'<text x="{PLOT_LEFT + 28}" y="{y + 4}">{_text(label)}</text></g>'
            )
        bottom += 8 + len(legend) * LINE_HEIGHT
    for note in notes:
        parts.append(f'<text class="note" x="{PLOT_LEFT}" y="{bottom + 12}">{_text(note)}</text>')
        bottom += LINE_HEIGHT
    height = bottom + 6
    description = " ".join([intro, *notes, *sentences])
    return mark_safe(  # noqa: S308 — every label in it went through _text (escaped)
        f'<svg xmlns="http://www.w3.org/2000/svg" class="kuzbib-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" font-family="system-ui, sans-serif" '
        f'font-size="{FONT_SIZE}" fill="{INK}">'
        f"<title>{_text(title)}</title><desc>{_text(description)}</desc>"
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>'
        f"{''.join(parts)}</svg>"
    )


def _grid(rows):
    """Dashed lines at 0, 25, 50, 75 and 100 through each row's marks (not its text, which they
    would cut), labelled above the first row."""
    lines = []
    for value in (0, 25, 50, 75, 100):
        x = _x(value)
        segments = "".join(
            f"M{x} {AXIS_HEIGHT + index * ROW_HEIGHT + 18}v22" for index in range(rows)
        )
        lines.append(
            f'<text x="{x}" y="12" text-anchor="middle" fill="{GREY}">{value}</text>'
            f'<path d="M{x} {AXIS_HEIGHT - 8}v6{segments}" stroke="{GRID}" stroke-width="0.75" '
            f'stroke-dasharray="2 3"/>'
        )
    return f'<g class="grid">{"".join(lines)}</g>'


def _box_plot(totals, middle):
    low, first, median, third, high = _five_numbers(totals)
    mean = statistics.fmean(totals)
    return (
        _range(low, high, middle, INK, "range")
        + f'<rect class="box" x="{_x(first)}" y="{middle - 6}" '
        f'width="{_x(third) - _x(first):.1f}" height="12" fill="#ffffff" stroke="{INK}"/>'
        + _median(median, middle)
        + _diamond(mean, middle)
    )


def _five_numbers(totals):
    """Lowest, first quartile, median, third quartile, highest."""
    values = sorted(totals)
    if len(values) == 1:
        return values * 5
    first, median, third = statistics.quantiles(values, n=4, method="inclusive")
    return values[0], first, median, third, values[-1]


def _range(low, high, middle, colour, name):
    """A line from low to high with a short upright cap at each end."""
    left, right = _x(low), _x(high)
    return (
        f'<path class="{name}" d="M{left} {middle - 5}V{middle + 5}M{left} {middle}H{right}'
        f'M{right} {middle - 5}V{middle + 5}" fill="none" stroke="{colour}" stroke-width="1.5"/>'
    )


def _median(value, middle):
    return _bar(_x(value), middle, ' class="median"')


def _diamond(value, middle):
    return _diamond_at(_x(value), middle, ' class="mean"')


def _bar(x, y, name=""):
    return (
        f'<line{name} x1="{x}" y1="{y - 8}" x2="{x}" y2="{y + 8}" stroke="{INK}" stroke-width="3"/>'
    )


def _diamond_at(x, y, name=""):
    return (
        f'<path{name} d="M{x} {y - 5}L{x + 5:.1f} {y}L{x} {y + 5}L{x - 5:.1f} {y}Z" '
        f'fill="#ffffff" stroke="{INK}" stroke-width="1.5"/>'
    )


# The legend draws the same shapes without the classes that name the data's marks.


def _legend_box(x, y):
    return f'<rect x="{x - 8}" y="{y - 5}" width="16" height="10" fill="#ffffff" stroke="{INK}"/>'


def _legend_range(x, y):
    return _legend_line(x, y, INK)


def _legend_spread(x, y):
    return _legend_line(x, y, GREY)


def _legend_line(x, y, colour):
    return (
        f'<path d="M{x - 8} {y - 5}V{y + 5}M{x - 8} {y}H{x + 8}M{x + 8} {y - 5}V{y + 5}" '
        f'fill="none" stroke="{colour}" stroke-width="1.5"/>'
    )


def _legend_score(x, y):
    return f'<circle cx="{x}" cy="{y}" r="4.5" fill="{INK}"/>'


def _label(text, y, limit=LABEL_CHARS):
    return f'<text x="{PLOT_LEFT}" y="{y}">{_text(_short(text, limit))}</text>'


# --- Numbers and text --------------------------------------------------------------------------


def _x(value):
    """The horizontal position of a value on 0–100, kept inside the plot."""
    clamped = min(max(float(value), 0.0), 100.0)
    return round(PLOT_LEFT + clamped * (PLOT_RIGHT - PLOT_LEFT) / 100, 1)


def _number(value):
    return number_format(round(float(value), 1), decimal_pos=1)


def _clean(text):
    return NOT_XML.sub("", str(text))


def _short(text, limit):
    text = _clean(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _text(text):
    """Text for the SVG: without the characters XML forbids, escaped."""
    return escape(_clean(text))
