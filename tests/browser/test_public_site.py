"""The public site in a real browser: the main page types load, show their content and pass
axe-core; the low-vision version works without JavaScript; the 404 page is Russian and
accessible.

UI strings come from the translation catalogue, so the tests select by role, href and CSS and
check the language through ``html[lang]``; the Russian text they assert is content that the
fixtures create.
"""

import datetime
import re

import pytest
import wagtail_factories

from kuzbib_site.base.conf import setting
from tests.factories import LibraryFactory, MunicipalityFactory

pytestmark = pytest.mark.browser

LOW_VISION_ON = 'header a[href^="/low-vision/?mode=on"]'
LOW_VISION_OFF = 'header a[href^="/low-vision/?mode=off"]'
ALT_TEXT = "Здание библиотеки"


def url_path(page):
    return re.sub(r"^https?://[^/]+", "", page.url)


def assert_common_layout(page):
    """What every public page has: Russian, a skip link to <main>, one h1, the main menu."""
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("a.skip-link").get_attribute("href") == "#main"
    assert page.locator("main#main").count() == 1
    assert page.locator("h1").count() == 1
    assert page.locator("nav.main-menu a").count() >= 1


# --- Page types -----------------------------------------------------------------------------


def test_home_page(site_tree, page, axe_check):
    response = page.goto("/")

    assert response.status == 200
    assert_common_layout(page)
    # The home page's title is the site's name alone, with no «… — Кузбасские библиотеки».
    assert page.title() == "Кузбасские библиотеки"
    assert page.locator("main h1").inner_text() == "Кузбасские библиотеки"
    assert "Партнёрство библиотек Кемеровской области." in page.locator("main .lead").inner_text()
    # The top-level sections in the menu are in the main menu (and the footer).
    menu = page.locator("nav.main-menu a")
    assert [menu.nth(i).get_attribute("href") for i in range(menu.count())] == [
        "/about/",
        "/libraries/",
    ]
    assert page.locator("nav.main-menu a[aria-current]").count() == 0
    # Nothing to show yet (no events, contests, sections or archives): no empty headings.
    assert page.locator("main section h2").count() == 0
    # The home page has no breadcrumbs: it is the first crumb of every other page.
    assert page.locator("nav.breadcrumbs").count() == 0
    axe_check(page)


def test_standard_page(site_tree, page, axe_check):
    response = page.goto("/about/")

    assert response.status == 200
    assert_common_layout(page)
    assert page.title().startswith("О партнёрстве")
    assert page.locator("main article h1").inner_text() == "О партнёрстве"
    assert page.locator("main .lead").inner_text() == (
        "Партнёрство объединяет библиотеки шахтёрского края."
    )
    assert page.locator("nav.main-menu a[href='/about/']").get_attribute("aria-current") == "page"
    crumbs = page.locator("nav.breadcrumbs li")
    assert crumbs.count() == 2
    assert crumbs.first.locator("a").get_attribute("href") == "/"
    assert crumbs.last.get_attribute("aria-current") == "page"
    assert crumbs.last.inner_text() == "О партнёрстве"
    axe_check(page)


def test_library_directory(site_tree, page, axe_check):
    kemerovo = MunicipalityFactory(name="Кемеровский городской округ")
    tashtagol = MunicipalityFactory(name="Таштагольский муниципальный район")
    LibraryFactory(
        full_name="Центральная городская библиотека им. Н. В. Гоголя",
        short_name="ЦГБ им. Гоголя",
        municipality=kemerovo,
        member_since=datetime.date(2005, 3, 1),
        website="https://gogol.example.ru/",
    )
    LibraryFactory(
        full_name="Детская библиотека «Радуга»",
        short_name="",
        municipality=kemerovo,
        member_since=datetime.date(2010, 9, 15),
    )
    LibraryFactory(
        full_name="Таштагольская районная библиотека",
        short_name="ТРБ",
        municipality=tashtagol,
        member_since=datetime.date(2012, 1, 20),
    )
    # Not members today: one left the partnership, one joins next year.
    LibraryFactory(
        full_name="Бывшая библиотека-участница",
        municipality=tashtagol,
        member_since=datetime.date(2006, 1, 1),
        left_on=datetime.date(2015, 12, 31),
    )
    LibraryFactory(
        full_name="Будущая библиотека-участница",
        municipality=kemerovo,
        member_since=datetime.date.today() + datetime.timedelta(days=400),
    )

    response = page.goto("/libraries/")

    assert response.status == 200
    assert_common_layout(page)
    assert page.title().startswith("Библиотеки")
    assert page.locator("main h1").inner_text() == "Библиотеки"
    assert re.search(r"\b3\b.*\b2\b", page.locator("main .summary").inner_text())

    sections = page.locator("main section.municipality")
    assert sections.count() == 2
    # Grouped by municipality in alphabetical order, libraries alphabetical inside.
    assert sections.nth(0).locator("h2").inner_text() == "Кемеровский городской округ (2)"
    assert sections.nth(1).locator("h2").inner_text() == "Таштагольский муниципальный район (1)"
    kemerovo_libraries = sections.nth(0).locator("li.library strong")
    assert kemerovo_libraries.all_inner_texts() == [
        "Детская библиотека «Радуга»",
        "Центральная городская библиотека им. Н. В. Гоголя",
    ]
    assert sections.nth(1).locator("li.library strong").all_inner_texts() == [
        "Таштагольская районная библиотека"
    ]
    main_text = page.locator("main").inner_text()
    assert "(ЦГБ им. Гоголя)" in main_text
    assert "1 марта 2005" in main_text  # «Member since» in Russian date format
    assert "Бывшая библиотека-участница" not in main_text
    assert "Будущая библиотека-участница" not in main_text
    assert page.locator("main a[href='https://gogol.example.ru/']").count() == 1

    # The table of contents links to each municipality's heading.
    toc = page.locator("main nav.toc a")
    assert toc.count() == 2
    for i in range(2):
        target = toc.nth(i).get_attribute("href")
        assert page.locator(f"main section h2{target}").count() == 1
    axe_check(page)


