"""Browsing the heroes archive (``heroes_archive.browse``, ``facets``): the А–Я index, facets whose
counts stay right as filters combine (each counted without its own filter), links that keep the
other filters, sorting, pages, the exports' links and what the list shows of each hero."""

from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from django.http import QueryDict
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import PageViewRestriction

from heroes_archive import facets
from heroes_archive.browse import Filters, heroes
from heroes_archive.models import Industry, Relation
from tests.factories.base import MunicipalityFactory
from tests.factories.heroes import HeroIndexPageFactory, HeroPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(home_page):
    return HeroIndexPageFactory(parent=home_page)


@pytest.fixture
def kemerovo():
    return MunicipalityFactory(name="Кемерово")


@pytest.fixture
def novokuznetsk():
    return MunicipalityFactory(name="Новокузнецк")


@pytest.fixture
def heroes_tree(archive, kemerovo, novokuznetsk):
    """Six heroes: four in Kemerovo or Novokuznetsk across coal, metallurgy and farming, one
    twice-hero, one with Ё, one without a municipality or a known title year."""

    def hero(surname, **fields):
        tags = fields.pop("tags", ())
        page = HeroPageFactory(parent=archive, surname=surname, **fields)
        if tags:
            page.tags.add(*tags)
            page.save()
        return page

    return {
        "abramov": hero(
            "Абрамов",
            municipality=kemerovo,
            industry=Industry.COAL,
            awards=[("hero", "26.04.1957")],
            birth_date="1920",
            tags=["шахтёры"],
        ),
        "abakumova": hero(
            "Абакумова",
            given_name="Мария",
            sex="f",
            municipality=kemerovo,
            industry=Industry.METALLURGY,
            relation=Relation.NATIVE,
            awards=[("hero", "1966", 1), ("hero", "1971", 2)],
            birth_date="март 1930",
            death_date="2001",
            summary="Сталевар, дважды Герой.",
        ),
        "borisov": hero(
            "Борисов",
            municipality=novokuznetsk,
            industry=Industry.METALLURGY,
            awards=[("hero", "1958")],
            birth_date="1925",
        ),
        "yolkin": hero(
            "Ёлкин",
            municipality=novokuznetsk,
            industry=Industry.COAL,
            awards=[("hero", "1971")],
            birth_date="около 1915",
            tags=["шахтёры"],
        ),
        "volkov": hero(
            "Волков",
            municipality=kemerovo,
            industry=Industry.AGRICULTURE,
            relation=Relation.MOVED,
            awards=[("hero", "1948")],
            birth_date="",
        ),
        "gromov": hero("Громов", industry=Industry.COAL, awards=[("order_lenin", "1960")]),
    }


def parse(querystring):
    filters, problems = Filters.from_query(QueryDict(querystring))
    assert problems == []
    return filters


def surnames(archive, querystring=""):
    return [hero.surname for hero in heroes(archive, parse(querystring))]


def get(client, archive, querystring=""):
    with translation.override("ru"):
        response = client.get(archive.url + querystring)
    assert response.status_code == 200
    return response, BeautifulSoup(response.content, "html.parser")


# --- Selecting ----------------------------------------------------------------------------------


def test_filters_select_and_combine(archive, heroes_tree, kemerovo):
    assert surnames(archive) == ["Абакумова", "Абрамов", "Борисов", "Волков", "Громов", "Ёлкин"]
    assert surnames(archive, f"municipality={kemerovo.pk}") == ["Абакумова", "Абрамов", "Волков"]
    assert surnames(archive, f"municipality={kemerovo.pk}&industry=coal") == ["Абрамов"]
    assert surnames(archive, "industry=coal") == ["Абрамов", "Громов", "Ёлкин"]
    assert surnames(archive, "letter=А") == ["Абакумова", "Абрамов"]
    # Ё is filed under Е, typed either way
    assert surnames(archive, "letter=Е") == ["Ёлкин"]
    assert surnames(archive, "letter=ё") == ["Ёлкин"]
    assert surnames(archive, "decade=1950") == ["Абрамов", "Борисов"]
    assert surnames(archive, "year=1971") == ["Ёлкин"]  # Абакумова's first title is 1966
    assert surnames(archive, "twice=1") == ["Абакумова"]
    assert surnames(archive, "relation=moved") == ["Волков"]
    slug = heroes_tree["abramov"].tags.get().slug
    assert surnames(archive, f"tag={slug}") == ["Абрамов", "Ёлкин"]
    assert surnames(archive, f"tag={slug}&decade=1970") == ["Ёлкин"]


