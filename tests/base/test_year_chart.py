"""The site's chart of counts per year (``kuzbib_site.base.year_chart``), with a chart of its
own: a round scale, the years labelled (every so many columns, or the round years), the bars'
spacing, the chosen year marked, and the table with or without the empty years. The apps' charts
are tested with their words in tests/heroes_archive/test_timeline.py and
tests/periodicals/test_search.py."""

import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string

from kuzbib_site.base import year_chart

SVG = "{http://www.w3.org/2000/svg}"


class Year(year_chart.Year):
    @property
    def label(self):
        return f"{self.year}: {self.count}"


class Chart(year_chart.YearChart):
    name = "test-chart"
    title = "Things by year"

    def description(self):
        return "; ".join(year.label for year in self.years if year.count)


def chart(counts, chosen=None, **drawing):
    years = [Year(year, count, f"/?year={year}", year == chosen) for year, count in counts.items()]
    made = type("Drawn", (Chart,), drawing)(years)
    return made, ET.fromstring(str(made.svg()))  # noqa: S314 — drawn just now


def axis_labels(svg):
    return [int(text.text) for text in svg.findall(f"{SVG}text")]


@pytest.mark.parametrize(
    ("highest", "top"),
    [(0, 2), (1, 2), (2, 2), (3, 5), (7, 10), (10, 10), (11, 20), (40, 50), (120, 200)],
)
def test_round_scale(highest, top):
    assert year_chart.round_up(highest) == top


def test_named_by_the_chart_and_described_in_words():
    made, svg = chart({1950: 3, 1951: 0, 1952: 1})
    assert svg.get("class") == "test-chart__chart"
    assert svg.get("aria-labelledby") == "test-chart-title"
    assert svg.find(f"{SVG}title").text == "Things by year"
    assert svg.find(f"{SVG}desc").text == "1950: 3; 1952: 1"
    assert made.total == 4
    # a year without a count has no bar and no link
    links = svg.findall(f".//{SVG}a")
    assert [link.get("href") for link in links] == ["/?year=1950", "/?year=1952"]


def test_at_most_eight_labels_unless_the_round_years_are_asked_for():
    counts = dict.fromkeys(range(1850, 2021), 1)
    _made, svg = chart(counts)
    labels = axis_labels(svg)
    assert labels[0] == 1850 and 1 < len(labels) <= year_chart.MOST_LABELS
    _made, svg = chart(counts, label_every=50)
    assert axis_labels(svg) == [1850, 1900, 1950, 2000]


def test_bars_spacing_and_the_chosen_years_mark():
    _made, svg = chart({1950: 2, 1951: 2}, chosen=1951, gap=2, mark_chosen=True)
    plain, chosen = svg.findall(f".//{SVG}a")
    step = float(plain.find(f"{SVG}rect[@class='hit']").get("width"))
    bar = plain.find(f"{SVG}rect[@class='bar']")
    assert float(bar.get("width")) == pytest.approx(step - 2, abs=0.1)
    assert chosen.get("aria-current") == "true"
    assert chosen.find(f"{SVG}rect[@class='bar bar--selected']") is not None
    assert chosen.find(f"{SVG}path") is not None
    _made, svg = chart({1950: 2, 1951: 2}, chosen=1951)
    assert svg.findall(f".//{SVG}a")[1].find(f"{SVG}path") is None


@pytest.mark.parametrize(("empty_years", "rows"), [(True, 3), (False, 2)])
def test_the_table_lists_the_same_numbers(empty_years, rows):
    counts = {1950: 3, 1951: 0, 1952: 1}
    made, _svg = chart(counts, chosen=1952, table_lists_empty_years=empty_years)
    html = render_to_string(
        "base/includes/year_chart.html", {"chart": made, "count_heading": "Things"}
    )
    table = ET.fromstring(html[html.index("<table") : html.index("</table>") + 8])  # noqa: S314
    assert table.get("class") == "table test-chart__table"
    assert table.find("caption").text == "Things by year"
    body = table.findall("tbody/tr")
    assert len(body) == rows
    assert body[0].find("th/a").get("href") == "/?year=1950"
    assert body[-1].find("th/span").get("aria-current") == "true"
    assert [row.find("td").text for row in body][-1] == "1"
