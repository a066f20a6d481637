"""Search in the heroes archive's index: Russian word forms through the site's lemmatised index
(``kuzbib_site.base.lemma_index``), combined with the facets (whose counts follow the search),
and highlighted names and summaries."""

from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from django.http import QueryDict
from django.utils import translation

from heroes_archive import facets
from heroes_archive.browse import Filters, heroes
from heroes_archive.models import Industry
from tests.factories.base import MunicipalityFactory
from tests.factories.heroes import HeroIndexPageFactory, HeroPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(home_page):
    index = HeroIndexPageFactory(parent=home_page)
    kemerovo = MunicipalityFactory(name="Кемерово")
    HeroPageFactory(
        parent=index,
        surname="Иванов",
        municipality=kemerovo,
        profession="шахтёр-забойщик",
        summary="Шахтёр шахты «Северная», бригадир проходчиков.",
        awards=[("hero", "1957")],
    )
    HeroPageFactory(
        parent=index,
        surname="Петрова",
        given_name="Анна",
        sex="f",
        industry=Industry.METALLURGY,
        profession="сталевар",
        enterprise="Кузнецкий металлургический комбинат",
        summary="Первая женщина-сталевар комбината; наставница шахтёров-ветеранов.",
        awards=[("hero", "1966")],
    )
    HeroPageFactory(
        parent=index,
        surname="Сидоров",
        industry=Industry.AGRICULTURE,
        profession="комбайнёр",
        enterprise="совхоз «Заря»",
        summary="Комбайнёр совхоза.",
        awards=[("hero", "1971")],
    )
    return index


def found(archive, query):
    filters, problems = Filters.from_query(QueryDict(urlencode(query)))
    assert problems == []
    return [hero.surname for hero in heroes(archive, filters)]


def page(client, archive, query):
    with translation.override("ru"):
        response = client.get(archive.url + "?" + urlencode(query))
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("шахтёров", ["Иванов", "Петрова"]),  # a profession, a summary's «шахтёров-ветеранов»
        ("шахтеры", ["Иванов", "Петрова"]),  # ё and е alike
        ("Ивановым", ["Иванов"]),  # a surname in any case
        ("Петровой", ["Петрова"]),
        ("сталеваров комбината", ["Петрова"]),  # every word must match
        ("сталевар совхоз", []),
        ("комбайнёра", ["Сидоров"]),
    ],
)
def test_word_forms(archive, query, expected):
    assert found(archive, {"q": query}) == expected


def test_search_combines_with_facets_and_counts_follow_it(archive):
    assert found(archive, {"q": "шахтёров", "industry": "coal"}) == ["Иванов"]
    filters, _problems = Filters.from_query(QueryDict(urlencode({"q": "шахтёров"})))
    counts = facets.count(archive, filters)
    assert counts.industries == {"coal": 1, "metallurgy": 1}
    assert counts.years == {1957: 1, 1966: 1}
    assert counts.total == 2


def test_results_are_highlighted(client, archive):
    soup = page(client, archive, {"q": "Иванова шахтёров"})
    # «Иванова» and «шахтёров»: every word must match, so only Иванов
    cards = soup.select(".hero-card")
    assert len(cards) == 1
    assert [mark.get_text() for mark in cards[0].select("h3 mark")] == ["Иванов"]
    assert [mark.get_text() for mark in cards[0].select(".hero-card__summary mark")] == ["Шахтёр"]
    # the link still goes to the hero
    assert cards[0].h3.a["href"].startswith(archive.url)


def test_the_search_is_kept_by_every_link(client, archive):
    soup = page(client, archive, {"q": "шахтёров", "sort": "-year"})
    industry = soup.select_one("#hero-facet-industry").find_parent("section")
    hrefs = [a["href"] for a in industry.select("a")]
    assert (
        archive.url + "?" + urlencode({"q": "шахтёров", "industry": "coal", "sort": "-year"})
        in hrefs
    )
    # the form keeps the other filters, not the query it replaces
    hidden = {
        field["name"]: field["value"] for field in soup.select(".hero-search input[type=hidden]")
    }
    assert hidden == {"sort": "-year"}
    assert soup.select_one("#hero-search-query")["value"] == "шахтёров"
    # the search can be removed on its own
    chosen = soup.select_one(".hero-selected li")
    assert "шахтёров" in chosen.get_text() and chosen.a["href"] == archive.url + "?sort=-year"
    exports = [a["href"] for a in soup.select(".hero-exports a")]
    csv = archive.reverse_subpage("export", kwargs={"file_format": "csv"})
    assert exports[0] == archive.url + csv + "?" + urlencode({"q": "шахтёров", "sort": "-year"})


def test_nothing_found(client, archive):
    soup = page(client, archive, {"q": "космонавт"})
    assert soup.select(".hero-card") == []
    assert soup.select_one(".hero-results__count").get_text().startswith("0")


def test_markup_in_a_query_is_text(client, archive):
    soup = page(client, archive, {"q": "<b>Иванов</b>"})
    assert soup.select_one("#hero-search-query")["value"] == "<b>Иванов</b>"
    assert soup.select_one(".hero-card h3 b") is None
    assert len(soup.select(".hero-card")) == 1


def test_a_search_lists_heroes_named_in_it_first(client, archive):
    HeroPageFactory(parent=archive, surname="Абрамов", summary="Напарник Иванова по бригаде.")
    assert found(archive, {"q": "Иванов"}) == ["Иванов", "Абрамов"]
    assert found(archive, {"q": "Иванов", "sort": "name"}) == ["Абрамов", "Иванов"]
    soup = page(client, archive, {"q": "Иванов"})
    sort = soup.select_one(".hero-sort")
    assert sort.select_one("[aria-current]").name == "span"  # by relevance, the default
    links = [a["href"] for a in sort.select("a")]
    assert links[0] == archive.url + "?" + urlencode({"q": "Иванов", "sort": "name"})
    # without the search, relevance is no order: the link to remove it carries none
    assert soup.select_one(".hero-selected li a")["href"] == archive.url
    filters, problems = Filters.from_query(QueryDict("sort=relevance"))
    assert problems == [] and filters.sort == "name"
