"""Bad input to the heroes archive's index: every parameter garbage, out of range, repeated,
10 kB long, with NUL bytes, naming a municipality or a tag that does not exist. The page
answers 200 with the list (the bad value left out) and a notice in the visitor's language;
never a 500."""

from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from django.http import QueryDict
from django.utils import translation
from django.utils.translation import gettext

from heroes_archive.browse import PARAMETERS, Filters, heroes
from tests.factories.base import MunicipalityFactory
from tests.factories.heroes import HeroIndexPageFactory, HeroPageFactory

pytestmark = pytest.mark.django_db

LONG = "я" * 10_000


@pytest.fixture
def archive(home_page):
    index = HeroIndexPageFactory(parent=home_page)
    kemerovo = MunicipalityFactory(name="Кемерово")
    HeroPageFactory(parent=index, surname="Андреев", municipality=kemerovo)
    HeroPageFactory(parent=index, surname="Борисов", awards=[("hero", "1966")])
    HeroPageFactory(parent=index, surname="Васильев", industry="metallurgy")
    hero = HeroPageFactory(parent=index, surname="Громов", awards=[("hero", "1971")])
    hero.tags.add("шахтёры")
    hero.save()
    return index


def notices(client, url):
    with translation.override("ru"):
        response = client.get(url)
    assert response.status_code == 200, url
    soup = BeautifulSoup(response.content, "html.parser")
    return soup, [li.get_text() for li in soup.select(".hero-browse__notices li")]


def russian(msgid, **values):
    with translation.override("ru"):
        return gettext(msgid) % values


def listed(soup):
    return [card.h3.a.get_text().split()[0] for card in soup.select(".hero-card")]


EVERYONE = ["Андреев", "Борисов", "Васильев", "Громов"]


@pytest.mark.parametrize(
    ("query", "msgid", "values"),
    [
        (
            "letter=Z",
            "«%(value)s» is not a letter of the index; every letter is shown.",
            {"value": "Z"},
        ),
        (
            "letter=АБ",
            "«%(value)s» is not a letter of the index; every letter is shown.",
            {"value": "АБ"},
        ),
        (
            "letter=Ъ",
            "«%(value)s» is not a letter of the index; every letter is shown.",
            {"value": "Ъ"},
        ),
        (
            "municipality=abc",
            "There is no municipality «%(value)s»; every municipality is shown.",
            {"value": "abc"},
        ),
        (
            "municipality=-1",
            "There is no municipality «%(value)s»; every municipality is shown.",
            {"value": "-1"},
        ),
        (
            "municipality=0",
            "There is no municipality «%(value)s»; every municipality is shown.",
            {"value": "0"},
        ),
        (
            "municipality=999999",
            "There is no municipality «%(value)s»; every municipality is shown.",
            {"value": "999999"},
        ),
        (
            # larger than any integer column
            "municipality=99999999999999999999",
            "There is no municipality «%(value)s»; every municipality is shown.",
            {"value": "99999999999999999999"},
        ),
        (
            # digits of another script, which int() would take
            "municipality=١٢",
            "There is no municipality «%(value)s»; every municipality is shown.",
            {"value": "١٢"},
        ),
        (
            "industry=oil",
            "The industry «%(value)s» is unknown; every industry is shown.",
            {"value": "oil"},
        ),
        (
            "decade=1955",
            "«%(value)s» is not a decade from %(first)s to %(last)s; every decade is shown.",
            {"value": "1955", "first": 1930, "last": 1990},
        ),
        (
            "decade=2020",
            "«%(value)s» is not a decade from %(first)s to %(last)s; every decade is shown.",
            {"value": "2020", "first": 1930, "last": 1990},
        ),
        (
            "year=1800",
            "«%(value)s» is not a year from %(first)s to %(last)s; every year is shown.",
            {"value": "1800", "first": 1938, "last": 1991},
        ),
        (
            "year=1957.0",
            "«%(value)s» is not a year from %(first)s to %(last)s; every year is shown.",
            {"value": "1957.0", "first": 1938, "last": 1991},
        ),
        (
            "twice=yes",
            "«%(value)s» is not a value of the twice-heroes filter; every hero is shown.",
            {"value": "yes"},
        ),
        (
            "relation=alien",
            "The relation to the region «%(value)s» is unknown; every relation is shown.",
            {"value": "alien"},
        ),
        (
            "tag=nope",
            "There is no tag «%(value)s»; heroes with any tag are shown.",
            {"value": "nope"},
        ),
        (
            "tag=a%20b%3Cscript%3E",
            "There is no tag «%(value)s»; heroes with any tag are shown.",
            {"value": "a b<script>"},
        ),
        (
            "sort=title; DROP TABLE",
            "The order «%(value)s» is unknown; the list is sorted by name.",
            {"value": "title; DROP TABLE"},
        ),
        (
            "page=abc",
            "«%(value)s» is not a page number; the first page is shown.",
            {"value": "abc"},
        ),
        ("page=0", "«%(value)s» is not a page number; the first page is shown.", {"value": "0"}),
        (
            "page=-3",
            "«%(value)s» is not a page number; the first page is shown.",
            {"value": "-3"},
        ),
        (
            "page=99999999999999999999999",
            "«%(value)s» is not a page number; the first page is shown.",
            {"value": "99999999999999999999999"},
        ),
        ("page=999", "There is no page %(number)s; the last page is shown.", {"number": 999}),
    ],
)
def test_garbage_is_left_out_with_a_notice(client, archive, query, msgid, values):
    soup, found = notices(client, archive.url + "?" + query)
    assert found == [russian(msgid, **values)]
    assert listed(soup) == EVERYONE  # the bad value filters nothing
    assert "<script>" not in str(soup.select_one(".hero-browse__notices"))


