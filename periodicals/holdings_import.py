"""Imports of the union catalogue: a file of holdings (``HoldingsImport``) is checked in a dry run
— what each record would add, and every refusal with its reason — and then applied by an editor,
all at once or not at all.

Formats (read with pymarc for MARC):

- **MARC 21 Holdings** (ISO 2709): the title by 022 $a (ISSN) or 004/014 $a (the title's stable
  identifier or ISSN); the holder by 852 $a, else 852 $b, else the import's library; the shelf
  mark from 852 $h $i (or $j); issues from 853/863 pairs (the chronology caption «(year)» /
  «(год)», else $i, gives the year; the lowest enumeration level, usually $a «№», the numbers:
  «1-150» is numbers 1 to 150, a span of years «1956-1960» holds those years whole); a textual
  statement from 866 $a.
- **RUSMARC** issue-level records (ISO 2709), one per issue: the title by the 461 link — $x
  (ISSN), or the embedded fields after $1: 011 $a (ISSN), 001 (the title's identifier); the
  holder by 899 $a, else 899 $b, else the import's library, the shelf mark from 899 $j; the year
  from 210 $d (else 100 $a/9-12) and the number from 200 $h (else 200 $v).
- **CSV** in UTF-8 (a BOM is fine) or Windows-1251, «;» or «,» between cells, a header row with
  the columns ``COLUMNS`` (Russian or English names): one row per title, library and year, the
  numbers as «1–150, 152» or empty for the whole year; or a statement alone.

Titles are matched by ISSN or ``TitlePage.identifier``; libraries by a stable id: the library's
number in the directory (``Library.pk``, shown in the admin), or its full or short name exactly
(letter case aside) when exactly one library has it. base.Library has no ISIL or sigla field;
the number is what stays stable when a library is renamed.

Encodings: a MARC record is read as UTF-8 when its bytes are UTF-8, else as Windows-1251 — but a
record whose leader (position 9 = «a») or RUSMARC 100 $a/26-27 («50») says UTF-8 while its bytes
are not is refused as being in the wrong encoding, and so is text that was decoded twice
(«РљСѓР·РЅРµС†Рє», «ÐšÑƒÐ·»: mojibake). MARC-8 beyond ASCII is not read.

Applying adds: a holding is created where the library had none of the title, issues are added to
those it has (none is removed: a file may hold part of a library's holdings; editors remove in
the admin), a statement (866, CSV) or shelf mark replaces the old one. An import with any
refusal is not applied at all: the file is corrected (or the title added) and uploaded again.
"""

import codecs
import csv
import datetime
import io
import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kuzbib_site.base.models import Library
from kuzbib_site.base.queue import enqueue, enqueue_on_commit
from kuzbib_site.base.uploads import check_size, safe_filename

from . import summary
from .conf import setting
from .models import HeldIssue, Holding, HoldingsImport, TitlePage

RECORD_END = b"\x1d"
LEADER_RE = re.compile(rb"\d{5}.{7}\d{5}.{7}", re.DOTALL)
ISSN_RE = re.compile(r"(\d{4})-?(\d{3}[\dXx])")
YEAR_RE = re.compile(r"1[6-9]\d\d|20\d\d")
CYRILLIC_RE = re.compile("[А-Яа-яЁё]")
# The most numbers one range, or one year's list, may stand for: «1-100000» is a typing error,
# not a holding (a daily with a running number has about 300 a year).
MAX_RANGE = 1000
# The most issues one record, and one file, may name: a file of 32 MB must not make millions
# of rows in the worker's memory.
MAX_RECORD_ISSUES = 20_000
MAX_FILE_ISSUES = 500_000
# Rows of the report kept beyond the refusals (the counts are always complete).
REPORT_ROWS = 2000
YEAR_CAPTIONS = ("(year)", "(год)", "(yr)", "(г.)")
ENUMERATION = "abcdef"
CHRONOLOGY = "ijkl"

