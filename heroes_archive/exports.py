"""Exports of heroes — CSV, XLSX and JSON — with the columns of the import
(``heroes_archive.columns``), so that an exported file imports back to the same records.

    write(queryset, file_format, out)    # into the binary file ``out`` (a spool, a response)

- CSV: UTF-8 with a BOM and «;» between cells, which Excel opens as a table in a Russian
  Windows (as the contests' CSVs do).
- XLSX: openpyxl's write-only workbook, which keeps rows on disk, not in memory.
- JSON: a list of objects keyed by the same headers; a cell of several values is a list.

A cell beginning with «=», «+», «-», «@», a tab or a line break gets a «'» in front in CSV and
XLSX (``base.exports.neutralise_formula``): a spreadsheet opening the file shows text, never runs
a formula. The import takes the «'» off again. The heroes are read in chunks with their awards,
memorials, sources and tags prefetched (a constant number of queries per chunk), so 20,000 heroes
never sit in memory at once."""

import csv
import io
import json

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from kuzbib_site.base.exports import neutralise_formula

from . import columns
from .conf import setting

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}
CSV_DELIMITER = ";"
#: Heroes read (with their children) per query.
CHUNK = 500
#: Columns whose cells hold several values: lists in JSON.
LIST_KINDS = {"list", "awards", "memorials", "sources", "tags"}


def heroes_for_export(queryset):
    """``queryset`` with everything a row reads, at most ``EXPORT_MAX_ROWS`` heroes."""
    return (
        queryset.select_related("municipality", "birth_municipality", "death_municipality")
        .prefetch_related("awards", "memorials", "sources", "tagged_items__tag")[
            : setting("EXPORT_MAX_ROWS")
        ]
        .iterator(chunk_size=CHUNK)
    )


def rows(queryset):
    """Each hero's cells, in the order of ``columns.HEADERS``."""
    for page in heroes_for_export(queryset):
        yield columns.cells_of(page)


def write(queryset, file_format, out):
    """Write the heroes of ``queryset`` as ``file_format`` (a key of ``FORMATS``) into the
    binary file ``out``. Raises ValueError for another format."""
    if file_format == "csv":
        _write_csv(queryset, out)
    elif file_format == "xlsx":
        _write_xlsx(queryset, out)
    elif file_format == "json":
        _write_json(queryset, out)
    else:
        raise ValueError(f"Unknown export format: {file_format!r}")


def template(file_format, out):
    """The import template: the headers, an example row and, in XLSX, a sheet describing each
    column and the values of the controlled lists."""
    if file_format == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8", newline="")
        writer = csv.writer(text, delimiter=CSV_DELIMITER)
        text.write("\ufeff")
        writer.writerow(columns.HEADERS)
        writer.writerow([neutralise_formula(cell) for cell in columns.example_row()])
        text.flush()
        text.detach()
    elif file_format == "xlsx":
        _write_template_xlsx(out)
    else:
        raise ValueError(f"Unknown template format: {file_format!r}")


def _write_csv(queryset, out):
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    writer = csv.writer(text, delimiter=CSV_DELIMITER)
    text.write("\ufeff")
    writer.writerow(columns.HEADERS)
    for cells in rows(queryset):
        writer.writerow([neutralise_formula(cell) for cell in cells])
    text.flush()
    text.detach()  # ``out`` stays open for its reader


def _workbook():
    from openpyxl import Workbook  # noqa: PLC0415 — a second to import; only for workbooks

    return Workbook(write_only=True)


def _header_cells(sheet, headers):
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415
    from openpyxl.styles import Font  # noqa: PLC0415

    cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def _write_xlsx(queryset, out):
    workbook = _workbook()
    sheet = workbook.create_sheet("Герои")
    sheet.freeze_panes = "A2"
    sheet.append(_header_cells(sheet, columns.HEADERS))
    for cells in rows(queryset):
        sheet.append([neutralise_formula(cell) for cell in cells])
    workbook.save(out)


def _write_json(queryset, out):
    kinds = [column.kind for column in columns.COLUMNS]
    out.write(b"[")
    for number, cells in enumerate(rows(queryset)):
        record = {
            header: (_split(cell) if kind in LIST_KINDS else cell)
            for header, kind, cell in zip(columns.HEADERS, kinds, cells, strict=True)
        }
        out.write(b",\n" if number else b"\n")
        out.write(json.dumps(record, ensure_ascii=False).encode("utf-8"))
    out.write(b"\n]\n")


def _split(cell):
    """A cell of several values as a list (a list needs no escaped separators)."""
    return [columns.unescape(item) for item in columns.items(cell)] if cell else []


def _write_template_xlsx(out):
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415
    from openpyxl.styles import Alignment  # noqa: PLC0415

    from .models import AwardKind, Industry, MemorialKind, Relation, SourceKind  # noqa: PLC0415

    workbook = _workbook()
    sheet = workbook.create_sheet("Герои")
    sheet.freeze_panes = "A2"
    sheet.append(_header_cells(sheet, columns.HEADERS))
    sheet.append([neutralise_formula(cell) for cell in columns.example_row()])
    guide = workbook.create_sheet("Справка")
    with translation.override(settings.LANGUAGE_CODE):
        guide.append(
            _header_cells(guide, [_("Column"), _("Required"), _("What to write"), _("Example")])
        )
        for column in columns.COLUMNS:
            help_cell = WriteOnlyCell(guide, value=str(column.help))
            help_cell.alignment = Alignment(wrap_text=True, vertical="top")
            guide.append(
                [
                    column.header,
                    _("yes") if column.required else "",
                    help_cell,
                    neutralise_formula(column.example),
                ]
            )
        guide.append([])
        guide.append(
            [
                _("Several values in a cell are separated by «%(separator)s».")
                % {"separator": columns.separator()}
            ]
        )
        for header, choices in (
            (columns.HEADER["relation"], Relation),
            (columns.HEADER["industry"], Industry),
            (columns.HEADER["awards"], AwardKind),
            (columns.HEADER["memorials"], MemorialKind),
            (_("Kinds of sources"), SourceKind),
        ):
            guide.append([])
            guide.append(_header_cells(guide, [header]))
            for label in choices.labels:
                guide.append([str(label)])
    workbook.save(out)
