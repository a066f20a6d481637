"""The editors' side: an editor logs in to the Wagtail admin, works through the dues arrears
report and downloads it as CSV; visitors and editors without the permission are kept out.

The browser tests drive chromium through the real login form; the access-control tests use
Django's test client, which is enough to see a redirect and much faster.
"""

import csv
import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from tests.factories import LibraryFactory, MembershipFeeFactory, MunicipalityFactory

PASSWORD = "Шахтёрская-лампа-1987"
EVIL_NAME = '=HYPERLINK("http://evil")'
# The «⋯» toggle of the admin header's dropdown that holds the XLSX and CSV export links.
MORE_ACTIONS_TOGGLE = "header [data-controller=w-dropdown]:has(.icon-dots-horizontal) button"


@pytest.fixture
def report_url():
    return reverse("base_reports:arrears")


@pytest.fixture
def make_user(django_user_model):
    """A user who may open the Wagtail admin (``wagtailadmin.access_admin``), plus whatever
    extra permissions a test names."""

    def make(username, *codenames):
        user = django_user_model.objects.create_user(
            username=username, email=f"{username}@example.ru", password=PASSWORD
        )
        for codename in ("wagtailadmin.access_admin", *codenames):
            app_label, codename = codename.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        return user

    return make


@pytest.fixture
def editor(make_user):
    return make_user("redaktor", "base.view_membershipfee")


@pytest.fixture
def fees():
    """Unpaid fees of three libraries (one named like a spreadsheet formula) and a paid one."""
    kemerovo = MunicipalityFactory(name="Кемеровский городской округ")
    novokuznetsk = MunicipalityFactory(name="Новокузнецкий городской округ")
    gogol = LibraryFactory(
        full_name="Библиотека им. Н. В. Гоголя", short_name="", municipality=kemerovo
    )
    raduga = LibraryFactory(
        full_name="Детская библиотека «Радуга»", short_name="", municipality=novokuznetsk
    )
    evil = LibraryFactory(full_name=EVIL_NAME, short_name="", municipality=novokuznetsk)
    tidy = LibraryFactory(full_name="Аккуратная библиотека", short_name="", municipality=kemerovo)
    return {
        "unpaid": [
            MembershipFeeFactory(library=gogol, year=2008, amount=Decimal("1500.00")),
            MembershipFeeFactory(library=gogol, year=2009, amount=Decimal("1750.00")),
            MembershipFeeFactory(library=raduga, year=2009, amount=Decimal("1750.00")),
            MembershipFeeFactory(library=evil, year=2009, amount=Decimal("1000.00")),
        ],
        "paid": MembershipFeeFactory(
            library=tidy, year=2009, amount=Decimal("1750.00"), paid_on=datetime.date(2009, 3, 2)
        ),
    }


# --- In the browser -------------------------------------------------------------------------


def log_in(page, username):
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/")


@pytest.mark.browser
def test_editor_reads_arrears_report_and_downloads_csv(page, editor, fees, report_url, axe_check):
    log_in(page, editor.username)

    response = page.goto(report_url)

    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "ru"
    rows = page.locator("main table.listing tbody tr")
    assert rows.count() == 4
    listed = [rows.nth(i).locator("td").first.inner_text().strip() for i in range(rows.count())]
    assert listed == [
        EVIL_NAME,  # by full name: punctuation and Latin sort before Cyrillic
        "Библиотека им. Н. В. Гоголя",
        "Библиотека им. Н. В. Гоголя",
        "Детская библиотека «Радуга»",
    ]
    table_text = page.locator("main table.listing").inner_text()
    assert "Аккуратная библиотека" not in table_text
    assert "Новокузнецкий городской округ" in table_text
    # The whole admin page, Wagtail's chrome included, passes axe-core with Wagtail 8, so the
    # check is not limited to our own listing.
    axe_check(page)

    # The export links sit in the header's «more actions» dropdown.
    csv_link = page.locator("a[href*='export=csv']")
    assert not csv_link.is_visible()
    page.locator(MORE_ACTIONS_TOGGLE).click()
    assert csv_link.is_visible()
    assert csv_link.get_attribute("href") == f"{report_url}?export=csv"
    axe_check(page)  # with the dropdown open
    with page.expect_download() as download_info:
        csv_link.click()
    download = download_info.value

    assert download.suggested_filename in {
        f"arrears-{timezone.localdate():%Y-%m-%d}.csv",
        f"arrears-{timezone.localdate() - datetime.timedelta(days=1):%Y-%m-%d}.csv",
    }
    with open(download.path(), encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    header, *body = table
    assert len(header) == 4
    assert [(row[0], row[1], row[2]) for row in body] == [
        ("'" + EVIL_NAME, "Новокузнецкий городской округ", "2009"),
        ("Библиотека им. Н. В. Гоголя", "Кемеровский городской округ", "2008"),
        ("Библиотека им. Н. В. Гоголя", "Кемеровский городской округ", "2009"),
        ("Детская библиотека «Радуга»", "Новокузнецкий городской округ", "2009"),
    ]
    assert [Decimal(row[3]) for row in body] == [Decimal("1000"), 1500, 1750, 1750]
    assert not any("Аккуратная" in cell for row in table for cell in row)
    # No cell may start a formula when the file is opened in a spreadsheet.
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in table for cell in row)


# --- Access control -------------------------------------------------------------------------


def redirect_target(response):
    parts = urlsplit(response["Location"])
    return parts.path, parse_qs(parts.query)


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login(client, fees, report_url):
    for url in (report_url, f"{report_url}?export=csv"):
        response = client.get(url)

        assert response.status_code == 302
        assert redirect_target(response) == (reverse("wagtailadmin_login"), {"next": [url]})


@pytest.mark.django_db
def test_editor_without_dues_permission_does_not_see_report(client, make_user, fees, report_url):
    user = make_user("bez-prav")
    assert user.has_perm("wagtailadmin.access_admin")
    assert not user.has_perm("base.view_membershipfee")
    client.force_login(user)

    for url in (report_url, f"{report_url}?export=csv"):
        response = client.get(url)

        # Wagtail turns the view's PermissionDenied into a redirect to the dashboard with an
        # error message: no rows, no file.
        assert response.status_code == 302
        assert redirect_target(response) == (reverse("wagtailadmin_home"), {})
        assert "text/csv" not in response.get("Content-Type", "")

    dashboard = client.get(reverse("wagtailadmin_home"))
    assert dashboard.status_code == 200
    # One «no permission» error for each of the two refused requests.
    assert [message.level_tag for message in dashboard.context["messages"]] == ["error", "error"]
    # Nor does the Reports menu offer the report.
    assert report_url not in dashboard.content.decode()
    assert "Библиотека им. Н. В. Гоголя" not in dashboard.content.decode()


@pytest.mark.django_db
def test_editor_with_dues_permission_sees_report_in_menu_and_filters(
    client, editor, fees, report_url
):
    client.force_login(editor)

    dashboard = client.get(reverse("wagtailadmin_home"))
    assert report_url in dashboard.content.decode()

    response = client.get(report_url, {"year": "2008"})
    assert response.status_code == 200
    assert [(fee.library.full_name, fee.year) for fee in response.context["object_list"]] == [
        ("Библиотека им. Н. В. Гоголя", 2008)
    ]
    kemerovo = fees["paid"].library.municipality
    response = client.get(report_url, {"library__municipality": kemerovo.pk})
    assert [(fee.library.full_name, fee.year) for fee in response.context["object_list"]] == [
        ("Библиотека им. Н. В. Гоголя", 2008),
        ("Библиотека им. Н. В. Гоголя", 2009),
    ]
