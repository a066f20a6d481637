"""The spreadsheet of heroes: its columns, and how a hero's values are written in its cells.

One definition serves the import template, the import (``heroes_archive.importer``) and every
export (``heroes_archive.exports``), so that an exported file imports back to the same records.

The headers (``COLUMNS``) are Russian and fixed: they are the file's format, not the interface,
so they do not change with the admin's language (an export made in English imports in Russian).
Headers are recognised whatever their letter case, ё/е and spacing.

Cells:

- Several values in one cell (name variants, awards, memorials, tags, sources) are separated by
  ``conf.setting("IMPORT_SEPARATOR")`` («;»). An award, a memorial or a source has parts
  separated by «|»: the first part, then labelled ones («указ: …», «год: …»). A «;», «|» or «\\»
  inside a value is written with a backslash before it («\\;»).
- Awards: ``Герой Социалистического Труда 26.04.1957; Орден Ленина 1957``, with optional
  parts ``| указ: Указ Президиума Верховного Совета СССР от 26.04.1957 | номер: 2 |
  примечание: …`` («номер»: which time the Hero title was awarded, for twice-heroes).
- Memorials: ``Бюст | место: г. Кемерово, пр. Ленина, 5 | год: 1985 | описание: …``.
- Sources: the title first, then ``| автор: … | издание: … | место издания: … | год: … |
  выпуск: … | страницы: … | адрес: https://… | дата обращения: 01.02.2024 | архивный шифр: …
  | вид: книга``.
- Dates: as the partial dates of ``kuzbib_site.base.partial_dates`` («12.03.1923», «03.1923»,
  «1923», «около 1920», «1920–1925», «1920-е»).
- Controlled lists (sex, relation to the region, industry, awards, kinds of memorials and
  sources) match a value or its Russian or English label regardless of case and ё/е
  (``vocabularies.match``); municipalities match their names the same way.
- A cell that begins with «'» followed by «=», «+», «-», «@», a tab or a line break is read
  without the «'»: that is how exports neutralise formulas (``base.exports``), so a value such
  as «-» survives the round trip. Formulas themselves are kept as text, never evaluated.
"""

import datetime
import html
import re
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import URLValidator
from django.db.models import Value
from django.db.models.functions import Lower, Replace
from django.utils import translation
from django.utils.html import escape, strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from taggit.models import Tag
from wagtail.rich_text import RichText

from kuzbib_site.base import partial_dates
from kuzbib_site.base.exports import FORMULA_PREFIXES
from kuzbib_site.base.models import Municipality

from .conf import setting
from .models import (
    AwardKind,
    HeroAward,
    HeroPage,
    Industry,
    Memorial,
    MemorialKind,
    Relation,
    Sex,
    Source,
    SourceKind,
)
from .models.pages import IDENTIFIER_RE
from .models.vocabularies import fold, match

#: Between the parts of one award, memorial or source.
PART_SEPARATOR = "|"
ESCAPE = "\\"


class Award(NamedTuple):
    kind: str
    date: str = ""
    decree: str = ""
    number: int | None = None
    note: str = ""


class MemorialItem(NamedTuple):
    kind: str
    place: str
    year: int | None = None
    description: str = ""


class SourceItem(NamedTuple):
    title: str
    kind: str = SourceKind.ARTICLE
    author: str = ""
    container: str = ""
    place: str = ""
    year: int | None = None
    issue: str = ""
    pages: str = ""
    url: str = ""
    accessed: datetime.date | None = None
    archive_reference: str = ""


@dataclass(frozen=True)
class Column:
    """One column: its header, the record's key it fills, how its cells read and write
    (``kind``), whether every row needs it, and what the template says about it."""

    header: str
    key: str
    kind: str
    required: bool = False
    help: str = ""
    example: str = ""


