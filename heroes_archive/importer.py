"""Importing heroes from a spreadsheet (CSV or XLSX): reading the file safely, the dry run that
says row by row what would happen, and the import itself.

    upload(index_page, uploaded, user)   # the admin's form: a HeroImport, its check queued
    check(heroimport)                    # the dry run: the report, nothing written
    request_import(heroimport, user)     # «Import»: the import queued
    run(heroimport)                      # the import, batch by batch, with progress
    work(heroimport_id, stage)           # what the Celery tasks call (``heroes_archive.tasks``)

Reading. A file's kind is read from its content, not its name. An XLSX goes through the archive
guard of the core (``base.uploads.check_archive``) before openpyxl opens it, read-only. A CSV is
UTF-8 (with or without a BOM), UTF-16 with a BOM («Unicode text» of Excel), or Windows-1251 —
the encoding of «CSV (разделители — запятые)» saved by Excel on a Russian Windows, which library
staff use every day. Windows-1251 is decoded rather than refused, but only when the header row
read in it gives our Russian headers: Windows-1251 decodes almost any bytes, so that is what
tells it from KOI8-R or binary garbage, which are refused with a message saying how to save the
file. The delimiter («;», «,» or tab) is the one that splits the header row into our headers.
More than ``IMPORT_MAX_ROWS`` rows are refused as soon as the first row over the limit is read,
before any row is parsed (the dry run counts in a first pass).

Rows. A row matches an existing hero by ``Идентификатор`` only, never by name. Its record (the
columns the file has; ``heroes_archive.columns``) is compared with the hero's: equal, the row is
skipped (no save, no revision); different, the hero is updated; unknown identifier, a hero is
created. Columns the file does not have are left as they are. A row with any problem, or whose
identifier the file repeats, is not written; the dry run lists its problems in Russian.

Writing. Rows are written in batches (``BATCH``), each batch one transaction that first locks the
archive's page (two imports, or an editor adding a hero meanwhile, take turns). Each row's page
is made through Wagtail's tree API (``index.add_child``, as a draft) or saved with the fields that
changed, in its own savepoint: a row that fails there is rolled back and reported, the others go
on. Then, for the batch's written rows at once (``_finish``): their awards, memorials, sources and
tags in one INSERT per relation, one revision per page in one INSERT, the pages published by
those revisions (``live_revision``; a draft hero stays a draft) in two UPDATEs, the publish log,
the search index in bulk, the reference index of each page and ``lemma_index.update``. Should
any of that fail, the whole batch is rolled back: no page is ever committed without its children
and revision. Wagtail's own ``publish()`` is not used: it would save every page a second time
and run per-page signals; its search-index and reference-index receivers are off while a batch
runs (``deferred_indexing``) and done once per batch instead.

Why not django-import-export's ``Resource``: see the commit that introduced this module — its
dry run saves every row inside a transaction it rolls back (20,000 Wagtail pages made to be
thrown away), its transactions are one for the whole file or none (not a savepoint per row in
committed batches), it saves with ``instance.save()`` (no tree API, no revision), and a page's
awards, memorials, sources and tags, which are modelcluster children, have no place in its
field-per-attribute model; what would be left of it is its row loop.
"""

import codecs
import contextlib
import csv
import datetime
import io
import itertools
import logging
import re
from collections import Counter
from dataclasses import dataclass, field

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import CharField, F, OuterRef, Subquery
from django.db.models.functions import Cast
from django.db.models.signals import post_save
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from taggit.models import Tag
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision
from wagtail.search.backends import get_search_backends
from wagtail.signal_handlers import disable_reference_index_auto_update

from kuzbib_site.base import builds, page_cache_purge, partial_dates
from kuzbib_site.base.conf import setting as core_setting
from kuzbib_site.base.queue import enqueue_on_commit
from kuzbib_site.base.uploads import check_archive, open_guarded_zip, safe_filename

from . import columns
from .columns import HEADER, Lookups, clean_cell
from .conf import setting
from .models import HeroAward, HeroImport, HeroPage, HeroTag, Memorial, Source
from .models.vocabularies import fold

logger = logging.getLogger(__name__)

#: Rows per transaction of the import (and per lookup of existing heroes in the dry run).
BATCH = 200
#: Header cells read from a worksheet (ours are two dozen; a sheet may declare thousands).
MAX_COLUMNS = 200
#: Worth another try later: a database restart, a network disk away for a moment.
TRANSIENT = (OperationalError, InterfaceError, OSError)
DELIMITERS = (";", ",", "\t")
#: After so many new heroes the import refreshes PostgreSQL's statistics of the page tree.
ANALYZE_EVERY = 1000
ACTIONS = ("create", "update", "skip", "error")
#: The worksheet XML of one row of two dozen columns is about 3 KB; room for long biographies.
WORKSHEET_BYTES_PER_ROW = 8 * 1024
WORKSHEETS = "xl/worksheets/"
CHUNK = 64 * 1024
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"


