"""A title's calendar of a year (``periodicals.issue_calendar``, the title's ``<year>/``): each
day of a known issue marked digitised (a link), in print at the libraries that hold it, or
missing everywhere, in words; a table per month with its caption; years not the title's are
404; holdings edits purge the title's cached pages; a fixed number of queries."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext

from kuzbib_site.base import page_cache
from periodicals import issue_calendar
from tests.factories.base import LibraryFactory
from tests.factories.periodicals import (
    HeldIssueFactory,
    HoldingFactory,
    IssuePageFactory,
    PeriodicalsIndexPageFactory,
    ScanFactory,
    TitlePageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def title(home_page):
    index = PeriodicalsIndexPageFactory(parent=home_page)
    return TitlePageFactory(
        parent=index, title="Кузбасс", slug="kuzbass", first_year=1956, last_year=1960
    )


@pytest.fixture
def year(title):
    """1957: № 1 digitised (two pages), № 2 held by the regional library (by number), № 3 by
    nobody, № 4 on the same day as № 3 held by the city library (the whole year)."""
    regional = LibraryFactory(full_name="Областная научная библиотека", short_name="КОНБ")
    city = LibraryFactory(full_name="Городская библиотека", short_name="ГБ")
    issues = {
        "1": IssuePageFactory(
            parent=title, date=datetime.date(1957, 1, 5), number="1 (100)", slug="n1"
        ),
        "2": IssuePageFactory(
            parent=title, date=datetime.date(1957, 1, 12), number="2 (101)", slug="n2"
        ),
        "3": IssuePageFactory(parent=title, date=datetime.date(1957, 2, 2), number="3"),
    }
    ScanFactory(issue=issues["1"], number=1)
    ScanFactory(issue=issues["1"], number=2)
    HeldIssueFactory(holding=HoldingFactory(title=title, library=regional), year=1957, number="2")
    return {"regional": regional, "city": city, **issues}


def calendar_url(title, year):
    return title.url + title.reverse_subpage("calendar", kwargs={"year": year})


def get(client, url, status=200):
    with translation.override("ru"):
        response = client.get(url)
    assert response.status_code == status, url
    return BeautifulSoup(response.content, "html.parser")


def ru(msgid):
    with translation.override("ru"):
        return gettext(msgid)


def test_days_are_marked_by_state(title, year):
    found = issue_calendar.year_of(title, 1957)
    states = {
        issue.number: issue.state
        for month in found.months
        for week in month.weeks
        for day in week
        if day
        for issue in day.issues
    }
    assert states == {"1 (100)": "digitised", "2 (101)": "held", "3": "missing"}
    assert found.counts == {"digitised": 1, "held": 1, "missing": 1}
    january = found.months[0]
    days = [day for week in january.weeks for day in week if day]
    assert len(days) == 31
    assert [day.date.day for day in days if day.issues] == [5, 12]


def test_a_library_holding_the_whole_year_holds_every_issue(title, year):
    HeldIssueFactory(holding=HoldingFactory(title=title, library=year["city"]), year=1957)
    found = issue_calendar.year_of(title, 1957)
    issues = {
        issue.number: issue
        for month in found.months
        for week in month.weeks
        for day in week
        if day
        for issue in day.issues
    }
    assert issues["3"].state == "held"
    assert issues["3"].libraries == [year["city"]]
    assert issues["2 (101)"].libraries == [year["city"], year["regional"]]
    assert [(row["library"], row["numbers"]) for row in found.holdings] == [
        (year["city"], []),
        (year["regional"], ["2"]),
    ]


def test_a_typed_statement_naming_the_year_holds_its_issues(title, year):
    HoldingFactory(title=title, library=year["city"], summary="1956–1958 (неполн.)")
    found = issue_calendar.year_of(title, 1957)
    issues = {
        issue.number: issue
        for month in found.months
        for week in month.weeks
        for day in week
        if day
        for issue in day.issues
    }
    assert issues["3"].state == "held"
    assert issues["3"].libraries == [year["city"]]
    city = next(row for row in found.holdings if row["library"] == year["city"])
    assert city["numbers"] == [] and not city["certain"]


def test_the_page_is_a_table_per_month_in_words(client, title, year):
    soup = get(client, calendar_url(title, 1957))
    tables = soup.select("table.periodicals-month")
    assert len(tables) == 12
    with translation.override("ru"):
        assert tables[0].caption.get_text() == f"{gettext('January')} 1957"
    assert len(tables[0].select("thead th")) == 7
    digitised = soup.select("td.day--digitised a")
    assert [link["href"] for link in digitised] == [year["1"].url]
    assert ru("digitised") in digitised[0].get_text()
    held = soup.select_one("td.day--held").get_text()
    assert ru("in print") in held and "КОНБ" in held
    missing = soup.select_one("td.day--missing").get_text()
    assert ru("missing") in missing
    # The legend says what the marks mean, and the holdings are listed in words.
    legend = soup.select_one(".periodicals-calendar__legend").get_text()
    assert ru("digitised") in legend and ru("missing") in legend
    assert "Областная научная библиотека" in soup.get_text()


def test_neighbouring_years_within_the_title(client, title, year):
    soup = get(client, calendar_url(title, 1956))
    assert not soup.select("a[rel=prev]")
    assert soup.select_one("a[rel=next]")["href"] == calendar_url(title, 1957)
    soup = get(client, calendar_url(title, 1960))
    assert not soup.select("a[rel=next]")


@pytest.mark.parametrize("number", [0, 1, 1699, 1955, 1961, 2101, 99999, 10**20])
def test_years_not_the_titles_are_404(client, title, year, number):
    get(client, title.url + f"{number}/", status=404)


def test_an_issue_outside_the_stated_years_widens_them(client, title, year):
    IssuePageFactory(parent=title, date=datetime.date(1962, 3, 3), number="9")
    get(client, calendar_url(title, 1962))
    get(client, calendar_url(title, 1961))


def test_only_get(client, title, year):
    assert client.post(calendar_url(title, 1957)).status_code == 405


def test_bounded_queries(client, title, year, django_assert_max_num_queries):
    client.get(calendar_url(title, 1957))
    with django_assert_max_num_queries(16):
        assert client.get(calendar_url(title, 1957)).status_code == 200
    for number in range(60):
        issue = IssuePageFactory(
            parent=title,
            date=datetime.date(1957, 3, 1) + datetime.timedelta(days=number),
            number=str(10 + number),
        )
        ScanFactory(issue=issue, number=1)
        HeldIssueFactory(
            holding=HoldingFactory(title=title, library=LibraryFactory()),
            year=1957,
            number=str(10 + number),
        )
    with django_assert_max_num_queries(16):
        assert client.get(calendar_url(title, 1957)).status_code == 200


@pytest.fixture
def page_cache_on(settings):
    """The anonymous page cache turned on over local memory (as tests/base/test_page_cache.py)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.KUZBIB_BASE = {**settings.KUZBIB_BASE, "PAGE_CACHE": {"ENABLED": True}}
    cache.clear()
    yield
    cache.clear()


