"""The awards timeline (``heroes_archive.timeline``): a well-formed SVG with its title and a
description in words, one named link per year with heroes into the ``year`` facet, the chosen
year marked, a round scale; and on the index page the same numbers as a table whose links,
like the bars', show that year's heroes."""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.utils import translation
from django.utils.translation import ngettext

from heroes_archive.browse import Filters
from heroes_archive.timeline import Timeline
from tests.factories.heroes import HeroIndexPageFactory, HeroPageFactory

SVG = "{http://www.w3.org/2000/svg}"


def chart(counts, filters=None, base="/geroi/"):
    with translation.override("ru"):
        timeline = Timeline.build(counts, filters or Filters(), base)
        return timeline, ET.fromstring(str(timeline.svg()))  # noqa: S314 — drawn just now


def test_years_bars_and_links():
    timeline, svg = chart({1943: 2, 1957: 12, 1971: 1, None: 3})
    assert [year.year for year in timeline.years] == list(range(1943, 1988))
    assert timeline.total == 15
    links = svg.findall(f".//{SVG}a")
    assert [link.get("href") for link in links] == [
        "/geroi/?year=1943",
        "/geroi/?year=1957",
        "/geroi/?year=1971",
    ]
    with translation.override("ru"):
        expected = ngettext("%(year)s: %(count)d hero", "%(year)s: %(count)d heroes", 12) % {
            "year": 1957,
            "count": 12,
        }
    assert links[1].get("aria-label") == expected
    assert links[1].find(f"{SVG}title").text == expected
    # the tallest bar fills the plot; a bar of 1 is still visible
    heights = [float(link.find(f"{SVG}rect[@class='bar']").get("height")) for link in links]
    assert heights[1] == pytest.approx(120 * 12 / 20)  # scale up to 20
    assert heights[2] >= 1.5
    # each link's target spans the whole column, however short its bar
    hits = [float(link.find(f"{SVG}rect[@class='hit']").get("height")) for link in links]
    assert hits == [120, 120, 120]


def test_title_and_description_in_words():
    timeline, svg = chart({1957: 12, 1990: 2})
    assert svg.get("role") == "group"
    assert svg.get("aria-labelledby") == "hero-timeline-title"
    assert svg.get("aria-describedby") == "hero-timeline-desc"
    assert svg.find(f"{SVG}title").text == timeline.title
    assert "1943" in timeline.title and "1987" in timeline.title
    description = svg.find(f"{SVG}desc").text
    assert timeline.years[1957 - 1943].label in description
    assert timeline.outside == 2  # 1990 is outside the chart, and the description says so
    with translation.override("ru"):
        outside = ngettext(
            "%(count)d hero received the title outside these years.",
            "%(count)d heroes received the title outside these years.",
            2,
        ) % {"count": 2}
    assert outside in description


def test_the_chosen_year_is_marked_and_its_link_removes_it():
    filters = Filters(year=1957, industry="coal")
    timeline, svg = chart({1957: 3, 1960: 1}, filters)
    links = svg.findall(f".//{SVG}a")
    chosen = [link for link in links if link.get("aria-current") == "true"]
    assert len(chosen) == 1
    assert chosen[0].get("href") == "/geroi/?industry=coal"
    with translation.override("ru"):
        expected = translation.gettext("%(label)s, chosen; the link shows every year") % {
            "label": timeline.years[1957 - 1943].label
        }
    assert chosen[0].get("aria-label") == expected
    assert chosen[0].find(f"{SVG}rect[@class='bar bar--selected']") is not None
    other = [link for link in links if link is not chosen[0]][0]
    assert other.get("href") == "/geroi/?industry=coal&year=1960"


def test_a_year_link_replaces_the_decade():
    _timeline, svg = chart({1957: 3}, Filters(decade=1950, twice=True))
    assert svg.find(f".//{SVG}a").get("href") == "/geroi/?year=1957&twice=1"


def test_empty_timeline_is_still_a_chart():
    timeline, svg = chart({})
    assert svg.findall(f".//{SVG}a") == []
    assert timeline.total == 0
    with translation.override("ru"):
        assert timeline.description().endswith(
            str(translation.gettext("No heroes in these years."))
        )


def test_text_is_escaped():
    # The base URL comes from the site; even an odd one cannot break the markup.
    _timeline, svg = chart({1957: 1}, base='/a"b&c/')
    assert svg.find(f".//{SVG}a").get("href") == '/a"b&c/?year=1957'


@pytest.mark.django_db
def test_the_page_offers_the_chart_and_a_table(client, home_page):
    archive = HeroIndexPageFactory(parent=home_page)
    HeroPageFactory(parent=archive, surname="Первый", awards=[("hero", "1957")])
    HeroPageFactory(parent=archive, surname="Второй", awards=[("hero", "05.1957")])
    HeroPageFactory(parent=archive, surname="Третий", awards=[("hero", "1966")])
    with translation.override("ru"):
        response = client.get(archive.url)
    soup = BeautifulSoup(response.content, "html.parser")
    section = soup.select_one(".hero-timeline")
    assert section.select_one("h2")
    assert section.select_one("svg a[aria-label]")
    table = section.select_one("details table")
    assert table.caption.get_text() == section.svg.title.get_text()
    assert [th["scope"] for th in table.select("thead th")] == ["col", "col"]
    rows = {row.th.get_text(): (row.th.a, row.td.get_text()) for row in table.select("tbody tr")}
    assert len(rows) == 45
    link, count = rows["1957"]
    assert count == "2" and link["href"] == archive.url + "?year=1957"
    assert rows["1958"][0] is None and rows["1958"][1] == "0"
    # following the bar shows that year's heroes, and the chart then marks it
    bar = section.select_one("svg a[href$='year=1957']")["href"]
    response = client.get(bar)
    soup = BeautifulSoup(response.content, "html.parser")
    assert sorted(card.h3.a.get_text().split()[0] for card in soup.select(".hero-card")) == [
        "Второй",
        "Первый",
    ]
    assert soup.select_one(".hero-timeline svg a[aria-current=true]")["aria-label"].startswith(
        "1957"
    )
    assert urlsplit(bar).query == "year=1957"
    # no script anywhere on the page
    assert soup.find("script") is None