# The headers are the file's format (see the module's docstring), hence not translated; the
# help texts are the interface, hence translated.
COLUMNS = (
    Column(
        "Идентификатор",
        "identifier",
        "identifier",
        required=True,
        help=gettext_lazy(
            "The record's stable key: Latin letters, digits, «.», «_» and «-». A row with the "
            "identifier of an existing hero updates that hero; a new identifier adds one."
        ),
        example="GST-00042",
    ),
    Column("Фамилия", "surname", "text", required=True, example="Шахтёров"),
    Column("Имя", "given_name", "text", required=True, example="Иван"),
    Column("Отчество", "patronymic", "text", example="Петрович"),
    Column(
        "Варианты имени",
        "name_variants",
        "list",
        help=gettext_lazy("Maiden name, other spellings."),
        example="Шахтеров Иван Петрович",
    ),
    Column(
        "Пол",
        "sex",
        "sex",
        required=True,
        help=gettext_lazy("«м» or «ж» (or the full word)."),
        example="м",
    ),
    Column("Дата рождения", "birth_date", "date", example="12.03.1923"),
    Column("Место рождения", "birth_place", "text", example="д. Сосновка Томской губернии"),
    Column("Муниципалитет рождения", "birth_municipality", "municipality"),
    Column("Дата смерти", "death_date", "date", example="около 1990"),
    Column("Место смерти", "death_place", "text"),
    Column("Муниципалитет смерти", "death_municipality", "municipality"),
    Column("Связь с Кузбассом", "relation", "relation", required=True),
    Column("Отрасль", "industry", "industry", required=True),
    Column("Профессия", "profession", "text", example="забойщик"),
    Column("Предприятие", "enterprise", "text", example="шахта «Северная»"),
    Column(
        "Муниципалитет",
        "municipality",
        "municipality",
        help=gettext_lazy("Where the hero lived and worked when awarded."),
    ),
    Column(
        "Награды",
        "awards",
        "awards",
        required=True,
        help=gettext_lazy(
            "Each award is its name, then its date; parts after «|»: «указ: …», «номер: …» "
            "(which time the Hero title was awarded), «примечание: …»."
        ),
    ),
    Column("Краткая справка", "summary", "text", help=gettext_lazy("One or two sentences.")),
    Column(
        "Биография",
        "biography",
        "biography",
        help=gettext_lazy("Plain text; an empty line between paragraphs."),
    ),
    Column(
        "Увековечение памяти",
        "memorials",
        "memorials",
        help=gettext_lazy(
            "Each memorial is its kind, then «| место: …» and optionally «| год: …», "
            "«| описание: …»."
        ),
    ),
    Column("Теги", "tags", "tags", example="шахтёры; орденоносцы"),
    Column(
        "Источники",
        "sources",
        "sources",
        help=gettext_lazy(
            "Each source is its title, then parts such as «| автор: …», «| издание: …», «| год: "
            "…», «| выпуск: …», «| страницы: …», «| адрес: …», «| архивный шифр: …», «| вид: "
            "книга»."
        ),
        example="Герой из забоя | автор: Иванов И. И. | издание: Кузбасс | год: 1957 | "
        "выпуск: № 45 | страницы: 2",
    ),
)
HEADERS = tuple(column.header for column in COLUMNS)
#: The header of each record key: ``HEADER["awards"]`` is «Награды».
HEADER = {column.key: column.header for column in COLUMNS}
BY_FOLDED_HEADER = {fold(column.header): column for column in COLUMNS}
REQUIRED = tuple(column for column in COLUMNS if column.required)

# The labels of the parts of an award, a memorial and a source: the first of each is what
# exports write; the others (English, synonyms) are read too.
AWARD_PARTS = {
    "decree": ("указ", "decree"),
    "number": ("номер", "который раз", "number"),
    "note": ("примечание", "note"),
}
MEMORIAL_PARTS = {
    "place": ("место", "place"),
    "year": ("год", "year"),
    "description": ("описание", "description"),
}
SOURCE_PARTS = {
    "title": ("заглавие", "название", "title"),
    "kind": ("вид", "kind"),
    "author": ("автор", "author"),
    "container": ("издание", "container"),
    "place": ("место издания", "place"),
    "year": ("год", "year"),
    "issue": ("выпуск", "issue"),
    "pages": ("страницы", "pages"),
    "url": ("адрес", "url"),
    "accessed": ("дата обращения", "accessed"),
    "archive_reference": ("архивный шифр", "archive reference"),
}
SEX_WORDS = {
    "м": Sex.MALE,
    "муж": Sex.MALE,
    "мужской": Sex.MALE,
    "ж": Sex.FEMALE,
    "жен": Sex.FEMALE,
    "женский": Sex.FEMALE,
}
#: What exports write for the sex: the template's letters, the same in every language.
SEX_LETTERS = {Sex.MALE: "м", Sex.FEMALE: "ж"}
CHOICES = {
    "sex": Sex,
    "relation": Relation,
    "industry": Industry,
}
_QUOTES = re.compile(r"[«»\"„“”'‘’]")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_HTML_BREAK = re.compile(r"</p\s*>|<br\s*/?>|</li\s*>|</h[1-6]\s*>", re.IGNORECASE)
# A paragraph block that is plain text: <p>s (with Wagtail's block keys) holding no other tag.
_PLAIN_PARAGRAPH = re.compile(r'^\s*(?:<p(?:\s+data-block-key="[^"]*")?>[^<]*</p>\s*)*$')


