"""A visitor reads a contest's page — its header (kind, dates, the stage, «Подать работу»), the
stages as a timeline, eligibility, nominations and criteria — in chromium with axe-core, on a
desktop and on a 390 px phone, where nothing scrolls sideways."""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.translation import pgettext

from contests.models import Stage
from tests.factories.contests import (
    ContestIndexPageFactory,
    ContestPageFactory,
    CriterionFactory,
    NominationFactory,
    StageFactory,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def in_russian(context, msgid):
    with translation.override("ru"):
        return pgettext(context, msgid)


def no_horizontal_scroll(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a 390 px phone"


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
    assert page.locator(".stages__item--current").count() == 0  # the contest is long over
    assert page.locator(".stages__item--past").count() == 1
    # Over: no entries taken, so no «Подать работу».
    assert page.locator("a[href$='/submit/']").count() == 0


def test_a_contest_taking_entries_on_a_phone(browser, live_server, contest, axe_check):
    now = timezone.now()
    contest.venue, contest.address, contest.city = (
        "Центральная библиотека им. Н. В. Гоголя",
        "ул. Весенняя, 19",
        "Кемерово",
    )
    contest.save_revision().publish()
    CriterionFactory(contest=contest, name="Практическая значимость для читателей библиотеки")
    StageFactory(
        contest=contest,
        kind=Stage.Kind.JUDGING,
        title="Работа жюри и подведение итогов конкурса профессионального мастерства",
        start=now + datetime.timedelta(days=11),
        end=now + datetime.timedelta(days=30),
    )
    context = browser.new_context(
        base_url=live_server.url, locale="ru-RU", viewport=PHONE, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    try:
        page.goto(contest.url)
        header = page.locator("main header.page-header")
        kind = header.locator(".page-header__kind").inner_text().strip()
        assert kind.lower() == in_russian("kind of page", "Contest").lower()
        assert header.locator(".contest-stage .badge").inner_text() == "Приём работ"
        current = page.locator(".stages__item--current")
        assert current.count() == 1 and current.get_attribute("aria-current") == "step"
        submit = header.get_by_role("link", name="Подать работу")
        box = submit.bounding_box()
        assert box["height"] >= 44 and box["x"] + box["width"] <= PHONE["width"]
        no_horizontal_scroll(page)
        axe_check(page)
        submit.click()
        page.wait_for_url("**/submit/")
        no_horizontal_scroll(page)
    finally:
        context.close()
