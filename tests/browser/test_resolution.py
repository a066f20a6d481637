"""A visitor follows the VIII resolution's implementation in chromium: filters the tracker by
status, kind and assignee, and reaches a section's assignments."""

import pytest

pytestmark = pytest.mark.browser


def test_visitor_filters_the_resolution_tracker(page, conference_tree, axe_check):
    page.goto("/events/viii/")
    page.get_by_role("link", name="Резолюция").click()
    page.wait_for_url("**/events/viii/resolution/")
    assert page.locator(".resolution-item").count() == 4
    axe_check(page)

    page.select_option("#f-status", "done")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**status=done**")
    items = page.locator(".resolution-item")
    assert items.count() == 1
    assert items.first.locator(".item-number").inner_text() == "4.1."

    page.select_option("#f-status", "")
    page.select_option("#f-kind", "recommended")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**kind=recommended**")
    assert page.locator(".resolution-item").count() == 1
    assert "«Молодые профессионалы»" in page.locator(".resolution-item").inner_text()

    page.select_option("#f-kind", "")
    page.select_option("#f-assignee", "Секция краеведческой работы")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**assignee=**")
    item = page.locator(".resolution-item")
    assert item.count() == 1
    item.get_by_role("link", name="Секция краеведческой работы").click()
    page.wait_for_url("**/sections/local-history/")
    assert "4.10" in page.locator(".assignments").inner_text()
    axe_check(page)