class CellError(ValueError):
    """A cell that cannot be read: ``message`` says why, in the user's language."""


# --- Separators ----------------------------------------------------------------------------------


def separator():
    """The separator of several values in a cell, «;» unless the site says otherwise."""
    value = setting("IMPORT_SEPARATOR")
    if not value or value in (PART_SEPARATOR, ESCAPE) or len(value) != 1:
        raise ImproperlyConfigured(
            "KUZBIB_HEROES_ARCHIVE['IMPORT_SEPARATOR'] must be one character other than | and \\"
        )
    return value


def _escapable():
    return {ESCAPE, separator(), PART_SEPARATOR}


def split(text, char):
    """``text`` cut at every ``char`` not escaped by a backslash; the escapes stay (see
    ``unescape``), so that a part may be cut again at another character."""
    escapable = _escapable()
    parts, current, position = [], [], 0
    while position < len(text):
        char_here = text[position]
        if char_here == ESCAPE and text[position + 1 : position + 2] in escapable:
            current.append(text[position : position + 2])
            position += 2
            continue
        if char_here == char:
            parts.append("".join(current))
            current = []
        else:
            current.append(char_here)
        position += 1
    parts.append("".join(current))
    return parts


def unescape(text):
    escapable = _escapable()
    out, position = [], 0
    while position < len(text):
        if text[position] == ESCAPE and text[position + 1 : position + 2] in escapable:
            out.append(text[position + 1])
            position += 2
        else:
            out.append(text[position])
            position += 1
    return "".join(out)


def escape_value(text):
    """A value written into a cell of several values: its separators escaped."""
    escapable = _escapable()
    return "".join(ESCAPE + char if char in escapable else char for char in str(text))


def items(cell):
    """The values of a cell of several values, their escapes still in (empty ones dropped)."""
    return [item.strip() for item in split(cell, separator()) if item.strip()]


def joined(values):
    return f"{separator()} ".join(values)


def clean_cell(value):
    """A cell's text as the importer reads it: trimmed, line breaks as «\\n», and an export's
    formula guard («'» before «=», «+», «-», «@», tab, CR) taken off."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_PREFIXES):
        text = text[1:]
    return text


# --- What the database knows ------------------------------------------------------------------


class Lookups:
    """The names rows give, matched once against what the database holds: municipalities (all,
    a short list), tags (``load_tags`` for the names of a batch of rows, one query)."""

    def __init__(self):
        self.municipalities = {fold(item.name): item for item in Municipality.objects.all()}
        self.tags = {}

    def municipality(self, name):
        return self.municipalities.get(fold(name))

    def load_tags(self, names):
        wanted = {fold(name) for name in names} - set(self.tags)
        if not wanted:
            return
        folded = Replace(Lower("name"), Value("ё"), Value("е"))
        for tag in Tag.objects.annotate(folded=folded).filter(folded__in=wanted):
            self.tags.setdefault(fold(tag.name), tag)

    def tag_name(self, name):
        """The existing tag's own spelling of ``name``, or ``name`` for a new tag."""
        tag = self.tags.get(fold(name))
        return tag.name if tag else " ".join(name.split())


def tag_names(cells):
    """Every tag name a row's cells give (to load them for a batch of rows)."""
    cell = cells.get(HEADER["tags"], "")
    return [unescape(item) for item in items(cell)] if cell else []


# --- Reading cells --------------------------------------------------------------------------------


def _max_length(model, name):
    return model._meta.get_field(name).max_length


