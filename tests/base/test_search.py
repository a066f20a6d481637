import pytest

from kuzbib_site.base.search import clean_query, highlight
from tests.factories import StandardPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def miners_page(site_tree):
    return StandardPageFactory(
        parent=site_tree["about"],
        title="Библиотеки шахтёрских посёлков",
        intro="Рассказ о шахтёрах и горняках Кузбасса, читателях сельских библиотек.",
    )


def hits(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    results = response.context["results"]
    return [hit["page"].title for hit in results.hits] if results else []


def test_search_finds_russian_word_forms(client, miners_page):
    # The lemmatised index (kuzbib_site.base.lemma_index) folds ё and word forms on both
    # databases: all these forms find the page.
    for query in ("шахтёр", "шахтеров", "шахтёрам", "горняков", "читатель"):
        assert miners_page.title in hits(client, query), query
    assert hits(client, "металлург") == []


def test_search_highlights_the_matched_forms(client, miners_page):
    query = "шахтёры"
    html = client.get("/search/", {"q": query}).content.decode()
    assert "<mark>шахтёрах</mark>" in html


def test_search_only_returns_live_public_pages(client, site_tree):
    draft = StandardPageFactory(parent=site_tree["about"], title="Черновик отчёта")
    draft.unpublish()
    assert hits(client, "Черновик") == []


def test_search_paginates(client, site_tree, settings):
    settings.KUZBIB_BASE = {**settings.KUZBIB_BASE, "SEARCH_RESULTS_PER_PAGE": 2}
    for n in range(5):
        StandardPageFactory(parent=site_tree["about"], title=f"Отчёт секции {n}")
    first = client.get("/search/", {"q": "отчёт"})
    assert first.context["results"].paginator.num_pages == 3
    assert len(first.context["results"].hits) == 2
    assert 'rel="next"' in first.content.decode()
    last = client.get("/search/", {"q": "отчёт", "page": "3"})
    assert len(last.context["results"].hits) == 1


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 2000,
        "библиотека " * 300,
        "'; DROP TABLE wagtailcore_page; --",
        '" OR 1=1 --',
        "<script>alert('x')</script>",
        "<img src=x onerror=alert(1)>",
        "шахт\x00ёр",
        "\u202eевонталб",
        "(((",
        "AND OR NOT",
        "%_%",
    ],
)
def test_search_survives_hostile_queries(client, site_tree, query):
    response = client.get("/search/", {"q": query, "page": "abc"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html


def test_search_with_page_number_out_of_range(client, miners_page):
    response = client.get("/search/", {"q": "библиотеки", "page": "99999"})
    assert response.status_code == 200
    assert response.context["results"].number == response.context["results"].paginator.num_pages


def test_long_query_is_cut_and_said_so(client, site_tree):
    response = client.get("/search/", {"q": "слово " * 400})
    assert response.status_code == 200
    assert response.context["truncated"] is True
    assert len(response.context["search_query"]) <= 200


def test_search_queries_do_not_grow_with_results(client, site_tree, django_assert_max_num_queries):
    for n in range(30):
        StandardPageFactory(parent=site_tree["about"], title=f"Доклад {n}")
    with django_assert_max_num_queries(12):
        assert client.get("/search/", {"q": "доклад"}).status_code == 200


def test_clean_query_strips_control_characters():
    assert clean_query("шахт\x00ёр\n\tы")[0] == "шахт ёр ы"
    assert clean_query("")[0] == ""


def test_highlight_escapes_and_marks_lemmas():
    html = highlight("<b>Шахтёры</b> и шахтеров", "шахтёр")
    assert "&lt;b&gt;" in html
    assert html.count("<mark>") == 2


def test_highlight_window_keeps_the_match():
    text = "начало " * 100 + "шахтёрская библиотека " + "конец " * 100
    html = highlight(text, "библиотеки", width=120)
    assert "<mark>библиотека</mark>" in html
    assert html.startswith("…") and html.endswith("…")


def test_highlight_marks_derived_words_as_the_index_finds_them():
    html = highlight("Шахтёрский край, шахтёры и мировой опыт", "шахтёр мир")
    assert html == "<mark>Шахтёрский</mark> край, <mark>шахтёры</mark> и мировой опыт"
    html = highlight("Встреча шахтёров и горняков", "шахтёрская")
    assert html == "Встреча <mark>шахтёров</mark> и горняков"


def test_highlight_keeps_stressed_words_whole():
    assert highlight("У\u0301гольный край", "уголь") == "<mark>У\u0301гольный</mark> край"


def test_highlight_without_words_marks_nothing():
    assert highlight("и в на <шахта>", "и в на") == "и в на &lt;шахта&gt;"