#: The CSV columns: key → accepted header names (lower-cased).
COLUMNS = {
    "issn": ("issn",),
    "title": ("title", "identifier", "идентификатор", "идентификатор издания", "издание"),
    "library": ("library", "библиотека", "код библиотеки"),
    "year": ("year", "years", "год", "годы"),
    "numbers": ("numbers", "number", "номера", "номер"),
    "statement": ("statement", "summary", "сводные данные", "сведения о наличии"),
    "call_number": ("call number", "shelf mark", "шифр", "шифр хранения"),
}
TRANSIENT = (OSError,)

logger = logging.getLogger(__name__)


class Refused(Exception):
    """The file as a whole cannot be imported: ``messages`` say why, for the editor."""

    def __init__(self, *messages):
        super().__init__(" ".join(str(message) for message in messages))
        self.messages = [str(message) for message in messages]


@dataclass
class Entry:
    """One record of a file (a MARC record, a CSV row) as read: whom and what it names."""

    position: int
    issns: list = field(default_factory=list)
    identifiers: list = field(default_factory=list)
    name: str = ""
    library_refs: list = field(default_factory=list)
    issues: set = field(default_factory=set)  # (year, number or "")
    statement: str = ""
    call_number: str = ""
    problems: list = field(default_factory=list)


# -- numbers and years ---------------------------------------------------------------------


def normalise_issn(value):
    found = ISSN_RE.search(value or "")
    return f"{found.group(1)}-{found.group(2).upper()}" if found else ""


def parse_numbers(text):
    """The numbers of «1–150, 152, спецвыпуск»: ranges of digits expanded, other parts kept as
    written. ValueError with a message for a range of more than ``MAX_RANGE`` numbers or one
    written backwards."""
    numbers = []
    for part in re.split(r"[,;]", text or ""):
        part = part.strip()
        if not part:
            continue
        span = re.fullmatch(r"(\d+)\s*[-–—]\s*(\d+)", part)
        if span:
            first, last = int(span.group(1)), int(span.group(2))
            if last < first or last - first >= MAX_RANGE:
                raise ValueError(
                    _("«%(range)s» is not a range of at most %(max)s numbers.")
                    % {"range": part, "max": MAX_RANGE}
                )
            numbers += [str(n) for n in range(first, last + 1)]
        else:
            numbers.append(summary.number_key(part) if part.isdigit() else part[:40])
        if len(numbers) > MAX_RANGE:
            raise ValueError(
                _("More than %(max)s numbers are listed for one year.") % {"max": MAX_RANGE}
            )
    return numbers


def parse_years(text):
    """The years of «1957» or «1956–1960» (a span of years); ValueError for anything else."""
    found = re.fullmatch(r"\s*(\d{4})\s*(?:[-–—/]\s*(\d{4}))?\s*", text or "")
    if not found:
        raise ValueError(_("«%(value)s» is not a year or a span of years.") % {"value": text})
    first, last = int(found.group(1)), int(found.group(2) or found.group(1))
    if not (1600 <= first <= last <= 2100):
        raise ValueError(_("«%(value)s» is not a year or a span of years.") % {"value": text})
    return range(first, last + 1)


def _issues_of(years_text, numbers_text):
    """(year, number) pairs of a year (or span) and its numbers; a span or no numbers: the
    whole years."""
    years = parse_years(years_text)
    if len(years) > 1 or not (numbers_text or "").strip():
        return {(year, "") for year in years}
    return {(years[0], number) for number in parse_numbers(numbers_text)}


def looks_misdecoded(text):
    """Whether ``text`` is UTF-8 that was decoded as a one-byte encoding (and perhaps saved so):
    the typical «РљСѓР·РЅРµС†Рє» or «ÐšÑƒÐ·». Genuine Russian text never re-reads as UTF-8."""
    if text.isascii():
        return False
    for encoding in ("cp1251", "cp1252", "latin-1"):
        try:
            fixed = text.encode(encoding).decode("utf-8")
        except UnicodeError:
            continue
        if fixed != text and CYRILLIC_RE.search(fixed):
            return True
    return False