def _text(value, model, name, what=None):
    limit = _max_length(model, name)
    if limit and len(value) > limit:
        raise CellError(
            _("%(what)s is %(length)s characters long; at most %(limit)s are allowed.")
            % {"what": what or _("The text"), "length": len(value), "limit": limit}
        )
    return value


def _one_line(value):
    return " ".join(value.split())


def _choice(choices, value, what):
    found = match(choices, value) or _unquoted_lookup(choices).get(_unquoted(value))
    if found is None:
        raise CellError(
            _("«%(value)s» is not one of the %(what)s: %(allowed)s.")
            % {"value": value[:80], "what": what, "allowed": allowed_labels(choices)}
        )
    return found


def _unquoted(text):
    return fold(_QUOTES.sub("", text))


@cache
def _unquoted_lookup(choices):
    """Labels compared without their quotes: «Медаль "За трудовую доблесть"» typed with straight
    quotes, or none, is the same medal."""
    found = {}
    for language in ("en", "ru"):
        with translation.override(language):
            for value, label in choices.choices:
                found[_unquoted(str(label))] = value
    return found


def allowed_labels(choices):
    with translation.override(settings.LANGUAGE_CODE):
        return "; ".join(f"«{label}»" for label in choices.labels)


def _year(text, what):
    try:
        year = int(text.strip())
    except ValueError:
        raise CellError(
            _("%(what)s «%(value)s» is not a year.") % {"what": what, "value": text[:20]}
        ) from None
    if not partial_dates.MIN_YEAR <= year <= partial_dates.MAX_YEAR:
        raise CellError(
            _("The year %(year)s is outside %(min)s–%(max)s.")
            % {"year": year, "min": partial_dates.MIN_YEAR, "max": partial_dates.MAX_YEAR}
        )
    return year


def _date_text(text):
    try:
        return partial_dates.normalise(text)
    except ValidationError as error:
        raise CellError(" ".join(error.messages)) from None


def _labelled(parts, labels, first_key=None):
    """The parts of one award, memorial or source as {key: text}: the first part under
    ``first_key`` unless it carries a label, the others by their labels."""
    by_label = {fold(label): key for key, names in labels.items() for label in names}
    found = {}
    for position, part in enumerate(parts):
        label, colon, value = part.partition(":")
        key = by_label.get(fold(unescape(label))) if colon else None
        if key is None:
            if position == 0 and first_key:
                key, value = first_key, part
            else:
                raise CellError(
                    _("«%(part)s» has no label this cell knows; write one of: %(labels)s.")
                    % {
                        "part": unescape(part)[:60],
                        "labels": ", ".join(f"«{names[0]}:»" for names in labels.values()),
                    }
                )
        if key in found:
            raise CellError(_("The part «%(label)s» is given twice.") % {"label": labels[key][0]})
        found[key] = unescape(value).strip()
    return found


def parse_award(text):
    parts = [part.strip() for part in split(text, PART_SEPARATOR)]
    head = unescape(parts[0]).strip()
    values = _labelled(parts[1:], AWARD_PARTS) if len(parts) > 1 else {}
    words = head.split()
    kind = date = None
    # The longest beginning that names an award is the award; the rest is its date (award names
    # may hold digits: «… I степени»).
    for cut in range(len(words), 0, -1):
        name = " ".join(words[:cut]).rstrip(",.:")
        kind = match(AwardKind, name) or _unquoted_lookup(AwardKind).get(_unquoted(name))
        if kind:
            date = " ".join(words[cut:]).strip(", ")
            break
    if not kind:
        raise CellError(
            _("«%(award)s» names no award of the list: %(allowed)s.")
            % {"award": head[:80], "allowed": allowed_labels(AwardKind)}
        )
    date = _date_text(date) if date else ""
    if kind == AwardKind.HERO and date:
        first, last = HeroPage.title_years()
        value = partial_dates.PartialDate.parse(date)
        if not (first <= value.start.year and value.end.year <= last):
            raise CellError(
                _("The Hero of Socialist Labour title was awarded from %(first)s to %(last)s.")
                % {"first": first, "last": last}
            )
    number = None
    if values.get("number"):
        try:
            number = int(values["number"])
        except ValueError:
            number = 0
        if not 1 <= number <= 9:
            raise CellError(
                _("«%(value)s» is no count of times: write 1 or 2.") % {"value": values["number"]}
            )
        if kind != AwardKind.HERO:
            raise CellError(_("Only the Hero title is counted."))
    decree = _text(values.get("decree", ""), HeroAward, "decree", _("The decree"))
    note = _text(values.get("note", ""), HeroAward, "note", _("The note"))
    return Award(kind, date, _one_line(decree), number, _one_line(note))


