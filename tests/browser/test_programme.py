"""The conference programme in a real browser: a visitor goes from the conference to the grid,
downloads the conference calendar, and the page is accessible on a desktop and on a phone and
prints without the site's chrome."""

import re
from pathlib import Path

import icalendar
import pytest

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
    page.set_viewport_size({"width": 375, "height": 700})
    page.goto(PROGRAMME)

    grid = page.locator("main table.programme-grid")
    # The column headers are kept for screen readers but take no room; each cell names its room.
    header = grid.locator("thead").bounding_box()
    assert header["width"] <= 1 and header["height"] <= 1
    label = grid.locator(".programme-room-label").first
    assert label.is_visible() and "Ауд. 201" in label.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # Sessions stack one under the other.
    first, second = (grid.locator("td h3 a").nth(i).bounding_box() for i in range(2))
    assert second["y"] > first["y"] + first["height"]
    axe_check(page)


def test_programme_prints_without_the_site_chrome(conference_tree, page):
    page.goto(PROGRAMME)
    page.emulate_media(media="print")

    assert page.locator("header.site-header").is_hidden()
    assert page.locator("main .programme-links").is_hidden()
    assert page.locator("main table.programme-grid thead").is_visible()
    assert page.locator("main table.programme-grid td h3 a").count() == 2
