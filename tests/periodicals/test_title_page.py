"""A title's page (``periodicals/title_page.html``, ``views.finding.title_context``): its years
as links to their calendars with counts, its latest issues a page at a time (never every issue
at once), a bad page number answered with a notice; and the archive's page with the search
form."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import translation
from django.utils.translation import gettext, ngettext

from tests.factories.periodicals import (
    IssuePageFactory,
    PeriodicalsIndexPageFactory,
    ScanFactory,
    TitlePageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def title(home_page, settings):
    settings.KUZBIB_PERIODICALS = {"PER_PAGE": 5}
    index = PeriodicalsIndexPageFactory(parent=home_page)
    title = TitlePageFactory(parent=index, title="Кузбасс", slug="kuzbass", first_year=1956)
    start = datetime.date(1956, 12, 25)
    for number in range(12):  # 7 issues of 1956, 5 of 1957
        issue = IssuePageFactory(parent=title, date=start + datetime.timedelta(days=number))
        if number % 3 == 0:
            ScanFactory(issue=issue, number=1)
            ScanFactory(issue=issue, number=2)
    return title


def get(client, url):
    with translation.override("ru"):
        response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def test_years_link_to_their_calendars_with_counts(client, title):
    soup = get(client, title.url)
    links = soup.select(".periodicals-years__list a")
    assert [link["href"] for link in links] == [title.url + "1956/", title.url + "1957/"]
    with translation.override("ru"):
        issues = ngettext("%(counter)s issue", "%(counter)s issues", 7) % {"counter": 7}
        digitised = ngettext("%(counter)s digitised", "%(counter)s digitised", 3) % {"counter": 3}
    text = links[0].get_text()
    assert issues in text and digitised in text


def test_latest_issues_a_page_at_a_time(client, title):
    soup = get(client, title.url)
    listed = soup.select(".periodicals-latest__list a")
    assert len(listed) == 5
    latest = title.get_children().specific().order_by("-issuepage__date")
    assert [link["href"] for link in listed] == [issue.url for issue in latest[:5]]
    soup = get(client, title.url + "?page=3")
    assert len(soup.select(".periodicals-latest__list a")) == 2
    assert soup.select_one(".pagination")


@pytest.mark.parametrize("value", ["0", "abc", "-1", "9" * 50, "1\x00"])
def test_a_bad_page_number_is_a_notice(client, title, value):
    soup = get(client, title.url + "?page=" + value)
    assert soup.select(".notice li")
    assert len(soup.select(".periodicals-latest__list a")) == 5


def test_a_page_past_the_last_shows_the_last(client, title):
    soup = get(client, title.url + "?page=40")
    with translation.override("ru"):
        notice = gettext("There is no page %(number)s; the last page is shown.") % {"number": 40}
    assert notice in [item.get_text() for item in soup.select(".notice li")]
    assert len(soup.select(".periodicals-latest__list a")) == 2


def test_a_title_without_issues(client, home_page):
    index = PeriodicalsIndexPageFactory(parent=home_page)
    title = TitlePageFactory(parent=index, slug="empty")
    soup = get(client, title.url)
    assert not soup.select(".periodicals-years__list")


def test_the_archive_page_has_the_search_form(client, title):
    index = title.get_parent().specific
    soup = get(client, index.url)
    form = soup.select_one("form.periodicals-search")
    assert form["method"] == "get"
    assert form["action"] == index.url + "poisk/"
    assert not soup.select("input[name=csrfmiddlewaretoken]")
    assert soup.select_one(".cards a")["href"] == title.url
    # The routes other parts of the app add are linked when they exist (the IIIF collection).
    links = [link["href"] for link in soup.select(".periodicals-archive-links a")]
    assert index.url + index.reverse_subpage("iiif_collection") in links
    assert index.url + index.reverse_subpage("union_catalogue") in links


def test_bounded_queries(client, title, django_assert_max_num_queries):
    client.get(title.url)
    with django_assert_max_num_queries(14):
        assert client.get(title.url).status_code == 200
    for number in range(40):
        IssuePageFactory(parent=title, date=datetime.date(1958, 1, 1) + datetime.timedelta(number))
    with django_assert_max_num_queries(14):
        assert client.get(title.url).status_code == 200
    index = title.get_parent().specific
    client.get(index.url)
    with django_assert_max_num_queries(14):
        assert client.get(index.url).status_code == 200