def parse_memorial(text):
    parts = [part.strip() for part in split(text, PART_SEPARATOR)]
    kind = _choice(MemorialKind, unescape(parts[0]).strip(), _("kinds of memorials"))
    values = _labelled(parts[1:], MEMORIAL_PARTS) if len(parts) > 1 else {}
    place = _one_line(values.get("place", ""))
    if not place:
        raise CellError(_("A memorial needs its place: «| место: …»."))
    year = _year(values["year"], _("The year")) if values.get("year") else None
    return MemorialItem(
        kind,
        _text(place, Memorial, "place", _("The place")),
        year,
        _text(values.get("description", ""), Memorial, "description", _("The description")),
    )


def parse_source(text):
    parts = [part.strip() for part in split(text, PART_SEPARATOR)]
    values = _labelled(parts, SOURCE_PARTS, first_key="title")
    title = _one_line(values.get("title", ""))
    if not title:
        raise CellError(_("A source needs its title (the first part)."))
    kind = (
        _choice(SourceKind, values["kind"], _("kinds of sources"))
        if values.get("kind")
        else SourceKind.ARTICLE
    )
    url = values.get("url", "")
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise CellError(_("«%(url)s» is not a web address.") % {"url": url[:80]}) from None
    accessed = None
    if values.get("accessed"):
        value = partial_dates.PartialDate.parse(values["accessed"]) if values["accessed"] else None
        if value is None or value.precision != partial_dates.DAY:
            raise CellError(_("The access date must be a day, e.g. 01.02.2024."))
        accessed = value.start
    fields = {
        name: _one_line(values.get(name, ""))
        for name in ("author", "container", "place", "issue", "pages", "archive_reference")
    }
    for name, value in fields.items():
        _text(value, Source, name, str(Source._meta.get_field(name).verbose_name).capitalize())
    return SourceItem(
        title=_text(title, Source, "title", _("The title")),
        kind=kind,
        year=_year(values["year"], _("The year")) if values.get("year") else None,
        url=_text(url, Source, "url", _("The address")),
        accessed=accessed,
        **fields,
    )


def _compound(cell, parse):
    found, problems = [], []
    for item in items(cell):
        try:
            found.append(parse(item))
        except CellError as error:
            problems.append(str(error))
        except ValidationError as error:
            problems.append(" ".join(error.messages))
    if problems:
        raise CellError(" ".join(problems))
    return tuple(found)


def biography_text(stream):
    """The biography as a cell holds it: the text of its paragraphs, headings and quotes, an
    empty line between paragraphs."""
    paragraphs = []
    for block in stream:
        if block.block_type == "paragraph":
            for piece in _HTML_BREAK.split(block.value.source):
                paragraphs.append(_one_line(html.unescape(strip_tags(piece))))
        elif block.block_type in {"heading", "quote"}:
            paragraphs.append(_one_line(block.value.get("text", "")))
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def biography_is_plain(stream):
    """Whether the biography is paragraphs of plain text only, which a cell may replace without
    losing anything (pictures, tables, headings, links, emphasis)."""
    return all(
        block.block_type == "paragraph"
        and _PLAIN_PARAGRAPH.match(re.sub(r"<br\s*/?>", "", block.value.source))
        for block in stream
    )


def biography_blocks(text):
    """The StreamField value of a biography read from a cell: one paragraph block per
    paragraph, its text escaped (a cell's «<script>» is text, never markup)."""
    return [
        ("paragraph", RichText(f"<p>{escape(paragraph)}</p>"))
        for paragraph in text.split("\n\n")
        if paragraph
    ]