# -- MARC ----------------------------------------------------------------------------------


def _wrong_encoding():
    return _(
        "The record is not in the encoding it declares (its leader says UTF-8, its text is "
        "probably Windows-1251): export the file in UTF-8 again."
    )


def _misdecoded():
    return _(
        "The record's text is garbled (mojibake: UTF-8 read in another encoding); export the "
        "file again in UTF-8 or Windows-1251."
    )


def _decode_record(raw, file_format):
    """A pymarc ``Record`` of one record's bytes; ValueError with the reason otherwise."""
    from pymarc import Record  # noqa: PLC0415 — only the worker reads MARC
    from pymarc.exceptions import PymarcException  # noqa: PLC0415

    if not LEADER_RE.match(raw[:24]):
        raise ValueError(_("This is not a MARC record (ISO 2709): its leader is damaged."))
    damaged = _("The MARC record is damaged and cannot be read.")
    base_address = int(raw[12:17])
    if not re.fullmatch(rb"[0-9A-Za-z]*", raw[24 : max(base_address - 1, 24)]):
        raise ValueError(damaged)
    try:
        record = Record(raw, force_utf8=True, utf8_handling="strict")
    except UnicodeDecodeError:
        if raw[9:10] == b"a":
            raise ValueError(_wrong_encoding()) from None
        record = None
    except (PymarcException, IndexError, ValueError):
        raise ValueError(damaged) from None
    if record is None:
        # Not UTF-8 and not declared so: Windows-1251, as Russian systems export it.
        try:
            record = Record(raw, file_encoding="cp1251")
        except (PymarcException, IndexError, ValueError):
            raise ValueError(damaged) from None
        field_100 = record.get("100")
        says_unicode = field_100 is not None and (field_100.get("a") or "")[26:28] == "50"
        if file_format == HoldingsImport.Format.RUSMARC and says_unicode:
            raise ValueError(_wrong_encoding())
    for fld in record.fields:
        texts = [fld.data] if fld.is_control_field() else [sub.value for sub in fld.subfields]
        if any(looks_misdecoded(text or "") for text in texts):
            raise ValueError(_misdecoded())
    return record


def marc_entries(data, file_format):
    """The entries of a MARC file (MARC 21 Holdings or RUSMARC); Refused when it holds no MARC
    record at all."""
    chunks = [chunk.lstrip(b"\r\n \t") for chunk in data.split(RECORD_END)]
    chunks = [chunk + RECORD_END for chunk in chunks if chunk.strip(b"\r\n \t\x00")]
    if not chunks:
        raise Refused(_("The file holds no MARC records."))
    if not LEADER_RE.match(chunks[0][:24]):
        raise Refused(
            _(
                "The file is not in MARC (ISO 2709) — is it CSV or MARCXML? Choose the right "
                "format or export the records as ISO 2709."
            )
        )
    read = marc21_entry if file_format == HoldingsImport.Format.MARC21 else rusmarc_entry
    count = _IssueCount()
    entries = []
    for position, raw in enumerate(chunks, start=1):
        try:
            record = _decode_record(raw, file_format)
        except ValueError as error:
            entries.append(Entry(position, problems=[str(error)]))
            continue
        entries.append(count.add(read(position, record)))
    return entries


def _values(record, tag, code):
    return [value for fld in record.get_fields(tag) for value in fld.get_subfields(code)]


