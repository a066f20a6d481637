"""The union catalogue in the admin (periodicals.holdings_admin): «Импорт фондов» only for users
with «Can add holdings import» — upload, the dry run's report as a table, «Apply» — and
«Фонды периодики», where a librarian types the issues held as lines. Never a 500."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from periodicals import holdings_admin, holdings_import, summary
from periodicals.models import HeldIssue, Holding, HoldingsImport
from tests.factories.periodicals import HeldIssueFactory, HoldingFactory
from tests.periodicals.holdings_helpers import iso2709, marc21_holdings

PASSWORD = "Импорт-фондов-2026"


@pytest.fixture(autouse=True)
def english(settings):
    """The import writes its report in the site's language (``LANGUAGE_CODE``): these tests read
    its messages in English; their Russian wording is the catalogue's."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def user_with(django_user_model, name, *codenames):
    user = django_user_model.objects.create_user(name, password=PASSWORD)
    for app_label, codename in (("wagtailadmin", "access_admin"), *codenames):
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


@pytest.fixture
def editor_client(client, django_user_model):
    editor = user_with(
        django_user_model,
        "librarian",
        ("periodicals", "add_holdingsimport"),
        ("periodicals", "add_holding"),
        ("periodicals", "change_holding"),
        ("periodicals", "view_holding"),
    )
    client.force_login(editor)
    return client


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def test_only_users_who_may_import_reach_the_views(client, django_user_model, catalogue):
    item = holdings_import.upload(
        SimpleUploadedFile("h.csv", b"issn;year\n0235-8867;1957\n"), "csv", None, None
    )
    urls = [
        reverse("periodicals_holdings_imports"),
        reverse("periodicals_holdings_import", args=[item.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    # Wagtail answers a PermissionDenied in its admin with a redirect to the dashboard.
    client.force_login(user_with(django_user_model, "other-staff"))
    home = reverse("wagtailadmin_home")
    for url in urls:
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, home)
    apply_url = reverse("periodicals_holdings_import_apply", args=[item.pk])
    response = client.post(apply_url)
    assert (response.status_code, response["Location"]) == (302, home)
    assert client.get(apply_url).status_code == 405
    response = client.post(
        urls[0], {"file": SimpleUploadedFile("h.csv", b"issn;year\n"), "format": "csv"}
    )
    assert (response.status_code, response["Location"]) == (302, home)
    assert HoldingsImport.objects.count() == 1
    assert "periodicals-holdings-import" not in client.get(home).content.decode()


def test_upload_check_and_apply(editor_client, catalogue, django_capture_on_commit_callbacks):
    library = catalogue["central"]
    data = iso2709(marc21_holdings(library=str(library.pk), pairs=[("1957", "1-2")]))
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("periodicals_holdings_imports"),
            {"file": SimpleUploadedFile("fond.mrc", data), "format": "marc21", "library": ""},
        )
    item = HoldingsImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("periodicals_holdings_import", args=[item.pk])
    page = soup_of(editor_client.get(response.url))
    assert page.select_one("#holdings-import-status")["data-status"] == "checked"
    row = page.select_one("#holdings-import-rows tbody tr")
    assert row["data-action"] == "create"
    assert catalogue["title"].title in row.text and str(library) in row.text
    assert not Holding.objects.exists()
    apply_url = reverse("periodicals_holdings_import_apply", args=[item.pk])
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(apply_url)
    item.refresh_from_db()
    assert item.status == HoldingsImport.Status.APPLIED
    assert HeldIssue.objects.count() == 2
    page = soup_of(editor_client.get(reverse("periodicals_holdings_import", args=[item.pk])))
    assert page.select_one("#holdings-import-status")["data-status"] == "applied"


def test_a_refused_file_shows_why(editor_client, catalogue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("periodicals_holdings_imports"),
            {"file": SimpleUploadedFile("x.csv", b"issn;year\n1234-5679;1957\n"), "format": "csv"},
        )
    item = HoldingsImport.objects.get()
    response = editor_client.get(reverse("periodicals_holdings_import", args=[item.pk]))
    page = soup_of(response)
    assert page.select_one("#holdings-import-status")["data-status"] == "failed"
    assert "Unknown title (1234-5679)" in page.select_one("#holdings-import-rows").text
    assert not page.select("form[action$='/apply/']")


def test_an_empty_or_huge_upload_stays_on_the_form(editor_client, catalogue, settings):
    settings.KUZBIB_PERIODICALS = {"HOLDINGS_MAX_BYTES": 100}
    for data in (b"", b"x" * 101):
        response = editor_client.post(
            reverse("periodicals_holdings_imports"),
            {"file": SimpleUploadedFile("f.mrc", data), "format": "marc21"},
        )
        assert response.status_code == 200
        errors = response.context["form"].errors["file"]
        assert errors and errors[0] in response.content.decode()
    assert not HoldingsImport.objects.exists()


def test_the_imports_page_is_bounded(editor_client, catalogue, django_assert_max_num_queries):
    for n in range(5):
        holdings_import.upload(
            SimpleUploadedFile(f"h{n}.csv", b"issn;year\n0235-8867;1957\n"), "csv", None, None
        )
    with django_assert_max_num_queries(25):
        assert editor_client.get(reverse("periodicals_holdings_imports")).status_code == 200


def test_issues_as_lines_and_back():
    rows = [
        (1956, ""),
        (1957, ""),
        (1958, ""),
        (1962, "1"),
        (1962, "2"),
        (1962, "3"),
        (1962, "5"),
        (1962, "спецвыпуск"),
        (1970, ""),
    ]
    text = summary.issues_as_lines(rows)
    assert text == "1956–1958\n1962: 1–3, 5, спецвыпуск\n1970"
    assert holdings_admin.lines_as_issues(text) == set(rows)
    with pytest.raises(Exception, match="Line 2"):
        holdings_admin.lines_as_issues("1957\nпозавчера: 1")


def test_a_librarian_edits_the_issues_held(editor_client, catalogue):
    holding = HoldingFactory(title=catalogue["title"], library=catalogue["central"])
    HeldIssueFactory(holding=holding, year=1950, number="")
    url = reverse("periodicals_holdings:edit", args=[holding.pk])
    page = soup_of(editor_client.get(url))
    assert page.select_one("textarea[name=issues_text]").text.strip() == "1950"
    response = editor_client.post(
        url,
        {
            "title": catalogue["title"].pk,
            "library": catalogue["central"].pk,
            "issues_text": "1957: 1–3\n1958–1959",
            "summary": "",
            "call_number": "Г-1",
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert sorted(holding.issues.values_list("year", "number")) == [
        (1957, "1"),
        (1957, "2"),
        (1957, "3"),
        (1958, ""),
        (1959, ""),
    ]
    response = editor_client.post(
        url,
        {
            "title": catalogue["title"].pk,
            "library": catalogue["central"].pk,
            "issues_text": "1957: 1-100000",
            "summary": "",
            "call_number": "",
            "note": "",
        },
    )
    assert response.status_code == 200
    assert "Line 1" in response.content.decode()
    listing = editor_client.get(reverse("periodicals_holdings:index"))
    assert listing.status_code == 200
    # № 1–3 are every issue of 1957 the archive knows: the years read as one range.
    assert "1957–1959" in listing.content.decode()
    HoldingFactory(title=catalogue["other"], library=catalogue["regional"], summary="1890–1917")
    found = editor_client.get(reverse("periodicals_holdings:index"), {"q": "Губернские"})
    assert "1890–1917" in found.content.decode()
    assert "1958–1959" not in found.content.decode()


def test_the_listing_states_holdings_against_the_known_issues(
    editor_client, catalogue, django_assert_max_num_queries
):
    # The title's known issues of 1957 are № 1–3: holding them all is 1957 in full.
    full = HoldingFactory(title=catalogue["title"], library=catalogue["central"])
    for number in ("1", "2", "3"):
        HeldIssueFactory(holding=full, year=1957, number=number)
    part = HoldingFactory(title=catalogue["title"], library=catalogue["regional"])
    HeldIssueFactory(holding=part, year=1957, number="1")
    url = reverse("periodicals_holdings:index")
    editor_client.get(url)  # the session and the admin's menus, counted once
    with django_assert_max_num_queries(20):
        page = soup_of(editor_client.get(url))
    rows = {
        row.select("td")[1].get_text(strip=True): row.select("td")[2].get_text(strip=True)
        for row in page.select("main table.listing tbody tr")
    }
    assert rows[str(catalogue["central"])] == "1957"
    assert rows[str(catalogue["regional"])] == f"1957 ({summary.incomplete_mark()})"