def _biography(cell):
    paragraphs = (_one_line(part) for part in _PARAGRAPH_BREAK.split(cell))
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def parse_cell(column, cell, lookups):
    """The value of ``column`` that ``cell`` (already ``clean_cell``-ed) gives; raises
    ``CellError`` with a message for the editor."""
    kind = column.kind
    if kind == "identifier":
        if not IDENTIFIER_RE.match(cell):
            raise CellError(
                _("«%(value)s»: Latin letters, digits, «.», «_» and «-», up to 40, e.g. GST-00042.")
                % {"value": cell[:60]}
            )
        return cell
    if kind == "text":
        value = cell if column.key == "summary" else _one_line(cell)
        return _text(value, HeroPage, column.key)
    if kind == "list":
        values = tuple(_one_line(unescape(item)) for item in items(cell))
        _text("; ".join(values), HeroPage, column.key)
        return values
    if kind == "date":
        return _date_text(cell)
    if kind == "sex":
        folded = fold(cell).rstrip(".")
        found = SEX_WORDS.get(folded) or match(Sex, cell)
        if not found:
            raise CellError(_("«%(value)s»: write «м» or «ж».") % {"value": cell[:40]})
        return found
    if kind == "relation":
        return _choice(Relation, cell, _("relations to the region"))
    if kind == "industry":
        return _choice(Industry, cell, _("industries"))
    if kind == "municipality":
        if not cell:
            return None
        found = lookups.municipality(cell)
        if found is None:
            raise CellError(
                _("There is no municipality «%(name)s» in the directory.") % {"name": cell[:80]}
            )
        return found
    if kind == "awards":
        return _compound(cell, parse_award)
    if kind == "memorials":
        return _compound(cell, parse_memorial)
    if kind == "sources":
        return _compound(cell, parse_source)
    if kind == "tags":
        names = {}
        for item in items(cell):
            name = lookups.tag_name(unescape(item))
            if len(name) > _max_length(Tag, "name"):
                raise CellError(
                    _("The tag «%(tag)s…» is longer than %(limit)s characters.")
                    % {"tag": name[:40], "limit": _max_length(Tag, "name")}
                )
            names.setdefault(fold(name), name)
        return tuple(sorted(names.values(), key=fold))
    if kind == "biography":
        return _biography(cell)
    raise ImproperlyConfigured(f"Unknown kind of column: {kind}")


EMPTY = {
    "list": (),
    "awards": (),
    "memorials": (),
    "sources": (),
    "tags": (),
    "municipality": None,
}


def parse_row(cells, lookups):
    """The record a row gives (``{key: value}`` for the columns the file has) and its problems,
    each «column: what is wrong» in the user's language. ``cells`` maps headers to cell text."""
    record, problems = {}, []
    for column in COLUMNS:
        if column.header not in cells:
            continue
        cell = cells[column.header]
        if not cell:
            if column.required:
                problems.append(
                    _("%(column)s: the cell is empty; every row needs it.")
                    % {"column": column.header}
                )
            record[column.key] = EMPTY.get(column.kind, "")
            continue
        try:
            record[column.key] = parse_cell(column, cell, lookups)
        except CellError as error:
            problems.append(
                _("%(column)s: %(problem)s") % {"column": column.header, "problem": error}
            )
    if cells.get(HEADER["awards"]) and record.get("awards") == ():
        problems.append(_("%(column)s: no award is named.") % {"column": HEADER["awards"]})
    birth, death = record.get("birth_date"), record.get("death_date")
    if birth and death:
        first = partial_dates.PartialDate.parse(birth)
        last = partial_dates.PartialDate.parse(death)
        if last.end < first.start:
            problems.append(
                _("%(column)s: %(problem)s")
                % {
                    "column": HEADER["death_date"],
                    "problem": _("The date of death is before the date of birth."),
                }
            )
    return record, problems


# --- Writing cells ------------------------------------------------------------------------------