def marc21_entry(position, record):
    entry = Entry(position)
    entry.issns = [normalise_issn(v) for v in _values(record, "022", "a") if normalise_issn(v)]
    for fld in record.get_fields("004"):
        entry.identifiers.append(fld.data.strip())
    for value in _values(record, "014", "a"):
        if normalise_issn(value) and len(value.strip()) <= 9:
            entry.issns.append(normalise_issn(value))
        entry.identifiers.append(value.strip())
    entry.name = " ".join(_values(record, "245", "a"))
    location = record.get("852")
    if location is not None:
        entry.library_refs = [v.strip() for v in location.get_subfields("a", "b") if v.strip()]
        shelf = " ".join(location.get_subfields("h", "i")) or " ".join(location.get_subfields("j"))
        entry.call_number = shelf.strip()[:100]
    entry.statement = "; ".join(v.strip() for v in _values(record, "866", "a") if v.strip())
    captions = {}
    for fld in record.get_fields("853"):
        link = (fld.get("8") or "").split(".")[0]
        captions[link] = fld
    for fld in record.get_fields("863"):
        link = (fld.get("8") or "").split(".")[0]
        try:
            entry.issues |= _enumeration_issues(fld, captions.get(link))
        except ValueError as error:
            entry.problems.append(
                _("863 %(link)s: %(problem)s") % {"link": fld.get("8") or "", "problem": error}
            )
        if len(entry.issues) > MAX_RECORD_ISSUES:
            entry.problems.append(
                _("The record names more than %(max)s issues.") % {"max": MAX_RECORD_ISSUES}
            )
            entry.issues = set()
            break
    if not (entry.issues or entry.statement) and not entry.problems:
        entry.problems.append(_("The record holds neither issues (853/863) nor a statement (866)."))
    return entry


def _enumeration_issues(fld, caption):
    """The (year, number) pairs of one 863 field, read with the captions of its 853."""
    year_code = "i"
    if caption is not None:
        for sub in caption.subfields:
            if sub.value.strip().lower() in YEAR_CAPTIONS:
                year_code = sub.code
                break
    year_text = fld.get(year_code)
    if not year_text:
        raise ValueError(_("no year"))
    codes = [sub.code for sub in fld.subfields if sub.code in ENUMERATION and sub.code != year_code]
    number_text = fld.get(codes[-1]) if codes else ""
    return _issues_of(year_text, number_text)


def rusmarc_entry(position, record):
    entry = Entry(position)
    for fld in record.get_fields("461"):
        embedded = None
        for sub in fld.subfields:
            if sub.code == "1":
                embedded = sub.value[:3]
                if embedded == "001" and sub.value[3:].strip():
                    entry.identifiers.append(sub.value[3:].strip())
                continue
            key = (embedded, sub.code)
            if key in ((None, "x"), ("011", "a")):
                entry.issns.append(normalise_issn(sub.value))
            elif key in (("200", "a"), (None, "t")):
                entry.name = sub.value
    entry.issns = [issn for issn in entry.issns if issn]
    if not (entry.issns or entry.identifiers):
        entry.problems.append(_("The record has no link to its title (461 $x or $1 011/001)."))
    holder = record.get("899")
    if holder is not None:
        entry.library_refs = [v.strip() for v in holder.get_subfields("a", "b") if v.strip()]
        entry.call_number = " ".join(holder.get_subfields("j")).strip()[:100]
    year = None
    for value in _values(record, "210", "d"):
        found = YEAR_RE.search(value)
        if found:
            year = int(found.group())
            break
    if year is None:
        field_100 = record.get("100")
        coded = (field_100.get("a") or "") if field_100 is not None else ""
        if YEAR_RE.fullmatch(coded[9:13]):
            year = int(coded[9:13])
    if year is None:
        entry.problems.append(_("The record gives no year of the issue (210 $d or 100 $a)."))
        return entry
    numbers = _values(record, "200", "h") or _values(record, "200", "v")
    number = numbers[0].strip() if numbers else ""
    entry.issues = {(year, summary.number_key(number) if number else "")}
    return entry


# -- CSV -----------------------------------------------------------------------------------


