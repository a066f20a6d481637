"""Blind judging: who the participant is, looked for in what they sent, and what jurors get
instead of their files.

- ``Identity.of(entry)``: the participant's surname, given name (with the patronymic after it),
  library and e-mail as search terms. Names in every case form (pymorphy3, and the common
  surname endings when it knows nothing better), ё/е and case folded, whole words only; the
  library by its distinctive words (a place-name adjective only next to «библиотека», «ЦБС»
  and the like), by «имени …» and by its full name, never by «библиотека» alone.
- ``check_file`` (the pipeline's run, outside any transaction, within its time and memory
  limits): the file's name, extracted text and document metadata are searched for the
  participant; a copy without the author metadata is written to a temporary file, through the
  same guards as the inspection (the archive guard, pypdf's limits, the pixel limit); the
  text is redacted; and whether the preview (the first page) shows the participant.
- ``store`` and ``replace_flags`` (the pipeline's ``finish``, in its transaction): the copy
  becomes ``EntryFile.blind_file`` (the old one is deleted), each hit an ``EntryFlag`` «may
  reveal the author» whose fragment says where it was found.
- ``unaccepted_reveals(contest)``: the flags that keep judging of a blind contest from opening.

Jurors in blind mode get ``EntryFile.blind_file`` (named by ``blind_name``, never the original
file name), ``EntryFile.blind_text``, and no preview where ``preview_shows_author`` is set.
"""

import functools
import posixpath
import re
import shutil
import zipfile
from dataclasses import dataclass, field

import pymorphy3
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_init
from django.core.files import File
from django.utils.translation import gettext as _
from lxml import etree
from PIL import ImageOps, IptcImagePlugin

from kuzbib_site.base.images import open_checked
from kuzbib_site.base.uploads import open_guarded_zip, spooled

from .conf import setting
from .inspection import METADATA_MAX_BYTES, SAFE_XML, check_deadline
from .models import Entry, EntryFlag

REVEAL = EntryFlag.Kind.MAY_REVEAL_AUTHOR
# Words as the search sees them: letters and digits, so «Иванова_проект.docx» is three words.
TOKEN_RE = re.compile(r"[^\W_]+")
# What may stand between the words of a phrase: «Беловская ЦБС», «им. А. П. Гайдара».
SEPARATOR = r"[\W_]{1,6}"
# A name shorter than this («Ян») would be found inside every other text.
SHORTEST_NAME = 3
# An e-mail's local part shorter than this («ia@…») is searched for only as the whole address.
SHORTEST_LOCAL_PART = 4
GENERIC_LOCAL_PARTS = frozenset(
    {"info", "mail", "email", "admin", "office", "post", "library", "biblioteka", "contact"}
)
# Grammemes of proper names: a word with a parse without them is also a common word.
PROPER = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Abbr", "Init", "Poss"})
# Words of a library's name that name no particular library (lemmas, ё folded).
GENERIC_WORDS = frozenset(
    """библиотека библиотечный библиотечно централизованный централизовать система центральный
    муниципальный бюджетный казенный автономный государственный учреждение культура культурный
    культурно городской районный сельский поселковый областной краевой региональный
    республиканский научный универсальный детский юношеский молодежный семейный модельный
    информационный информационно центр филиал межпоселенческий досуговый досуг клубный
    объединение структурный подразделение отдел отделение сектор публичный общедоступный
    специализированный массовый округ район поселение комплекс социокультурный краеведческий
    правовой чтение книга образование методический ресурсный интеллектуальный сетевой сеть
    организация общественный некоммерческий образовательный дом пункт абонемент город поселок
    село деревня область край""".split()  # noqa: SIM905 — words read best as words
)
# Abbreviations of the same kind: «ЦБС», «МБУК».
GENERIC_ABBREVIATIONS = frozenset(
    """цбс цгб црб цдб цб гб рб дб сб мбук мук маук мкук мбу мку мау гук гбук гаук гуку цсдб мцб
    мцрб цмб мибс цкс кдц цкбс мпб мбуко мкуко нб онб одб оюб мб пгт""".split()  # noqa: SIM905
)
# Near one of these, a place-name adjective («Беловская») names the library.
LIBRARY_WORDS = frozenset(
    {"библиотека", "библиотечный", "библиотечно", "филиал", "система", "учреждение", "центр"}
)
HONORIFIC = ("имени", "им")
# Around a hit: a fragment of at most this many characters, saying where it was found.
FRAGMENT_MAX = 200
# A document's preview (its embedded thumbnail) shows about this much of its start.
PREVIEW_CHARS = 1500
FLAGS_PER_FILE = 12
METADATA_FIELDS_MAX = 200
# Of a metadata value or a document part's text (headers, notes): what is searched.
VALUE_MAX_CHARS = 200_000
CHUNK = 64 * 1024

