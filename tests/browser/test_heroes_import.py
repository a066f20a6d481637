"""An archive editor imports heroes from a spreadsheet, in chromium with axe-core: uploads it,
waits while a real Celery worker checks it (the page reloads itself, no script), reads the dry
run's preview with the row that has a problem, imports, and sees the outcome."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from heroes_archive.models import HeroPage
from tests.factories.heroes import HeroIndexPageFactory
from tests.heroes_archive.test_import import hero_row, spreadsheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Архив-героев-2026"


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("archivist", password=PASSWORD)
    for app_label, codename in [
        ("wagtailadmin", "access_admin"),
        ("heroes_archive", "import_heroes"),
    ]:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def test_editor_uploads_reads_the_preview_and_imports(
    page, home_page, editor, settings, tmp_path, redis_url, use_broker, start_worker, axe_check
):
    archive = HeroIndexPageFactory(parent=home_page)
    app = use_broker(redis_url)
    start_worker(app, redis_url, env={"PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT)})
    path = tmp_path / "герои.csv"
    path.write_bytes(
        spreadsheet(
            [
                hero_row("GST-00001", surname="Шахтёров"),
                hero_row("GST-00002", surname="<b>Ошибкин</b>", birth_date="31.02.1923"),
                hero_row("GST-00003", surname="Сталеваров"),
            ]
        )
    )
    with translation.override("ru"):
        upload_label = gettext("Upload and check")

    page.goto("/admin/login/")
    page.locator("#id_username").fill("archivist")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/")
    assert page.locator(f"a[href='{reverse('heroes_imports')}']").count()  # the menu item

    page.goto(reverse("heroes_imports"))
    axe_check(page)
    page.locator("#id_spreadsheet").set_input_files(str(path))
    page.get_by_role("button", name=upload_label).click()

    # The dry run: the page reloads itself until the worker is done.
    page.wait_for_selector("#heroes-import-counts", timeout=90_000)
    counts = {
        item.get_attribute("data-action"): item.locator("strong").inner_text()
        for item in page.locator("#heroes-import-counts li").all()
    }
    assert counts == {"create": "2", "update": "0", "skip": "0", "error": "1"}
    problem_rows = page.locator("#heroes-import-rows tbody tr")
    assert problem_rows.count() == 1
    assert "<b>Ошибкин</b>" in problem_rows.first.inner_text()  # text, not markup
    assert problem_rows.first.locator("li").inner_text().startswith("Дата рождения: ")
    assert not HeroPage.objects.exists()
    axe_check(page)

    page.locator("#heroes-import-start").click()
    page.wait_for_selector("#heroes-import-outcome", timeout=90_000)
    done = {
        item.get_attribute("data-action"): item.locator("strong").inner_text()
        for item in page.locator("#heroes-import-outcome li").all()
    }
    assert done == {"create": "2", "update": "0", "skip": "0", "error": "1"}
    axe_check(page)
    assert sorted(HeroPage.objects.live().values_list("surname", flat=True)) == [
        "Сталеваров",
        "Шахтёров",
    ]
    assert all(hero.get_parent().pk == archive.pk for hero in HeroPage.objects.all())