def decode_text(data):
    """(text, encoding) of a CSV file: UTF-8 (a BOM dropped) first, else Windows-1251; Refused
    when neither reads it or the text is mojibake."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1251"), "cp1251"
        except UnicodeDecodeError:
            raise Refused(
                _("The file is neither UTF-8 nor Windows-1251 text; save it as CSV again.")
            ) from None
    if "\x00" in text:
        raise Refused(_("The file is not text (it holds zero bytes); save it as CSV again."))
    if any(looks_misdecoded(line) for line in text.splitlines()[:1000]):
        raise Refused(_misdecoded())
    return text, encoding


def csv_entries(data):
    text, encoding = decode_text(data)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise Refused(_("The file is empty or has no header row."))
    if re.match(r"\d{5}", lines[0]) and "\x1e" in text:
        raise Refused(_("The file is MARC (ISO 2709), not CSV: choose the MARC format."))
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [cell.strip().lower() for cell in next(reader)]
    columns = {}
    for key, names in COLUMNS.items():
        for index, cell in enumerate(header):
            if cell in names:
                columns[key] = index
                break
    if "library" not in columns and "year" not in columns and "statement" not in columns:
        raise Refused(
            _("The header row has none of the columns %(columns)s.")
            % {"columns": ", ".join(names[0] for names in COLUMNS.values())}
        )
    if "issn" not in columns and "title" not in columns:
        raise Refused(_("The header row has neither an «issn» nor a «title» column."))
    try:
        return _csv_rows(reader, columns), encoding
    except csv.Error:
        raise Refused(
            _("The CSV file is damaged (a cell too long or an unclosed quote); save it again.")
        ) from None


def _csv_rows(reader, columns):
    count = _IssueCount()
    entries = []
    for line_number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(key, row=row):
            index = columns.get(key)
            return row[index].strip() if index is not None and index < len(row) else ""

        entry = Entry(line_number)
        if normalise_issn(cell("issn")):
            entry.issns.append(normalise_issn(cell("issn")))
        elif cell("issn"):
            entry.problems.append(_("«%(value)s» is not an ISSN.") % {"value": cell("issn")[:40]})
        if cell("title"):
            entry.identifiers.append(cell("title"))
        if cell("library"):
            entry.library_refs.append(cell("library"))
        entry.statement = cell("statement")[:1000]
        entry.call_number = cell("call_number")[:100]
        if cell("year"):
            try:
                entry.issues = _issues_of(cell("year"), cell("numbers"))
            except ValueError as error:
                entry.problems.append(str(error))
        elif not entry.statement:
            entry.problems.append(_("The row gives neither a year nor a statement."))
        entries.append(count.add(entry))
    return entries


# -- the dry run and the import ------------------------------------------------------------


def read_entries(data, file_format):
    """(entries, encoding) of a file's bytes; Refused when the file as a whole is unusable."""
    if not data.strip():
        raise Refused(_("The file is empty."))
    if file_format == HoldingsImport.Format.CSV:
        entries, encoding = csv_entries(data)
    else:
        entries, encoding = marc_entries(data, file_format), "iso2709"
    return entries, encoding


class _IssueCount:
    """The issues named so far in a file; Refused past ``MAX_FILE_ISSUES``, while reading."""

    def __init__(self):
        self.total = 0

    def add(self, entry):
        self.total += len(entry.issues)
        if self.total > MAX_FILE_ISSUES:
            raise Refused(
                _("The file names more than %(max)s issues; split it into several files.")
                % {"max": MAX_FILE_ISSUES}
            )
        return entry


