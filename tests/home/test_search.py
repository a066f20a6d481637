"""The site search page (/search/) on the lemmatised index: Russian word forms, derived words
and surnames in any case, every word required, title hits first, only the live public pages of
the request's site, each result with its kind in visitors' words, a notice with suggestions when
nothing is found, hostile queries answered with a page and never a 500, queries bounded."""

import re

import pytest
from django.utils import translation
from wagtail.models import Page, PageViewRestriction, Site

from kuzbib_site.base import dates
from kuzbib_site.base.kinds import kind_of
from kuzbib_site.home.models import StandardPage
from tests.factories import HomePageFactory, StandardPageFactory
from tests.factories.events import ConferencePageFactory, EventIndexPageFactory
from tests.site_language import in_site_language

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


#: What a search for miners finds among the pages below and the site's own: the page with the
#: word in its title first, then by title those with the word in their text — «О партнёрстве»
#: (site_tree) speaks of «шахтёрского края», a word derived from «шахтёр».
MINERS = ["Письма шахтёров", "О партнёрстве", "Трудовая слава"]


@pytest.mark.parametrize("query", ["шахтёр", "шахтеры", "ШАХТЁРОВ", "шахтёрам"])
def test_any_form_finds_the_pages_title_hits_first(client, pages, query):
    assert titles(client, query) == MINERS


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
    assert titles(client, "шахтёров") == ["О партнёрстве", "Трудовая слава"]
    pages["miners"].unpublish()
    assert titles(client, "шахтёров") == ["О партнёрстве"]


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
    assert set(found) <= set(MINERS)
    if "шахтёров" in query and "DROP" not in query and "x" * 50 not in query:
        assert found == MINERS, query


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


# --- Derived words, kinds, the page's parts ---------------------------------------------------


def test_a_noun_finds_its_adjective_and_marks_it(client, pages, site_tree):
    region = StandardPageFactory(
        parent=site_tree["about"], title="Край", intro="Шахтёрский край и его угольный бассейн."
    )
    found = titles(client, "шахтёр")
    assert set(found) == {*MINERS, region.title}
    html = client.get("/search/", {"q": "шахтёр"}).content.decode()
    assert "<mark>Шахтёрский</mark> край" in html
    assert set(titles(client, "шахтёрский")) == set(found)
    assert titles(client, "угольного") == [region.title]


def test_a_short_word_does_not_find_longer_ones(client, site_tree):
    StandardPageFactory(parent=site_tree["about"], title="Опыт", intro="Мировой опыт чтения.")
    assert titles(client, "мир") == []
    assert titles(client, "мировой") == ["Опыт"]


def result_items(html):
    """(kind, title) of each result as the page shows them."""
    items = re.findall(r'<li class="search-result">(.*?)</li>', html, re.S)
    return [
        (
            re.search(r'class="search-result__kind kind">([^<]*)<', item).group(1),
            re.sub(r"<[^>]+>", "", re.search(r"<h2[^>]*>(.*?)</h2>", item, re.S).group(1)),
        )
        for item in items
    ]


def test_results_name_the_kind_of_page_in_visitors_words(client, pages, site_tree):
    events = EventIndexPageFactory(parent=site_tree["home"])
    conference = ConferencePageFactory(parent=events, title="Шахтёрские чтения")
    response = client.get("/search/", {"q": "шахтёр"})
    html = response.content.decode()
    with translation.override("ru"):
        page_kind, event_kind = str(kind_of(pages["miners"])), str(kind_of(conference))
        editors_name = str(StandardPage._meta.verbose_name)
        when = dates.span(conference.start, conference.end)
    shown = {title: kind for kind, title in result_items(html)}
    assert shown["Трудовая слава"] == page_kind
    assert shown["Шахтёрские чтения"] == event_kind
    # The kind is the visitor's word, not the model's name for editors («Обычная страница»).
    assert editors_name not in html
    # An event says when it is.
    assert when and when in html


def test_nothing_found_says_so_and_suggests(client, pages):
    response = client.get("/search/", {"q": "металлурги"})
    html = response.content.decode()
    assert response.context["results"].paginator.count == 0
    notice = re.search(r'<div class="notice notice--info" role="status">(.*?)</div>', html, re.S)
    assert notice, html
    message = "Nothing was found for «%(search_query)s»."
    assert in_site_language(message, search_query="металлурги") in notice.group(1)
    assert in_site_language("Check the spelling of each word.") in notice.group(1)
    assert '<ol class="search-results"' not in html


def test_a_query_without_words_is_told_so(client, pages):
    html = client.get("/search/", {"q": "и в на"}).content.decode()
    message = (
        "«%(search_query)s» has no words to search for. Type a word or a surname: prepositions, "
        "punctuation and single letters are not searched."
    )
    assert in_site_language(message, search_query="и в на") in html
    assert in_site_language("Check the spelling of each word.") not in html


def test_the_form_keeps_the_query_and_is_labelled(client, pages):
    html = client.get("/search/", {"q": "шахтёр <b>"}).content.decode()
    form = re.search(r'<form role="search".*?</form>', html, re.S).group(0)
    assert 'value="шахтёр &lt;b&gt;"' in form
    assert '<label for="search-query">' in form and 'aria-describedby="search-help"' in form
    assert 'id="search-help"' in form and 'class="button"' in form


def test_queries_do_not_grow_with_kinds_of_results(site_tree, assert_queries_bounded):
    events = EventIndexPageFactory(parent=site_tree["home"])

    def reports(first, count):
        # Titles that sort a page and a conference next to each other: every page of results
        # holds both kinds, before and after.
        for n in range(first, first + count):
            StandardPageFactory(parent=site_tree["about"], title=f"Шахтёрский доклад {n:02}")
            ConferencePageFactory(parent=events, title=f"Шахтёрский доклад {n:02}: конференция")

    reports(0, 3)
    assert_queries_bounded("/search/?q=шахтёр", lambda: reports(3, 12), cap=10)
