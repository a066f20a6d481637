"""The search across the periodicals archive (``periodicals.search``, the archive's ``poisk/``):
Russian word forms and pre-reform spelling both ways, the filters (title, years, municipality),
hostile parameters (a notice, never a 500), the hits by year, the matching lines marked and
escaped, the link that opens the issue at the page, and the access rules for lines."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.utils import translation
from django.utils.translation import gettext

from periodicals import alto, text
from periodicals.models import IssuePage
from periodicals.search import Filters, archive_titles, found, histogram
from tests.factories.base import MunicipalityFactory
from tests.factories.periodicals import (
    IssuePageFactory,
    PeriodicalsIndexPageFactory,
    ScanFactory,
    TitlePageFactory,
)

pytestmark = pytest.mark.django_db

LONG = "я" * 10_000


def scan(issue, number, words, **fields):
    """A processed page whose text is ``words`` (one line each), indexed as the ingest does."""
    return ScanFactory(
        issue=issue,
        number=number,
        text="\n".join(words),
        lemmas=text.page_lemmas("\n".join(words)),
        **fields,
    )


@pytest.fixture
def archive(home_page):
    """Two titles: a pre-1918 one in Кузнецк (1912, 1913) and a modern one in Кемерово (1957,
    1958), with pages in the spelling of their time."""
    kuznetsk = MunicipalityFactory(name="Новокузнецк")
    kemerovo = MunicipalityFactory(name="Кемерово")
    index = PeriodicalsIndexPageFactory(parent=home_page)
    old = TitlePageFactory(
        parent=index,
        title="Кузнецкій край",
        slug="kuznetskii-krai",
        municipality=kuznetsk,
        first_year=1912,
        orthography="pre_reform",
    )
    modern = TitlePageFactory(
        parent=index, title="Кузбасс", slug="kuzbass", municipality=kemerovo, first_year=1957
    )

    def issue(title, date, number, **fields):
        return IssuePageFactory(parent=title, date=date, number=number, **fields)

    old_1912 = issue(old, datetime.date(1912, 3, 4), "10")
    old_1913 = issue(old, datetime.date(1913, 5, 6), "20")
    new_1957 = issue(modern, datetime.date(1957, 1, 2), "1")
    new_1958 = issue(modern, datetime.date(1958, 2, 3), "2")
    pages = {
        "old_library": scan(
            old_1912, 1, ["Открытіе народной библіотеки въ городѣ.", "Прочія извѣстія."]
        ),
        "old_town": scan(old_1913, 2, ["Городъ готовится къ ярмаркѣ."]),
        "new_town": scan(new_1957, 1, ["В городе открыта новая библиотека.", "Шахтёры."]),
        "new_mine": scan(new_1958, 3, ["Шахта «Северная» выполнила план."]),
    }
    return {
        "index": index,
        "old": old,
        "modern": modern,
        "kemerovo": kemerovo,
        "issues": {"1912": old_1912, "1913": old_1913, "1957": new_1957, "1958": new_1958},
        **pages,
    }


def search_url(archive, **params):
    url = archive["index"].url + archive["index"].reverse_subpage("search")
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


def get(client, url):
    with translation.override("ru"):
        response = client.get(url)
    assert response.status_code == 200, url
    return response, BeautifulSoup(response.content, "html.parser")


def hits(soup):
    return [link["href"] for link in soup.select(".periodicals-hit__title a")]


def matched(archive, query, **filters):
    titles = archive_titles(archive["index"])
    return set(found(titles, Filters(q=query, **filters)))


def russian(msgid, **values):
    with translation.override("ru"):
        return gettext(msgid) % values


# --- Word forms and spelling ------------------------------------------------------------------


def test_modern_spelling_finds_the_pre_reform_page_and_back(archive):
    # «город» finds «городѣ» (1912) and «Городъ» (1913) and «городе» (1957).
    assert matched(archive, "город") == {
        archive["old_library"],
        archive["old_town"],
        archive["new_town"],
    }
    # «библиотека» finds «библіотеки» and «библиотека».
    assert matched(archive, "библиотека") == {archive["old_library"], archive["new_town"]}
    # The old spelling typed finds the modern page too.
    assert matched(archive, "городъ") == matched(archive, "город")
    assert matched(archive, "библіотека") == {archive["old_library"], archive["new_town"]}


def test_word_forms_and_every_word(archive):
    assert matched(archive, "шахтёров") == {archive["new_town"]}
    assert matched(archive, "шахты") == {archive["new_mine"]}
    # Every word must be on the page.
    assert matched(archive, "город библиотека") == {archive["old_library"], archive["new_town"]}
    assert matched(archive, "город ярмарка") == {archive["old_town"]}
    assert matched(archive, "паровоз") == set()


def test_a_page_not_processed_is_not_searched(archive):
    scan(archive["issues"]["1958"], 4, ["Город"], status="ocr")
    assert archive["new_mine"] not in matched(archive, "город")
    assert len(matched(archive, "город")) == 3


# --- Filters --------------------------------------------------------------------------------


def test_filters_by_title_years_and_municipality(archive):
    assert matched(archive, "город", title=archive["modern"].pk) == {archive["new_town"]}
    assert matched(archive, "город", year_from=1913) == {archive["old_town"], archive["new_town"]}
    assert matched(archive, "город", year_to=1912) == {archive["old_library"]}
    assert matched(archive, "город", year_from=1912, year_to=1913) == {
        archive["old_library"],
        archive["old_town"],
    }
    assert matched(archive, "город", municipality=archive["kemerovo"].pk) == {archive["new_town"]}


def test_the_page_lists_hits_by_date_and_links_to_the_page_at_the_hit(client, archive):
    archive["old_town"].tiled = True
    archive["old_town"].save()
    _response, soup = get(client, search_url(archive, q="город"))
    links = hits(soup)
    issues = archive["issues"]
    # In the order of the issues' dates; a tiled page opens in the reader at that page.
    assert [urlsplit(link).path for link in links] == [
        issues["1912"].url,
        issues["1913"].url + "2/",
        issues["1957"].url,
    ]
    assert [parse_qs(urlsplit(link).query) for link in links] == [{"q": ["город"]}] * 3
    assert urlsplit(links[1]).fragment == "reader-heading"
    with translation.override("ru"):
        count = translation.ngettext("%(count)d page found", "%(count)d pages found", 3) % {
            "count": 3
        }
    assert soup.select_one(".periodicals-results__count").get_text().strip() == count


def test_the_form_keeps_the_filters(client, archive):
    _response, soup = get(
        client,
        search_url(archive, q="город", title=archive["old"].pk, **{"from": 1912, "to": 1913}),
    )
    assert soup.select_one("#periodicals-search-query")["value"] == "город"
    chosen = soup.select_one("#periodicals-search-title option[selected]")
    assert chosen["value"] == str(archive["old"].pk)
    assert soup.select_one("#periodicals-search-from")["value"] == "1912"
    assert soup.select_one("#periodicals-search-to")["value"] == "1913"
    assert len(hits(soup)) == 2


# --- Lines marked ----------------------------------------------------------------------------


def test_the_matching_line_is_shown_with_the_hit_marked(client, archive):
    _response, soup = get(client, search_url(archive, q="библиотека"))
    lines = soup.select(".periodicals-hit__lines li")
    assert [line.get_text() for line in lines] == [
        "Открытіе народной библіотеки въ городѣ.",
        "В городе открыта новая библиотека.",
    ]
    assert [[mark.get_text() for mark in line.select("mark")] for line in lines] == [
        ["библіотеки"],
        ["библиотека"],
    ]


def test_lines_have_hyphenated_words_joined(client, archive):
    page = alto.write(
        1000,
        1000,
        [
            (None, [("Новости", 10, 10, 100, 20), ("го-", 120, 10, 40, 20)]),
            (None, [("родской", 10, 40, 100, 20), ("думы.", 120, 40, 60, 20)]),
        ],
    )
    issue = IssuePageFactory(parent=archive["modern"], date=datetime.date(1959, 1, 1))
    # The page's text and index hold what the ingest stores: the text drawn from ALTO, one
    # line per ALTO line, the hyphenated word joined on its first line.
    drawn = alto.plain_text(alto.parse(page))
    assert drawn == "Новости городской\nдумы."
    scan(issue, 1, drawn.splitlines(), alto=page.decode())
    issue.scans.update(lemmas=text.page_lemmas(drawn))
    _response, soup = get(client, search_url(archive, q="городской"))
    lines = [line for line in soup.select(".periodicals-hit__lines li") if line.select("mark")]
    assert "Новости городской" in [line.get_text() for line in lines]


def test_text_is_escaped_and_marks_are_ours(client, archive):
    issue = IssuePageFactory(parent=archive["modern"], date=datetime.date(1960, 1, 1))
    scan(issue, 1, ['<script>alert("город")</script> город <b>жирный</b>'])
    response, soup = get(client, search_url(archive, q="город", **{"from": 1960}))
    assert b"<script>alert" not in response.content
    line = soup.select_one(".periodicals-hit__lines li")
    assert line.get_text() == '<script>alert("город")</script> город <b>жирный</b>'
    assert [mark.get_text() for mark in line.select("mark")] == ["город", "город"]
    assert not line.select("b, script")


def test_a_long_line_is_cut_around_the_hit(client, archive):
    issue = IssuePageFactory(parent=archive["modern"], date=datetime.date(1961, 1, 1))
    scan(issue, 1, [("слово " * 200) + "городской " + ("слово " * 200)])
    _response, soup = get(client, search_url(archive, q="городской", **{"from": 1961}))
    line = soup.select_one(".periodicals-hit__lines li").get_text()
    assert len(line) < 300
    assert "городской" in line


# --- Access ---------------------------------------------------------------------------------


def test_description_only_issues_are_not_searched(client, archive):
    archive["issues"]["1957"].access = IssuePage.Access.METADATA
    archive["issues"]["1957"].save()
    assert archive["new_town"] not in matched(archive, "город")
    response, soup = get(client, search_url(archive, q="город"))
    assert "В городе открыта" not in response.content.decode()
    assert archive["issues"]["1957"].url not in " ".join(hits(soup))


def test_reading_room_issues_are_listed_without_their_lines_outside(client, archive, settings):
    issue = archive["issues"]["1957"]
    issue.access = IssuePage.Access.READING_ROOM
    issue.save()
    settings.KUZBIB_PERIODICALS = {"READING_ROOM_NETWORKS": ["10.20.0.0/16"]}
    response, soup = get(client, search_url(archive, q="библиотека"))
    assert issue.url in " ".join(hits(soup))
    assert "В городе открыта" not in response.content.decode()
    assert len(soup.select(".periodicals-hit__withheld")) == 1
    # In the reading room the line is shown.
    with translation.override("ru"):
        inside = client.get(search_url(archive, q="библиотека"), REMOTE_ADDR="10.20.3.4")
    assert "В городе открыта" in inside.content.decode()
    # Neither answer is kept in the shared page cache.
    assert "private" in response["Cache-Control"]
    assert "private" in inside["Cache-Control"]


def test_unpublished_and_restricted_issues_are_not_searched(client, archive):
    from wagtail.models import PageViewRestriction

    archive["issues"]["1957"].unpublish()
    PageViewRestriction.objects.create(
        page=archive["old"], restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    assert matched(archive, "город") == set()
    _response, soup = get(client, search_url(archive, q="город"))
    assert hits(soup) == []


# --- The hits by year ------------------------------------------------------------------------


def test_histogram_counts_pages_by_year_over_every_year(client, archive):
    titles = archive_titles(archive["index"])
    assert histogram(titles, Filters(q="город")) == {1912: 1, 1913: 1, 1957: 1}
    # The year range narrows the list, not the chart.
    assert histogram(titles, Filters(q="город", year_from=1957)) == {1912: 1, 1913: 1, 1957: 1}
    _response, soup = get(client, search_url(archive, q="город", **{"from": 1957}))
    assert len(hits(soup)) == 1
    bars = soup.select(".periodicals-histogram__chart a")
    assert len(bars) == 3
    years = {
        int(parse_qs(urlsplit(bar["href"]).query)["from"][0]): bar["aria-label"] for bar in bars
    }
    assert sorted(years) == [1912, 1913, 1957]
    for bar in bars:
        query = parse_qs(urlsplit(bar["href"]).query)
        assert query["from"] == query["to"]
        assert query["q"] == ["город"]
    rows = soup.select(".periodicals-histogram__table tbody tr")
    assert [row.th.get_text() for row in rows] == ["1912", "1913", "1957"]


def test_a_bar_of_the_chosen_year_goes_back_to_every_year(client, archive):
    _response, soup = get(client, search_url(archive, q="город", **{"from": 1913, "to": 1913}))
    current = soup.select(".periodicals-histogram__chart a[aria-current]")
    assert len(current) == 1
    assert parse_qs(urlsplit(current[0]["href"]).query) == {"q": ["город"]}


# --- Hostile parameters ----------------------------------------------------------------------


def notices(soup):
    return [item.get_text() for item in soup.select(".notice li")]


@pytest.mark.parametrize(
    ("params", "msgid", "values"),
    [
        (
            {"title": "abc"},
            "There is no periodical «%(value)s» in the archive; every periodical is searched.",
            {"value": "abc"},
        ),
        (
            {"title": "999999"},
            "There is no periodical «%(value)s» in the archive; every periodical is searched.",
            {"value": "999999"},
        ),
        (
            {"municipality": "-1"},
            "No periodical of the archive comes from the municipality «%(value)s»; every "
            "municipality is searched.",
            {"value": "-1"},
        ),
        (
            {"from": "12"},
            "«%(value)s» is not a year from %(first)s to %(last)s; it was left out.",
            {"value": "12", "first": 1700, "last": 2100},
        ),
        (
            {"to": "9" * 50},
            "«%(value)s» is not a year from %(first)s to %(last)s; it was left out.",
            {"value": "9" * 39 + "…", "first": 1700, "last": 2100},
        ),
        (
            {"page": "0"},
            "«%(value)s» is not a page number; the first page is shown.",
            {"value": "0"},
        ),
        (
            {"page": "99"},
            "There is no page %(number)s; the last page is shown.",
            {"number": 99},
        ),
        (
            {"from": "1958", "to": "1912"},
            "The years were given the wrong way round; %(first)s–%(last)s is searched.",
            {"first": 1912, "last": 1958},
        ),
    ],
)
def test_a_bad_parameter_is_left_out_with_a_notice(client, archive, params, msgid, values):
    _response, soup = get(client, search_url(archive, q="город", **params))
    assert russian(msgid, **values) in notices(soup)
    assert hits(soup)  # the search still runs


def test_hostile_values_never_fail(client, archive):
    for params in (
        {"q": LONG},
        {"q": "город\x00"},
        {"q": "'; DROP TABLE periodicals_scan; --"},
        {"q": "%", "title": "1\x00"},
        {"q": "город", "page": "1e9"},
        {"q": "город", "page": "9" * 400},
        {"q": "<script>"},
        {"q": "и в на"},
        {"q": "город", "municipality": LONG},
    ):
        get(client, search_url(archive, **params))
    # A query is repeated escaped (in the form's value and the page's title).
    response, soup = get(client, search_url(archive, q="<script>город"))
    assert "<script>город".encode() not in response.content
    assert soup.select_one("#periodicals-search-query")["value"] == "<script>город"
    _response, soup = get(client, search_url(archive, q=LONG))
    assert russian("The search query was too long; only its beginning was searched.") in notices(
        soup
    )
    _response, soup = get(client, search_url(archive, q="и в на"))
    assert russian(
        "«%(value)s» has no words to search for; type a word of the text.", value="и в на"
    ) in notices(soup)


def test_repeated_parameters_take_the_first(client, archive):
    url = search_url(archive) + f"?q=город&title={archive['modern'].pk}&title={archive['old'].pk}"
    _response, soup = get(client, url)
    assert len(hits(soup)) == 1
    assert any("«" in notice for notice in notices(soup))


def test_only_get_and_head(client, archive):
    assert client.post(search_url(archive, q="город")).status_code == 405
    assert client.head(search_url(archive, q="город")).status_code == 200


def test_the_search_without_words_shows_the_form_only(client, archive):
    _response, soup = get(client, search_url(archive))
    assert soup.select_one("form.periodicals-search")
    assert not soup.select(".periodicals-results")
    assert not notices(soup)


# --- Bounded ---------------------------------------------------------------------------------


def test_the_search_reads_a_fixed_number_of_queries(client, archive, django_assert_max_num_queries):
    client.get(search_url(archive, q="город"))  # warm the site's caches
    with django_assert_max_num_queries(12):
        response = client.get(search_url(archive, q="город"))
    assert response.status_code == 200
    for number in range(30):
        issue = IssuePageFactory(
            parent=archive["modern"], date=datetime.date(1962, 1, 1) + datetime.timedelta(number)
        )
        for page in range(1, 4):
            scan(issue, page, ["Город растёт."])
    with django_assert_max_num_queries(12):
        response = client.get(search_url(archive, q="город", **{"from": 1912}))
    assert response.status_code == 200
    assert len(hits(BeautifulSoup(response.content, "html.parser"))) == 50


def test_a_get_writes_nothing(client, archive, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(search_url(archive, q="город", title="x"))
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
