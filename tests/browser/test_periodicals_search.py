"""A visitor of the periodicals archive, in chromium with axe-core: types a modern word into the
archive's search form and finds the pre-reform page («город» finds «городѣ»), the hit marked in
its line; narrows to a year by the chart's bar; opens the result; reads a title's calendar. At
1366 px and on a phone (390 px): axe-clean, no page-wide horizontal scroll.

The archive is made here with factories. Interface strings are compared through gettext under
``translation.override("ru")`` or by structure (classes, hrefs)."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import translation
from django.utils.translation import gettext

from periodicals import text
from tests.factories.base import LibraryFactory
from tests.factories.periodicals import (
    HeldIssueFactory,
    HoldingFactory,
    IssuePageFactory,
    PeriodicalsIndexPageFactory,
    ScanFactory,
    TitlePageFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def ru(msgid):
    with translation.override("ru"):
        return gettext(msgid)


def scan(issue, number, words):
    return ScanFactory(issue=issue, number=number, text=words, lemmas=text.page_lemmas(words))


@pytest.fixture
def archive(home_page):
    index = PeriodicalsIndexPageFactory(parent=home_page)
    old = TitlePageFactory(
        parent=index,
        title="Кузнецкій край",
        slug="kuznetskii-krai",
        first_year=1912,
        last_year=1913,
        orthography="pre_reform",
    )
    modern = TitlePageFactory(parent=index, title="Кузбасс", slug="kuzbass", first_year=1957)
    issues = [
        IssuePageFactory(parent=old, date=datetime.date(1912, 3, 4), number="10", slug="n10"),
        IssuePageFactory(parent=old, date=datetime.date(1913, 5, 6), number="20", slug="n20"),
        IssuePageFactory(parent=modern, date=datetime.date(1957, 1, 2), number="1", slug="n1"),
    ]
    scan(issues[0], 1, "Открытіе народной библіотеки въ городѣ.\nПрочія извѣстія.")
    scan(issues[1], 2, "Городъ готовится къ ярмаркѣ.")
    scan(issues[2], 1, "В городе открыта новая библиотека.")
    IssuePageFactory(parent=old, date=datetime.date(1912, 3, 11), number="11", slug="n11")
    library = LibraryFactory(full_name="Областная научная библиотека", short_name="КОНБ")
    HeldIssueFactory(holding=HoldingFactory(title=old, library=library), year=1912, number="11")
    return {"index": index, "old": old, "issues": issues}


def no_horizontal_scroll(page):
    width, inner = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width <= inner, (width, inner)


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1366", "390"])
def test_a_visitor_finds_the_old_spelling_by_the_new(
    browser, live_server, archive, axe_check, viewport
):
    context = browser.new_context(base_url=live_server.url, locale="ru-RU", viewport=viewport)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(archive["index"].url)
        axe_check(page)
        form = page.locator("form.periodicals-search")
        form.locator("#periodicals-search-query").fill("город")
        form.get_by_role("button", name=ru("Find")).click()
        page.wait_for_url("**/poisk/?q=**")
        hits = page.locator(".periodicals-hit")
        assert hits.count() == 3
        first = hits.nth(0)
        assert first.locator("mark").all_inner_texts() == ["городѣ"]
        assert "Кузнецкій край" in first.locator("h3").inner_text()
        axe_check(page)
        no_horizontal_scroll(page)

        # A bar of the chart narrows the search to its year.
        bar = page.locator(".periodicals-histogram__chart a").first
        bar.click()
        page.wait_for_url("**from=1912**")
        assert parse_qs(urlsplit(page.url).query)["to"] == ["1912"]
        assert page.locator(".periodicals-hit").count() == 1
        axe_check(page)

        # The result opens its issue with the query.
        link = page.locator(".periodicals-hit__title a").first
        href = link.get_attribute("href")
        link.click()
        page.wait_for_url(f"**{urlsplit(href).path}**")
        assert urlsplit(page.url).path.startswith(archive["issues"][0].url)
        assert parse_qs(urlsplit(page.url).query)["q"] == ["город"]
        axe_check(page)
        no_horizontal_scroll(page)

        # The title's calendar of 1912: a digitised day, a day in print.
        page.goto(archive["old"].url)
        axe_check(page)
        page.locator(".periodicals-years__list a").first.click()
        page.wait_for_url("**/1912/")
        assert page.locator("table.periodicals-month").count() == 12
        digitised = page.locator("td.day--digitised a")
        assert digitised.count() == 1
        assert digitised.get_attribute("href") == archive["issues"][0].url
        # In words for screen readers (the legend explains the marks to the eye).
        assert "КОНБ" in page.locator("td.day--held .visually-hidden").text_content()
        axe_check(page)
        no_horizontal_scroll(page)
    finally:
        context.close()