def test_search_results(site_tree, page, axe_check):
    response = page.goto("/search/?q=партнёрство")

    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("main h1").count() == 1
    assert page.locator("meta[name=robots]").get_attribute("content") == "noindex"
    assert page.locator("main input#search-query").input_value() == "партнёрство"
    results = page.locator("main ol.search-results > li")
    hrefs = [results.nth(i).locator("h2 a").get_attribute("href") for i in range(results.count())]
    assert "/about/" in hrefs
    assert "/libraries/" not in hrefs
    about = results.nth(hrefs.index("/about/"))
    assert about.locator("h2").inner_text() == "О партнёрстве"
    # The matched word is highlighted in the title and in the excerpt.
    assert about.locator("h2 mark").inner_text() == "партнёрстве"
    assert about.locator("p mark").first.inner_text() == "Партнёрство"
    assert re.search(rf"\b{len(hrefs)}\b", page.locator("main [role=status]").inner_text())
    axe_check(page)


def test_search_without_results(site_tree, page, axe_check):
    response = page.goto("/search/?q=зюзябрикология")

    assert response.status == 200
    assert page.locator("main h1").count() == 1
    assert page.locator("main ol.search-results").count() == 0
    status = page.locator("main [role=status]")
    assert status.count() == 1
    assert "зюзябрикология" in status.inner_text()
    axe_check(page)


def test_skip_link_is_first_stop_for_keyboard(site_tree, page):
    page.goto("/about/")
    skip = page.locator("a.skip-link")
    assert skip.bounding_box()["x"] < 0  # off screen until focused

    page.keyboard.press("Tab")

    assert skip.evaluate("link => link === document.activeElement")
    box = skip.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0  # shown to sighted keyboard users
    page.keyboard.press("Enter")
    assert page.url.endswith("/about/#main")
    assert page.evaluate("document.activeElement.id") == "main"


# --- Low-vision version ---------------------------------------------------------------------


@pytest.fixture
def about_with_image(site_tree, settings, tmp_path):
    """«О партнёрстве» with an image block; images go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    image = wagtail_factories.ImageFactory(title="Фото 1987 года")
    about = site_tree["about"]
    about.body = [
        ("image", {"image": image, "alt_text": ALT_TEXT, "caption": "", "attribution": ""})
    ]
    about.save_revision().publish()
    return about


def cookie_value(context):
    name = setting("LOW_VISION_COOKIE")
    return {cookie["name"]: cookie["value"] for cookie in context.cookies()}.get(name)


def test_low_vision_without_javascript(
    about_with_image, browser, browser_context_args, live_server, axe_check
):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, **browser_context_args
    )
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.goto("/about/")
        # The standard version shows the image with its alternative text.
        assert "low-vision" not in (page.locator("html").get_attribute("class") or "")
        assert page.locator(f"main figure img[alt='{ALT_TEXT}']").count() == 1
        assert page.locator("main .image-alt").count() == 0

        page.locator(LOW_VISION_ON).click()

        assert url_path(page) == "/about/"
        assert "low-vision" in page.locator("html").get_attribute("class").split()
        assert page.locator("main img").count() == 0
        assert ALT_TEXT in page.locator("main figure .image-alt").inner_text()
        assert page.locator(LOW_VISION_ON).count() == 0
        assert page.locator(LOW_VISION_OFF).count() == 1
        assert cookie_value(context) == "1"

        # The choice is a cookie, so it holds on every other page.
        page.goto("/libraries/")
        assert "low-vision" in page.locator("html").get_attribute("class").split()
        assert page.locator(LOW_VISION_OFF).get_attribute("href").endswith("next=/libraries/")
        low_vision_cookies = context.cookies()

        page.locator(LOW_VISION_OFF).click()

        assert url_path(page) == "/libraries/"
        assert "low-vision" not in (page.locator("html").get_attribute("class") or "").split()
        assert page.locator(LOW_VISION_ON).count() == 1
        assert cookie_value(context) is None
        page.goto("/about/")
        assert page.locator(f"main figure img[alt='{ALT_TEXT}']").count() == 1
        assert page.locator("main .image-alt").count() == 0
    finally:
        context.close()

    # axe-core is JavaScript, so the low-vision version is checked in a second context that
    # carries the low-vision cookie over.
    context = browser.new_context(base_url=live_server.url, **browser_context_args)
    context.set_default_timeout(15_000)
    try:
        context.add_cookies(low_vision_cookies)
        page = context.new_page()
        for path in ("/about/", "/libraries/"):
            page.goto(path)
            assert "low-vision" in page.locator("html").get_attribute("class").split()
            axe_check(page)
    finally:
        context.close()


def test_low_vision_switch_stays_on_site(site_tree, page, live_server):
    """The ``next`` parameter cannot send a visitor to another site."""
    page.goto("/low-vision/?mode=on&next=https://evil.example/")

    assert page.url == f"{live_server.url}/"
    assert "low-vision" in page.locator("html").get_attribute("class").split()


# --- Errors ---------------------------------------------------------------------------------


def test_not_found_page(site_tree, page, axe_check):
    response = page.goto("/no-such-page/")

    assert response.status == 404
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("main h1").count() == 1
    assert page.locator("main a[href='/']").count() == 1
    assert page.locator("main form[role=search] input[name=q]").count() == 1
    # The site's chrome is there too, so the visitor can carry on from the menu.
    assert page.locator("nav.main-menu a[href='/about/']").count() == 1
    axe_check(page)
