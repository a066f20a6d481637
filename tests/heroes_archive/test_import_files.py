"""Files the import reads (``heroes_archive.importer.Spreadsheet``): the encodings Excel and
LibreOffice save CSV in, delimiters, XLSX cells as an editor typed them (dates, numbers, formulas
kept as text), the row limit (refused before any row is parsed), a 0-row file, and zip bombs
refused by the core's archive guard with the process's memory staying flat."""

import datetime
import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from heroes_archive import columns, importer
from heroes_archive.conf import setting
from heroes_archive.models import HeroImport, HeroPage
from tests.factories import files as sample
from tests.factories.heroes import HeroIndexPageFactory
from tests.heroes_archive.test_import import dry_run, hero_row, imported, spreadsheet

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def archive(home_page):
    return HeroIndexPageFactory(parent=home_page)


def workbook(rows, headers=columns.HEADERS):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def opened(data, name="heroes.csv"):
    return importer.Spreadsheet.open(io.BytesIO(data), name)


def refusal(data, name="heroes.csv"):
    with pytest.raises(importer.Refused) as refused:
        opened(data, name)
    return " ".join(refused.value.messages)


def test_windows_1251_from_a_russian_excel_is_read(archive):
    """Excel on a Russian Windows saves «CSV (разделители — запятые)» in Windows-1251 with «;»:
    decoded, since the header row read in it gives our headers."""
    data = spreadsheet(
        [hero_row("GST-00001", surname="Ёлкина", given_name="Мария", sex="ж")],
        encoding="cp1251",
    )
    assert opened(data).encoding == "cp1251"
    heroimport = imported(dry_run(archive, data))
    assert heroimport.report["encoding"] == "cp1251"
    hero = HeroPage.objects.get(identifier="GST-00001")
    assert (hero.surname, hero.given_name) == ("Ёлкина", "Мария")


def test_other_encodings_and_delimiters():
    rows = [hero_row("GST-00001", biography="Абзац один;\nещё строка.\n\nАбзац «два», с запятой.")]
    plain = opened(spreadsheet(rows, delimiter=",", encoding="utf-8"))
    assert plain.encoding == "utf-8"
    ((line, cells, problems),) = list(plain.rows())
    assert line == 2 and not problems
    assert cells["Биография"] == "Абзац один;\nещё строка.\n\nАбзац «два», с запятой."
    # «Unicode text» of Excel: UTF-16 with a BOM, tabs between cells.
    unicode_text = opened(spreadsheet(rows, delimiter="\t", encoding="utf-16"))
    assert unicode_text.encoding == "utf-16"
    assert next(unicode_text.rows())[1]["Фамилия"] == "Шахтёров"
    # KOI8-R decodes as Windows-1251 into nonsense headers: refused with how to save the file.
    koi8 = ";".join(columns.HEADERS) + "\nGST-00001;Иванов;Иван\n"
    assert "UTF-8" in refusal(koi8.encode("koi8_r"))


def test_binary_garbage_and_empty_files_are_refused():
    for data in (bytes(range(256)) * 100, b"\x00" * 1000, b"\xff\xfe" + b"\xd8\x00" * 10):
        assert "UTF-8" in refusal(data)
    assert "heroes.csv" in refusal(b"")
    assert "heroes.csv" in refusal(b"\n\n")
    # An XLSX by its content, whatever its name; a damaged one is refused.
    assert opened(workbook([]), "heroes.csv").file_format == HeroImport.Format.XLSX
    assert "heroes.xlsx" in refusal(b"PK\x03\x04" + bytes(200), "heroes.xlsx")
    assert "heroes.xlsx" in refusal(sample.docx(), "heroes.xlsx")  # a Word document


def test_wrong_headers_are_named():
    missing = refusal(spreadsheet([], headers=["Идентификатор", "Фамилия", "Имя"]))
    for header in ("«Пол»", "«Связь с Кузбассом»", "«Отрасль»", "«Награды»"):
        assert header in missing
    unknown = refusal(spreadsheet([], headers=[*columns.HEADERS, "Фамилия героя", "Цвет"]))
    assert "«Фамилия героя»" in unknown and "«Цвет»" in unknown
    repeated = refusal(spreadsheet([], headers=[*columns.HEADERS, "ТЕГИ"]))
    assert "«Теги»" in repeated
    assert "2" in refusal(spreadsheet([], headers=["Идентификатор", "", *columns.HEADERS[1:]]))
    # Headers in another case, with ё as е and extra spaces are ours; trailing blanks are nothing.
    sheet = opened(spreadsheet([], headers=[" идентификатор ", *columns.HEADERS[1:], "", ""]))
    assert sheet.headers == list(columns.HEADERS)


def test_xlsx_cells_read_as_the_editor_typed_them():
    row = hero_row("GST-00001")
    row.update(
        {
            "Дата рождения": datetime.datetime(1923, 3, 12),
            "Профессия": "=1+1",
            "Предприятие": "'-",
            "Краткая справка": 1957.0,
            "Отчество": None,
        }
    )
    data = workbook([list(row.values()), [None] * len(row), list(hero_row("GST-00002").values())])
    sheet = opened(data, "heroes.xlsx")
    found = list(sheet.rows())
    assert [line for line, _cells, _problems in found] == [2, 4]  # the empty row 3 is no hero
    cells = found[0][1]
    assert cells["Дата рождения"] == "12.03.1923"
    assert cells["Профессия"] == "=1+1"  # a formula is its text, never its value
    assert cells["Предприятие"] == "-"  # an export's formula guard comes off
    assert cells["Краткая справка"] == "1957"
    assert cells["Отчество"] == ""