class Refused(Exception):
    """The file as a whole cannot be imported; ``messages`` say why, in the user's language."""

    def __init__(self, *messages):
        super().__init__(" ".join(str(message) for message in messages))
        self.messages = [str(message) for message in messages]


# --- Reading a spreadsheet -----------------------------------------------------------------------


def _cell_text(value):
    """An XLSX cell's value as the text an editor sees: dates as 12.03.1923, whole numbers
    without «.0»."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return f"{value:%d.%m.%Y}"
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _header_columns(raw_headers):
    """Our column (or None) for each header cell, and the problems of the header row: unknown,
    repeated and missing required headers, each named."""
    found, problems = [], []
    while raw_headers and not clean_cell(raw_headers[-1]):
        raw_headers = raw_headers[:-1]  # trailing empty header cells: nothing there
    unknown, blank = [], []
    for position, raw in enumerate(raw_headers, start=1):
        text = clean_cell(raw).lstrip("\ufeff").strip()
        column = columns.BY_FOLDED_HEADER.get(fold(text).rstrip("*").strip())
        if column is None:
            (unknown if text else blank).append(text or str(position))
        found.append(column)
    present = Counter(column.header for column in found if column)
    repeated = [header for header, count in present.items() if count > 1]
    missing = [column.header for column in columns.REQUIRED if column.header not in present]
    if not present:
        problems.append(
            _(
                "The first row holds none of the template's headers (%(example)s…): this is not "
                "a spreadsheet of heroes, or it was saved in an encoding other than UTF-8."
            )
            % {"example": ", ".join(f"«{header}»" for header in columns.HEADERS[:3])}
        )
        return found, problems
    if missing:
        problems.append(
            _("Required columns are missing: %(headers)s.")
            % {"headers": ", ".join(f"«{header}»" for header in missing)}
        )
    if unknown:
        problems.append(
            _("Unknown columns: %(headers)s. Use the headers of the template.")
            % {"headers": ", ".join(f"«{header[:60]}»" for header in unknown[:20])}
        )
    if blank:
        problems.append(
            _("Columns without a header: %(numbers)s.") % {"numbers": ", ".join(blank[:20])}
        )
    if repeated:
        problems.append(
            _("Columns given twice: %(headers)s.")
            % {"headers": ", ".join(f"«{header}»" for header in repeated)}
        )
    return found, problems


def _best_delimiter(first_line):
    """The delimiter that splits the header row into the most of our headers."""

    def known(delimiter):
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        return sum(
            1 for cell in cells if fold(clean_cell(cell)).rstrip("*") in columns.BY_FOLDED_HEADER
        )

    return max(DELIMITERS, key=known), max(known(delimiter) for delimiter in DELIMITERS)


def _decode_csv(data, name):
    """The text of a CSV file and its encoding; Refused for anything that is not text."""
    boms = (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    )
    for bom, encoding in boms:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                raise Refused(_cannot_read(name)) from None
    if b"\x00" in data[:65536]:
        raise Refused(_cannot_read(name))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        raise Refused(_cannot_read(name)) from None
    # Windows-1251 decodes nearly anything: the header row must read as ours in it.
    first_line = text.split("\n", 1)[0]
    if _best_delimiter(first_line)[1] >= 2:
        return text, "cp1251"
    raise Refused(_cannot_read(name))


def _cannot_read(name):
    return _(
        "The file «%(name)s» cannot be read as a CSV table: save it from Excel or LibreOffice "
        "as «CSV UTF-8» (or as an .xlsx workbook) and upload it again."
    ) % {"name": name}


@dataclass
class Spreadsheet:
    """An uploaded spreadsheet opened for reading: its kind, encoding and header row (checked
    when it is opened: Refused names every wrong header), and ``rows()``, which may be read more
    than once."""

    fileobj: object
    name: str
    file_format: str = ""
    encoding: str = ""
    headers: list = field(default_factory=list)
    _columns: list = field(default_factory=list)
    _text: str = ""
    _delimiter: str = ";"
    _workbook: object = None

    @classmethod
    def open(cls, fileobj, name):
        sheet = cls(fileobj, name)
        sheet._open()
        return sheet

    def _open(self):
        self.fileobj.seek(0, io.SEEK_END)
        size = self.fileobj.tell()
        self.fileobj.seek(0)
        limit = setting("IMPORT_MAX_BYTES")
        if size == 0:
            raise Refused(_("The file «%(name)s» is empty.") % {"name": self.name})
        if size > limit:
            raise Refused(
                _("The file «%(name)s» is %(size)s; at most %(limit)s is accepted.")
                % {
                    "name": self.name,
                    "size": filesizeformat(size),
                    "limit": filesizeformat(limit),
                }
            )
        head = self.fileobj.read(8)
        self.fileobj.seek(0)
        if head.startswith(_ZIP):
            self._open_xlsx()
        elif head.startswith(_OLE2):
            raise Refused(
                _(
                    "«%(name)s» is an Excel 97–2003 workbook (.xls): save it as an .xlsx workbook "
                    "or as «CSV UTF-8» and upload it again."
                )
                % {"name": self.name}
            )
        else:
            self._open_csv()
        found, problems = _header_columns(self.headers)
        if problems:
            raise Refused(*problems)
        self._columns = found
        self.headers = [column.header for column in found if column]

    def _open_csv(self):
        self.file_format = HeroImport.Format.CSV
        self._text, self.encoding = _decode_csv(self.fileobj.read(), self.name)
        self._text = self._text.lstrip("\ufeff")
        first_line = self._text.split("\n", 1)[0].rstrip("\r")
        self._delimiter = _best_delimiter(first_line)[0]
        try:
            self.headers = next(self._csv_rows(), [])
        except csv.Error:
            raise Refused(_cannot_read(self.name)) from None
        if not self.headers:
            raise Refused(_("The file «%(name)s» is empty.") % {"name": self.name})

    def _csv_rows(self):
        return csv.reader(io.StringIO(self._text, newline=""), delimiter=self._delimiter)

    def _open_xlsx(self):
        import openpyxl  # noqa: PLC0415 — a second or two to import; only for workbooks

        self.file_format = HeroImport.Format.XLSX
        # The guard reads every member through its capped streams first: a zip bomb is refused
        # here, before openpyxl inflates anything.
        limits = _workbook_limits()
        try:
            check_archive(self.fileobj, self.name, limits)
            with open_guarded_zip(self.fileobj, self.name, limits) as archive:
                names = archive.namelist()
                is_workbook = "xl/workbook.xml" in names
                # What openpyxl holds in memory (the shared strings…) keeps the core's cap.
                for member in names:
                    if member.endswith(".xml") and not member.startswith(WORKSHEETS):
                        stream = archive.open(member, max_bytes=setting_of_core("MAX_XML_BYTES"))
                        while stream.read(CHUNK):
                            pass
        except Exception as error:  # noqa: BLE001 — ValidationError of the guard, with its message
            raise Refused(*getattr(error, "messages", [_damaged(self.name)])) from None
        if not is_workbook:
            raise Refused(
                _("«%(name)s» is not an Excel workbook (.xlsx) nor a CSV table.")
                % {"name": self.name}
            )
        try:
            self._workbook = openpyxl.load_workbook(self.fileobj, read_only=True, data_only=False)
            sheet = self._workbook.worksheets[0]
            header = next(sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS, values_only=True), ())
        except Exception:  # noqa: BLE001 — whatever openpyxl trips over, the file is damaged
            logger.warning("Workbook %s could not be opened", self.name, exc_info=True)
            raise Refused(_damaged(self.name)) from None
        self.headers = [_cell_text(value) for value in header]
        if not any(self.headers):
            raise Refused(_("The first row of «%(name)s» is empty.") % {"name": self.name})

    def _raw_rows(self):
        """The data rows as lists of texts."""
        if self.file_format == HeroImport.Format.CSV:
            reader = self._csv_rows()
            next(reader, None)
            yield from reader
            return
        sheet = self._workbook.worksheets[0]
        width = len(self._columns)
        for values in sheet.iter_rows(min_row=2, max_col=max(width, 1), values_only=True):
            yield [_cell_text(value) for value in values]

    def rows(self):
        """``(line, cells, problems)`` for each row that is not empty: the line in the
        spreadsheet (the header is line 1), ``{header: cleaned text}`` for our columns, and
        problems of the row's shape. Refused past ``IMPORT_MAX_ROWS`` rows or if the file turns
        out damaged."""
        limit = setting("IMPORT_MAX_ROWS")
        count = 0
        width = len(self._columns)
        raw_rows = self._raw_rows()
        line = 1
        while True:
            try:
                values = next(raw_rows, None)
            except csv.Error:
                raise Refused(
                    _("Line %(line)s of «%(name)s» cannot be read as CSV.")
                    % {"line": line + 1, "name": self.name}
                ) from None
            except Exception:  # noqa: BLE001 — openpyxl on a damaged sheet
                logger.warning("Workbook %s: row %s unreadable", self.name, line, exc_info=True)
                raise Refused(_damaged(self.name)) from None
            if values is None:
                return
            line += 1
            if not any(str(value).strip() for value in values):
                continue
            count += 1
            if count > limit:
                raise Refused(
                    _(
                        "«%(name)s» has more than %(limit)s rows: split it into several files of "
                        "at most %(limit)s rows."
                    )
                    % {"name": self.name, "limit": limit}
                )
            cells = {
                column.header: clean_cell(values[position] if position < len(values) else "")
                for position, column in enumerate(self._columns)
                if column
            }
            problems = []
            if any(clean_cell(value) for value in values[width:]):
                problems.append(
                    _(
                        "The row has more cells than the header row has headers (is a «;» or «,» "
                        "inside a cell not in quotes?)."
                    )
                )
            yield line, cells, problems

    def close(self):
        if self._workbook is not None:
            self._workbook.close()


def setting_of_core(name):
    return core_setting("ARCHIVE")[name]


def _workbook_limits():
    """The archive guard's limits for a workbook to import. openpyxl reads a worksheet as a
    stream (read-only), never as a tree, so a worksheet's XML may be as large as the largest
    spreadsheet accepted needs (``IMPORT_MAX_ROWS`` rows of ``WORKSHEET_BYTES_PER_ROW``), not
    an office document's; the core's ratio of unpacked to packed size still holds."""
    xml = max(
        setting_of_core("MAX_XML_BYTES"), setting("IMPORT_MAX_ROWS") * WORKSHEET_BYTES_PER_ROW
    )
    unpacked = max(setting_of_core("MAX_UNPACKED_BYTES"), xml + setting_of_core("MAX_XML_BYTES"))
    return {"MAX_XML_BYTES": xml, "MAX_UNPACKED_BYTES": unpacked}


def _damaged(name):
    return _("The file «%(name)s» is damaged and cannot be opened.") % {"name": name}


# --- Planning rows -------------------------------------------------------------------------------


@dataclass
class Row:
    """What one row of the spreadsheet asks for: ``action`` (create, update, skip, error), the
    record it gives, the hero it matches, its problems and the columns it changes."""

    line: int
    identifier: str
    name: str
    action: str = "error"
    record: dict = field(default_factory=dict)
    page: HeroPage | None = None
    problems: list = field(default_factory=list)
    changes: list = field(default_factory=list)

    def report(self):
        entry = {"line": self.line, "id": self.identifier, "name": self.name, "action": self.action}
        if self.problems:
            entry["problems"] = self.problems
        if self.changes:
            entry["changes"] = self.changes
        return entry


def _existing(identifiers):
    """The heroes with these identifiers and everything the comparison reads, in a constant
    number of queries."""
    return {
        page.identifier: page
        for page in HeroPage.objects.filter(identifier__in=identifiers)
        .select_related("municipality", "birth_municipality", "death_municipality")
        # Also what a revision of the page serialises: its pictures and comments.
        .prefetch_related(
            "awards",
            "memorials",
            "sources",
            "tagged_items__tag",
            "images",
            "wagtail_admin_comments",
        )
    }


def plan(batch, lookups, duplicates):
    """The ``Row`` of each ``(line, cells, problems)`` of ``batch``: parsed, matched with the
    existing heroes (one lookup for the batch) and compared."""
    identifier_header = HEADER["identifier"]
    existing = _existing([cells.get(identifier_header, "") for _line, cells, _problems in batch])
    lookups.load_tags(itertools.chain.from_iterable(columns.tag_names(c) for _l, c, _p in batch))
    rows = []
    for line, cells, shape_problems in batch:
        identifier = cells.get(identifier_header, "")
        name = " ".join(
            cells.get(HEADER[key], "") for key in ("surname", "given_name", "patronymic")
        ).strip()
        row = Row(line, identifier[:60], " ".join(name.split())[:200])
        row.record, problems = columns.parse_row(cells, lookups)
        row.problems = [*shape_problems, *problems]
        if identifier and identifier in duplicates:
            row.problems.append(
                _("%(column)s: «%(value)s» is in the file more than once.")
                % {"column": identifier_header, "value": identifier[:60]}
            )
        row.page = existing.get(identifier)
        if row.page is not None and not row.problems:
            current = columns.record_of(row.page)
            row.changes = [
                HEADER[key] for key, value in row.record.items() if value != current[key]
            ]
            if HEADER["biography"] in row.changes and not columns.biography_is_plain(
                row.page.biography
            ):
                row.problems.append(
                    _(
                        "%(column)s: the hero's biography has headings, pictures, tables, "
                        "links or emphasis that a cell cannot hold; change it in the editor, "
                        "or leave the cell as the export wrote it."
                    )
                    % {"column": HEADER["biography"]}
                )
        if row.problems:
            row.action, row.changes = "error", []
        elif row.page is None:
            row.action = "create"
        else:
            row.action = "update" if row.changes else "skip"
        rows.append(row)
    return rows


def _batches(rows, size=BATCH):
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _count_rows(sheet):
    """The number of rows and the identifiers the file gives more than once: a first pass that
    parses nothing (and stops at the row limit)."""
    seen = Counter()
    total = 0
    for _line, cells, _problems in sheet.rows():
        total += 1
        identifier = cells.get(HEADER["identifier"], "")
        if identifier:
            seen[identifier] += 1
    return total, sorted(identifier for identifier, count in seen.items() if count > 1)


# --- The dry run ---------------------------------------------------------------------------------


def check(heroimport):
    """The dry run: read the whole file, say for each row what the import would do and what is
    wrong with it, write nothing but the report (``heroimport.report``) and the progress."""
    counts = dict.fromkeys(ACTIONS, 0)
    report_rows = []
    with _opened(heroimport) as sheet:
        heroimport.encoding = sheet.encoding
        total, duplicates = _count_rows(sheet)
        if not total:
            raise Refused(_("The file has headers but no rows of heroes."))
        _progress(heroimport, rows_total=total, rows_done=0)
        lookups = Lookups()
        done = 0
        for batch in _batches(sheet.rows()):
            for row in plan(batch, lookups, set(duplicates)):
                counts[row.action] += 1
                report_rows.append(row.report())
            done += len(batch)
            _progress(heroimport, rows_done=done)
        heroimport.report = {
            "format": sheet.file_format,
            "encoding": sheet.encoding,
            "headers": sheet.headers,
            "counts": counts,
            "duplicates": duplicates,
            "rows": report_rows,
        }
    return heroimport


# --- The import --------------------------------------------------------------------------------


@contextlib.contextmanager
def deferred_indexing():
    """While rows are written, Wagtail's search index (a ``post_save`` receiver per indexed
    model, disconnected here for heroes) and reference index (Wagtail's own switch) are not
    updated page by page; each batch updates them in bulk (``_after_batch``). The receiver is
    process-wide: imports run in a worker, one task at a time."""
    from modelsearch.signal_handlers import post_save_signal_handler  # noqa: PLC0415

    connected = post_save.disconnect(post_save_signal_handler, sender=HeroPage)
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        if connected:
            post_save.connect(post_save_signal_handler, sender=HeroPage)


def _slug_base(identifier):
    return re.sub(r"[^a-z0-9_-]+", "-", identifier.lower()).strip("-") or "hero"


def _free_slugs(index, rows):
    """A slug for each new hero of a batch, from its identifier, free among the archive's
    pages (one query, and one more per rare clash)."""
    wanted = {row.line: _slug_base(row.identifier) for row in rows}
    siblings = Page.objects.child_of(index)
    taken = set(siblings.filter(slug__in=set(wanted.values())).values_list("slug", flat=True))
    slugs = {}
    for line, base in wanted.items():
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
            if not siblings.filter(slug=slug).exists():
                break
        taken.add(slug)
        slugs[line] = slug
    return slugs


FIELDS = (
    "identifier",
    "surname",
    "given_name",
    "patronymic",
    "sex",
    "birth_date",
    "birth_place",
    "birth_municipality",
    "death_date",
    "death_place",
    "death_municipality",
    "relation",
    "industry",
    "profession",
    "enterprise",
    "municipality",
    "summary",
)
#: What ``HeroPage.save`` computes from the fields and awards (``refresh_derived``).
DERIVED = (
    "title",
    "sort_name",
    "initial",
    "title_year",
    "title_count",
    "birth_date_start",
    "birth_date_end",
    "death_date_start",
    "death_date_end",
)


def _assign(page, record):
    """Set the page's own fields from the record; returns the names of the model fields set."""
    names = []
    for key in FIELDS:
        if key in record:
            setattr(page, key, record[key])
            names.append(key)
    if "name_variants" in record:
        page.name_variants = "; ".join(record["name_variants"])
        names.append("name_variants")
    if "biography" in record:
        page.biography = columns.biography_blocks(record["biography"])
        names.append("biography")
    return names


#: The page's children the spreadsheet writes: relation → (model, the field naming the page).
RELATIONS = {
    "awards": (HeroAward, "hero"),
    "memorials": (Memorial, "hero"),
    "sources": (Source, "hero"),
    "tagged_items": (HeroTag, "content_object"),
}


def _children(row, tags):
    """New (unsaved) children for the relations the row writes: {relation: [objects]} — all
    of them for a new hero, the changed ones for an update."""
    record = row.record
    children = {}
    if "awards" in record:
        children["awards"] = [
            HeroAward(
                sort_order=position,
                kind=award.kind,
                date=award.date,
                decree=award.decree,
                number=award.number,
                note=award.note,
            )
            for position, award in enumerate(record["awards"])
        ]
        for award in children["awards"]:
            partial_dates.sync(award, "date")  # what the award's clean() would store
    if "memorials" in record:
        children["memorials"] = [
            Memorial(sort_order=position, **item._asdict())
            for position, item in enumerate(record["memorials"])
        ]
    if "sources" in record:
        children["sources"] = [
            Source(sort_order=position, **item._asdict())
            for position, item in enumerate(record["sources"])
        ]
    if "tags" in record:
        children["tagged_items"] = [HeroTag(tag=tags[fold(name)]) for name in record["tags"]]
    if row.action == "update":
        children = {
            relation: objects
            for relation, objects in children.items()
            if _relation_header(relation) in row.changes
        }
    return children


def _relation_header(relation):
    return HEADER["tags" if relation == "tagged_items" else relation]


def _create_page(index, row, slug, user):
    """A new hero below ``index``, saved as a draft through Wagtail's tree API (in its own
    savepoint: ``add_child`` is atomic). Its children, revision and publication follow for the
    whole batch (``_finish``)."""
    page = HeroPage(slug=slug, owner=user, locale_id=index.locale_id, live=False)
    _assign(page, row.record)
    page._is_site_root = False  # Wagtail would ask the database; a hero is never a site's root
    index.add_child(instance=page)
    return page


def _update_page(row, children):
    """Save the changed fields of ``row.page`` (in a savepoint); the derived columns are
    computed from the new awards, held in memory (``_finish`` stores them)."""
    page = row.page
    names = _assign(page, row.record)
    for relation, objects in children.items():
        setattr(page, relation, objects)  # modelcluster keeps them in memory, unsaved
    page._is_site_root = False
    with transaction.atomic():
        # Only these columns: Wagtail skips its slug check, modelcluster commits no children.
        page.save(clean=False, update_fields=[*names, *DERIVED])
    return page


def _finish(written, user, now):
    """Everything of a batch's written rows after their pages: the children (one INSERT per
    relation, the replaced ones deleted first), one revision per page (one INSERT), the pages
    published by their revision (one UPDATE per table), the log, and the indexes."""
    for relation, (model, parent_field) in RELATIONS.items():
        replaced = [
            page
            for row, page, children in written
            if row.action == "update" and relation in children
        ]
        if replaced:
            model.objects.filter(**{f"{parent_field}__in": replaced}).delete()
        objects = []
        for _row, page, children in written:
            if relation in children:
                setattr(page, relation, children[relation])  # sets each child's parent
                objects.extend(children[relation])
        if objects:
            model.objects.bulk_create(objects)
    revisions = []
    for row, page, children in written:
        if row.action == "create":
            for relation in (*RELATIONS, "images", "wagtail_admin_comments"):
                if relation not in children:
                    setattr(page, relation, [])  # a new page has none: no query to find out
            page.refresh_derived()  # its awards were not in memory when add_child saved it
            page.live = True
            page.first_published_at = now
        page.latest_revision_created_at = now
        page.draft_title = page.title
        page.has_unpublished_changes = not page.live
        if page.live:
            page.last_published_at = now
        revisions.append(
            Revision(
                content_object=page,
                base_content_type=page.get_base_content_type(),
                user=user,
                created_at=now,
                object_str=str(page),
                content=page.serializable_data(),
            )
        )
    Revision.objects.bulk_create(revisions)
    pages = []
    for (_row, page, _children), revision in zip(written, revisions, strict=True):
        page.latest_revision = revision
        if page.live:
            page.live_revision = revision
        pages.append(page)
    _publish([page for page in pages if page.live], [page for page in pages if not page.live], now)
    created = [page for row, page, _children in written if row.action == "create"]
    if created:
        Page.objects.filter(pk__in=[page.pk for page in created]).update(first_published_at=now)
        HeroPage.objects.bulk_update(created, ["title_year", "title_count"])
    _after_batch(pages, user, now)


def _publish(live, drafts, now):
    """Point the pages at the revisions just made, in one UPDATE for the live ones (the
    revision is also their live one) and one for drafts. Set-based, not ``bulk_update``: its
    CASE per page and column costs more to build than the rows it writes."""
    revision = Subquery(
        Revision.objects.filter(
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
            created_at=now,
        )
        .order_by("-pk")
        .values("pk")[:1]
    )
    common = {
        "latest_revision": revision,
        "latest_revision_created_at": now,
        "draft_title": F("title"),
    }
    if live:
        Page.objects.filter(pk__in=[page.pk for page in live]).update(
            **common,
            live=True,
            has_unpublished_changes=False,
            live_revision=revision,
            last_published_at=now,
        )
    if drafts:
        Page.objects.filter(pk__in=[page.pk for page in drafts]).update(
            **common, has_unpublished_changes=True
        )


def _new_tags(rows, lookups):
    """Every tag the rows to write name: existing ones found, new ones made (once per batch,
    outside the rows' savepoints, so a row that fails cannot take a tag from another)."""
    tags = {}
    for row in rows:
        for name in row.record.get("tags", ()):
            key = fold(name)
            if key not in tags:
                tag = lookups.tags.get(key)
                if tag is None:
                    tag, _created = Tag.objects.get_or_create(name=name)
                    lookups.tags[key] = tag
                tags[key] = tag
    return tags


def _after_batch(pages, user, now):
    """What a batch does once for all its pages: the publish log entries, the search index,
    the reference index and the lemmatised index."""
    content_type = ContentType.objects.get_for_model(HeroPage)
    PageLogEntry.objects.bulk_create(
        [
            PageLogEntry(
                page=page,
                content_type=content_type,
                label=page.title[:255],
                action="wagtail.publish" if page.live else "wagtail.edit",
                data={},
                timestamp=now,
                user=user,
                revision=page.latest_revision,
                content_changed=True,
            )
            for page in pages
        ]
    )
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(HeroPage, pages)
    for page in pages:
        ReferenceIndex.create_or_update_for_object(page)
    from kuzbib_site.base import lemma_index  # noqa: PLC0415 — the base's index of lemmas

    lemma_index.update(pages)


def _write_batch(heroimport, batch, lookups, duplicates, user):
    """One batch in one transaction: the archive's page locked, each row's page made or saved
    in its own savepoint (a row that fails leaves nothing), then ``_finish`` for the rows that
    were written. Returns the batch's rows."""
    with transaction.atomic():
        # The archive's row, locked: the tree's numbers stay ours until the batch ends.
        index = Page.objects.select_for_update().get(pk=heroimport.index_page_id)
        rows = plan(batch, lookups, duplicates)
        writing = [row for row in rows if row.action in ("create", "update")]
        tags = _new_tags(writing, lookups)
        slugs = _free_slugs(index, [row for row in writing if row.action == "create"])
        written = []
        for row in writing:
            children = _children(row, tags)
            try:
                if row.action == "create":
                    page = _create_page(index, row, slugs[row.line], user)
                else:
                    page = _update_page(row, children)
            except Exception as error:  # noqa: BLE001 — its savepoint is rolled back
                logger.warning("Import %s: line %s failed", heroimport.pk, row.line, exc_info=True)
                row.action, row.problems = "error", [_row_failed(error)]
                continue
            written.append((row, page, children))
        if written:
            _finish(written, user, timezone.now())
    return rows


def run(heroimport):
    """The import: every row of the file again (the dry run's findings may be stale), written
    batch by batch with progress; rows with problems are left out and reported."""
    counts = dict.fromkeys(ACTIONS, 0)
    problems = []
    user = heroimport.imported_by
    duplicates = set(heroimport.report.get("duplicates", ()))
    # The anonymous page cache is purged once at the end, not for every batch of heroes.
    with _opened(heroimport) as sheet, deferred_indexing(), page_cache_purge.bulk():
        heroimport.encoding = sheet.encoding
        total = sum(heroimport.report.get("counts", {}).values())
        _progress(heroimport, rows_total=total or heroimport.rows_total, rows_done=0)
        lookups = Lookups()
        done = created = 0
        for batch in _batches(sheet.rows()):
            for row in _write_batch(heroimport, batch, lookups, duplicates, user):
                counts[row.action] += 1
                if row.problems:
                    problems.append(row.report())
            done += len(batch)
            _progress(heroimport, rows_done=done)
            if counts["create"] - created >= ANALYZE_EVERY:
                created = counts["create"]
                _refresh_statistics()
    heroimport.outcome = {"counts": counts, "rows": problems}
    return heroimport


def _refresh_statistics():
    """Let PostgreSQL see the archive's new pages. Until autovacuum gets round to it, the
    planner's statistics say the archive has few children, and the tree's «last child» query
    (one per new page, ``add_child``) scans all of them instead of reading one index entry: an
    import into an empty archive would slow down with every row (9 ms per row at 9,000 heroes,
    0.03 ms once analysed)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Page._meta.db_table}")


def _row_failed(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return _("The row could not be saved (%(error)s); nothing of it was written.") % {
        "error": error.__class__.__name__
    }


# --- Upload, asking, running ---------------------------------------------------------------------


def inspect(uploaded):
    """Open an uploaded file as the form receives it (size, kind, encoding, archive guard,
    headers); Refused with every problem. Returns the open ``Spreadsheet`` (closed by the
    caller)."""
    return Spreadsheet.open(uploaded, safe_filename(uploaded.name))


def upload(index_page, uploaded, user, sheet=None):
    """Keep the uploaded spreadsheet as a new ``HeroImport`` of ``index_page`` and queue its
    dry run once committed. ``sheet`` is what ``inspect`` made of the file (opened again when
    not given: Refused if the file cannot be imported at all)."""
    from . import tasks  # noqa: PLC0415 — the tasks import this module

    name = safe_filename(uploaded.name)
    if sheet is None:
        sheet = Spreadsheet.open(uploaded, name)
    sheet.close()
    uploaded.seek(0)
    with transaction.atomic():
        heroimport = HeroImport(
            index_page=index_page,
            requested_by=user,
            original_name=name,
            file_format=sheet.file_format,
            encoding=sheet.encoding,
        )
        heroimport.source.save(name, File(uploaded, name=name), save=False)
        heroimport.save()
        enqueue_on_commit(tasks.check_import, heroimport_id=heroimport.pk)
    return heroimport


def request_import(heroimport, user):
    """«Import»: a checked import with rows to write is queued for the import; returns whether
    it was (not if it is not checked, or another request came first)."""
    from . import tasks  # noqa: PLC0415 — the tasks import this module

    if not heroimport.can_import:
        return False
    with transaction.atomic():
        queued = HeroImport.objects.filter(
            pk=heroimport.pk, stage=HeroImport.Stage.CHECK, status=HeroImport.Status.READY
        ).update(
            stage=HeroImport.Stage.IMPORT,
            status=HeroImport.Status.REQUESTED,
            requested_at=timezone.now(),
            started_at=None,
            finished_at=None,
            imported_by=user,
            rows_done=0,
        )
        if queued:
            enqueue_on_commit(tasks.run_import, heroimport_id=heroimport.pk)
    return bool(queued)


def work(heroimport_id, stage=None):
    """Run the stage the import is at (only ``stage`` when given: a late message of the dry run
    does not start the import) through the builds' claim (``base.builds.run``): of two
    deliveries one works. A file refused as a whole fails the import with its message."""
    current = HeroImport.objects.filter(pk=heroimport_id).values_list("stage", flat=True).first()
    if current is None or (stage and current != stage):
        return None
    with translation.override(settings.LANGUAGE_CODE):
        build = builds.run(heroimport_id, HeroImport, _advance, retry_on=TRANSIENT)
        refused = (
            build is not None
            and build.status == HeroImport.Status.READY
            and (build.report.get("refused") or build.outcome.get("refused"))
        )
        if refused:
            HeroImport.objects.filter(pk=build.pk, status=HeroImport.Status.READY).update(
                status=HeroImport.Status.FAILED, error=" ".join(refused)
            )
            build.status, build.error = HeroImport.Status.FAILED, " ".join(refused)
    return build


def _advance(heroimport):
    try:
        if heroimport.stage == HeroImport.Stage.CHECK:
            check(heroimport)
        else:
            run(heroimport)
    except SoftTimeLimitExceeded:
        # Rows written so far stay (each whole); asking again skips them as unchanged.
        raise RuntimeError(
            _("The work took longer than allowed and was stopped; upload the file again.")
        ) from None
    except Refused as refusal:
        if heroimport.stage == HeroImport.Stage.CHECK:
            heroimport.report = {"refused": refusal.messages}
        else:
            heroimport.outcome = {**heroimport.outcome, "refused": refusal.messages}
    return None


@contextlib.contextmanager
def _opened(heroimport):
    try:
        fileobj = heroimport.source.open("rb")
    except FileNotFoundError:
        raise Refused(_("The uploaded file is no longer kept; upload it again.")) from None
    try:
        sheet = Spreadsheet.open(fileobj, heroimport.original_name)
        try:
            yield sheet
        finally:
            sheet.close()
    finally:
        fileobj.close()


def _progress(heroimport, **values):
    """Progress the admin's page shows while the work runs (saved at once, outside the batch's
    transaction)."""
    for name, value in values.items():
        setattr(heroimport, name, value)
    HeroImport.objects.filter(pk=heroimport.pk).update(**values)
