"""Exports of heroes (``heroes_archive.exports``, the index's ``export.<format>`` route): CSV that
Excel opens, XLSX and JSON with the import's columns; formulas neutralised; the filtered list the
visitor sees; a constant number of queries whatever the number of heroes; and export → import
back to the same records."""

import csv
import io
import json

import openpyxl
import pytest
from django.utils import translation

from heroes_archive import columns, exports
from heroes_archive.models import AwardKind, HeroImport, HeroPage, Industry, MemorialKind
from tests.factories.base import MunicipalityFactory
from tests.factories.heroes import HeroIndexPageFactory, HeroPageFactory
from tests.heroes_archive.test_import import dry_run, imported

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(home_page):
    return HeroIndexPageFactory(parent=home_page)


@pytest.fixture
def heroes(archive):
    """Three heroes with everything a row holds: a twice-hero with decrees, memorials, sources,
    tags and municipalities; a metallurgist whose cells begin like formulas; a plain one."""
    kemerovo = MunicipalityFactory(name="Кемеровский городской округ")
    belovo = MunicipalityFactory(name="Беловский муниципальный округ")
    twice = HeroPageFactory(
        parent=archive,
        identifier="GST-00001",
        surname="Шахтёров",
        name_variants="Шахтеров; Schachtjorow",
        birth_date="около 1920",
        birth_place="д. Сосновка",
        birth_municipality=belovo,
        death_date="1990-е",
        municipality=kemerovo,
        summary="Забойщик; дважды Герой.\nВторая строка.",
        awards=[
            (AwardKind.HERO, "26.04.1957", 1),
            (AwardKind.HERO, "12.03.1966", 2),
            (AwardKind.ORDER_LENIN, "1957"),
        ],
    )
    twice.awards.filter(number=1).update(decree="Указ от 26.04.1957 | № 12; секретный")
    twice.memorials.create(kind=MemorialKind.BUST, place="г. Кемерово, пр. Ленина", year=1985)
    twice.sources.create(
        title="Герой из забоя", author="Иванов И. И.", container="Кузбасс", year=1957
    )
    twice.biography = [("paragraph", "<p>Родился &amp; вырос.</p><p>Работал.</p>")]
    twice.tags.add("шахтёры", "дважды герои")
    twice.save_revision().publish()
    formulas = HeroPageFactory(
        parent=archive,
        identifier="GST-00002",
        surname="Сталеваров",
        industry=Industry.METALLURGY,
        profession='=HYPERLINK("http://evil.example","жми")',
        enterprise="+7 (3843) 00-00-00",
        patronymic="-",
        summary="@SUM(A1)",
    )
    plain = HeroPageFactory(parent=archive, identifier="GST-00003", surname="Простов")
    return [twice, formulas, plain]


def written(queryset, file_format):
    out = io.BytesIO()
    exports.write(queryset, file_format, out)
    return out.getvalue()


def heroes_of(archive):
    return HeroPage.objects.child_of(archive).order_by("identifier")


def records(archive):
    pages = heroes_of(archive).prefetch_related(
        "awards", "memorials", "sources", "tagged_items__tag"
    )
    return {page.identifier: columns.record_of(page) for page in pages}