LATIN = {
    # ICAO (Russian passports) and the spelling most people type.
    "icao": str.maketrans(
        {
            **dict(zip("абвгдезийклмнопрстуфыэ", "abvgdeziiklmnoprstufye", strict=True)),
            **{"ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch"},
            **{"ъ": "ie", "ь": "", "ю": "iu", "я": "ia"},
        }
    ),
    "common": str.maketrans(
        {
            **dict(zip("абвгдезийклмнопрстуфыэ", "abvgdeziyklmnoprstufye", strict=True)),
            **{"ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch"},
            **{"ъ": "", "ь": "", "ю": "yu", "я": "ya"},
        }
    ),
}
# Endings of Russian surnames and what each becomes in the other forms (ё folded): used with
# what pymorphy3 says, which for a surname it has never seen may be nothing useful.
SURNAME_ENDINGS = [
    (("ский", "цкий"), 2, ("ий", "ого", "ому", "им", "ом", "ие", "их", "ими")),
    (("ская", "цкая"), 2, ("ая", "ой", "ую", "ою", "ие", "их", "им", "ими")),
    (("ова", "ева", "ина", "ына"), 1, ("а", "ой", "у", "ою", "ы", "ых", "ым", "ыми")),
    (("ов", "ев", "ин", "ын"), 0, ("", "а", "у", "ым", "е", "ы", "ых", "ыми")),
]


# --- Who the participant is ---------------------------------------------------------------------


def fold(text):
    """Lower case, ё as е, every character where it was (so positions in the folded text are
    positions in the text)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters lower to two («İ»)
        lowered = "".join(char.lower() if len(char.lower()) == 1 else char for char in text)
    return lowered.replace("ё", "е")


@functools.lru_cache(maxsize=1)
def _morph():
    return pymorphy3.MorphAnalyzer(lang="ru")


@worker_init.connect
def load_dictionaries(**kwargs):
    """A worker loads the morphological dictionaries (some 20 MB) once, as it starts: its pool
    processes inherit them, and a file task's address-space ceiling (``contests.tasks``),
    counted from what the process maps when the task begins, is not spent on them. Connected
    here because the worker imports this module with its tasks."""
    _morph()


@functools.lru_cache(maxsize=20000)
def _lemma(word):
    return fold(_morph().parse(word)[0].normal_form)


@functools.lru_cache(maxsize=2000)
def _is_common(word):
    """Whether ``word`` is also a common word («Вера», «Жук», «Радуга»): then it is found only
    written with a capital letter."""
    lowered = word.lower()
    morph = _morph()
    return morph.word_is_known(lowered) and any(
        parse.is_known and not (PROPER & parse.tag.grammemes) for parse in morph.parse(lowered)
    )


@dataclass(frozen=True)
class Term:
    """Words to find in a row (folded): ``kind`` says what they name (person, library, email);
    ``capitalised``: only written with a capital letter; ``near_library``: only within three
    words of a library word."""

    tokens: tuple
    kind: str
    capitalised: bool = False
    near_library: bool = False


class Identity:
    """The participant's search terms, matched as one regular expression (longest first)."""

    def __init__(self, terms):
        self.terms = {}
        for term in terms:
            # A form with a hyphen is two words, as the text is read.
            tokens = tuple(word for token in term.tokens for word in TOKEN_RE.findall(token))
            if not tokens:
                continue
            term = Term(tokens, term.kind, term.capitalised, term.near_library)
            known = self.terms.get(term.tokens)
            # Two sources of the same words: the less demanding one wins.
            if known is None or (known.capitalised, known.near_library) > (
                term.capitalised,
                term.near_library,
            ):
                self.terms[term.tokens] = term
        self.kinds = {term.kind for term in self.terms.values()}
        phrases = sorted(self.terms, key=lambda tokens: (-sum(map(len, tokens)), tokens))
        self.regex = (
            re.compile(
                r"(?<![^\W_])(?:"
                + "|".join(SEPARATOR.join(map(re.escape, tokens)) for tokens in phrases)
                + r")(?![^\W_])"
            )
            if phrases
            else None
        )

    @classmethod
    def of(cls, entry):
        """The terms of an entry's participant (nothing for an erased entry)."""
        libraries = (
            [entry.library.full_name, entry.library.short_name]
            if entry.library_id
            else [entry.new_library_name]
        )
        return cls(
            [
                *person_terms(entry.last_name, entry.first_name, entry.patronymic),
                *library_terms(libraries),
                *email_terms(entry.email),
            ]
        )

    def matches(self, text):
        """(kind, start, end) of every match in ``text``, in order."""
        if self.regex is None or not text:
            return
        folded = fold(text)
        for match in self.regex.finditer(folded):
            term = self.terms.get(tuple(TOKEN_RE.findall(match.group())))
            start, end = match.span()
            if term is None or (term.capitalised and not text[start].isupper()):
                continue
            if term.near_library and not _near_library_word(folded, start, end):
                continue
            yield term.kind, start, end

    def first_hits(self, text):
        """The first match of each kind: {kind: (start, end)}."""
        found = {}
        for kind, start, end in self.matches(text):
            found.setdefault(kind, (start, end))
            if len(found) == len(self.kinds):
                break
        return found

    def redact(self, text):
        """``text`` with every match replaced by the marker «[hidden]» (in the site's language)."""
        marker = _("[hidden]")
        out, cursor = [], 0
        for _kind, start, end in self.matches(text):
            out += [text[cursor:start], marker]
            cursor = end
        out.append(text[cursor:])
        return "".join(out)


