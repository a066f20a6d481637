"""The low-vision version (GOST R 52872-2019) in chromium, on every page type: the panel works with
JavaScript off (each setting changes the page, the current choice is marked, the keyboard reaches
it first); every colour scheme passes axe-core and paints only with its two colours, the family
tree and the awards timeline included; at 390 px with the largest size and the widest spacing no
page scrolls sideways and no text is smaller than body text.

The pages come from the factories (a conference, a contest, a hero with a portrait, a dynasty with
three generations). With ``KUZBIB_SCREENSHOTS=<folder>`` the scheme test saves screenshots of every
page at 1366 and 390 px there (lv-<page>-<scheme>-<width>.png).
"""

import os
import re
from pathlib import Path

import pytest
import wagtail_factories

from kuzbib_site.base.conf import setting
from kuzbib_site.base.low_vision import SETTINGS
from tests.factories import MunicipalityFactory
from tests.factories.contests import (
    ContestIndexPageFactory,
    ContestPageFactory,
    CriterionFactory,
    NominationFactory,
    StageFactory,
)
from tests.factories.dynasties import DynastyPageFactory, FestivalPageFactory
from tests.factories.heroes import HeroIndexPageFactory, HeroPageFactory

pytestmark = pytest.mark.browser

COOKIE = setting("LOW_VISION_COOKIE")
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("KUZBIB_SCREENSHOTS")
ALT_TEXT = "Здание областной библиотеки"
SCHEMES = {
    "bw": ("rgb(0, 0, 0)", "rgb(255, 255, 255)"),
    "wb": ("rgb(255, 255, 255)", "rgb(0, 0, 0)"),
    "blue": ("rgb(6, 52, 98)", "rgb(157, 209, 255)"),
    "beige": ("rgb(77, 75, 67)", "rgb(247, 243, 214)"),
}
SIZES = {"1": 24, "2": 32, "3": 40}  # the root's font size in px: 150, 200, 250 % of 16
SPACINGS = {"normal": 0, "wide": 0.08, "extra": 0.16}  # letter spacing in em


@pytest.fixture
def browser_context_args():
    return {"locale": "ru-RU", "viewport": DESKTOP}


