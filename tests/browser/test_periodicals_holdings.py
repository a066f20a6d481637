"""A visitor of the union catalogue of periodicals, in chromium with axe-core: opens the
catalogue from the archive, narrows it to one library with the filter form, downloads the CSV,
and reads on an issue's page where its printed copy is kept. At 1366 px and on a phone
(390 px): axe-clean, no page-wide horizontal scroll. Interface strings are compared by
structure (ids, classes, hrefs), not by their translation."""

import datetime

import pytest

from tests.factories.base import LibraryFactory, MunicipalityFactory
from tests.factories.periodicals import (
    HeldIssueFactory,
    HoldingFactory,
    IssuePageFactory,
    PeriodicalsIndexPageFactory,
    TitlePageFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def catalogue(home_page):
    index = PeriodicalsIndexPageFactory(parent=home_page)
    title = TitlePageFactory(parent=index, title="Кузбасс", slug="kuzbass", issn="0235-8867")
    issue = IssuePageFactory(parent=title, date=datetime.date(1957, 1, 2), number="1", slug="n1")
    city = MunicipalityFactory(name="Кемеровский городской округ")
    regional = LibraryFactory(
        full_name="Кемеровская областная научная библиотека им. В. Д. Фёдорова",
        short_name="КемОНБ",
        municipality=city,
    )
    central = LibraryFactory(full_name="Центральная городская библиотека", municipality=city)
    HeldIssueFactory(holding=HoldingFactory(title=title, library=regional), year=1957)
    HoldingFactory(title=title, library=central, summary="1950–1960 (неполн.); 1962–1991")
    return {"index": index, "issue": issue, "regional": regional}


def no_horizontal_scroll(page):
    width, inner = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width <= inner, (width, inner)


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1366", "390"])
def test_a_visitor_reads_the_union_catalogue(browser, live_server, catalogue, axe_check, viewport):
    context = browser.new_context(
        base_url=live_server.url, locale="ru-RU", viewport=viewport, accept_downloads=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(catalogue["index"].url)
        page.locator("a[href$='/svodnyi-katalog/']").first.click()
        page.wait_for_selector("#union-catalogue")
        assert page.locator("#union-catalogue tbody tr").count() == 2
        axe_check(page)
        no_horizontal_scroll(page)
        page.select_option("#union-library", str(catalogue["regional"].pk))
        page.locator("form.filter-bar button[type=submit]").click()
        page.wait_for_url(f"**library={catalogue['regional'].pk}**")
        rows = page.locator("#union-catalogue tbody tr")
        assert rows.count() == 1
        assert catalogue["regional"].full_name in rows.first.inner_text()
        with page.expect_download() as download:
            page.locator("a[href*='/export/csv/']").click()
        assert download.value.suggested_filename.endswith(".csv")
        page.goto(catalogue["issue"].url)
        held = page.locator(".held-in-print li")
        assert held.count() == 2
        assert held.nth(1).locator(".held-in-print__uncertain").count() == 1
        axe_check(page)
        no_horizontal_scroll(page)
    finally:
        context.close()