def _near_library_word(folded, start, end):
    before = TOKEN_RE.findall(folded[max(0, start - 60) : start])[-3:]
    after = TOKEN_RE.findall(folded[end : end + 60])[:3]
    return any(
        word in GENERIC_ABBREVIATIONS or _lemma(word) in LIBRARY_WORDS for word in before + after
    )


def _words(value):
    return [word for word in TOKEN_RE.findall(value or "") if word.isalpha()]


def _gender(first_name, patronymic):
    for word, grammeme in [(w, "Name") for w in _words(first_name)] + [
        (w, "Patr") for w in _words(patronymic)
    ]:
        for parse in _morph().parse(word):
            if {grammeme, "nomn"} in parse.tag and parse.tag.gender in ("masc", "femn"):
                return parse.tag.gender
    return None


def name_forms(word, grammeme, gender=None, plural=False):
    """Every form (folded) of the name ``word`` written in the nominative: the lexeme of its
    nominative parses tagged ``grammeme`` (Surn, Name, Patr) of the participant's ``gender``
    when known, singular of that gender (and plural with ``plural``)."""
    forms = {fold(word)}
    parses = [p for p in _morph().parse(word) if {grammeme, "nomn", "sing"} in p.tag]
    if gender:
        parses = [p for p in parses if p.tag.gender == gender or "ms-f" in p.tag] or parses
    for parse in parses:
        for form in parse.lexeme:
            if form.tag.number == "plur":
                if plural:
                    forms.add(fold(form.word))
            elif "ms-f" in parse.tag or form.tag.gender in (parse.tag.gender, None):
                forms.add(fold(form.word))
    return forms


def surname_endings(folded):
    """The forms of a surname by its ending alone («Кыштымова» → «Кыштымовой», …)."""
    for endings, cut, suffixes in SURNAME_ENDINGS:
        if folded.endswith(endings) and len(folded) > 4:
            stem = folded[: len(folded) - cut] if cut else folded
            return {stem + suffix for suffix in suffixes}
    return {folded}


def latin(folded):
    """The surname as it is written in Latin letters (metadata, user names): two spellings."""
    return {folded.translate(table) for table in LATIN.values()} - {folded}


def person_terms(last_name, first_name, patronymic):
    gender = _gender(first_name, patronymic)
    terms = []
    for word in _words(last_name):
        if len(word) < SHORTEST_NAME:
            continue
        forms = name_forms(word, "Surn", gender, plural=True) | surname_endings(fold(word))
        terms += [Term((form,), "person", _is_common(word)) for form in forms]
        terms += [Term((spelling,), "person") for spelling in latin(fold(word))]
    given = [word for word in _words(first_name) if len(word) >= SHORTEST_NAME]
    for word in given:
        forms = name_forms(word, "Name", gender)
        terms += [Term((form,), "person", _is_common(word)) for form in forms]
    patronymics = [word for word in _words(patronymic) if len(word) >= SHORTEST_NAME]
    if given and patronymics:
        # «Мария Ивановна» in any case: redacted together, not the name alone.
        first = name_forms(given[-1], "Name", gender)
        for word in patronymics:
            terms += [
                Term((name, form), "person", _is_common(given[-1]))
                for name in first
                for form in name_forms(word, "Patr", gender)
            ]
    return terms


def _is_generic(word):
    folded = fold(word)
    return (
        folded in GENERIC_ABBREVIATIONS
        or folded in GENERIC_WORDS
        or _lemma(folded) in GENERIC_WORDS
    )


def _distinctive_terms(word):
    folded = fold(word)
    if word.isupper():  # an abbreviation of its own («КОНБ»)
        return [Term((folded,), "library", capitalised=True)]
    parse = _morph().parse(word)[0]
    place = parse.tag.POS in ("ADJF", "ADJS", "PRTF") or "Geox" in parse.tag
    forms = {folded} | {fold(f.word) for f in parse.lexeme if f.tag.POS == parse.tag.POS}
    capitalised = _is_common(word) and not place
    return [Term((form,), "library", capitalised, near_library=place) for form in forms]