def test_only_live_public_heroes_of_this_archive(archive, heroes_tree, home_page):
    draft = HeroPageFactory(parent=archive, surname="Черновиков")
    draft.unpublish()
    private = HeroPageFactory(parent=archive, surname="Закрытов")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    other = HeroIndexPageFactory(parent=home_page, slug="drugoi-arkhiv")
    HeroPageFactory(parent=other, surname="Чужой")
    found = surnames(archive)
    assert "Черновиков" not in found and "Закрытов" not in found and "Чужой" not in found
    assert len(found) == 6


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Абакумова", "Абрамов", "Борисов", "Волков", "Громов", "Ёлкин"]),
        ("name", ["Абакумова", "Абрамов", "Борисов", "Волков", "Громов", "Ёлкин"]),
        ("-name", ["Ёлкин", "Громов", "Волков", "Борисов", "Абрамов", "Абакумова"]),
        # no title year last; ties by name
        ("year", ["Волков", "Абрамов", "Борисов", "Абакумова", "Ёлкин", "Громов"]),
        ("-year", ["Ёлкин", "Абакумова", "Борисов", "Абрамов", "Волков", "Громов"]),
        # «около 1915», 1920, 1925, 1930; unknown births last, by name
        ("birth", ["Ёлкин", "Абрамов", "Громов", "Борисов", "Абакумова", "Волков"]),
    ],
)
def test_sorting(archive, heroes_tree, sort, expected):
    # Громов was born 12.03.1923 (the factory's default), Волков's birth is unknown.
    assert surnames(archive, f"sort={sort}" if sort else "") == expected


# --- Counting -----------------------------------------------------------------------------------


def test_counts_of_every_facet(archive, heroes_tree, kemerovo, novokuznetsk):
    counts = facets.count(archive, parse(""))
    assert counts.letters == {"А": 2, "Б": 1, "В": 1, "Г": 1, "Е": 1}
    assert counts.municipalities == [
        (kemerovo.pk, "Кемерово", 3),
        (novokuznetsk.pk, "Новокузнецк", 2),
    ]
    assert counts.industries == {"coal": 3, "metallurgy": 2, "agriculture": 1}
    assert counts.years == {1957: 1, 1966: 1, 1958: 1, 1971: 1, 1948: 1, None: 1}
    assert facets.decades(counts.years) == {1940: 1, 1950: 2, 1960: 1, 1970: 1}
    assert counts.twice == 1
    assert counts.relations == {"lived": 4, "native": 1, "moved": 1}
    assert [(name, number) for _slug, name, number in counts.tags] == [("шахтёры", 2)]
    assert counts.total == 6


def test_counts_are_disjunctive(archive, heroes_tree, kemerovo, novokuznetsk):
    """Each facet counts with every other filter and without its own."""
    filters = parse(f"municipality={kemerovo.pk}&industry=coal")
    counts = facets.count(archive, filters)
    # municipalities: among coal heroes (Абрамов in Kemerovo, Ёлкин in Novokuznetsk, Громов none)
    assert counts.municipalities == [
        (kemerovo.pk, "Кемерово", 1),
        (novokuznetsk.pk, "Новокузнецк", 1),
    ]
    # industries: among Kemerovo's heroes
    assert counts.industries == {"coal": 1, "metallurgy": 1, "agriculture": 1}
    # the others: among coal heroes of Kemerovo, i.e. Абрамов only
    assert counts.letters == {"А": 1}
    assert counts.years == {1957: 1}
    assert counts.twice == 0
    assert counts.total == 1 == heroes(archive, filters).count()


def test_year_and_decade_are_one_facet(archive, heroes_tree):
    counts = facets.count(archive, parse("decade=1950&industry=metallurgy"))
    # the timeline and the decades are counted without the year and decade filters
    assert counts.years == {1958: 1, 1966: 1}
    # the industries with the decade
    assert counts.industries == {"coal": 1, "metallurgy": 1}
    counts = facets.count(archive, parse("twice=1"))
    assert counts.twice == 1 and counts.total == 1
    assert counts.letters == {"А": 1}


def test_total_is_counted_when_every_summing_facet_is_chosen(archive, heroes_tree):
    filters = parse("letter=А&industry=coal&relation=lived&year=1957")
    counts = facets.count(archive, filters)
    assert counts.total is None  # no facet adds up to the list: the paginator counts it
    assert heroes(archive, filters).count() == 1


# --- The page -----------------------------------------------------------------------------------