class Lookups:
    """Titles by ISSN and identifier, libraries by number and name: three queries per file."""

    def __init__(self, entries):
        issns = {issn for entry in entries for issn in entry.issns}
        identifiers = {value for entry in entries for value in entry.identifiers}
        self.by_issn = {}
        for title in TitlePage.objects.filter(issn__in=issns).only("pk", "title", "issn"):
            self.by_issn.setdefault(title.issn, []).append(title)
        self.by_identifier = {
            title.identifier: title
            for title in TitlePage.objects.filter(identifier__in=identifiers).only(
                "pk", "title", "identifier"
            )
        }
        self.libraries = {}
        self.library_names = {}
        for library in Library.objects.only("pk", "full_name", "short_name"):
            self.libraries[str(library.pk)] = library
            for name in {library.full_name.casefold(), library.short_name.casefold()} - {""}:
                self.library_names.setdefault(name, []).append(library)

    def title(self, entry):
        """(title, problem)."""
        for identifier in entry.identifiers:
            if identifier in self.by_identifier:
                return self.by_identifier[identifier], None
        for issn in entry.issns:
            found = self.by_issn.get(issn, [])
            if len(found) == 1:
                return found[0], None
            if len(found) > 1:
                return None, _(
                    "The ISSN %(issn)s belongs to several titles: give the title's "
                    "identifier instead."
                ) % {"issn": issn}
        named = ", ".join([*entry.issns, *entry.identifiers]) or entry.name or "—"
        return None, _(
            "Unknown title (%(named)s): no title of the archive has this ISSN or identifier. "
            "Add the title or its ISSN first."
        ) % {"named": named[:120]}

    def library(self, entry, default):
        """(library, problem)."""
        for ref in entry.library_refs:
            if ref.isdigit() and ref in self.libraries:
                return self.libraries[ref], None
            found = self.library_names.get(ref.casefold(), [])
            if len(found) == 1:
                return found[0], None
        if not entry.library_refs and default is not None:
            return default, None
        if not entry.library_refs:
            return None, _("The record names no library and the import has no default library.")
        return None, _(
            "Unknown library «%(ref)s»: give the library's number from the directory or its "
            "exact name."
        ) % {"ref": entry.library_refs[0][:100]}


def _years_label(issues):
    years = sorted({year for year, _number in issues})
    if not years:
        return ""
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


def plan(entries, default_library):
    """The dry run of ``entries``: (report, changes). ``report`` is what the admin shows (counts,
    rows); ``changes`` maps (title id, library id) to what applying writes."""
    lookups = Lookups(entries)
    resolved = []
    for entry in entries:
        title = library = None
        problems = list(entry.problems)
        if not problems:
            title, problem = lookups.title(entry)
            if problem:
                problems.append(problem)
            library, problem = lookups.library(entry, default_library)
            if problem:
                problems.append(problem)
        resolved.append((entry, title, library, problems))
    pairs = {(t.pk, lib.pk) for _e, t, lib, p in resolved if t and lib and not p}
    existing = {}
    if pairs:
        holdings = Holding.objects.filter(
            title_id__in={t for t, _l in pairs}, library_id__in={lib for _t, lib in pairs}
        ).only("pk", "title_id", "library_id", "summary", "call_number")
        for holding in holdings:
            existing[(holding.title_id, holding.library_id)] = holding
        held = HeldIssue.objects.filter(holding__in=list(existing.values())).values_list(
            "holding_id", "year", "number"
        )
        by_holding = {}
        for holding_id, year, number in held:
            by_holding.setdefault(holding_id, set()).add((year, number))
        for holding in existing.values():
            holding.held = by_holding.get(holding.pk, set())
    changes = {}
    rows = []
    counts = {"create": 0, "update": 0, "skip": 0, "error": 0}
    for entry, title, library, problems in resolved:
        row = {
            "position": entry.position,
            "title": title.title if title else (entry.name or ", ".join(entry.issns))[:200],
            "library": str(library) if library else ", ".join(entry.library_refs)[:200],
            "years": _years_label(entry.issues),
            "statement": entry.statement,
            "problems": problems,
        }
        if problems:
            row["action"] = "error"
        else:
            key = (title.pk, library.pk)
            holding = existing.get(key)
            change = changes.get(key)
            if change is None:
                change = changes[key] = {
                    "held": set(holding.held) if holding else set(),
                    "new": set(),
                    "statement": None,
                    "call_number": None,
                    "exists": holding is not None,
                }
                row["action"] = "update" if holding else "create"
            else:
                row["action"] = "update"
            new = entry.issues - change["held"] - change["new"]
            change["new"] |= new
            row["added"] = len(new)
            changed = bool(new)
            if entry.statement and entry.statement != (holding.summary if holding else None):
                change["statement"] = entry.statement
                changed = True
            if entry.call_number and entry.call_number != (
                holding.call_number if holding else None
            ):
                change["call_number"] = entry.call_number
                changed = True
            if row["action"] == "update" and not changed:
                row["action"] = "skip"
        counts[row["action"]] += 1
        rows.append(row)
    errors = [row for row in rows if row["action"] == "error"]
    others = [row for row in rows if row["action"] != "error"]
    report = {
        "counts": counts,
        "records": len(rows),
        "holdings": len(changes),
        "issues": sum(len(change["new"]) for change in changes.values()),
        "rows": errors[:REPORT_ROWS] + others[:REPORT_ROWS],
        "rows_cut": len(errors) > REPORT_ROWS or len(others) > REPORT_ROWS,
    }
    return report, changes


