"""A reader of the periodicals archive, in chromium with axe-core: searches the archive for a
word, opens the page it was found on (the issue's page with ``?page=`` and ``?q=``), and
OpenSeadragon opens the page's IIIF tiles with the hit's box outlined over the word on the
image, the word marked in the text beside it; the same at 390 px. A region selected on the
image fills the clip form, and the clip's page shows the region and its citation. Without
JavaScript the still image carries the outlines."""

import re
import time

import pytest
from playwright.sync_api import expect

from periodicals import alto
from tests.factories.periodicals import PeriodicalsIndexPageFactory, TitlePageFactory
from tests.periodicals.reader_world import reader_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def issue(home_page):
    archive = PeriodicalsIndexPageFactory(parent=home_page)
    title = TitlePageFactory(parent=archive, title="Кузнецкий рабочий", slug="kr")
    return reader_issue(title)


def word_box(issue, word):
    scan = issue.scans.get(number=1)
    return next(boxes[0] for text, boxes in alto.word_boxes(alto.parse(scan.alto)) if text == word)


def overlaps(a, b):
    return not (
        a["x"] + a["width"] < b["x"]
        or b["x"] + b["width"] < a["x"]
        or a["y"] + a["height"] < b["y"]
        or b["y"] + b["height"] < a["y"]
    )


def loaded_width(page, selector):
    """The image's natural width once it has loaded (polled: the CSP refuses eval)."""
    deadline = time.monotonic() + 10
    while True:
        width = page.locator(selector).evaluate("img => img.complete ? img.naturalWidth : -1")
        if width >= 0 or time.monotonic() > deadline:
            return width
        time.sleep(0.2)


def open_with_hit(page, issue, opened=False):
    if not opened:
        page.goto(f"{issue.url}?q=шахтёров")
    hit = page.locator(".reader__hit--live")
    expect(hit).to_have_count(1)
    expect(hit).to_be_visible()
    expect(page.locator(".reader__lines mark")).to_have_text("Шахтёры")
    # OpenSeadragon places overlays as its viewport settles: poll from Python (the CSP refuses
    # wait_for_function's eval).
    deadline = time.monotonic() + 10
    while True:
        viewer = page.locator(".reader__osd").bounding_box()
        box = hit.bounding_box()
        if overlaps(box, viewer) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert box["width"] > 2 and box["height"] > 2
    assert overlaps(box, viewer), (box, viewer)
    return box


def test_the_hit_is_outlined_on_the_image(page, issue, axe_check):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.set_viewport_size({"width": 1366, "height": 900})
    # A reader searches the archive for a word and opens the page it was found on.
    archive = issue.get_parent().get_parent()
    page.goto(f"{archive.url}poisk/?q=шахтёров")
    page.locator(".periodicals-hit__title a").first.click()
    box = open_with_hit(page, issue, opened=True)
    # The outline sits where the word is: its proportions are the word's on the page.
    word = word_box(issue, "Шахтёры")
    assert abs(box["width"] / box["height"] - word.width / word.height) < 0.25
    # The still image is replaced by the zoomable one.
    expect(page.locator(".reader__still")).to_be_hidden()
    axe_check(page)
    assert not errors, errors


def test_on_a_phone(browser, live_server, issue, axe_check):
    context = browser.new_context(base_url=live_server.url, locale="ru-RU", viewport=PHONE)
    page = context.new_page()
    try:
        open_with_hit(page, issue)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page scrolls sideways: {width}px"
        axe_check(page)
    finally:
        context.close()


def test_a_selected_region_makes_a_clip(page, issue):
    page.goto(issue.url)
    viewer = page.locator(".reader__osd")
    expect(page.locator(".reader__viewer--live")).to_have_count(1)
    # Drawing needs the image open (its coordinates): on a loaded machine it opens later.
    expect(page.locator(".reader__viewer--open")).to_have_count(1)
    page.locator(".reader__select").click()
    area = viewer.bounding_box()
    x0, y0 = area["x"] + area["width"] * 0.4, area["y"] + area["height"] * 0.3
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + 60, y0 + 40, steps=5)
    page.mouse.move(x0 + 120, y0 + 80, steps=5)
    page.mouse.up()
    form = page.locator(".reader__clip-form")
    width = int(form.locator("input[name=w]").input_value())
    assert 0 < width < issue.scans.get(number=1).width
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/klip/1/\d+-\d+-\d+-\d+/$"))
    expect(page.locator(".clip img")).to_be_visible()
    assert loaded_width(page, ".clip img") > 0
    expect(page.locator(".reader__citation")).to_contain_text(
        "Кузнецкий рабочий. — 1957. — 9 мая (№ 54). — С. 1."
    )


def test_without_javascript(browser, live_server, issue):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{issue.url}?q=шахтёров")
        expect(page.locator(".reader__still img")).to_be_visible()
        assert loaded_width(page, ".reader__still img") > 0
        expect(page.locator(".reader__still .reader__hit")).to_be_visible()
        expect(page.locator(".reader__lines mark")).to_have_text("Шахтёры")
    finally:
        context.close()
