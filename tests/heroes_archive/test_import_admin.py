"""«Импорт героев» in the admin (``heroes_archive.admin_views``): only users with «Can import
heroes» reach it; an upload is refused on the form with every problem named, or checked and
previewed (counts, rows, problems — HTML in cells shown as text); «Import» runs it; the page
reloads itself while a worker is busy; the template downloads as XLSX and CSV. Never a 500."""

import csv
import io

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from heroes_archive import columns, importer
from heroes_archive.models import HeroImport, HeroPage
from tests.factories.heroes import HeroIndexPageFactory
from tests.heroes_archive.test_import import hero_row, spreadsheet

pytestmark = pytest.mark.django_db

PASSWORD = "Импорт-героев-2026"


@pytest.fixture
def archive(home_page):
    return HeroIndexPageFactory(parent=home_page)


def user_with(django_user_model, name, *codenames):
    user = django_user_model.objects.create_user(name, password=PASSWORD)
    for app_label, codename in (("wagtailadmin", "access_admin"), *codenames):
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


@pytest.fixture
def editor(django_user_model):
    return user_with(django_user_model, "editor", ("heroes_archive", "import_heroes"))


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def upload(client, archive, data, name="heroes.csv"):
    return client.post(
        reverse("heroes_imports"),
        {"archive": archive.pk, "spreadsheet": SimpleUploadedFile(name, data)},
    )


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def test_only_users_who_may_import_reach_the_views(client, django_user_model, archive):
    heroimport = importer.upload(
        archive, SimpleUploadedFile("h.csv", spreadsheet([hero_row("GST-1")])), None
    )
    urls = [
        reverse("heroes_imports"),
        reverse("heroes_import", args=[heroimport.pk]),
        reverse("heroes_import_template", args=["xlsx"]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    # Wagtail answers a PermissionDenied in its admin with a redirect to the dashboard.
    client.force_login(user_with(django_user_model, "page-editor"))
    home = reverse("wagtailadmin_home")
    for url in urls:
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, home)
    response = client.post(reverse("heroes_import_start", args=[heroimport.pk]))
    assert (response.status_code, response["Location"]) == (302, home)
    response = upload(client, archive, spreadsheet([hero_row("GST-2")]))
    assert (response.status_code, response["Location"]) == (302, home)
    assert HeroImport.objects.count() == 1
    assert HeroImport.objects.get().stage == HeroImport.Stage.CHECK
    # The menu shows the item to those who may use it only.
    assert "heroes-import" not in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(
        user_with(django_user_model, "importer", ("heroes_archive", "import_heroes"))
    )
    assert "heroes-import" in client.get(reverse("wagtailadmin_home")).content.decode()


def test_upload_preview_and_import(editor_client, archive, django_capture_on_commit_callbacks):
    data = spreadsheet(
        [
            hero_row("GST-00001", surname="<script>alert(1)</script>"),
            hero_row("GST-00002", birth_date="31.02.1923", profession="<b>жирный</b>"),
            hero_row("GST-00003"),
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):  # eager Celery: the check runs
        response = upload(editor_client, archive, data)
    heroimport = HeroImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("heroes_import", args=[heroimport.pk])
    assert heroimport.phase == HeroImport.Phase.CHECKED

    with translation.override("ru"):
        response = editor_client.get(response["Location"])
        left_out = gettext("Rows with problems (left out)")
    assert response.status_code == 200
    page = soup_of(response)
    counts = {item["data-action"]: item for item in page.select("#heroes-import-counts li")}
    assert counts["create"].strong.text == "2"
    assert counts["error"].strong.text == "1" and left_out in counts["error"].text
    assert page.find("meta", attrs={"http-equiv": "refresh"}) is None
    # With an error among the rows, the preview opens on the rows with problems.
    rows = page.select("#heroes-import-rows tbody tr")
    assert [row["data-action"] for row in rows] == ["error"]
    assert rows[0].select_one(".heroes-import-problems li").text.startswith("Дата рождения: ")
    all_rows = soup_of(editor_client.get(response.request["PATH_INFO"] + "?show=all"))
    names = [row.select("td")[1].text for row in all_rows.select("#heroes-import-rows tbody tr")]
    assert names[0].startswith("<script>alert(1)</script>")  # shown as text...
    assert b"<script>alert(1)" not in response.content + b"".join([])  # ...never as markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in str(all_rows)

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(reverse("heroes_import_start", args=[heroimport.pk]))
    assert response.status_code == 302
    heroimport.refresh_from_db()
    assert heroimport.phase == HeroImport.Phase.DONE
    assert sorted(HeroPage.objects.values_list("identifier", flat=True)) == [
        "GST-00001",
        "GST-00003",
    ]
    page = soup_of(editor_client.get(reverse("heroes_import", args=[heroimport.pk])))
    done = {
        item["data-action"]: item.strong.text for item in page.select("#heroes-import-outcome li")
    }
    assert done == {"create": "2", "update": "0", "skip": "0", "error": "1"}
    assert page.select_one("#heroes-import-start") is None
    # Asking again does nothing.
    editor_client.post(reverse("heroes_import_start", args=[heroimport.pk]))
    assert HeroPage.objects.count() == 2


def form_errors(response):
    return [
        item.text.strip() for item in soup_of(response).select(".w-field--error .error-message")
    ]


def test_a_spreadsheet_refused_on_the_form_names_every_problem(editor_client, archive):
    headers = ["Идентификатор", "Фамилия", "Имя", "Имя", "Пол", "Отрасль", "Любимый цвет"]
    response = upload(editor_client, archive, spreadsheet([], headers=headers))
    assert response.status_code == 200
    errors = " ".join(form_errors(response))
    for named in ("«Связь с Кузбассом»", "«Награды»", "«Любимый цвет»", "«Имя»"):
        assert named in errors, named
    assert not HeroImport.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("empty.csv", b"", ""),
        ("garbage.csv", bytes(range(256)) * 40, "garbage.csv"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), ".xls"),
        ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 100, "broken.xlsx"),
        ("koi8.csv", "Идентификатор;Фамилия;Имя\nGST-1;Иванов;Иван\n".encode("koi8_r"), "UTF-8"),
        ("headers.csv", "Идентификатор\n".encode(), "«Фамилия»"),
    ],
)
def test_hostile_files_are_refused_on_the_form_never_a_500(
    editor_client, archive, name, data, says
):
    response = upload(editor_client, archive, data, name=name)
    assert response.status_code == 200
    errors = form_errors(response)
    assert errors and says in " ".join(errors)
    assert not HeroImport.objects.exists()


