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
    page.fill("#id_birth_date", "1999-04-12")
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
