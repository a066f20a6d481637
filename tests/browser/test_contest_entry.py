"""A librarian enters a contest with two files, reads the receipt and watches the private page
turn «ready for judging» while a real Celery worker processes the files over Redis — in
chromium, with axe-core on each page."""

import pytest

from contests.models import Entry
from tests.factories import LibraryFactory, MunicipalityFactory
from tests.factories import files as sample

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_librarian_submits_and_sees_the_entry_become_ready(
    page, contest, settings, tmp_path, redis_url, use_broker, start_worker, axe_check
):
    contest.max_file_mb = contest.max_entry_mb = 5
    contest.save()
    municipality = MunicipalityFactory(name="Мариинск")
    LibraryFactory(full_name="Мариинская центральная библиотека", municipality=municipality)
    app = use_broker(redis_url)
    worker = start_worker(
        app, redis_url, env={"PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT)}
    )
    pdf, pptx = tmp_path / "проект.pdf", tmp_path / "слайды.pptx"
    pdf.write_bytes(sample.pdf(pages=2))
    pptx.write_bytes(sample.pptx())

    page.goto(contest.url)
    page.get_by_role("link", name="Подать работу").first.click()
    page.wait_for_url("**/submit/")
    axe_check(page)
    page.get_by_label("Библиотечный проект").check()
    page.fill("#id_title", "Квест «Литературный Мариинск»")
    page.fill("#id_description", "Городской квест по местам, связанным с писателями.")
    page.fill("#id_last_name", "Соколова")
    page.fill("#id_first_name", "Дарья")
    page.fill("#id_birth_date", "12.04.1999")
    page.fill("#id_email", "sokolova@example.ru")
    page.select_option("#id_library", label="Мариинская центральная библиотека")
    page.select_option("#id_municipality", label="Мариинск")
    page.set_input_files("#id_files", [str(pdf), str(pptx)])
    page.check("#id_consent")
    page.get_by_role("button", name="Отправить работу").click()

    page.wait_for_url("**/entry/**")
    receipt = page.locator("main").inner_text()
    assert "КНИГИНЯ-2026/001" in receipt and "Спасибо" in receipt
    assert "проект.pdf" in receipt and "слайды.pptx" in receipt
    axe_check(page)

    # The status link from the e-mail, opened later: it follows processing by itself.
    entry = Entry.objects.get()
    page.goto(contest.url + f"entry/{entry.token}/")
    status = page.locator(".entry-status")
    status.filter(has_text="готова к оценке").wait_for(timeout=60_000)
    assert page.locator(".entry-status-hint").is_hidden()
    axe_check(page)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.READY, worker.output()
    assert "kuzbib.contests.process_entry" in worker.output()  # the worker did it, not the test


PHONE = {"width": 390, "height": 844}


def no_horizontal_scroll(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a 390 px phone"


def phone(browser, live_server, javascript=True):
    context = browser.new_context(
        base_url=live_server.url,
        locale="ru-RU",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=javascript,
    )
    context.set_default_timeout(30_000)
    return context


def test_on_a_phone_a_librarian_enters_and_withdraws_without_javascript(
    browser, live_server, contest, tmp_path, axe_check
):
    """The public flow on a 390 px phone: the form (a typed date of birth, a mistake that names
    the file to attach again), the entry's page and the question before withdrawing, each
    axe-clean and no wider than the screen; then, with JavaScript off, withdrawing the entry
    after the second page asks."""
    municipality = MunicipalityFactory(name="Мариинск")
    LibraryFactory(full_name="Мариинская центральная библиотека", municipality=municipality)
    pdf = tmp_path / "проект.pdf"
    pdf.write_bytes(sample.pdf())
    context = phone(browser, live_server)
    page = context.new_page()
    try:
        page.goto(contest.url + "submit/")
        no_horizontal_scroll(page)
        axe_check(page)
        birth = page.locator("#id_birth_date")
        assert birth.get_attribute("type") == "text"
        assert birth.get_attribute("inputmode") == "numeric"
        assert birth.bounding_box()["height"] >= 44
        page.get_by_label("Библиотечный проект").check()
        page.fill("#id_title", "Квест «Литературный Мариинск»")
        page.fill("#id_last_name", "Соколова")
        page.fill("#id_first_name", "Дарья")
        page.fill("#id_birth_date", "31.02.1999")  # no such day
        page.fill("#id_email", "sokolova@example.ru")
        page.select_option("#id_library", label="Мариинская центральная библиотека")
        page.select_option("#id_municipality", label="Мариинск")
        page.set_input_files("#id_files", str(pdf))
        page.check("#id_consent")
        page.get_by_role("button", name="Отправить работу").click()

        page.locator("#attach-again").wait_for()
        assert "31.02.1999" in page.locator("#id_birth_date_error").inner_text()
        assert page.locator("#attach-again li").all_inner_texts() == ["проект.pdf"]
        assert "проект.pdf" in page.locator("#id_files-again").inner_text()
        no_horizontal_scroll(page)
        axe_check(page)
        page.fill("#id_birth_date", "12.04.1999")
        page.set_input_files("#id_files", str(pdf))
        page.get_by_role("button", name="Отправить работу").click()

        page.wait_for_url("**/entry/**")
        no_horizontal_scroll(page)
        axe_check(page)
        entry = Entry.objects.get()
        assert entry.birth_date.isoformat() == "1999-04-12"
        page.goto(contest.url + f"entry/{entry.token}/withdraw/")
        no_horizontal_scroll(page)
        axe_check(page)
        entry.refresh_from_db()
        assert entry.status != Entry.Status.WITHDRAWN  # asking changes nothing
    finally:
        context.close()

    context = phone(browser, live_server, javascript=False)
    page = context.new_page()
    try:
        page.goto(contest.url + f"entry/{entry.token}/")
        withdraw = page.locator(f"a[href$='/entry/{entry.token}/withdraw/']")
        assert "button--quiet" in withdraw.get_attribute("class")
        withdraw.click()
        page.wait_for_url("**/withdraw/")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**?withdrawn=1")
        entry.refresh_from_db()
        assert entry.status == Entry.Status.WITHDRAWN
        assert page.locator("main .notice--info").count() == 1
        no_horizontal_scroll(page)
    finally:
        context.close()