def test_an_oversized_file_is_refused_with_the_limit(editor_client, archive, settings):
    settings.KUZBIB_HEROES_ARCHIVE = {"IMPORT_MAX_BYTES": 2048}
    data = spreadsheet([hero_row(f"GST-{number}") for number in range(20)])
    assert len(data) > 2048
    errors = form_errors(upload(editor_client, archive, data))
    assert "2,0" in errors[0] or "2.0" in errors[0]  # «at most 2,0 КБ»
    assert not HeroImport.objects.exists()


def test_the_page_reloads_itself_while_a_worker_is_busy(editor_client, archive):
    heroimport = importer.upload(
        archive, SimpleUploadedFile("h.csv", spreadsheet([hero_row("GST-1")])), None
    )
    response = editor_client.get(reverse("heroes_import", args=[heroimport.pk]))
    page = soup_of(response)
    refresh = page.head.find("meta", attrs={"http-equiv": "refresh"})
    assert refresh is not None and int(refresh["content"]) > 0
    assert page.select_one("#heroes-import-phase")["data-phase"] == "uploaded"
    assert "no-store" in response["Cache-Control"]
    assert not page.select("main .nice-padding script")  # the page's own part needs no script
    HeroImport.objects.filter(pk=heroimport.pk).update(
        stage=HeroImport.Stage.IMPORT,
        status=HeroImport.Status.RUNNING,
        rows_total=200,
        rows_done=50,
    )
    page = soup_of(editor_client.get(reverse("heroes_import", args=[heroimport.pk])))
    bar = page.select_one("progress#heroes-import-bar")
    assert (bar["value"], bar["max"]) == ("50", "200")
    assert page.head.find("meta", attrs={"http-equiv": "refresh"}) is not None


def test_a_failed_check_shows_why(editor_client, archive, settings):
    settings.KUZBIB_HEROES_ARCHIVE = {"IMPORT_MAX_ROWS": 2}
    heroimport = importer.upload(
        archive,
        SimpleUploadedFile("h.csv", spreadsheet([hero_row(f"GST-{n}") for n in range(3)])),
        None,
    )
    importer.work(heroimport.pk)
    heroimport.refresh_from_db()
    assert heroimport.phase == HeroImport.Phase.FAILED
    page = soup_of(editor_client.get(reverse("heroes_import", args=[heroimport.pk])))
    refused = page.select_one(".heroes-import-refused li").text
    assert "h.csv" in refused and "2" in refused
    assert page.find("meta", attrs={"http-equiv": "refresh"}) is None


def test_the_template_downloads_as_xlsx_and_csv(editor_client):
    response = editor_client.get(reverse("heroes_import_template", args=["xlsx"]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    heroes, guide = workbook["Герои"], workbook["Справка"]
    assert tuple(cell.value for cell in heroes[1]) == columns.HEADERS
    example = dict(zip(columns.HEADERS, (cell.value for cell in heroes[2]), strict=True))
    assert example["Идентификатор"] == "GST-00042"
    assert "26.04.1957" in example["Награды"] and "; " in example["Награды"]
    described = [
        row[0].value for row in guide.iter_rows(min_row=2, max_row=len(columns.COLUMNS) + 1)
    ]
    assert described == list(columns.HEADERS)

    response = editor_client.get(reverse("heroes_import_template", args=["csv"]))
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert tuple(table[0]) == columns.HEADERS and len(table) == 2
    assert editor_client.get(reverse("heroes_import_template", args=["pdf"])).status_code == 404


def test_the_template_itself_imports(archive):
    """The example row of the template is a valid hero."""
    out = io.BytesIO()
    from heroes_archive import exports

    exports.template("xlsx", out)
    heroimport = importer.upload(archive, SimpleUploadedFile("t.xlsx", out.getvalue()), None)
    importer.work(heroimport.pk)
    heroimport.refresh_from_db()
    assert heroimport.report["counts"] == {"create": 1, "update": 0, "skip": 0, "error": 0}
