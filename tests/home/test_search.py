"""The site search page (/search/) on the lemmatised index: Russian word forms and surnames in
any case, every word required, title hits first, only the live public pages of the request's
site, hostile queries answered with a page and never a 500, queries bounded."""

import pytest
from wagtail.models import Page, PageViewRestriction, Site

from tests.factories import HomePageFactory, StandardPageFactory

pytestmark = pytest.mark.django_db


def titles(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    results = response.context["results"]
    return [hit["page"].title for hit in results.hits] if results else []


@pytest.fixture
def pages(site_tree):
    about = site_tree["about"]
    return {
        "miners": StandardPageFactory(
            parent=about, title="Трудовая слава", intro="Шахтёры Кузбасса и их библиотеки."
        ),
        "ivanov": StandardPageFactory(
            parent=about, title="Забойщик", intro="Иванов Иван Петрович, забойщик шахты."
        ),
        "letters": StandardPageFactory(
            parent=about, title="Письма шахтёров", intro="Собрание писем из посёлков."
        ),
    }


@pytest.mark.parametrize("query", ["шахтёр", "шахтеры", "ШАХТЁРОВ", "шахтёрам"])
def test_any_form_finds_the_pages_title_hits_first(client, pages, query):
    assert titles(client, query) == ["Письма шахтёров", "Трудовая слава"]


@pytest.mark.parametrize("query", ["Иванов", "Иванова", "Ивановым", "Иванову", "ивановых"])
def test_a_surname_in_any_case_finds_the_page(client, pages, query):
    assert titles(client, query) == ["Забойщик"]


def test_every_word_must_match(client, pages):
    assert titles(client, "шахтёров Кузбасса") == ["Трудовая слава"]
    assert titles(client, "письмо шахтёра") == ["Письма шахтёров"]
    assert titles(client, "шахтёр металлург") == []


def test_the_matched_forms_are_highlighted(client, pages):
    html = client.get("/search/", {"q": "ивановым"}).content.decode()
    assert "<mark>Иванов</mark> Иван" in html
    html = client.get("/search/", {"q": "шахтёр"}).content.decode()
    assert "<mark>шахтёров</mark>" in html and "<mark>Шахтёры</mark>" in html


def test_only_live_public_pages_of_the_site(client, site_tree, pages):
    draft = StandardPageFactory(parent=site_tree["about"], title="Шахтёры: черновик", live=False)
    private = StandardPageFactory(parent=site_tree["about"], title="Шахтёры: для своих")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    other_home = HomePageFactory(parent=Page.get_first_root_node(), title="Другой сайт")
    Site.objects.create(hostname="other.example", port=80, root_page=other_home)
    elsewhere = StandardPageFactory(parent=other_home, title="Шахтёры другого сайта")
    found = titles(client, "шахтёры")
    assert draft.title not in found and private.title not in found
    assert elsewhere.title not in found
    response = client.get("/search/", {"q": "шахтёры"}, HTTP_HOST="other.example")
    assert [hit["page"].pk for hit in response.context["results"].hits] == [elsewhere.pk]


def test_moved_and_unpublished_pages(client, site_tree, pages):
    other_home = HomePageFactory(parent=Page.get_first_root_node(), title="Другой сайт")
    Site.objects.create(hostname="other.example", port=80, root_page=other_home)
    pages["letters"].move(other_home, pos="last-child")
    assert titles(client, "шахтёров") == ["Трудовая слава"]
    pages["miners"].unpublish()
    assert titles(client, "шахтёров") == []


@pytest.mark.parametrize("query", ["!!!", "a & b | !c :*", "и в на", "«»—…", "😀 👷"])
def test_a_query_without_words_finds_nothing(client, pages, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert response.context["results"].paginator.count == 0


@pytest.mark.parametrize(
    "query",
    [
        "шахт\x00ёров",
        "x" * 10_000,
        "шахтёров " * 2000,
        "шахтёров & | !:* <-> ( ) '",
        "'шахтёров' \"шахтёров\"",
        "\\ \\\\ шахтёров\\'",
        "шахтёров 😀 👷‍♂️",
        "шахтёров%_%",
        "'; DROP TABLE base_lemmaentry; --",
    ],
)
def test_hostile_queries_never_fail(client, pages, query):
    response = client.get("/search/", {"q": query, "page": "-1"})
    assert response.status_code == 200
    results = response.context["results"]
    found = [hit["page"].title for hit in results.hits] if results else []
    assert set(found) <= {"Трудовая слава", "Письма шахтёров"}
    if "шахтёров" in query and "DROP" not in query and "x" * 50 not in query:
        assert found == ["Письма шахтёров", "Трудовая слава"], query


def test_pagination_keeps_the_ranking(client, site_tree, settings):
    settings.KUZBIB_BASE = {**settings.KUZBIB_BASE, "SEARCH_RESULTS_PER_PAGE": 2}
    for n in range(3):
        StandardPageFactory(parent=site_tree["about"], title=f"Заметка {n}", intro="Шахтёры.")
    StandardPageFactory(parent=site_tree["about"], title="Шахтёрский край: шахтёры")
    assert titles(client, "шахтёры") == ["Шахтёрский край: шахтёры", "Заметка 0"]
    assert titles(client, "шахтёры", page="2") == ["Заметка 1", "Заметка 2"]


def test_queries_do_not_grow_with_results(site_tree, assert_queries_bounded):
    def reports(first, count):
        for n in range(first, first + count):
            StandardPageFactory(parent=site_tree["about"], title=f"Доклад шахтёра {n}")

    reports(0, 4)
    url = "/search/?q=доклады+шахтёров&page=2"
    assert_queries_bounded(url, lambda: reports(4, 30), cap=8)
    response = assert_queries_bounded.client.get(url)
    assert len(response.context["results"].hits) == 10
