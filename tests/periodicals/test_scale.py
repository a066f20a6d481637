"""The issue's scale: a title with 1,000 issues of 8 pages each (three years of a daily paper).
Its page, a year's calendar, an issue's page and the search answer in a bounded number of
queries, the same as with a handful of issues, and show a page of results, never everything.

The archive is built once for the module, in a transaction rolled back at its end: the issues
saved one by one with their tree paths written out (Wagtail pages cannot be bulk-created: they
are multi-table models), their 8,000 scanned pages with ``bulk_create``."""

import contextlib
import datetime
import time

import pytest
from bs4 import BeautifulSoup
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.models import Page, Site
from wagtail.signal_handlers import disable_reference_index_auto_update

from periodicals import text
from periodicals.conf import setting
from periodicals.models import IssuePage, Scan
from tests.conftest import ensure_wagtail_root
from tests.factories import HomePageFactory
from tests.factories.base import LibraryFactory
from tests.factories.periodicals import (
    HeldIssueFactory,
    HoldingFactory,
    IssuePageFactory,
    PeriodicalsIndexPageFactory,
    TitlePageFactory,
)

ISSUES = 1000
PAGES = 8
FIRST_DAY = datetime.date(1957, 1, 1)
#: Most queries of each page, with 1,000 issues as with a few (the small tests' budgets; the
#: calendar reads the union catalogue's four besides).
BUDGET = 14
CALENDAR_BUDGET = 16
#: The words of the pages: every page says «уголь»; every tenth issue's first page «городѣ».
COMMON = "Шахтёры треста добыли уголь сверх плана."
RARE = "Открытіе народной библіотеки въ городѣ."


@contextlib.contextmanager
def quiet_tree():
    """Issues added without Wagtail's search and reference indexes updated page by page (as the
    heroes importer's ``deferred_indexing``); added as drafts, so the lemma index skips them."""
    connected = post_save.disconnect(post_save_signal_handler, sender=IssuePage)
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        if connected:
            post_save.connect(post_save_signal_handler, sender=IssuePage)


@pytest.fixture(scope="module")
def big_title(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        started = time.monotonic()
        root = ensure_wagtail_root()
        home = HomePageFactory(parent=root, title="Кузбасские библиотеки", slug="kuzbib")
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "localhost", "port": 80, "root_page": home},
        )
        Site.clear_site_root_paths_cache()
        index = PeriodicalsIndexPageFactory(parent=home)
        title = TitlePageFactory(
            parent=index, title="Кузбасс", slug="kuzbass", first_year=1957, last_year=1959
        )
        with quiet_tree():
            depth = title.depth + 1
            for number in range(ISSUES):
                date = FIRST_DAY + datetime.timedelta(days=number)
                # The tree's path written here rather than found by ``add_child`` (a query per
                # issue for the last sibling); drafts, so the lemma index skips them.
                IssuePage(
                    title=f"№ {number + 1}, {date:%d.%m.%Y}",
                    slug=f"{date:%Y-%m-%d}",
                    date=date,
                    number=str(number + 1),
                    live=False,
                    path=IssuePage._get_path(title.path, depth, number + 1),
                    depth=depth,
                    numchild=0,
                    locale_id=title.locale_id,
                ).save(clean=False)
        Page.objects.filter(pk=title.pk).update(numchild=ISSUES)
        # Published at once: the site's indexes of the issues' own pages are not what is measured.
        Page.objects.child_of(title).update(live=True)
        common = text.page_lemmas(COMMON)
        rare = text.page_lemmas(f"{COMMON}\n{RARE}")
        issues = list(IssuePage.objects.child_of(title).order_by("date").values_list("pk", "date"))
        Scan.objects.bulk_create(
            Scan(
                issue_id=pk,
                number=page,
                status=Scan.Status.DONE,
                text=f"{COMMON}\n{RARE}" if page == 1 and position % 10 == 0 else COMMON,
                lemmas=rare if page == 1 and position % 10 == 0 else common,
            )
            for position, (pk, _date) in enumerate(issues)
            for page in range(1, PAGES + 1)
        )
        # A title of one issue, to compare the issue's page with.
        small = TitlePageFactory(parent=index, title="Маленькая", slug="small", first_year=1957)
        single = IssuePageFactory(parent=small, date=FIRST_DAY, number="1", slug="n1")
        Scan.objects.bulk_create(
            Scan(issue=single, number=page, status=Scan.Status.DONE, text=COMMON, lemmas=common)
            for page in range(1, PAGES + 1)
        )
        library = LibraryFactory(full_name="Областная научная библиотека")
        HeldIssueFactory(holding=HoldingFactory(title=title, library=library), year=1958)
        HeldIssueFactory(holding=HoldingFactory(title=small, library=library), year=1957)
        built = time.monotonic() - started
        yield {"title": title, "index": index, "issues": issues, "single": single, "seconds": built}
        transaction.set_rollback(True)


@pytest.fixture
def world(big_title, db):
    Site.clear_site_root_paths_cache()
    return big_title


def test_the_archive_is_whole(world):
    title = world["title"]
    assert Scan.objects.filter(issue__in=[pk for pk, _date in world["issues"]]).count() == 8000
    assert IssuePage.objects.child_of(title).live().count() == ISSUES
    last = IssuePage.objects.child_of(title).order_by("-date").first()
    assert last.url == f"{title.url}{last.slug}/"


def bounded(client, url, django_assert_max_num_queries, budget=BUDGET):
    client.get(url)  # the site's own caches warmed, as after the first visitor
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def test_the_title_page(client, world, django_assert_max_num_queries):
    soup = bounded(client, world["title"].url, django_assert_max_num_queries)
    assert len(soup.select(".periodicals-latest__list a")) == setting("PER_PAGE")
    assert len(soup.select(".periodicals-years__list a")) == 3


def test_a_years_calendar(client, world, django_assert_max_num_queries):
    title = world["title"]
    soup = bounded(client, title.url + "1958/", django_assert_max_num_queries, CALENDAR_BUDGET)
    assert len(soup.select("td.day--digitised")) == 365


def queries_of(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_an_issues_page(client, world):
    """The issue's page (the reader's) reads as much in a title of 1,000 issues as in a title of
    one."""
    issue = IssuePage.objects.get(pk=world["issues"][100][0])  # 1957, held like the other
    assert queries_of(client, issue.url) <= queries_of(client, world["single"].url)


def test_the_search(client, world, django_assert_max_num_queries):
    base = world["index"].url + "poisk/"
    soup = bounded(client, base + "?q=город", django_assert_max_num_queries)
    assert len(soup.select(".periodicals-hit")) == 50
    assert "100" in soup.select_one(".periodicals-results__count").get_text()
    # Every page says «уголь»: 8,000 hits, still one page of them.
    big = world["title"].pk
    soup = bounded(client, base + f"?q=уголь&title={big}&page=77", django_assert_max_num_queries)
    assert len(soup.select(".periodicals-hit")) == 50
    assert "8000" in soup.select_one(".periodicals-results__count").get_text().replace(" ", "")
    bars = soup.select(".periodicals-histogram__chart a")
    assert len(bars) == 3