def test_page_lists_each_hero_with_its_facts(client, archive, heroes_tree):
    response, soup = get(client, archive)
    cards = soup.select(".hero-card")
    assert len(cards) == 6
    abakumova = cards[0]
    assert abakumova.select_one("h3 a")["href"] == heroes_tree["abakumova"].url
    assert abakumova.select_one("h3 a").get_text() == "Абакумова Мария Петрович"
    assert abakumova.select_one(".hero-twice")
    with translation.override("ru"):
        life = gettext("%(birth)s – %(death)s") % {
            "birth": _display("03.1930"),
            "death": _display("2001"),
        }
    assert abakumova.select_one(".hero-card__life").get_text() == life
    facts = abakumova.select_one(".hero-card__facts").get_text(" ", strip=True)
    for fact in ("забойщик", "шахта «Северная»", "Кемерово", "1966"):
        assert fact in facts
    assert abakumova.select_one(".hero-card__summary").get_text() == "Сталевар, дважды Герой."
    assert not cards[1].select_one(".hero-twice")
    # exactly one h1, facets and results under h2
    assert len(soup.find_all("h1")) == 1
    assert soup.select_one("#hero-facets-heading").name == "h2"


def _display(text):
    from kuzbib_site.base.partial_dates import display

    with translation.override("ru"):
        return display(text)


def test_letters_with_counts_and_without_links_when_empty(client, archive, heroes_tree):
    _response, soup = get(client, archive)
    items = soup.select(".hero-letters li")
    letters = {item.get_text(" ", strip=True).split()[0]: item for item in items}
    assert letters["А"].a["href"] == archive.url + "?letter=%D0%90"
    assert letters["А"].select_one(".count").get_text() == "2"
    assert letters["Е"].a is not None  # Ёлкин
    assert letters["Ж"].a is None and letters["Я"].a is None
    assert "Ё" not in letters and "Ъ" not in letters
    _response, soup = get(client, archive, "?letter=А&industry=coal")
    current = soup.select_one(".hero-letters [aria-current]")
    assert current.get_text(" ", strip=True) == "А 1"
    # letters count with the industry, without the letter
    counts = {
        item.get_text(" ", strip=True).split()[0]: item.select_one(".count")
        for item in soup.select(".hero-letters li")
    }
    assert counts["Г"].get_text() == "1" and counts["Б"] is None
    everything = soup.select_one(".hero-letters__all a")["href"]
    assert everything == archive.url + "?industry=coal"


def test_facet_links_keep_the_other_filters(client, archive, heroes_tree, kemerovo, novokuznetsk):
    _response, soup = get(client, archive, f"?municipality={kemerovo.pk}&sort=-year&page=1")
    industry = soup.select_one("#hero-facet-industry").find_parent("section")
    with translation.override("ru"):
        coal_label = str(Industry.COAL.label)
    coal = next(li for li in industry.select("li") if coal_label in li.get_text())
    assert coal.a["href"] == archive.url + f"?municipality={kemerovo.pk}&industry=coal&sort=-year"
    assert coal.select_one(".count").get_text() == "(1)"
    # the chosen municipality is marked and removable; the other keeps its count
    municipality = soup.select_one("#hero-facet-municipality").find_parent("section")
    chosen = municipality.select_one(".hero-facet__selected")
    assert "Кемерово" in chosen.get_text() and chosen.a["href"] == archive.url + "?sort=-year"
    other = [li for li in municipality.select("li") if "Новокузнецк" in li.get_text()][0]
    assert other.a["href"] == archive.url + f"?municipality={novokuznetsk.pk}&sort=-year"
    assert other.select_one(".count").get_text() == "(2)"
    # the list above says what is chosen, with a link to remove it
    chosen = soup.select(".hero-selected li")
    assert len(chosen) == 1 and chosen[0].a["href"] == archive.url + "?sort=-year"


def test_values_without_heroes_are_not_offered(client, archive, heroes_tree):
    _response, soup = get(client, archive, "?industry=metallurgy")
    relation = soup.select_one("#hero-facet-relation").find_parent("section")
    with translation.override("ru"):
        labels = [li.a.get_text() for li in relation.select("li")]
        assert labels == [str(Relation.LIVED.label), str(Relation.NATIVE.label)]
    twice = soup.select_one("#hero-facet-twice").find_parent("section")
    assert twice.a["href"] == archive.url + "?industry=metallurgy&twice=1"
    assert twice.select_one(".count").get_text() == "(1)"


def test_a_chosen_value_without_heroes_stays_removable(client, archive, heroes_tree, kemerovo):
    # No twice-hero in coal: the chosen twice filter shows 0 and can be removed.
    _response, soup = get(client, archive, "?industry=coal&twice=1")
    assert soup.select(".hero-card") == []
    twice = soup.select_one("#hero-facet-twice").find_parent("section")
    assert twice.select_one(".hero-facet__selected .count").get_text() == "(0)"
    assert twice.select_one(".hero-facet__selected a")["href"] == archive.url + "?industry=coal"
    with translation.override("ru"):
        empty = gettext(
            "No heroes match what was chosen. Remove a filter or search for other words."
        )
    assert empty in soup.select_one(".hero-results").get_text()