def test_a_row_wider_than_the_headers_is_a_problem():
    data = spreadsheet([[*hero_row("GST-00001").values(), "лишнее"]])
    ((_line, _cells, problems),) = list(opened(data).rows())
    assert problems


def test_a_file_with_headers_only_fails_its_check(archive):
    heroimport = dry_run(archive, spreadsheet([]))
    assert heroimport.phase == HeroImport.Phase.FAILED
    assert heroimport.report["refused"]
    assert not importer.request_import(heroimport, None)


def test_the_row_limit(archive, settings):
    settings.KUZBIB_HEROES_ARCHIVE = {"IMPORT_MAX_ROWS": 3}
    at_limit = dry_run(archive, spreadsheet([hero_row(f"GST-{n}") for n in range(3)]))
    assert at_limit.phase == HeroImport.Phase.CHECKED
    over = dry_run(archive, spreadsheet([hero_row(f"GST-{n}") for n in range(4)]))
    assert over.phase == HeroImport.Phase.FAILED
    assert "3" in over.error


def test_fifty_thousand_rows_and_one_are_refused_before_any_row_is_parsed(archive):
    """The default limit is 50,000 rows: a file with one more is refused by the first pass,
    which reads rows without parsing them (no progress of the second, parsing pass)."""
    assert setting("IMPORT_MAX_ROWS") == 50_000
    lines = ["Идентификатор;Фамилия;Имя;Пол;Связь с Кузбассом;Отрасль;Награды"]
    lines += [f"GST-{n:05d};Иванов;Иван;м;lived;coal;hero 1957" for n in range(50_001)]
    data = ("\n".join(lines) + "\n").encode()
    started = time.monotonic()
    heroimport = dry_run(archive, data)
    elapsed = time.monotonic() - started
    assert heroimport.phase == HeroImport.Phase.FAILED
    assert "50000" in heroimport.error.replace("\xa0", "").replace(" ", "")
    assert heroimport.rows_done == 0 and not HeroPage.objects.exists()
    assert elapsed < 30, elapsed


def bomb_xlsx(size=sample.GIB):
    """A real workbook whose sheet declares its real size and checksum but inflates to
    ``size`` bytes (the XML, then zeros)."""
    data = workbook([list(hero_row("GST-00001").values())])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    return sample.rezipped(
        data, {"xl/worksheets/sheet1.xml": (sheet, sample.deflate_bomb(sheet, size))}
    )


def test_a_zip_bomb_is_refused_by_the_archive_guard(archive):
    message = refusal(bomb_xlsx(), "bomb.xlsx")
    assert "bomb.xlsx" in message
    heroimport_count = HeroImport.objects.count()
    with pytest.raises(importer.Refused):
        importer.upload(archive, SimpleUploadedFile("bomb.xlsx", bomb_xlsx()), None)
    assert HeroImport.objects.count() == heroimport_count


MEASURE = """
import resource, sys
import django
django.setup()
import openpyxl  # noqa: F401 — loaded before the baseline, as a worker has it loaded
from heroes_archive import importer
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with open(sys.argv[1], "rb") as data:
    try:
        importer.Spreadsheet.open(data, "bomb.xlsx")
        print("OPENED")
    except importer.Refused as refused:
        print("REFUSED", refused.messages[0])
print(baseline, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def test_the_zip_bomb_costs_no_memory(tmp_path):
    """In a fresh process: the peak resident memory after refusing a sheet that inflates to a
    gigabyte is within a few megabytes of what the process had before."""
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb_xlsx())
    assert path.stat().st_size < 5 * 1024 * 1024
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "kuzbib_site.settings.test"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    said, peaks = result.stdout.strip().splitlines()[-2:]
    assert said.startswith("REFUSED") and "bomb.xlsx" in said
    baseline, peak = (int(value) for value in peaks.split())
    assert peak - baseline < 32 * 1024, f"peak grew by {(peak - baseline) // 1024} MB"  # KiB


def inline_strings_workbook(rows):
    """A workbook as our exports write it: openpyxl's write-only mode, strings inline in the
    worksheet's XML."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Герои")
    sheet.append(list(columns.HEADERS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_large_worksheet_passes_the_guard_its_shared_strings_do_not(settings):
    """A worksheet is read as a stream, so the guard lets it be as large as the largest
    spreadsheet accepted needs; the shared strings, which openpyxl holds in memory, keep the
    core's cap. (The core's cap is lowered here to 20 KB so that 60 rows pass it.)"""
    settings.KUZBIB_BASE = {**settings.KUZBIB_BASE, "ARCHIVE": {"MAX_XML_BYTES": 20_000}}
    rows = [
        list(hero_row(f"GST-{number:05d}", summary=f"Справка {number} " + "слово " * 60).values())
        for number in range(60)
    ]
    large = inline_strings_workbook(rows)
    with zipfile.ZipFile(io.BytesIO(large)) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 20_000
    assert len(list(opened(large, "large.xlsx").rows())) == 60
    # The core's own guard, with the site's limits, refuses the same workbook...
    from django.core.exceptions import ValidationError

    from kuzbib_site.base.uploads import check_archive

    with pytest.raises(ValidationError):
        check_archive(io.BytesIO(large), "large.xlsx")
    # ...and with shared strings (Excel's way of writing text) over the cap, so do we.
    strings = "".join(f"<si><t>Справка {number} {'слово ' * 60}</t></si>" for number in range(60))
    xml = (
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{strings}</sst>'
    ).encode()
    assert len(xml) > 20_000
    shared = sample.rezipped(large, {"xl/sharedStrings.xml": (xml, sample.deflated(xml))})
    assert "shared.xlsx" in refusal(shared, "shared.xlsx")
