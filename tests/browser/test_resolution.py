"""A visitor follows the VIII resolution's implementation in chromium: filters the tracker by
status, kind and assignee, and reaches a section's assignments; on a 390 px phone the tracker and
its filters fit the screen, and each item shows its number once."""

import pytest

pytestmark = pytest.mark.browser


def test_visitor_filters_the_resolution_tracker(page, conference_tree, axe_check):
    page.goto("/events/viii/")
    page.get_by_role("link", name="Резолюция").click()
    page.wait_for_url("**/events/viii/resolution/")
    assert page.locator(".resolution-item").count() == 4
    axe_check(page)

    page.select_option("#f-status", "done")
    page.locator("form.filter-bar button[type=submit]").click()
    page.wait_for_url("**status=done**")
    items = page.locator(".resolution-item")
    assert items.count() == 1
    assert items.first.locator(".item-number").inner_text() == "4.1."

    page.select_option("#f-status", "")
    page.select_option("#f-kind", "recommended")
    page.locator("form.filter-bar button[type=submit]").click()
    page.wait_for_url("**kind=recommended**")
    assert page.locator(".resolution-item").count() == 1
    assert "«Молодые профессионалы»" in page.locator(".resolution-item").inner_text()

    page.select_option("#f-kind", "")
    page.select_option("#f-assignee", "Секция краеведческой работы")
    page.locator("form.filter-bar button[type=submit]").click()
    page.wait_for_url("**assignee=**")
    item = page.locator(".resolution-item")
    assert item.count() == 1
    item.get_by_role("link", name="Секция краеведческой работы").click()
    page.wait_for_url("**/sections/local-history/")
    assert "4.10" in page.locator(".assignments").inner_text()
    axe_check(page)


def test_the_tracker_fits_a_phone_and_numbers_items_once(page, conference_tree, axe_check):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/events/viii/resolution/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for select in page.locator("form.filter-bar select").all():
        box = select.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    # The browser draws no number of its own before the item's («4.1.», not «2. 4.1.»).
    item = page.locator(".resolution-item").nth(1)
    assert item.evaluate("element => getComputedStyle(element).listStyleType") == "none"
    assert item.locator(".item-number").inner_text() == "4.1."
    assert item.inner_text().startswith("4.1.")
    axe_check(page)

    page.select_option("#f-assignee", "Секция краеведческой работы")
    page.locator("form.filter-bar button[type=submit]").click()
    page.wait_for_url("**assignee=**")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto("/sections/methodology/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe_check(page)