def test_tag_facet(client, archive, heroes_tree):
    slug = heroes_tree["abramov"].tags.get().slug
    _response, soup = get(client, archive, "?decade=1970")
    tags = soup.select_one("#hero-facet-tag").find_parent("section")
    assert tags.a["href"] == archive.url + "?" + urlencode({"decade": 1970, "tag": slug})
    assert tags.a.get_text() == "шахтёры" and tags.select_one(".count").get_text() == "(1)"


def test_decade_and_year_replace_each_other(client, archive, heroes_tree):
    _response, soup = get(client, archive, "?decade=1950")
    bar_links = [a["href"] for a in soup.select(".hero-timeline__chart a")]
    # years link without the decade
    assert archive.url + "?year=1958" in bar_links
    _response, soup = get(client, archive, "?year=1958")
    decade = soup.select_one("#hero-facet-decade").find_parent("section")
    links = [a["href"] for a in decade.select("a")]
    assert archive.url + "?decade=1970" in links


def test_sort_links(client, archive, heroes_tree):
    _response, soup = get(client, archive, "?industry=coal&sort=birth")
    sort = soup.select_one(".hero-sort")
    assert sort.select_one("[aria-current]").name == "span"
    links = [a["href"] for a in sort.select("a")]
    assert archive.url + "?industry=coal" in links  # by name is the default
    assert archive.url + "?industry=coal&sort=-year" in links
    assert [card.h3.a.get_text().split()[0] for card in soup.select(".hero-card")] == [
        "Ёлкин",
        "Абрамов",
        "Громов",
    ]


def test_pages(client, archive, heroes_tree, settings):
    settings.KUZBIB_HEROES_ARCHIVE = {"PER_PAGE": 4}
    _response, soup = get(client, archive, "?sort=-name&page=2")
    assert [card.h3.a.get_text().split()[0] for card in soup.select(".hero-card")] == [
        "Абрамов",
        "Абакумова",
    ]
    assert soup.select_one(".hero-list")["start"] == "5"
    previous = soup.select_one(".pagination a[rel=prev]")["href"]
    assert previous == "?sort=-name&page=1"
    _response, soup = get(client, archive, "?sort=-name")
    assert soup.select_one(".pagination a[rel=next]")["href"] == "?sort=-name&page=2"


def test_exports_and_memorable_dates_links(client, archive, heroes_tree, kemerovo):
    _response, soup = get(client, archive, f"?municipality={kemerovo.pk}&q=&page=1&sort=year")
    links = [a["href"] for a in soup.select(".hero-exports a")]
    query = f"?municipality={kemerovo.pk}&sort=year"
    assert links == [
        archive.url + archive.reverse_subpage("export", kwargs={"file_format": file_format}) + query
        for file_format in ("csv", "xlsx", "json")
    ]
    anniversaries = soup.select_one(".hero-browse__links a")["href"]
    assert anniversaries == archive.url + archive.reverse_subpage("anniversaries")


def test_filtered_views_are_not_indexed(client, archive, heroes_tree):
    response, soup = get(client, archive)
    assert soup.find("meta", attrs={"name": "robots"}) is None
    _response, soup = get(client, archive, "?industry=coal")
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex, follow"


def test_empty_archive(client, archive):
    _response, soup = get(client, archive)
    with translation.override("ru"):
        assert gettext("The archive has no heroes yet.") in soup.get_text()
    assert not soup.select(".hero-letters a")


def test_renderable_in_wagtail_terms(wagtail_asserts, archive, heroes_tree):
    wagtail_asserts.assertPageIsRenderable(archive)
    wagtail_asserts.assertPageIsRenderable(archive, query_data={"industry": "coal", "page": "2"})
    wagtail_asserts.assertPageIsPreviewable(archive)


def test_the_export_link_downloads_the_list_shown(client, archive, heroes_tree, kemerovo):
    _response, soup = get(client, archive, f"?municipality={kemerovo.pk}&industry=coal")
    shown = [card.h3.a.get_text().split()[0] for card in soup.select(".hero-card")]
    response = client.get(soup.select_one(".hero-exports a")["href"])
    assert response.status_code == 200
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    text = text.decode("utf-8-sig")
    assert shown == ["Абрамов"]
    assert "Абрамов" in text
    for other in ("Абакумова", "Борисов", "Волков", "Громов", "Ёлкин"):
        assert other not in text
