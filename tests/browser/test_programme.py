"""The conference programme in a real browser: a visitor goes from the conference to the grid,
downloads the conference calendar, and the page is accessible on a desktop and on a phone and
prints without the site's chrome. A day with more rooms than the screen holds says that its table
scrolls sideways; on a 390 px phone the conference, its sessions and the programme do not scroll
sideways at all."""

import re
from pathlib import Path

import icalendar
import pytest

from tests.factories import SectionSessionPageFactory
from tests.site_language import in_site_language

pytestmark = pytest.mark.browser

CONFERENCE = "/events/viii/"
PROGRAMME = "/events/viii/programme/"


def url_path(page):
    return re.sub(r"^https?://[^/]+", "", page.url)


def test_visitor_opens_the_programme_and_downloads_the_calendar(conference_tree, page, axe_check):
    sessions = conference_tree["sessions"]
    page.goto(CONFERENCE)
    page.locator(f"main a[href='{PROGRAMME}']").click()

    assert url_path(page) == PROGRAMME
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("main h1").count() == 1
    grid = page.locator("main table.programme-grid")
    assert grid.count() == 1
    assert "2008" in grid.locator("caption").inner_text()
    assert grid.locator("thead th[scope=col]").all_inner_texts()[1:] == ["Ауд. 201"]
    assert grid.locator("tbody th[scope=row]").all_inner_texts() == ["13:00", "15:00"]
    links = grid.locator("td h3 a")
    assert links.all_inner_texts() == [session.title for session in sessions]
    assert [links.nth(i).get_attribute("href") for i in range(2)] == [s.url for s in sessions]
    assert conference_tree["speakers"][1].full_name in grid.locator("td").first.inner_text()
    # On a desktop the table keeps its columns; the per-cell room label is for phones.
    assert grid.locator(".programme-room-label").first.is_hidden()
    axe_check(page)

    with page.expect_download() as download_info:
        page.locator(f"main a[href='{CONFERENCE}ics/']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = icalendar.Calendar.from_ical(Path(download.path()).read_bytes())
    summaries = [str(event["summary"]) for event in calendar.walk("VEVENT")]
    assert summaries == ["VIII Ежегодная сессия", *(session.title for session in sessions)]

    # A session's cell leads to the session's page.
    links.first.click()
    assert url_path(page) == sessions[0].url
    assert page.locator("main h1").inner_text() == sessions[0].title


def test_programme_on_a_phone_is_a_list(conference_tree, page, axe_check):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(PROGRAMME)

    grid = page.locator("main table.programme-grid")
    # The column headers are kept for screen readers but take no room; each cell names its room.
    header = grid.locator("thead").bounding_box()
    assert header["width"] <= 1 and header["height"] <= 1
    label = grid.locator(".programme-room-label").first
    assert label.is_visible() and "Ауд. 201" in label.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator(".programme-scroll-hint").is_hidden()
    # Sessions stack one under the other.
    first, second = (grid.locator("td h3 a").nth(i).bounding_box() for i in range(2))
    assert second["y"] > first["y"] + first["height"]
    axe_check(page)


def test_programme_prints_without_the_site_chrome(conference_tree, page):
    page.goto(PROGRAMME)
    page.emulate_media(media="print")

    assert page.locator("header.site-header").is_hidden()
    assert page.locator("main .programme-links").is_hidden()
    assert page.locator("main .machine-links").is_hidden()
    assert page.locator("main table.programme-grid thead").is_visible()
    assert page.locator("main table.programme-grid td h3 a").count() == 2


def add_rooms(conference, count):
    for n in range(count):
        SectionSessionPageFactory(
            parent=conference, title=f"Заседание в ауд. {401 + n}", room=f"Ауд. {401 + n}"
        ).save_revision().publish()


def scrolls(region):
    return region.evaluate("element => element.scrollWidth > element.clientWidth")


def test_a_wide_day_says_that_its_table_scrolls(conference_tree, page, axe_check):
    """Nine rooms at 1366 px: the table scrolls inside its region, the page does not; the line
    above the table says so and describes the region, which the keyboard reaches and scrolls."""
    add_rooms(conference_tree["conference"], 8)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(PROGRAMME)

    region = page.locator("main .programme-wrap")
    hint = page.locator("main .programme-scroll-hint")
    assert scrolls(region)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert hint.is_visible()
    assert hint.inner_text().startswith(in_site_language("The table scrolls horizontally"))
    assert region.get_attribute("aria-describedby") == hint.get_attribute("id")
    assert region.get_attribute("role") == "region"
    # Times stay in view while the rooms scroll by.
    region.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    # Polled from here: wait_for_function's polling evaluates its predicate with eval in the
    # page, which the site's Content-Security-Policy rightly refuses.
    scroll = "() => document.querySelector('.programme-wrap').scrollLeft"
    for _ in range(50):
        if page.evaluate(scroll) > 0:
            break
        page.wait_for_timeout(100)
    assert page.evaluate(scroll) > 0
    time = page.locator("main .programme-grid tbody th").first.bounding_box()
    assert time["x"] >= region.bounding_box()["x"] - 1
    axe_check(page)


def test_the_announcement_follows_the_screen(conference_tree, page):
    """Four rooms fit across 1366 px and need no note; at 700 px they do not fit, and the
    script says so (the server's guess was for a desktop); widened again, the note goes."""
    add_rooms(conference_tree["conference"], 3)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(PROGRAMME)
    region = page.locator("main .programme-wrap")
    hint = page.locator("main .programme-scroll-hint")
    assert not scrolls(region) and hint.is_hidden()
    assert region.get_attribute("aria-describedby") is None

    page.set_viewport_size({"width": 700, "height": 900})
    hint.wait_for(state="visible")
    assert scrolls(region)
    assert region.get_attribute("aria-describedby") == hint.get_attribute("id")

    page.set_viewport_size({"width": 1366, "height": 900})
    hint.wait_for(state="hidden")
    assert region.get_attribute("aria-describedby") is None


def test_no_event_page_scrolls_sideways_on_a_phone(conference_tree, page, axe_check):
    """390 px: the conference (header, figures, programme list), a session and the programme with
    nine rooms fit the screen."""
    add_rooms(conference_tree["conference"], 8)
    page.set_viewport_size({"width": 390, "height": 844})
    for url in (CONFERENCE, conference_tree["sessions"][0].url, PROGRAMME, "/events/"):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
        axe_check(page)
