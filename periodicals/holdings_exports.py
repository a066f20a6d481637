"""The union catalogue as files: CSV and MARC 21 Holdings (ISO 2709), of the holdings the
public catalogue page shows (the same filters).

Both read back through ``holdings_import``: an export imported again changes nothing.

- **CSV**: UTF-8 with a BOM, «;» between cells (as the heroes archive's exports, which Excel in
  Russian opens as they are), cells that a spreadsheet would run as a formula neutralised
  (``base.exports.neutralise_formula``). One row per holding and line of its issues («1956–1958»
  held whole, or «1962» with «1–3, 5»); a holding with a statement only has one row with it.
  The header names are the import's (``holdings_import.COLUMNS``) — the format, not the
  interface, so they are not translated — and three columns of names for people.
- **MARC 21 Holdings**: one record per holding: 001 «kuzbib-holding-<id>», 004 the title's
  identifier, 022 its ISSN, 852 $a the library's number, $b its name, $h the shelf mark, a 853
  caption «№ (year)» with an 863 per line of issues, and 866 the typed statement. UTF-8
  (leader/09 «a»).
"""

import csv
import io

from django.db.models import Prefetch

from kuzbib_site.base.exports import neutralise_formula

from . import summary
from .models import HeldIssue, Holding

FORMATS = {"csv": "text/csv; charset=utf-8", "mrc": "application/marc"}
CSV_DELIMITER = ";"
HEADERS = [
    "ISSN",
    "Идентификатор",
    "Библиотека",
    "Год",
    "Номера",
    "Сводные данные",
    "Шифр",
    "Название",
    "Название библиотеки",
    "Муниципалитет",
]
# Holdings read from the database per batch: an export of the whole catalogue stays in a
# constant number of queries per batch and never holds every record in memory.
BATCH = 500


def holdings_for_export(queryset):
    return queryset.select_related("title", "library", "library__municipality").prefetch_related(
        Prefetch("issues", queryset=HeldIssue.objects.only("holding_id", "year", "number"))
    )


def _batches(queryset):
    ids = list(queryset.order_by("title__title", "library__full_name").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        found = {h.pk: h for h in holdings_for_export(Holding.objects.filter(pk__in=chunk))}
        titles = {holding.title for holding in found.values()}
        known = summary.known_numbers_of(titles)
        yield [(found[pk], known.get(found[pk].title_id, {})) for pk in chunk if pk in found]


def _lines(holding):
    """(years, numbers) of each line of the holding's issues."""
    text = summary.issues_as_lines([(issue.year, issue.number) for issue in holding.issues.all()])
    for line in text.splitlines():
        years, _colon, numbers = line.partition(":")
        yield years.strip(), numbers.strip()


def rows(queryset):
    for batch in _batches(queryset):
        for holding, _known in batch:
            title, library = holding.title, holding.library
            common = [title.issn, title.identifier or "", str(library.pk)]
            names = [title.title, library.full_name, library.municipality.name]
            statement = holding.summary
            lines = list(_lines(holding))
            if not lines:
                yield [*common, "", "", statement, holding.call_number, *names]
            for years, numbers in lines:
                yield [*common, years, numbers, statement, holding.call_number, *names]
                statement = ""  # said once per holding


def write_csv(queryset, out):
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    writer = csv.writer(text, delimiter=CSV_DELIMITER)
    text.write("\ufeff")
    writer.writerow(HEADERS)
    for cells in rows(queryset):
        writer.writerow([neutralise_formula(cell) for cell in cells])
    text.flush()
    text.detach()  # ``out`` stays open for its reader


def marc_record(holding):
    from pymarc import Field, Indicators, Leader, Record, Subfield  # noqa: PLC0415

    record = Record(force_utf8=True)
    # n: new; y: serial item holdings; 4: holdings level 4 (with pieces); a: UTF-8.
    record.leader = Leader("00000ny  a22000004n 4500")
    record.add_field(Field(tag="001", data=f"kuzbib-holding-{holding.pk}"))
    title, library = holding.title, holding.library
    if title.identifier:
        record.add_field(Field(tag="004", data=title.identifier))
    if title.issn:
        record.add_field(
            Field(tag="022", indicators=Indicators(" ", " "), subfields=[Subfield("a", title.issn)])
        )
    location = [Subfield("a", str(library.pk)), Subfield("b", library.full_name)]
    if holding.call_number:
        location.append(Subfield("h", holding.call_number))
    record.add_field(Field(tag="852", indicators=Indicators("8", " "), subfields=location))
    lines = list(_lines(holding))
    if lines:
        record.add_field(
            Field(
                tag="853",
                indicators=Indicators("2", "0"),
                subfields=[Subfield("8", "1"), Subfield("a", "№"), Subfield("i", "(year)")],
            )
        )
    for sequence, (years, numbers) in enumerate(lines, start=1):
        subfields = [Subfield("8", f"1.{sequence}")]
        if numbers:
            subfields.append(Subfield("a", numbers))
        subfields.append(Subfield("i", years.replace("–", "-")))
        record.add_field(Field(tag="863", indicators=Indicators("4", "1"), subfields=subfields))
    # A typed statement only: one made from the issues is what 853/863 say already, and an
    # 866 read back would turn it into a typed one.
    if holding.summary:
        record.add_field(
            Field(
                tag="866",
                indicators=Indicators(" ", "0"),
                subfields=[Subfield("a", holding.summary)],
            )
        )
    return record


def write_marc(queryset, out):
    for batch in _batches(queryset):
        for holding, _known in batch:
            out.write(marc_record(holding).as_marc())


def write(queryset, file_format, out):
    if file_format == "csv":
        write_csv(queryset, out)
    elif file_format == "mrc":
        write_marc(queryset, out)
    else:
        raise ValueError(f"Unknown export format: {file_format!r}")
