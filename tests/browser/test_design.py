"""The design system in chromium: on a 390 px phone no page type scrolls sideways and the touch
targets of the header, the menu and the forms are at least 44 px high; on a 1366 px desktop the
name and the tools share the header's row; keyboard focus is visible; the layout and the forms are
axe-clean. With ``KUZBIB_SCREENSHOTS=<folder>`` the tests save screenshots (design-*.png).

Interface strings are not compared (the catalogues are translated at the end): the tests select
by structure and class names, which are the design system's contract."""

import os
from pathlib import Path

import pytest
from wagtail.models import Page

from tests.factories.dynasties import DynastyPageFactory, FestivalPageFactory
from tests.factories.events import open_registration
from tests.factories.heroes import HeroIndexPageFactory, HeroPageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("KUZBIB_SCREENSHOTS")
TOUCH = 44


@pytest.fixture
def browser_context_args():
    return {"locale": "ru-RU", "viewport": DESKTOP}


@pytest.fixture
def public_pages(site_tree, conference_tree, contest):
    """One page of each type a visitor meets, with the menu as long as the demo's (its titles
    wrap the menu bar): name → path."""
    home = site_tree["home"]
    heroes = HeroIndexPageFactory(
        parent=home, title="Герои Социалистического Труда — кузбассовцы (1943–1987)"
    )
    for surname in ("Абрамов", "Агеев", "Белов"):
        HeroPageFactory(parent=heroes, surname=surname)
    festival = FestivalPageFactory(parent=home, title="Областной фестиваль библиотечных династий")
    dynasty = DynastyPageFactory(parent=festival, family_name="Петровы")
    for page in (heroes, festival, conference_tree["events"], contest.get_parent()):
        Page.objects.filter(pk=page.pk).update(show_in_menus=True)
    conference = open_registration(conference_tree["conference"])
    return {
        "home": "/",
        "about": "/about/",
        "conference": conference.url,
        "session": conference_tree["sessions"][0].url,
        "contest": contest.url,
        "heroes": heroes.url,
        "dynasty": dynasty.url,
        "festival": festival.url,
        "festival-form": f"{festival.url}zayavka/",
        "registration-form": f"{conference.url}register/",
        "contest-form": f"{contest.url}submit/",
        "search": "/search/?q=библиотека",
        "not-found": "/нет-такой-страницы/",
    }


def shoot(page, name):
    if SHOTS:
        width = page.viewport_size["width"]
        page.screenshot(path=str(Path(SHOTS) / f"design-{name}-{width}.png"), full_page=True)


def too_small(page, selector):
    """The elements matching ``selector`` that are shown but lower than a finger."""
    return page.eval_on_selector_all(
        selector,
        """(elements, touch) => elements
            .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
            .map(e => [e.outerHTML.slice(0, 80), e.getBoundingClientRect().height])
            .filter(([, height]) => height < touch - 0.5)""",
        TOUCH,
    )


def test_no_page_type_scrolls_sideways_on_a_phone(public_pages, page):
    page.set_viewport_size(PHONE)
    wide = {}
    for name, path in public_pages.items():
        response = page.goto(path)
        assert response.status == (404 if name == "not-found" else 200), path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[name] = width
        shoot(page, name)
    assert wide == {}, f"wider than a 390 px phone: {wide}"


def test_the_header_on_a_phone_is_usable_without_javascript(public_pages, browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="ru-RU", viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(public_pages["conference"])
        links = page.locator("nav.main-menu a")
        assert links.count() == 7  # about, libraries, events, sections, contests, heroes, festival
        # Every menu item is on the screen (the bar wraps into rows), none hidden behind a button.
        for i in range(links.count()):
            box = links.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert too_small(page, "nav.main-menu a, .site-tools a, .site-tools button") == []
        assert too_small(page, ".search-form input, .search-form button") == []
        current = page.locator("nav.main-menu a[aria-current]")
        assert current.get_attribute("href") == "/events/"
    finally:
        context.close()


def test_forms_have_touch_targets_and_styled_controls_on_a_phone(public_pages, page, axe_check):
    page.set_viewport_size(PHONE)
    page.goto(public_pages["registration-form"])
    form = page.locator("main form.form").first
    assert form.locator(".field .field__label").count() >= 3
    assert too_small(page, "main form input:not([type=hidden]):not([type=checkbox])"
                     ":not([type=radio]), main form select, main form button") == []  # fmt: skip
    assert too_small(page, "main form .field--checkbox, main form .choice") == []
    appearance = page.eval_on_selector("main form select", "s => getComputedStyle(s).appearance")
    assert appearance == "none"
    axe_check(page)

    # Sent empty: the summary takes the focus and the fields say what is wrong.
    form.locator("button[type=submit]").click()
    page.locator("#form-errors").wait_for()
    assert page.locator(".field--error .field__error").count() >= 1
    invalid = page.locator("[aria-invalid=true]").first
    for described in invalid.get_attribute("aria-describedby").split():
        assert page.locator(f"#{described}").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe_check(page)


def test_the_desktop_header_keeps_name_and_tools_on_one_row(public_pages, page, axe_check):
    page.goto(public_pages["home"])
    brand = page.locator("header a.brand").bounding_box()
    search = page.locator("header form.search-form").bounding_box()
    assert search["y"] < brand["y"] + brand["height"], "the search sits below the name"
    assert search["x"] > brand["x"] + brand["width"]
    footer = page.locator("footer.site-footer")
    assert footer.locator("nav a[href='/about/']").count() == 1
    shoot(page, "home")
    axe_check(page)


def test_keyboard_focus_is_visible(public_pages, page):
    page.goto(public_pages["about"])
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    style = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return [document.activeElement.className, s.outlineStyle, s.outlineWidth]; }"""
    )
    assert "brand" in style[0]
    assert style[1] == "solid" and float(style[2].removesuffix("px")) >= 2
    # In the menu bar the ring is the light one, visible on the accent colour.
    page.locator("nav.main-menu a").first.focus()
    colours = page.evaluate(
        """() => { const a = document.activeElement, s = getComputedStyle(a);
                   return [s.outlineColor, getComputedStyle(a.closest('nav')).backgroundColor]; }"""
    )
    assert colours[0] != colours[1]


@pytest.mark.parametrize("name", ["about", "not-found", "conference", "contest"])
def test_the_layout_is_axe_clean(public_pages, page, axe_check, name):
    page.goto(public_pages[name])
    axe_check(page)
    page.set_viewport_size(PHONE)
    page.reload()
    axe_check(page)
