"""A contest manager at work in the admin, in chromium with axe-core: finds the flagged entries
(each number on one line), opens one by its row (preview, text, flags, log), disqualifies it with
a reason, and downloads every entry of the contest as a ZIP."""

import io
import zipfile

import pytest
from django.contrib.auth.models import Permission

from contests import submission
from contests.models import Entry
from tests.factories import files as sample
from tests.factories.contests import entry_data, uploads

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Жюри-и-менеджеры-2009"


@pytest.fixture
def manager(django_user_model):
    user = django_user_model.objects.create_user("manager", password=PASSWORD)
    for app_label, codename in [
        ("wagtailadmin", "access_admin"),
        ("contests", "view_entry"),
        ("contests", "change_entry"),
    ]:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def test_manager_reviews_flags_disqualifies_and_downloads_the_zip(
    page, contest, manager, axe_check, settings
):
    contest.max_file_mb = contest.max_entry_mb = 5
    contest.save()
    text = sample.words(42, 300)
    # Autocommit and eager Celery: each entry is processed as it is submitted.
    first = submission.submit(
        contest, entry_data(contest), uploads(("проект.pdf", sample.pdf(text), "pdf"))
    )
    copy = submission.submit(
        contest,
        entry_data(contest, title="<b>Копия</b>", email="copy@example.ru"),
        uploads(("копия.pdf", sample.pdf(text), "pdf")),
    )
    submission.submit(
        contest,
        entry_data(contest, title="Своя работа"),
        uploads(("своя.docx", sample.docx([sample.words(43, 300)]), "docx")),
    )
    copy.refresh_from_db()
    assert copy.status == Entry.Status.NEEDS_ATTENTION

    page.goto("/admin/login/")
    page.locator("#id_username").fill("manager")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/")

    page.goto("/admin/snippets/contests/entry/?flags=exact_duplicate")
    rows = page.locator("main table.listing tbody tr")
    assert rows.count() == 1 and "<b>Копия</b>" in rows.first.inner_text()
    # The number keeps to one line, and clicking it opens the entry's page.
    number = rows.first.locator("td.title")
    assert number.evaluate("cell => getComputedStyle(cell).whiteSpace") == "nowrap"
    axe_check(page)
    number.get_by_role("link", name=copy.code).click()
    page.wait_for_url(f"**/admin/snippets/contests/entry/inspect/{copy.pk}/")
    main = page.locator("main")
    assert first.code in main.inner_text()  # the matching entry, for managers
    preview = page.locator("img[alt*='копия.pdf']")
    assert preview.evaluate("img => img.complete && img.naturalWidth > 0")
    assert "Журнал обработки" in main.inner_text()
    axe_check(page)

    page.locator("summary", has_text="Снять с конкурса").click()
    page.locator("details[open] textarea").fill("Работа повторяет работу другого участника.")
    page.locator("details[open] button[type=submit]").click()
    page.wait_for_load_state()
    assert "снята с конкурса" in page.locator("main").inner_text().lower()
    copy.refresh_from_db()
    assert copy.status == Entry.Status.DISQUALIFIED
    assert copy.status_reason == "Работа повторяет работу другого участника."

    page.goto(f"/admin/snippets/contests/entry/?contest={contest.pk}")
    page.get_by_role("link", name="Скачать все работы (ZIP)").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Подготовить новый ZIP").click()
    axe_check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать ZIP").first.click()
    with zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes())) as archive:
        names = archive.namelist()
    assert "entries.csv" in names
    assert sum(name.endswith((".pdf", ".docx")) for name in names) == 3