@pytest.fixture
def site(site_tree, conference_tree, settings, tmp_path):
    """Every public page type with what makes it hard: an image with its text, a conference with
    its programme, a contest with stages and criteria, a hero with a portrait and a long name, the
    heroes' index with its timeline, a festival and a dynasty of three generations (the tree)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    home = site_tree["home"]
    about = site_tree["about"]
    about.body = [
        (
            "image",
            {
                "image": wagtail_factories.ImageFactory(title="Фото"),
                "alt_text": ALT_TEXT,
                "caption": "Областная научная библиотека, 1987 год",
                "attribution": "",
            },
        ),
        ("paragraph", "<p>Партнёрство объединяет библиотеки Кузбасса с 2001 года.</p>"),
    ]
    about.save_revision().publish()

    contests = ContestIndexPageFactory(parent=home, show_in_menus=True)
    contest = ContestPageFactory(parent=contests, title="КНИГИНЯ-2009", slug="kniginya-2009")
    NominationFactory(contest=contest, title="Библиотечный проект")
    CriterionFactory(contest=contest, name="Практическая значимость", weight=3)
    StageFactory(contest=contest, title="Приём конкурсных работ")
    contest.save_revision().publish()

    heroes = HeroIndexPageFactory(parent=home)
    hero = HeroPageFactory(
        parent=heroes,
        surname="Кузнецов-Беловский",
        given_name="Александр",
        patronymic="Константинович",
        municipality=MunicipalityFactory(name="Прокопьевск"),
        portrait=wagtail_factories.ImageFactory(title="Портрет"),
        summary="Шахтёры его участка первыми в бассейне освоили угледобывающий комбайн.",
        awards=[("hero", "12.03.1951", 1), ("hero", "04.09.1957", 2)],
    )
    HeroPageFactory(parent=heroes, awards=[("hero", "1966")])

    festival = FestivalPageFactory(parent=home)
    dynasty = DynastyPageFactory(parent=festival, family_name="Ивановы")
    return {
        "home": "/",
        "about": about.url,
        "conference": conference_tree["conference"].url,
        "contest": contest.url,
        "hero": hero.url,
        "heroes": heroes.url,
        "dynasty": dynasty.url,
    }


def url_path(page):
    return re.sub(r"^https?://[^/]+", "", page.url)


def html_classes(page):
    return (page.locator("html").get_attribute("class") or "").split()


def new_context(browser, live_server, viewport=DESKTOP, cookie=None, **options):
    context = browser.new_context(
        base_url=live_server.url, locale="ru-RU", viewport=viewport, **options
    )
    context.set_default_timeout(15_000)
    if cookie is not None:
        context.add_cookies([{"name": COOKIE, "value": cookie, "url": live_server.url}])
    return context


def shoot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        path = Path(SHOTS) / f"lv-{name}-{page.viewport_size['width']}.png"
        page.screenshot(path=str(path), full_page=True)


# Colours on the page that are neither of the scheme's: text, backgrounds, borders, and the SVG
# drawings' fills and strokes. The panel's scheme choices are drawn in their own schemes' colours
# on purpose; pictures are pictures.
FOREIGN_COLOURS = """([fg, bg]) => {
    const allowed = new Set([fg, bg]);
    const found = [];
    const skip = "[class*='lv-choice--scheme-'], img, picture, video, iframe, script, style";
    const opaque = (colour) => !/^rgba\\(.*, 0\\)$/.test(colour) && colour !== "transparent";
    const name = (el) => el.tagName.toLowerCase() + "." + (el.getAttribute("class") || "");
    const look = (el, style, where) => {
        const seen = [];
        const text = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
        if (text || el.matches("input, select, textarea, button")) {
            seen.push(["color", style.color]);
        }
        if (opaque(style.backgroundColor)) seen.push(["background", style.backgroundColor]);
        for (const side of ["Top", "Right", "Bottom", "Left"]) {
            const colour = style[`border${side}Color`];
            if (style[`border${side}Style`] !== "none"
                && parseFloat(style[`border${side}Width`]) > 0
                && opaque(colour)) seen.push([`border-${side}`, colour]);
        }
        if (el.matches("svg :is(path, rect, circle, ellipse, line, polyline, polygon, text)")) {
            for (const prop of ["fill", "stroke"]) {
                const value = style[prop];
                const opacity = parseFloat(style[prop + "Opacity"]);
                if (value !== "none" && opacity > 0 && opaque(value)) seen.push([prop, value]);
            }
        }
        for (const [prop, colour] of seen) {
            if (!allowed.has(colour)) found.push(`${name(el)}${where} ${prop}: ${colour}`);
        }
    };
    for (const el of document.querySelectorAll("body *")) {
        if (el.closest(skip) || !el.getClientRects().length) continue;
        const style = getComputedStyle(el);
        if (style.visibility === "hidden") continue;
        look(el, style, "");
        for (const pseudo of ["::before", "::after"]) {
            const ps = getComputedStyle(el, pseudo);
            if (!["none", "normal", ""].includes(ps.content) && ps.display !== "none") {
                look(el, ps, pseudo);
            }
        }
    }
    return [...new Set(found)].slice(0, 20);
}"""

# Text smaller than the body's: HTML text by its computed size; an SVG drawing's text by the size
# it is drawn at (its size in the drawing's units times the drawing's scale on the screen).
SMALL_TEXT = """() => {
    const body = parseFloat(getComputedStyle(document.body).fontSize);
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
        const el = node.parentElement;
        if (!node.textContent.trim() || !el.getClientRects().length) continue;
        if (el.closest(".visually-hidden, script, style, title, desc")) continue;
        let size = parseFloat(getComputedStyle(el).fontSize);
        if (el instanceof SVGElement) {
            const box = el.getBBox();
            if (!box.height) continue;
            size = size * el.getBoundingClientRect().height / box.height;
        }
        if (size < body - 0.5) {
            const text = node.textContent.trim().slice(0, 30);
            const where = `${el.tagName.toLowerCase()}.${el.getAttribute("class") || ""}`;
            found.push(`${where} «${text}» ${size.toFixed(1)}px < ${body}px`);
        }
    }
    return found.slice(0, 20);
}"""


def assert_only_scheme_colours(page, scheme):
    foreign = page.evaluate(FOREIGN_COLOURS, list(SCHEMES[scheme]))
    assert not foreign, f"{url_path(page)} in scheme {scheme} has other colours: {foreign}"


def assert_no_small_text(page):
    small = page.evaluate(SMALL_TEXT)
    assert not small, f"{url_path(page)} has text smaller than body text: {small}"


# The elements that reach past the right edge of the screen (the innermost ones name the cause).
TOO_WIDE = """(width) => [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 0.5)
    .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > width + 0.5))
    .slice(0, 10)
    .map((el) => `${el.tagName.toLowerCase()}.${el.getAttribute("class") || ""} `
        + `«${(el.textContent || "").trim().slice(0, 30)}» `
        + `to ${el.getBoundingClientRect().right}`)"""


def assert_fits(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    wide = page.evaluate(TOO_WIDE, PHONE["width"])
    assert width <= PHONE["width"], f"{url_path(page)} is {width} px wide at 390 px: {wide}"


# --- The panel without JavaScript -------------------------------------------------------------


def panel_choice(page, name, value):
    return page.locator(f".lv-panel a.lv-choice[href*='{name}={value}&']")


def test_the_panel_works_without_javascript(site, browser, live_server):
    context = new_context(browser, live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site["about"])
        assert page.locator(".lv-panel").count() == 0
        assert "low-vision" not in html_classes(page)

        page.locator("header a[href^='/low-vision/?mode=on']").click()

        # On, with the defaults: 150 %, black on white, normal spacing, images replaced by their
        # text; the panel states them.
        assert url_path(page) == site["about"]
        assert html_classes(page) == [
            "low-vision",
            "lv-size-1",
            "lv-scheme-bw",
            "lv-spacing-normal",
            "lv-images-off",
        ]
        current = page.locator(".lv-panel a[aria-current='true']")
        assert [current.nth(i).get_attribute("href") for i in range(current.count())] == [
            panel_choice(page, item.name, item.default).get_attribute("href") for item in SETTINGS
        ]
        assert page.locator("main img").count() == 0
        assert ALT_TEXT in page.locator("main figure .image-alt").inner_text()

        # The keyboard reaches the panel right after the skip link.
        page.keyboard.press("Tab")
        assert page.locator("a.skip-link:focus").count() == 1
        page.keyboard.press("Tab")
        assert page.locator(".lv-panel a.lv-choice:focus").get_attribute("href") == (
            panel_choice(page, "size", "1").get_attribute("href")
        )

        for size, pixels in SIZES.items():
            panel_choice(page, "size", size).click()
            assert url_path(page) == site["about"]
            assert f"lv-size-{size}" in html_classes(page)
            assert panel_choice(page, "size", size).get_attribute("aria-current") == "true"
            root = page.locator("html").evaluate("html => getComputedStyle(html).fontSize")
            assert root == f"{pixels}px"

        for scheme, (fg, bg) in SCHEMES.items():
            panel_choice(page, "scheme", scheme).click()
            assert f"lv-scheme-{scheme}" in html_classes(page)
            assert panel_choice(page, "scheme", scheme).get_attribute("aria-current") == "true"
            text = page.locator("main p").last
            assert text.evaluate("p => getComputedStyle(p).color") == fg
            assert page.locator("body").evaluate("b => getComputedStyle(b).backgroundColor") == bg

        for spacing, em in SPACINGS.items():
            panel_choice(page, "spacing", spacing).click()
            assert f"lv-spacing-{spacing}" in html_classes(page)
            text = page.locator("main p").last
            letters = text.evaluate("p => getComputedStyle(p).letterSpacing")
            size = text.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
            assert (0 if letters == "normal" else float(letters.removesuffix("px"))) == (
                pytest.approx(em * size, abs=0.1)
            )

        panel_choice(page, "images", "on").click()
        assert "lv-images-on" in html_classes(page)
        assert page.locator(f"main figure img[alt='{ALT_TEXT}']").is_visible()
        assert page.locator("main .image-alt").count() == 0
        panel_choice(page, "images", "off").click()
        assert page.locator("main img").count() == 0
        assert page.locator("main .image-alt").is_visible()

        # The settings hold on every other page.
        page.goto(site["contest"])
        assert html_classes(page) == [
            "low-vision",
            "lv-size-3",
            "lv-scheme-beige",
            "lv-spacing-extra",
            "lv-images-off",
        ]

        page.locator(".lv-panel__off a").click()

        assert url_path(page) == site["contest"]
        assert "low-vision" not in html_classes(page)
        assert page.locator(".lv-panel").count() == 0
        assert COOKIE not in {cookie["name"] for cookie in context.cookies()}
    finally:
        context.close()


# --- Every scheme on every page type ----------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_scheme_on_every_page_type(site, browser, live_server, axe_check, scheme):
    """axe-core finds nothing serious, and only the scheme's two colours paint the page (the
    tree and the timeline too), with images on and off."""
    for images, viewports in (("on", (DESKTOP, PHONE)), ("off", (DESKTOP,))):
        for viewport in viewports:
            cookie = f"1.scheme-{scheme}.images-{images}"
            context = new_context(browser, live_server, viewport=viewport, cookie=cookie)
            try:
                page = context.new_page()
                for name in ("home", "about", "conference", "contest", "hero", "heroes", "dynasty"):
                    page.goto(site[name])
                    assert f"lv-scheme-{scheme}" in html_classes(page)
                    assert_only_scheme_colours(page, scheme)
                    if images == "on":
                        shoot(page, f"{name}-{scheme}")
                        if viewport == DESKTOP:
                            axe_check(page)
            finally:
                context.close()


# --- The largest size on a phone --------------------------------------------------------------


@pytest.mark.parametrize("images", ["on", "off"])
def test_largest_size_and_widest_spacing_fit_a_phone(site, browser, live_server, images):
    context = new_context(
        browser, live_server, viewport=PHONE, cookie=f"1.size-3.spacing-extra.images-{images}"
    )
    try:
        page = context.new_page()
        for name in ("home", "about", "conference", "contest", "hero", "heroes", "dynasty"):
            page.goto(site[name])
            assert "lv-size-3" in html_classes(page)
            assert_fits(page)
            assert_no_small_text(page)
            shoot(page, f"{name}-largest-images-{images}")
    finally:
        context.close()


def test_no_text_smaller_than_body_text_at_any_size(site, browser, live_server):
    context = new_context(browser, live_server, viewport=DESKTOP)
    try:
        page = context.new_page()
        for size in SIZES:
            context.add_cookies(
                [{"name": COOKIE, "value": f"1.size-{size}.images-on", "url": live_server.url}]
            )
            for name in ("home", "about", "conference", "contest", "hero", "heroes", "dynasty"):
                page.goto(site[name])
                assert f"lv-size-{size}" in html_classes(page)
                assert_no_small_text(page)
                shoot(page, f"{name}-size-{size}")
    finally:
        context.close()