def _read(holdings_import):
    try:
        with holdings_import.file.open("rb") as stream:
            data = stream.read(setting("HOLDINGS_MAX_BYTES") + 1)
    except FileNotFoundError:
        raise Refused(_("The uploaded file is no longer kept; upload it again.")) from None
    if len(data) > setting("HOLDINGS_MAX_BYTES"):
        raise Refused(_("The file is larger than allowed."))
    return data


def _dry_run(holdings_import):
    entries, encoding = read_entries(_read(holdings_import), holdings_import.format)
    report, changes = plan(entries, holdings_import.library)
    report["encoding"] = encoding
    return report, changes


def check(holdings_import_id):
    """The dry run of an import in «being checked»: its report, and «checked» when every record
    can be applied, «refused» otherwise. Quietly nothing when the import is gone or not being
    checked."""
    with translation.override(settings.LANGUAGE_CODE):
        holdings_import = (
            HoldingsImport.objects.select_related("library")
            .filter(pk=holdings_import_id, status=HoldingsImport.Status.CHECKING)
            .first()
        )
        if holdings_import is None:
            return None
        try:
            report, _changes = _dry_run(holdings_import)
        except Refused as refusal:
            holdings_import.report = {"refused": refusal.messages}
            holdings_import.error = " ".join(refusal.messages)
            holdings_import.status = HoldingsImport.Status.FAILED
        except (DatabaseError, *TRANSIENT):
            raise  # tried again by the task
        except Exception as error:  # noqa: BLE001 — a file we cannot read must not stay «being checked»
            logger.exception("Holdings import %s could not be read", holdings_import.pk)
            refusal = Refused(
                _("The file could not be read (%(error)s); check its format and upload it again.")
                % {"error": type(error).__name__}
            )
            holdings_import.report = {"refused": refusal.messages}
            holdings_import.error = " ".join(refusal.messages)
            holdings_import.status = HoldingsImport.Status.FAILED
        else:
            holdings_import.report = report
            if report["counts"]["error"]:
                holdings_import.status = HoldingsImport.Status.FAILED
                holdings_import.error = _(
                    "%(count)s records cannot be imported; nothing was imported. Correct the "
                    "file and upload it again."
                ) % {"count": report["counts"]["error"]}
            elif not report["holdings"]:
                holdings_import.status = HoldingsImport.Status.FAILED
                holdings_import.error = _("The file holds no holdings.")
            else:
                holdings_import.status = HoldingsImport.Status.CHECKED
                holdings_import.error = ""
        holdings_import.save(update_fields=["report", "error", "status"])
        return holdings_import