def library_terms(names):
    """Terms of a library's names (full and short, or the name typed in): its distinctive words
    in every form, «имени Гайдара» (with or without the initials), and each name as a phrase.
    A name made of generic words only («Сельская библиотека») names nobody and gives nothing."""
    terms = []
    for name in names:
        words = TOKEN_RE.findall(name or "")
        distinctive, position = False, 0
        while position < len(words):
            word = words[position]
            position += 1
            if fold(word) in HONORIFIC:
                initials = []
                while position < len(words) and len(words[position]) == 1:
                    initials.append(fold(words[position]))
                    position += 1
                if position < len(words):
                    honoree = fold(words[position])
                    position += 1
                    distinctive = True
                    for lead in HONORIFIC:
                        terms += [
                            Term((lead, honoree), "library"),
                            Term((lead, *initials, honoree), "library"),
                        ]
                continue
            if not word.isalpha() or _is_generic(word):
                continue
            if len(word) < 4 and not (word.isupper() and len(word) >= 3):
                continue
            distinctive = True
            terms += _distinctive_terms(word)
        if distinctive and len(words) > 1:
            terms.append(Term(tuple(fold(word) for word in words), "library"))
    return terms


def email_terms(email):
    """The address itself, and its local part when it is long enough to mean someone."""
    email = fold(email or "")
    local, at, _domain = email.partition("@")
    if not at:
        return []
    terms = [Term(tuple(TOKEN_RE.findall(email)), "email")]
    tokens = tuple(TOKEN_RE.findall(local))
    if len("".join(tokens)) >= SHORTEST_LOCAL_PART and "".join(tokens) not in GENERIC_LOCAL_PARTS:
        terms.append(Term(tokens, "email"))
    return terms


# --- One file: its checks and its copy for the jury -------------------------------------------


@dataclass
class FileCheck:
    """What ``check_file`` found about one file: the fragments of its hits (each becomes a
    flag), its redacted text, whether its preview shows the participant, and its copy for the
    jury (an open temporary file, or None when none could be made)."""

    fragments: list = field(default_factory=list)
    blind_text: str = ""
    preview_shows_author: bool = False
    copy: object = None
    copy_ext: str = ""

    def close(self):
        if self.copy is not None:
            self.copy.close()
            self.copy = None


def check_file(handle, name, report, identity, deadline=None):
    """Search the open file ``handle`` (named ``name``, inspected into ``report``) for the
    participant and make its copy for the jury; raises SoftTimeLimitExceeded once the
    ``deadline`` passes. A file with a problem gets only its name searched: nothing else was
    read from it (and its entry needs attention anyway). Whatever fails while the metadata is
    read or the copy made is a fragment of its own, for the managers to check by hand."""
    check = FileCheck()
    fragments = _fragments(identity, name, _("file name"))
    if report.problem or report.kind not in KINDS:
        check.fragments = fragments
        return check
    kind = KINDS[report.kind]
    check.blind_text = identity.redact(report.text)
    fragments += _fragments(identity, report.text, _("text"))
    first_page = None
    try:
        handle.seek(0)
        fields, first_page = kind["metadata"](handle, name, deadline)
    except SoftTimeLimitExceeded:
        raise
    except Exception:  # noqa: BLE001 - an untrusted file's metadata may break any parser
        fields = []
        fragments.append(_("metadata: could not be read, check the file by hand"))
    for place, value in fields[:METADATA_FIELDS_MAX]:
        fragments += _fragments(identity, value[:VALUE_MAX_CHARS], place)
    if report.preview:
        page = report.text[:PREVIEW_CHARS] if first_page is None else first_page
        check.preview_shows_author = bool(identity.first_hits(page))
    try:
        handle.seek(0)
        check.copy = kind["copy"](handle, name, deadline)
        check.copy_ext = kind["ext"]
    except SoftTimeLimitExceeded:
        raise
    except Exception:  # noqa: BLE001 - nor can every file that was read be written again
        fragments.append(
            _("no copy without the author's metadata could be made: jurors get no file")
        )
    check.fragments = list(dict.fromkeys(fragments))[:FLAGS_PER_FILE]
    return check


def check_entry(entry, identity):
    """What the entry's own title and description (jurors read both) say of the participant:
    a ``FileCheck`` with fragments only."""
    return FileCheck(
        fragments=_fragments(identity, entry.title, _("title"))
        + _fragments(identity, entry.description, _("description"))
    )


def _fragments(identity, text, place):
    return [
        _fragment(place, text, start, end)
        for start, end in sorted(identity.first_hits(text).values())
    ]


