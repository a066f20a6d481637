"""A visitor reads a contest's page: stages, eligibility, nominations and criteria, in chromium
with axe-core."""

import pytest

from tests.factories.contests import (
    ContestIndexPageFactory,
    ContestPageFactory,
    CriterionFactory,
    NominationFactory,
    StageFactory,
)

pytestmark = pytest.mark.browser


def test_visitor_reads_the_contest_page(page, home_page, axe_check):
    index = ContestIndexPageFactory(parent=home_page, show_in_menus=True)
    contest = ContestPageFactory(parent=index, title="КНИГИНЯ-2009", slug="knyaginya")
    NominationFactory(contest=contest, title="Библиотечный проект")
    CriterionFactory(contest=contest, name="Практическая значимость", weight=3)
    StageFactory(contest=contest, title="Приём конкурсных работ")
    contest.save_revision().publish()

    page.goto("/contests/")
    page.get_by_role("link", name="КНИГИНЯ-2009").first.click()
    page.wait_for_url("**/contests/knyaginya/")
    main = page.locator("main")
    assert "Приём конкурсных работ" in main.inner_text()
    assert "не старше 35 лет на 1 февраля 2009 г." in main.inner_text()
    row = page.get_by_role("row", name="Практическая значимость")
    # Weight, maximum score, nomination (for all of them).
    assert row.get_by_role("cell").all_inner_texts() == ["3", "10", "все"]
    axe_check(page)
    with page.expect_download() as download:
        page.locator("a[href$='/ics/']").first.click()
    assert download.value.suggested_filename.endswith(".ics")
    assert page.locator(".stage--current").count() == 0  # the contest is long over