def test_holdings_edits_purge_the_titles_pages(
    client, title, year, page_cache_on, django_capture_on_commit_callbacks
):
    url = calendar_url(title, 1957)
    assert client.get(url)[page_cache.HEADER] == "miss"
    assert client.get(url)[page_cache.HEADER] == "hit"
    assert client.get(title.url)[page_cache.HEADER] == "miss"
    assert client.get(title.url)[page_cache.HEADER] == "hit"
    holding = HoldingFactory.build(title=title, library=year["city"])
    with django_capture_on_commit_callbacks(execute=True):
        holding.save()
    assert client.get(url)[page_cache.HEADER] == "miss"
    assert client.get(url)[page_cache.HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        HeldIssueFactory(holding=holding, year=1957, number="3")
    response = client.get(url)
    assert response[page_cache.HEADER] == "miss"
    assert client.get(title.url)[page_cache.HEADER] == "miss"
    soup = BeautifulSoup(response.content, "html.parser")
    assert "ГБ" in " ".join(cell.get_text() for cell in soup.select("td.day--held"))
    # A library renamed shows too.
    assert client.get(url)[page_cache.HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        year["city"].short_name = "ГорБ"
        year["city"].save()
    response = client.get(url)
    assert response[page_cache.HEADER] == "miss"
    assert "ГорБ" in response.content.decode()


def test_a_get_writes_nothing(client, title, year):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(calendar_url(title, 1957))
        client.get(title.url + "?page=x")
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
