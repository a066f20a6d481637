"""Hostile and malformed address parameters of the festival's list: each is left out with a
notice (or the last page shown), never a server error."""

import pytest

from dynasties.browse import Filters
from tests.factories import LibraryFactory, MunicipalityFactory
from tests.factories.dynasties import DynastyPageFactory, FestivalPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def festival(home_page):
    festival = FestivalPageFactory(parent=home_page)
    DynastyPageFactory(parent=festival, family_name="Ивановы", municipality=MunicipalityFactory())
    DynastyPageFactory(parent=festival, family_name="Петровы", tags=["сельские"])
    return festival


def problems_of(client, festival, query):
    response = client.get(festival.url + query)
    assert response.status_code == 200, query
    return response, response.context["problems"]


@pytest.mark.parametrize(
    "query",
    [
        "?sort=<script>alert(1)</script>",
        "?municipality=abc",
        "?municipality=-3",
        "?municipality=0",
        "?library=99999999999999999999",
        "?library=1.5",
        "?tag=<b>",
        "?tag=" + "x" * 5000,
        "?page=-1",
        "?page=abc",
        "?page=0",
        "?page=%00",
        "?municipality=%D9%A1%D9%A2",
        "?sort=" + "s" * 10000,
    ],
)
def test_a_malformed_value_is_left_out_with_a_notice(client, festival, query):
    response, problems = problems_of(client, festival, query)
    assert len(problems) == 1
    text = response.content.decode()
    assert "<script>alert(1)" not in text and "<b>" not in text.split("<main", 1)[1]
    assert response.context["results"].paginator.count == 2
    assert "dynasty-list__notices" in text
    # A notice repeats at most 40 characters of the value.
    assert all(len(problem) < 200 for problem in problems)


def test_a_value_that_names_nothing_of_the_festival_is_left_out(client, festival, home_page):
    elsewhere = MunicipalityFactory(name="Далёкий округ")
    unused = LibraryFactory()
    query = f"?municipality={elsewhere.pk}&library={unused.pk}&tag=nothing"
    response, problems = problems_of(client, festival, query)
    assert len(problems) == 3
    assert response.context["filters"] == Filters()
    assert response.context["results"].paginator.count == 2


def test_a_page_past_the_end_shows_the_last_page(client, festival):
    response, problems = problems_of(client, festival, "?page=999")
    assert response.context["results"].number == 1
    assert len(problems) == 1 and "999" in problems[0]


def test_repeated_parameters_use_the_first_value(client, festival):
    response, problems = problems_of(client, festival, "?sort=name&sort=members&sort=name")
    assert response.context["filters"].sort == "name"
    assert len(problems) == 1
    _response, problems = problems_of(client, festival, "?sort=name&sort=name")
    assert problems == []


def test_empty_values_mean_no_filter(client, festival):
    _response, problems = problems_of(client, festival, "?municipality=&library=&tag=&sort=&page=")
    assert problems == []


def test_query_string_keeps_the_other_filters_and_goes_back_to_the_first_page():
    filters = Filters(municipality=3, tag="sela", sort="name", page=4)
    assert filters.query_string(page=5) == "?municipality=3&tag=sela&sort=name&page=5"
    assert filters.query_string(tag="") == "?municipality=3&sort=name"
    assert Filters().query_string() == ""
    assert Filters(sort="service").query_string() == ""