def apply(holdings_import_id):
    """Apply a checked import in one transaction: everything or, when the catalogue changed
    since the dry run so that a record is refused now, nothing (the import is refused with the
    new report)."""
    source = {
        HoldingsImport.Format.MARC21: Holding.Source.MARC21,
        HoldingsImport.Format.RUSMARC: Holding.Source.RUSMARC,
        HoldingsImport.Format.CSV: Holding.Source.CSV,
    }
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        holdings_import = (
            HoldingsImport.objects.select_for_update()
            .filter(pk=holdings_import_id, status=HoldingsImport.Status.APPLYING)
            .first()
        )
        if holdings_import is None:
            return None
        try:
            report, changes = _dry_run(holdings_import)
        except Refused as refusal:
            report, changes = {"refused": refusal.messages, "counts": {"error": 1}}, {}
        if report["counts"].get("error"):
            holdings_import.report = report
            holdings_import.status = HoldingsImport.Status.FAILED
            holdings_import.error = _(
                "The catalogue changed since the check and some records cannot be imported "
                "now; nothing was imported."
            )
            holdings_import.save(update_fields=["report", "error", "status"])
            return holdings_import
        for (title_id, library_id), change in changes.items():
            holding, _created = Holding.objects.get_or_create(
                title_id=title_id,
                library_id=library_id,
                defaults={"source": source[holdings_import.format]},
            )
            fields = []
            if change["statement"] is not None:
                holding.summary = change["statement"]
                fields.append("summary")
            if change["call_number"] is not None:
                holding.call_number = change["call_number"]
                fields.append("call_number")
            # Saved even when only issues are added: its signal purges the cached pages that
            # show it (the title, the archive, the issues), which bulk_create would not.
            holding.save(update_fields=[*fields, "updated_at"])
            HeldIssue.objects.bulk_create(
                [HeldIssue(holding=holding, year=y, number=n) for y, n in sorted(change["new"])],
                ignore_conflicts=True,
            )
        holdings_import.report = report
        holdings_import.status = HoldingsImport.Status.APPLIED
        holdings_import.applied_at = timezone.now()
        holdings_import.error = ""
        holdings_import.save(update_fields=["report", "status", "applied_at", "error"])
        return holdings_import


# -- from the admin ------------------------------------------------------------------------


def check_file(uploaded):
    """The checks of the upload form: not empty, not over ``HOLDINGS_MAX_BYTES``
    (``base.uploads.check_size``); ValidationError otherwise."""
    check_size(uploaded, setting("HOLDINGS_MAX_BYTES"))


def upload(uploaded, file_format, library, user):
    """Keep an uploaded file as a new ``HoldingsImport`` and queue its dry run on commit."""
    from . import holdings_tasks  # noqa: PLC0415 — the tasks import this module

    try:
        check_file(uploaded)
    except ValidationError as error:
        raise Refused(*error.messages) from None
    name = safe_filename(uploaded.name)
    uploaded.seek(0)
    with transaction.atomic():
        holdings_import = HoldingsImport(
            original_name=name, format=file_format, library=library, created_by=user
        )
        holdings_import.file.save(name, File(uploaded, name=name), save=False)
        holdings_import.save()
        enqueue_on_commit(
            holdings_tasks.check_holdings_import, holdings_import_id=holdings_import.pk
        )
    return holdings_import


def request_apply(holdings_import):
    """«Apply»: a checked import goes to the worker; False when it is not checked (or another
    request came first)."""
    from . import holdings_tasks  # noqa: PLC0415 — the tasks import this module

    with transaction.atomic():
        queued = HoldingsImport.objects.filter(
            pk=holdings_import.pk, status=HoldingsImport.Status.CHECKED
        ).update(status=HoldingsImport.Status.APPLYING)
        if queued:
            enqueue_on_commit(
                holdings_tasks.apply_holdings_import, holdings_import_id=holdings_import.pk
            )
    return bool(queued)


def sweep(now, stuck_after=datetime.timedelta(minutes=10)):
    """Send again the work of imports left «being checked» or «being applied» for longer than
    ``stuck_after`` (a lost message, a dead worker): both steps do nothing when done already,
    so a message sent twice is harmless. Returns how many were sent."""
    from . import holdings_tasks  # noqa: PLC0415 — the tasks import this module

    stuck = HoldingsImport.objects.filter(
        created_at__lt=now - stuck_after,
        status__in=[HoldingsImport.Status.CHECKING, HoldingsImport.Status.APPLYING],
    ).values_list("pk", "status")[:100]
    for pk, status in stuck:
        task = (
            holdings_tasks.check_holdings_import
            if status == HoldingsImport.Status.CHECKING
            else holdings_tasks.apply_holdings_import
        )
        enqueue(task, holdings_import_id=pk)
    return len(stuck)