@pytest.mark.parametrize("name", PARAMETERS)
def test_ten_kilobytes_of_anything(client, archive, name):
    soup, found = notices(client, archive.url + f"?{name}=" + quote(LONG))
    assert len(found) == 1
    assert len(found[0]) < 300  # the notice shows the start of the value, not all of it
    if name == "q":
        assert found == [russian("The search query was too long; only its beginning was searched.")]
    else:
        assert listed(soup) == EVERYONE


@pytest.mark.parametrize("name", PARAMETERS)
def test_nul_bytes(client, archive, name):
    _soup, found = notices(client, archive.url + f"?{name}=19%0057")
    if name == "q":
        assert found == []  # a control character in a query is a space
    else:
        assert len(found) == 1 and "\x00" not in found[0] and "\ufffd" in found[0]


def test_repeated_parameters_use_the_first_value(client, archive):
    kemerovo = archive.get_children().specific().get(heropage__surname="Андреев").municipality
    soup, found = notices(
        client, archive.url + f"?municipality={kemerovo.pk}&municipality=7&letter=А&letter=А"
    )
    with translation.override("ru"):
        label = gettext("municipality")
    assert found == [
        russian("Several values were given for «%(what)s»; only the first is used.", what=label)
    ]
    assert listed(soup) == ["Андреев"]


def test_a_year_outside_the_decade(client, archive):
    soup, found = notices(client, archive.url + "?year=1971&decade=1960")
    assert found == [
        russian(
            "The year %(year)s is not in the %(decade)ss; the decade was left out.",
            year=1971,
            decade=1960,
        )
    ]
    assert listed(soup) == ["Громов"]


def test_everything_wrong_at_once(client, archive):
    query = (
        "q=%00%00&letter=%00&municipality=x&industry=&decade=19&year=year&twice=2&"
        "relation=%FF&tag=..&sort=&page=1e9&unknown=1&page=2"
    )
    soup, found = notices(client, archive.url + "?" + query)
    assert len(found) == 9
    assert listed(soup) == EVERYONE
    # the links of the page carry none of it
    hrefs = [a["href"] for a in soup.select(".hero-browse a")]
    assert not any("unknown" in href or "%00" in href for href in hrefs)


def test_unknown_parameters_are_ignored(client, archive):
    soup, found = notices(client, archive.url + "?utm_source=x&fbclid=y")
    assert found == [] and listed(soup) == EVERYONE


def test_from_query_never_raises_on_hostile_dicts():
    """``Filters.from_query`` itself, as the export calls it: no database needed for values that
    fail their form, and every one of them left out."""
    hostile = QueryDict(mutable=True)
    for name in PARAMETERS:
        if name not in ("municipality", "tag"):
            hostile.setlist(name, ["\x00", LONG, "-1", "１２３", "0x10"])
    filters, problems = Filters.from_query(hostile)
    assert filters.page == 1 and filters.sort == "name"
    assert (filters.letter, filters.industry, filters.relation) == ("", "", "")
    assert (filters.decade, filters.year, filters.twice) == (None, None, False)
    assert len(problems) >= len(PARAMETERS) - 2


def test_the_export_ignores_what_the_page_ignores(archive):
    filters, _problems = Filters.from_query(QueryDict("municipality=999999&tag=nope&industry=x"))
    assert [hero.surname for hero in heroes(archive, filters)] == EVERYONE
