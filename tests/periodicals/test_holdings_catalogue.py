"""The public union catalogue (``svodnyi-katalog/`` of the archive), its CSV and MARC exports
(read back by csv, pymarc and the importer), and «Где прочитать печатный экземпляр» on an
issue's page."""

import csv
import io

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from pymarc import MARCReader

from periodicals import holdings_import, summary
from periodicals.models import HeldIssue, Holding, HoldingsImport
from tests.factories import LibraryFactory
from tests.factories.periodicals import HeldIssueFactory, HoldingFactory, TitlePageFactory


def incomplete():
    """The mark of an incomplete range as the (Russian) public site writes it."""
    with translation.override("ru"):
        return summary.incomplete_mark()


@pytest.fixture
def held(catalogue):
    """«Кузнецкий рабочий»: № 1–2 of 1957 and 1958–1959 whole in the central library, a typed
    statement in the regional one; «Губернские ведомости»: 1890 in the regional library."""
    central = HoldingFactory(
        title=catalogue["title"], library=catalogue["central"], call_number="=cmd|' /C calc'!A0"
    )
    for year, number in ((1957, "1"), (1957, "2"), (1958, ""), (1959, "")):
        HeldIssueFactory(holding=central, year=year, number=number)
    HoldingFactory(
        title=catalogue["title"], library=catalogue["regional"], summary="1930–1991 (неполн.)"
    )
    other = HoldingFactory(title=catalogue["other"], library=catalogue["regional"])
    HeldIssueFactory(holding=other, year=1890)
    return catalogue


def catalogue_url(catalogue, suffix=""):
    return catalogue["archive"].url + "svodnyi-katalog/" + suffix


def test_the_catalogue_lists_titles_and_libraries(client, held):
    response = client.get(catalogue_url(held))
    assert response.status_code == 200
    table = BeautifulSoup(response.content, "html.parser").select_one("#union-catalogue")
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        for row in table.select("tbody tr")
    ]
    assert rows[0][0] == "Губернские ведомости"
    assert "1890" in rows[0][2]
    assert rows[1][0].startswith("Кузнецкий рабочий")
    # By the libraries' names: «Кемеровская…» before «Центральная…».
    assert rows[1][1].startswith(held["regional"].full_name)
    assert rows[1][2] == "1930–1991 (неполн.)"
    # The title's second row: its cell spans both.
    assert rows[2][0].startswith(held["central"].full_name)
    assert rows[2][1] == f"1957 ({incomplete()}); 1958–1959"  # № 3 of 1957 is missing


def test_filters_by_library_and_municipality(client, held):
    response = client.get(catalogue_url(held), {"library": held["central"].pk})
    page = BeautifulSoup(response.content, "html.parser")
    assert len(page.select("#union-catalogue tbody tr")) == 1
    municipality = held["regional"].municipality
    response = client.get(catalogue_url(held), {"municipality": municipality.pk})
    page = BeautifulSoup(response.content, "html.parser")
    assert len(page.select("#union-catalogue tbody tr")) == 2
    for bad in ("999999", "abc", "1; DROP TABLE", "\x00"):
        response = client.get(catalogue_url(held), {"library": bad})
        assert response.status_code == 200
        page = BeautifulSoup(response.content, "html.parser")
        assert page.select_one(".notice[role=status]") is not None
        assert len(page.select("#union-catalogue tbody tr")) == 3


def test_the_catalogue_is_bounded(client, held, django_assert_max_num_queries):
    client.get(catalogue_url(held))  # warm Wagtail's site cache
    with django_assert_max_num_queries(14) as few:
        client.get(catalogue_url(held))
    for n in range(8):
        title = TitlePageFactory(parent=held["archive"], issn="", identifier=f"t{n}")
        for _m in range(3):
            holding = HoldingFactory(title=title, library=LibraryFactory())
            HeldIssueFactory(holding=holding, year=1960)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(catalogue_url(held))
    assert (
        len(BeautifulSoup(response.content, "html.parser").select("#union-catalogue tbody tr"))
        == 27
    )


def test_the_csv_export_reads_back_and_neutralises_formulas(client, held):
    response = client.get(catalogue_url(held, "export/csv/"))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["ISSN", "Идентификатор", "Библиотека", "Год", "Номера"]
    cells = [cell for row in rows for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    assert ["0235-8867", "kr", str(held["central"].pk), "1957", "1–2"] in [r[:5] for r in rows]


def test_an_export_imported_again_changes_nothing(client, held):
    before = sorted(HeldIssue.objects.values_list("holding_id", "year", "number"))
    for suffix, file_format in (("export/csv/", "csv"), ("export/mrc/", "marc21")):
        data = b"".join(client.get(catalogue_url(held, suffix)).streaming_content)
        item = holdings_import.upload(
            SimpleUploadedFile(f"export.{file_format}", data), file_format, None, None
        )
        holdings_import.check(item.pk)
        item.refresh_from_db()
        assert item.status == HoldingsImport.Status.CHECKED, item.report
        counts = item.report["counts"]
        assert counts["create"] == counts["error"] == 0
        assert counts["update"] == 0 or file_format == "csv"  # the neutralised shelf mark
    assert sorted(HeldIssue.objects.values_list("holding_id", "year", "number")) == before


def test_the_marc_export_reads_in_pymarc(client, held):
    response = client.get(catalogue_url(held, "export/mrc/"), {"library": held["central"].pk})
    records = list(MARCReader(b"".join(response.streaming_content)))
    assert len(records) == 1
    record = records[0]
    assert record.leader[9] == "a" and record["022"]["a"] == "0235-8867"
    assert record["852"]["a"] == str(held["central"].pk)
    assert [(f.get("i"), f.get("a")) for f in record.get_fields("863")] == [
        ("1957", "1–2"),
        ("1958-1959", None),
    ]


def test_an_unknown_export_format_is_404(client, held):
    assert client.get(catalogue_url(held, "export/xlsx/")).status_code == 404


def test_an_issue_page_says_where_the_printed_copy_is(client, held):
    first, _second, third = held["issues"]
    page = BeautifulSoup(client.get(first.url).content, "html.parser")
    section = page.select_one(".held-in-print")
    names = [li.strong.text for li in section.select("li")]
    assert names == [held["central"].full_name, held["regional"].full_name]
    assert section.select("li")[1].select_one(".held-in-print__uncertain") is not None
    assert section.select("li")[0].select_one(".held-in-print__uncertain") is None
    page = BeautifulSoup(client.get(third.url).content, "html.parser")
    names = [li.strong.text for li in page.select(".held-in-print li")]
    assert names == [held["regional"].full_name]  # № 3 is not the central library's
    Holding.objects.all().delete()
    page = BeautifulSoup(client.get(first.url).content, "html.parser")
    assert page.select_one(".held-in-print .held-in-print__none") is not None


def test_the_issue_page_is_bounded(client, held, django_assert_max_num_queries):
    issue = held["issues"][0]
    client.get(issue.url)
    with django_assert_max_num_queries(20) as few:
        client.get(issue.url)
    for _n in range(10):
        holding = HoldingFactory(title=held["title"], library=LibraryFactory())
        HeldIssueFactory(holding=holding, year=1957, number="1")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(issue.url)
    assert len(BeautifulSoup(response.content, "html.parser").select(".held-in-print li")) == 12


def test_the_archive_links_to_the_catalogue(client, held):
    response = client.get(held["archive"].url)
    assert response.status_code == 200
    links = [a["href"] for a in BeautifulSoup(response.content, "html.parser").select("a[href]")]
    assert catalogue_url(held) in links
