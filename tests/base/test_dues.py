import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from kuzbib_site.base.models import Library
from tests.factories import LibraryFactory, MembershipFeeFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

URL = "/admin/kuzbib-reports/arrears/"


@pytest.fixture
def fees():
    kemerovo = MunicipalityFactory(name="Кемерово")
    belovo = MunicipalityFactory(name="Белово")
    debtor = LibraryFactory(full_name="ЦБС Белово", municipality=belovo)
    payer = LibraryFactory(full_name="Областная научная библиотека", municipality=kemerovo)
    gone = LibraryFactory(
        full_name="Бывший член",
        municipality=kemerovo,
        member_since=datetime.date(2003, 1, 1),
        left_on=datetime.date(2008, 6, 1),
    )
    return {
        "debt_2007": MembershipFeeFactory(library=debtor, year=2007),
        "debt_2008": MembershipFeeFactory(library=debtor, year=2008),
        "paid": MembershipFeeFactory(library=payer, year=2008, paid_on=datetime.date(2008, 11, 1)),
        "gone": MembershipFeeFactory(library=gone, year=2008),
    }


@pytest.fixture
def accountant(client, django_user_model):
    """An editor who may see dues: admin access and view permission on fees, nothing else."""
    user = django_user_model.objects.create_user("accountant", password="x")
    group = Group.objects.create(name="Бухгалтерия")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_membershipfee"),
    )
    user.groups.add(group)
    client.force_login(user)
    return user


def test_report_lists_unpaid_fees_per_library_and_year(client, accountant, fees):
    response = client.get(URL)
    assert response.status_code == 200
    rows = list(response.context["object_list"])
    assert [(fee.library.full_name, fee.year) for fee in rows] == [
        ("Бывший член", 2008),
        ("ЦБС Белово", 2007),
        ("ЦБС Белово", 2008),
    ]
    assert {fee.library.full_name: str(fee.still_member) for fee in rows} == {
        "Бывший член": "нет",
        "ЦБС Белово": "да",
    }
    assert "Областная научная библиотека" not in response.content.decode()


def test_report_filters_by_year_and_municipality(client, accountant, fees):
    by_year = client.get(URL, {"year": "2007"}).context["object_list"]
    assert [fee.pk for fee in by_year] == [fees["debt_2007"].pk]
    belovo = fees["debt_2007"].library.municipality
    by_place = client.get(URL, {"library__municipality": belovo.pk}).context["object_list"]
    assert {fee.library.full_name for fee in by_place} == {"ЦБС Белово"}


@pytest.mark.parametrize("year", ["abc", "-1", "99999999999999999999", "<script>", "2008'--"])
def test_report_survives_malformed_filters(client, accountant, fees, year):
    assert client.get(URL, {"year": year, "library__municipality": "x"}).status_code == 200


def test_xlsx_export(client, accountant, fees):
    response = client.get(URL, {"export": "xlsx"})
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
    assert rows[0] == ("Библиотека", "Муниципальное образование", "Год", "Сумма, руб.")
    assert ("ЦБС Белово", "Белово", 2008, 1500) in rows
    assert len(rows) == 4


def test_csv_export_neutralises_formulas(client, accountant, fees):
    Library.objects.filter(pk=fees["debt_2008"].library_id).update(full_name="=1+2")
    content = b"".join(client.get(URL, {"export": "csv"}).streaming_content).decode()
    assert "'=1+2" in content
    assert "\n=1+2" not in content


def test_report_is_closed_to_those_without_the_permission(client, django_user_model, fees):
    assert client.get(URL).status_code == 302  # anonymous: to the login page
    user = django_user_model.objects.create_user("editor", password="x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code in {302, 403}
    assert "ЦБС Белово" not in response.content.decode()
    assert client.get(URL, {"export": "csv"}).status_code in {302, 403}


def test_report_appears_in_the_reports_menu_only_for_permitted(client, accountant):
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert URL in html


def test_report_queries_do_not_grow_with_fees(client, accountant, django_assert_max_num_queries):
    for n in range(40):
        MembershipFeeFactory(year=2000 + n % 9)
    with django_assert_max_num_queries(30):
        assert client.get(URL).status_code == 200