def test_csv_opens_in_excel_with_the_import_columns(archive, heroes):
    data = written(heroes_of(archive), "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert tuple(table[0]) == columns.HEADERS
    assert [row[0] for row in table[1:]] == ["GST-00001", "GST-00002", "GST-00003"]
    twice = dict(zip(columns.HEADERS, table[1], strict=True))
    with translation.override("ru"):
        hero = str(AwardKind.HERO.label)
    assert twice["Награды"].startswith(f"{hero} 26.04.1957 | указ: Указ от 26.04.1957 \\| № 12\\;")
    assert f"{hero} 12.03.1966 | номер: 2" in twice["Награды"]
    assert twice["Пол"] == "м"
    assert twice["Муниципалитет"] == "Кемеровский городской округ"
    assert twice["Биография"] == "Родился & вырос.\n\nРаботал."


def test_formulas_are_neutralised_in_csv_and_xlsx(archive, heroes):
    table = list(
        csv.reader(
            io.StringIO(written(heroes_of(archive), "csv").decode("utf-8-sig")), delimiter=";"
        )
    )
    row = dict(zip(columns.HEADERS, table[2], strict=True))
    assert row["Профессия"] == '\'=HYPERLINK("http://evil.example","жми")'
    assert row["Предприятие"] == "'+7 (3843) 00-00-00"
    assert row["Отчество"] == "'-"
    assert row["Краткая справка"] == "'@SUM(A1)"

    workbook = openpyxl.load_workbook(io.BytesIO(written(heroes_of(archive), "xlsx")))
    sheet = workbook["Герои"]
    assert tuple(cell.value for cell in sheet[1]) == columns.HEADERS
    assert sheet[1][0].font.bold
    cells = dict(zip(columns.HEADERS, sheet[3], strict=True))
    assert cells["Профессия"].data_type == "s"  # text, not a formula
    assert cells["Профессия"].value.startswith("'=HYPERLINK")
    assert cells["Краткая справка"].value == "'@SUM(A1)"


def test_json_lists_the_values_of_several_value_cells(archive, heroes):
    data = json.loads(written(heroes_of(archive), "json"))
    assert [item["Идентификатор"] for item in data] == ["GST-00001", "GST-00002", "GST-00003"]
    assert data[0]["Варианты имени"] == ["Шахтеров", "Schachtjorow"]
    assert sorted(data[0]["Теги"]) == ["дважды герои", "шахтёры"]
    assert len(data[0]["Награды"]) == 3
    assert data[0]["Награды"][0].endswith("указ: Указ от 26.04.1957 | № 12; секретный | номер: 1")
    assert data[2]["Увековечение памяти"] == []
    assert data[1]["Профессия"].startswith("=HYPERLINK")  # JSON is no spreadsheet: as it is


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_then_import_gives_the_same_records(archive, heroes, file_format):
    """Exported and imported into the same archive, every row is unchanged; imported into an
    empty archive, the heroes made are the same records."""
    before = records(archive)
    data = written(heroes_of(archive), file_format)
    name = f"heroes.{file_format}"

    again = dry_run(archive, data, name=name)
    assert again.report["counts"] == {"create": 0, "update": 0, "skip": 3, "error": 0}

    for page in heroes_of(archive):
        page.delete()
    assert not HeroPage.objects.exists()
    heroimport = imported(dry_run(archive, data, name=name))
    assert heroimport.phase == HeroImport.Phase.DONE
    after = records(archive)
    # The rich biography became its plain paragraphs, which read the same.
    assert after == before
    assert heroes_of(archive).get(identifier="GST-00002").profession.startswith("=HYPERLINK")


def export_url(archive, file_format):
    return archive.url + archive.reverse_subpage("export", kwargs={"file_format": file_format})


def test_the_route_exports_the_filtered_list(client, archive, heroes):
    url = export_url(archive, "csv")
    response = client.get(url, {"industry": "metallurgy"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('.csv"')
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(body), delimiter=";")][1:] == ["GST-00002"]
    # Garbage in the query string is dropped, never a 500.
    response = client.get(url, {"industry": "<script>", "page": "-1", "decade": "x"})
    assert response.status_code == 200
    for file_format in ("json", "xlsx"):
        assert client.get(export_url(archive, file_format)).status_code == 200
    for unknown in ("pdf", "exe", "CSV", "x" * 300):
        assert client.get(export_url(archive, unknown)).status_code == 404
    assert client.post(url).status_code == 405


def test_an_unpublished_hero_is_not_exported(client, archive, heroes):
    heroes[2].unpublish()
    url = export_url(archive, "json")
    data = json.loads(b"".join(client.get(url).streaming_content))
    assert sorted(item["Идентификатор"] for item in data) == ["GST-00001", "GST-00002"]


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_export_queries_do_not_grow_with_heroes(archive, assert_queries_bounded, file_format):
    kemerovo = MunicipalityFactory(name="Кемерово")

    def add(count, start):
        for number in range(start, start + count):
            hero = HeroPageFactory(
                parent=archive, identifier=f"GST-{number:05d}", municipality=kemerovo
            )
            hero.sources.create(title="Источник")
            hero.tags.add("шахтёры")
            hero.save()

    add(3, 1)
    counts = assert_queries_bounded(export_url(archive, file_format), lambda: add(9, 10), cap=20)
    assert counts[0] <= 20