def record_of(page):
    """A hero's record as the columns see it (children from ``prefetch_related`` or memory)."""
    awards = sorted(page.awards.all(), key=lambda item: (item.sort_order or 0, item.pk or 0))
    memorials = sorted(page.memorials.all(), key=lambda item: (item.sort_order or 0, item.pk or 0))
    sources = sorted(page.sources.all(), key=lambda item: (item.sort_order or 0, item.pk or 0))
    return {
        "identifier": page.identifier,
        "surname": page.surname,
        "given_name": page.given_name,
        "patronymic": page.patronymic,
        "name_variants": tuple(page.variants()),
        "sex": page.sex,
        "birth_date": page.birth_date,
        "birth_place": page.birth_place,
        "birth_municipality": page.birth_municipality,
        "death_date": page.death_date,
        "death_place": page.death_place,
        "death_municipality": page.death_municipality,
        "relation": page.relation,
        "industry": page.industry,
        "profession": page.profession,
        "enterprise": page.enterprise,
        "municipality": page.municipality,
        "awards": tuple(
            Award(item.kind, item.date, item.decree, item.number, item.note) for item in awards
        ),
        "summary": page.summary,
        "biography": biography_text(page.biography),
        "memorials": tuple(
            MemorialItem(item.kind, item.place, item.year, item.description) for item in memorials
        ),
        "tags": tuple(
            sorted(
                {fold(item.tag.name): item.tag.name for item in page.tagged_items.all()}.values(),
                key=fold,
            )
        ),
        "sources": tuple(
            SourceItem(
                title=item.title,
                kind=item.kind,
                author=item.author,
                container=item.container,
                place=item.place,
                year=item.year,
                issue=item.issue,
                pages=item.pages,
                url=item.url,
                accessed=item.accessed,
                archive_reference=item.archive_reference,
            )
            for item in sources
        ),
    }


def _label(choices, value):
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _parts(first, values, labels):
    parts = [escape_value(first)] if first else []
    for key, names in labels.items():
        value = values.get(key)
        if value not in (None, ""):
            parts.append(f"{names[0]}: {escape_value(value)}")
    return f" {PART_SEPARATOR} ".join(parts)


def format_award(award):
    head = " ".join(part for part in (_label(AwardKind, award.kind), award.date) if part)
    return _parts(
        head, {"decree": award.decree, "number": award.number, "note": award.note}, AWARD_PARTS
    )


def format_memorial(memorial):
    return _parts(
        _label(MemorialKind, memorial.kind),
        {"place": memorial.place, "year": memorial.year, "description": memorial.description},
        MEMORIAL_PARTS,
    )


def format_source(source):
    values = source._asdict()
    values.pop("title")
    values["kind"] = "" if source.kind == SourceKind.ARTICLE else _label(SourceKind, source.kind)
    values["accessed"] = f"{source.accessed:%d.%m.%Y}" if source.accessed else ""
    labels = {key: names for key, names in SOURCE_PARTS.items() if key != "title"}
    # The kind goes last: the title, author and periodical are what a reader looks for first.
    labels = {
        **{key: names for key, names in labels.items() if key != "kind"},
        "kind": labels["kind"],
    }
    return _parts(source.title, values, labels)


def format_cell(column, value):
    """The text of ``column``'s cell for ``value`` (in the site's language, for labels)."""
    kind = column.kind
    if value in (None, "", ()):
        return ""
    if kind in ("identifier", "text", "date", "biography"):
        return str(value)
    if kind in ("list", "tags"):
        return joined(escape_value(item) for item in value)
    if kind == "sex":
        return SEX_LETTERS.get(value, value)
    if kind in CHOICES:
        return _label(CHOICES[kind], value)
    if kind == "municipality":
        return value.name
    if kind == "awards":
        return joined(format_award(item) for item in value)
    if kind == "memorials":
        return joined(format_memorial(item) for item in value)
    if kind == "sources":
        return joined(format_source(item) for item in value)
    raise ImproperlyConfigured(f"Unknown kind of column: {kind}")


def cells_of(page):
    """The row of ``page``: its cells, in the order of ``COLUMNS``, in the site's language."""
    record = record_of(page)
    with translation.override(settings.LANGUAGE_CODE):
        return [format_cell(column, record[column.key]) for column in COLUMNS]


def example_row():
    """The template's example: a hero with an award of each form."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {column.header: column.example for column in COLUMNS}
        values[HEADER["relation"]] = str(Relation.LIVED.label)
        values[HEADER["industry"]] = str(Industry.COAL.label)
        values[HEADER["awards"]] = joined(
            [
                format_award(
                    Award(
                        AwardKind.HERO,
                        "26.04.1957",
                        "Указ Президиума Верховного Совета СССР от 26.04.1957",
                    )
                ),
                format_award(Award(AwardKind.ORDER_LENIN, "1957")),
            ]
        )
        values[HEADER["memorials"]] = format_memorial(
            MemorialItem(MemorialKind.PLAQUE, "г. Кемерово, ул. Шахтёров, 5", 1985)
        )
        return [values[header] for header in HEADERS]