def _fragment(place, text, start, end):
    """«place: …context around the hit…», at most FRAGMENT_MAX characters."""
    room = FRAGMENT_MAX - len(place) - 2

    def squeeze(part):
        return re.sub(r"\s+", " ", part)

    hit = squeeze(text[start:end])[: max(room - 2, 1)]
    side = max(0, (room - len(hit) - 2) // 2)
    before = squeeze(text[max(0, start - 2 * side) : start])
    after = squeeze(text[end : end + 2 * side])
    context = (
        ("…" if len(before) > side or start > 2 * side else "")
        + before[len(before) - side :]
        + hit
        + after[:side]
        + ("…" if len(after) > side or end + 2 * side < len(text) else "")
    )
    return f"{place}: {context.strip()}"[:FRAGMENT_MAX]


# --- XML metadata ------------------------------------------------------------------------------

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
PML_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
OFFICE_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _local(tag):
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _xml(archive, member):
    return etree.fromstring(archive.read(member, METADATA_MAX_BYTES), SAFE_XML)


def _metadata(fields):
    """(place, value) of metadata fields (label, value): «metadata «creator»»."""
    return [(_("metadata «%(field)s»") % {"field": label[:40]}, value) for label, value in fields]


def xml_fields(root, prefix=""):
    """(field, value) of every text and attribute in a metadata XML: the field is the element
    (the property's ``name`` for a custom property), never the RDF or variant-type wrapper."""
    fields = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        owner = element
        while owner.getparent() is not None and etree.QName(owner).namespace in (RDF_NS, VT_NS):
            owner = owner.getparent()
        names = [value for key, value in owner.attrib.items() if _local(key) == "name"]
        label = names[0] if names else _local(owner.tag)
        if element.text and element.text.strip():
            fields.append((prefix + label, element.text.strip()))
        for attribute, value in element.attrib.items():
            if value.strip():
                fields.append((prefix + _local(attribute), value.strip()))
    return fields


def _xmp_fields(data, prefix):
    try:
        return xml_fields(etree.fromstring(data, SAFE_XML), prefix)
    except etree.XMLSyntaxError:
        # Broken XMP still holds its words.
        return [(prefix.strip(), data.decode("utf-8", "replace"))]


class _Collector:
    """An lxml parser target keeping the values of the attributes named in ``attributes`` and
    the text of the elements named in ``elements`` (local names), without building a tree: a
    document body may be large. Refuses a document type, as the inspection's reader does."""

    def __init__(self, attributes=(), elements=()):
        self.attributes, self.elements = set(attributes), set(elements)
        self.values, self.open, self.size = {}, [], 0

    def doctype(self, name, public_id, system_url):
        raise ValueError("the XML declares a document type")

    def start(self, tag, attrib):
        for attribute, value in attrib.items():
            if _local(attribute) in self.attributes:
                self._keep(value)
        self.open.append([] if _local(tag) in self.elements else None)

    def data(self, text):
        for buffer in self.open:
            if buffer is not None:
                buffer.append(text)

    def end(self, tag):
        buffer = self.open.pop() if self.open else None
        if buffer:
            self._keep("".join(buffer))

    def _keep(self, value):
        # Distinct values, up to what is searched of a part: a part with a million comments
        # keeps no more.
        value = value.strip()
        if value and value not in self.values and self.size < VALUE_MAX_CHARS:
            self.values[value] = None
            self.size += len(value)

    def close(self):
        return list(self.values)


def _collected(archive, member, deadline, attributes=(), elements=()):
    parser = etree.XMLParser(
        target=_Collector(attributes, elements),
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
    )
    stream = archive.open(member)
    for chunk in iter(lambda: stream.read(CHUNK), b""):
        check_deadline(deadline)
        parser.feed(chunk)
    return parser.close()


# --- Office Open XML (DOCX, PPTX) ---------------------------------------------------------------

CORE = "docProps/core.xml"
APP = "docProps/app.xml"
CUSTOM = "docProps/custom.xml"
# What stays of core.xml in the jury's copy: dates and counters name nobody.
CORE_KEPT = frozenset({"created", "modified", "lastPrinted", "revision", "language"})
APP_DROPPED = frozenset({"Company", "Manager", "HyperlinkBase", "Template"})
# Parts of the document that its extracted text leaves out but its readers see: headers,
# footers, notes and comments (their paragraphs, by the member's name).
TEXT_PARTS = {
    "docx": re.compile(r"word/(header\d*|footer\d*|footnotes|endnotes|comments)\.xml"),
    "pptx": re.compile(r"ppt/(notesSlides/notesSlide\d+|comments/[^/]+)\.xml"),
}
# Parts naming the people who commented or changed the document, and how.
AUTHOR_PARTS = {
    "docx": [
        ("word/comments.xml", ("author", "initials")),
        ("word/people.xml", ("author", "userId")),
        ("word/document.xml", ("author",)),
    ],
    "pptx": [
        ("ppt/commentAuthors.xml", ("name", "initials")),
        ("ppt/authors.xml", ("name", "initials", "userId")),
    ],
}


def _ooxml_metadata(kind):
    def read(handle, name, deadline):
        fields = []
        with open_guarded_zip(handle, name) as archive:
            names = set(archive.namelist())
            for member in (CORE, APP, CUSTOM):
                if member in names:
                    fields += xml_fields(_xml(archive, member))
            for member, attributes in AUTHOR_PARTS[kind]:
                if member in names:
                    label = _("comment or change author")
                    values = _collected(archive, member, deadline, attributes=attributes)
                    fields += [(label, value) for value in values]
            fields = _metadata(fields)
            parts = sorted(member for member in names if TEXT_PARTS[kind].fullmatch(member))
            fields += _part_texts(archive, parts, deadline)
            first_page = _first_slide_text(archive, deadline) if kind == "pptx" else None
        return fields, first_page

    return read


def _part_texts(archive, members, deadline):
    """(place, text) of each member's paragraphs (``p`` elements, OOXML's and ODF's alike)."""
    place = _("headers, footers, notes or comments")
    texts = []
    for member in members[:METADATA_FIELDS_MAX]:
        paragraphs = _collected(archive, member, deadline, elements=("p",))
        texts.append((place, "\n".join(paragraphs)))
    return texts


def _first_slide_text(archive, deadline):
    """The text of the presentation's first slide (its thumbnail shows that one), or None
    when the package does not say which one it is."""
    presentation = _xml(archive, "ppt/presentation.xml")
    first = presentation.find(f".//{{{PML_NS}}}sldIdLst/{{{PML_NS}}}sldId")
    rels_name = "ppt/_rels/presentation.xml.rels"
    if first is None or rels_name not in archive.namelist():
        return None
    wanted = first.get(f"{{{OFFICE_REL_NS}}}id")
    for rel in _xml(archive, rels_name):
        if rel.get("Id") == wanted:
            target = rel.get("Target", "")
            target = posixpath.normpath(
                target.lstrip("/") if target.startswith("/") else posixpath.join("ppt", target)
            )
            if target not in archive.namelist():
                return None
            return " ".join(_collected(archive, target, deadline, elements=("t",)))
    return None


def _dropped(elements, unwanted):
    """Remove the ``unwanted(element)`` ones of ``elements``; whether any was."""
    removed = False
    for element in list(elements):
        if isinstance(element.tag, str) and unwanted(element):
            element.getparent().remove(element)
            removed = True
    return removed


def _without_core(root):
    return _dropped(root, lambda element: _local(element.tag) not in CORE_KEPT)


def _without_app(root):
    return _dropped(root, lambda element: _local(element.tag) in APP_DROPPED)


def _without_custom_rel(root):
    return _dropped(root, lambda rel: rel.get("Target", "").lstrip("/") == CUSTOM)


def _without_custom_type(root):
    return _dropped(root, lambda override: override.get("PartName") == "/" + CUSTOM)


def _ooxml_copy(handle, name, deadline):
    """docProps/core.xml without anything but its dates, app.xml without the company and
    manager, docProps/custom.xml gone (with its relationship and content type); every other
    member copied as it is."""
    rewrites = {
        CORE: _without_core,
        APP: _without_app,
        "_rels/.rels": _without_custom_rel,
        "[Content_Types].xml": _without_custom_type,
    }
    return spooled(
        lambda spool: _copy_zip(handle, name, deadline, spool, rewrites, dropped={CUSTOM})
    )


def _copy_zip(handle, name, deadline, spool, rewrites, dropped=frozenset()):
    with (
        open_guarded_zip(handle, name) as archive,
        zipfile.ZipFile(spool, "w") as target,
    ):
        # A name listed twice is read as its last member, as zipfile (and Office) reads it.
        members = {info.filename: info for info in archive.members}
        for member, info in members.items():
            check_deadline(deadline)
            if member in dropped:
                continue
            copied = zipfile.ZipInfo(member, date_time=max(info.date_time, (1980, 1, 1, 0, 0, 0)))
            copied.compress_type = info.compress_type
            if member in rewrites:
                # Written again only when something was taken out of it.
                data = archive.read(member, METADATA_MAX_BYTES)
                root = etree.fromstring(data, SAFE_XML)
                if rewrites[member](root):
                    data = etree.tostring(
                        root, xml_declaration=True, encoding="UTF-8", standalone=True
                    )
                target.writestr(copied, data)
                continue
            copied.file_size = info.file_size
            with archive.open(info) as source, target.open(copied, "w") as sink:
                shutil.copyfileobj(source, sink, CHUNK)


# --- OpenDocument (ODT) ----------------------------------------------------------------------

ODT_DROPPED = frozenset(
    {
        "initial-creator",
        "creator",
        "user-defined",
        "printed-by",
        "title",
        "subject",
        "description",
        "keyword",
    }
)


def _odt_metadata(handle, name, deadline):
    fields = []
    with open_guarded_zip(handle, name) as archive:
        names = set(archive.namelist())
        if "meta.xml" in names:
            fields += xml_fields(_xml(archive, "meta.xml"))
        if "content.xml" in names:
            label = _("comment or change author")
            values = _collected(archive, "content.xml", deadline, elements=("creator",))
            fields += [(label, value) for value in values]
        fields = _metadata(fields)
        # The page styles hold the headers and footers.
        if "styles.xml" in names:
            fields += _part_texts(archive, ["styles.xml"], deadline)
    return fields, None


def _without_odt_meta(root):
    return _dropped(root.iter(), lambda element: _local(element.tag) in ODT_DROPPED)


def _odt_copy(handle, name, deadline):
    """meta.xml without its creators, titles and user-defined fields; every other member (the
    uncompressed mimetype first) copied as it is."""
    return spooled(
        lambda spool: _copy_zip(handle, name, deadline, spool, {"meta.xml": _without_odt_meta})
    )


# --- PDF -----------------------------------------------------------------------------------------


def _pdf_reader(handle):
    # pypdf caps what any one stream inflates to (the inspection's own limit, see inspection).
    from pypdf import PdfReader  # noqa: PLC0415 — heavy; loaded only where such a file is read

    reader = PdfReader(handle, strict=False)
    if reader.is_encrypted:
        reader.decrypt("")
    return reader


def _pdf_metadata(handle, name, deadline):
    reader = _pdf_reader(handle)
    fields = [
        (str(key).lstrip("/"), str(value.get_object() if hasattr(value, "get_object") else value))
        for key, value in (reader.metadata or {}).items()
    ]
    xmp = reader.root_object.get("/Metadata")
    if xmp is not None:
        fields += _xmp_fields(xmp.get_object().get_data()[:METADATA_MAX_BYTES], "XMP ")
    fields = _metadata(fields)
    check_deadline(deadline)
    first_page = (reader.pages[0].extract_text() or "") if len(reader.pages) else ""
    return fields, first_page


def _pdf_copy(handle, name, deadline):
    """The same pages, without the document information (author, creator, producer, title…)
    and the XMP metadata of the document and its pages."""
    from pypdf import PdfWriter  # noqa: PLC0415 — heavy; loaded only where such a file is read

    writer = PdfWriter(clone_from=_pdf_reader(handle))
    writer.metadata = None
    writer.xmp_metadata = None
    for page in writer.pages:
        check_deadline(deadline)
        for key in ("/Metadata", "/PieceInfo"):
            if key in page:
                del page[key]
    # Unlinking is not enough: cloning copied every object, and pypdf writes what it copied,
    # linked or not, so the old XMP stream (the author's name) would still be in the file's
    # bytes. Only the objects the copy still uses are written.
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    return spooled(writer.write)


# --- Images -------------------------------------------------------------------------------------

EXIF_TAGS = {
    0x010E: "ImageDescription",
    0x013B: "Artist",
    0x8298: "Copyright",
    0x9C9B: "XPTitle",
    0x9C9C: "XPComment",
    0x9C9D: "XPAuthor",
    0x9C9E: "XPKeywords",
    0x9C9F: "XPSubject",
}
EXIF_IFD = 0x8769
EXIF_IFD_TAGS = {0x9286: "UserComment", 0xA430: "CameraOwnerName"}


def _exif_text(label, value):
    if isinstance(value, tuple):  # XP* tags as a tuple of bytes' values
        value = bytes(value)
    if not isinstance(value, bytes):
        return str(value)
    if label.startswith("XP"):
        return value.decode("utf-16-le", "replace").rstrip("\x00")
    if label == "UserComment":  # eight bytes naming the encoding, then the text
        code, text = value[:8], value[8:]
        encoding = "utf-16" if code.startswith(b"UNICODE") else "utf-8"
        return text.decode(encoding, "replace").rstrip("\x00")
    return value.decode("utf-8", "replace").rstrip("\x00")


def _image_metadata(handle, name, deadline):
    fields = []
    with open_checked(handle, setting("IMAGE_MAX_PIXELS"), name) as image:
        exif = image.getexif()
        for tag, label in EXIF_TAGS.items():
            if exif.get(tag):
                fields.append((f"EXIF {label}", _exif_text(label, exif[tag])))
        inner = exif.get_ifd(EXIF_IFD)
        for tag, label in EXIF_IFD_TAGS.items():
            if inner.get(tag):
                fields.append((f"EXIF {label}", _exif_text(label, inner[tag])))
        for (record, dataset), value in (IptcImagePlugin.getiptcinfo(image) or {}).items():
            for item in value if isinstance(value, list) else [value]:
                fields.append((f"IPTC {record}:{dataset}", item.decode("utf-8", "replace")))
        check_deadline(deadline)
        image.load()  # PNG text chunks after the pixels are read with them
        for key, value in image.info.items():
            if isinstance(value, str):  # PNG tEXt, zTXt, iTXt
                fields.append((f"PNG {key}", value))
            elif key in ("xmp", "XML:com.adobe.xmp") and isinstance(value, bytes):
                fields += _xmp_fields(value[:METADATA_MAX_BYTES], "XMP ")
            elif key == "comment" and isinstance(value, bytes):
                fields.append(("JPEG comment", value.decode("utf-8", "replace")))
    # A preview shows the pixels, never the metadata.
    return _metadata(fields), ""


def _image_copy(kind):
    def copy(handle, name, deadline):
        """The pixels only (turned as EXIF says they are shown), re-encoded: no EXIF, XMP,
        IPTC, comments or text chunks; the colour profile and transparency kept."""
        with open_checked(handle, setting("IMAGE_MAX_PIXELS"), name) as image:
            image.load()
            check_deadline(deadline)
            options = {
                key: image.info[key] for key in ("icc_profile", "dpi") if image.info.get(key)
            }
            if kind == "png" and "transparency" in image.info:
                options["transparency"] = image.info["transparency"]
            picture = ImageOps.exif_transpose(image)
            picture.info = {}
            if kind == "jpeg":
                return spooled(
                    lambda spool: picture.save(spool, format="JPEG", quality=95, **options)
                )
            return spooled(lambda spool: picture.save(spool, format="PNG", **options))

    return copy


KINDS = {
    "docx": {"metadata": _ooxml_metadata("docx"), "copy": _ooxml_copy, "ext": "docx"},
    "pptx": {"metadata": _ooxml_metadata("pptx"), "copy": _ooxml_copy, "ext": "pptx"},
    "odt": {"metadata": _odt_metadata, "copy": _odt_copy, "ext": "odt"},
    "pdf": {"metadata": _pdf_metadata, "copy": _pdf_copy, "ext": "pdf"},
    "jpeg": {"metadata": _image_metadata, "copy": _image_copy("jpeg"), "ext": "jpg"},
    "png": {"metadata": _image_metadata, "copy": _image_copy("png"), "ext": "png"},
}


# --- Storing what was found (in the pipeline's transaction) -------------------------------------


def store(entry, stored, check):
    """Put what ``check`` (or None: nothing was checked) found on ``stored``, saved by the
    caller: its copy for the jury replaces the old one (deleted, so re-runs leave no copies
    behind), its redacted text and whether its preview shows the participant."""
    if stored.blind_file:
        stored.blind_file.delete(save=False)
    stored.blind_text = check.blind_text.replace("\x00", "") if check else ""
    stored.preview_shows_author = bool(check and check.preview_shows_author)
    if check is not None and check.copy is not None:
        check.copy.seek(0)
        name = f"entry-{entry.pk}-file-{stored.pk}.{check.copy_ext}"
        stored.blind_file.save(name, File(check.copy), save=False)


def replace_flags(entry, files, checks):
    """The entry's «may reveal the author» flags, as this run found them (``checks`` by file,
    and under None the entry's own, ``check_entry``): a flag a manager accepted is kept when the
    same file (or the entry) still has the same fragment; every other old one goes. Returns the
    flags in the order found."""
    old = list(entry.flags.filter(kind=REVEAL))
    accepted = {(flag.file_id, flag.fragment): flag for flag in old if flag.accepted_at}
    current, new = [], []
    for stored in [None, *files]:
        key = stored.pk if stored else None
        check = checks.get(key)
        for fragment in check.fragments if check else []:
            flag = accepted.pop((key, fragment), None)
            if flag is None:
                flag = EntryFlag(entry=entry, kind=REVEAL, file=stored, fragment=fragment)
                new.append(flag)
            current.append(flag)
    kept = {flag.pk for flag in current if flag.pk}
    EntryFlag.objects.filter(pk__in=[flag.pk for flag in old if flag.pk not in kept]).delete()
    EntryFlag.objects.bulk_create(new)
    return current


def flag_line(flag):
    """The processing log's line for a «may reveal the author» flag."""
    if flag.file is None:
        return _("The entry may reveal the author: %(fragment)s") % {"fragment": flag.fragment}
    values = {"file": flag.file.original_name, "fragment": flag.fragment}
    if flag.accepted_at:
        return _("«%(file)s» may reveal the author (accepted before): %(fragment)s") % values
    return _("«%(file)s» may reveal the author: %(fragment)s") % values


def blind_name(stored):
    """The name a juror downloads a copy under: the entry's number, never the file's own name
    (which may be the participant's)."""
    code = re.sub(r"[^\w-]+", "-", stored.entry.code).strip("-")
    return f"{code}-{stored.pk}.{stored.blind_file.name.rpartition('.')[2]}"


# --- Judging ----------------------------------------------------------------------------------


def unaccepted_reveals(contest):
    """The «may reveal the author» flags no manager has accepted, on entries of ``contest``
    ready for judging: while there are any, judging of a blind contest does not open. None for
    a contest judged openly."""
    if not contest.blind_judging:
        return EntryFlag.objects.none()
    return EntryFlag.objects.filter(
        entry__contest=contest,
        entry__status=Entry.Status.READY,
        kind=REVEAL,
        accepted_at=None,
    ).select_related("entry", "file")
