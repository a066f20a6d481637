"""The GEDCOM export of a dynasty: the family as a file that genealogy programs import.

Two versions of the same records:

- **GEDCOM 5.5.1** in UTF-8 (``gedcom551``), what Gramps, webtrees and the big genealogy services
  import today. Written by the small writer below: 5.5.1 caps a line at 255 characters and
  continues long text with ``CONC``, and doubles every ``@`` of a value, neither of which the
  GEDCOM 7 serializer does.
- **GEDCOM 7.0** (``gedcom70``), written by the ``gedcom7`` library from the same structures
  (``gedcom7.types.GedcomStructure``), so its grammar checks (tags, pointers, payloads) apply.

What goes in: one ``INDI`` per member (the name as ``Имя Отчество /Фамилия/`` with ``GIVN`` and
``SURN``, the maiden name as a second ``NAME`` of type maiden, sex, birth and death dates, one
``OCCU`` per work period with its years, the library as ``AGNC`` and ``PLAC``), one ``FAM`` per
union of ``family.couples`` (a marriage with the children both spouses share, a single parent with
their children, brothers and sisters whose parents are not given): ``HUSB``/``WIFE``, ``CHIL``,
``MARR`` with the wedding year, ``DIV`` with the year a marriage ended unless a spouse died that
year (then it ended by death, not divorce).

Partial dates (``kuzbib_site.base.partial_dates``) become GEDCOM dates: ``12.03.1923`` →
``12 MAR 1923``, ``03.1923`` → ``MAR 1923``, ``ок. 1920`` → ``ABT 1920``, ``1920–1925`` →
``BET 1920 AND 1925``, the decade ``1920-е`` → ``BET 1920 AND 1929``.

Privacy of the living. A member counts as living when no death date is given and they were not
born more than 100 years ago (no birth date, or a birth date that may fall after 1 January of the
year ``today.year - 100``). For a living member the file carries no birth date (the ``BIRT`` event
is left out) and the ``INDI`` gets ``RESN privacy``; a marriage of which either spouse is living
keeps the fact (``MARR Y``, ``DIV Y``) but loses its years. Names, sex, kinship and the years of
library service stay: the public dynasty page shows them.

Text typed by families is made safe for the format, never rejected: control characters are
dropped, line breaks in names become spaces, a ``/`` inside a name part (it delimits the surname)
becomes ``-``, ``@`` is escaped as each version says, and 5.5.1 fields are cut to the lengths the
5.5.1 grammar allows. HTML in a name is kept as the literal text it is: GEDCOM is plain text, and
the programs that import it show it as such.
"""

import re

import gedcom7
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from gedcom7.types import GedcomStructure as Node

from kuzbib_site.base.partial_dates import DAY, DECADE, MONTH, RANGE, YEAR, PartialDate
from kuzbib_site.base.uploads import latin_stem

from .family import Link, couples

GEDCOM_551 = "5.5.1"
GEDCOM_70 = "7.0"
VERSIONS = (GEDCOM_551, GEDCOM_70)

#: The years after which a member without a death date is taken to be no longer living.
LIVING_YEARS = 100

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")

# C0 and C1 control characters (tab and line breaks are handled before), surrogates and the
# non-characters U+FFFE/U+FFFF: GEDCOM 7 bans them, and no 5.5.1 reader expects them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

# 5.5.1's longest values (the grammar's sizes) of the fields typed by families.
_NAME_PART = 38  # three parts and the delimiters stay within NAME_PERSONAL's 120
_SURNAME = 40
_OCCUPATION = 90
_AGENCY = 120
_PLACE = 120
_SUBMITTER = 60
_DESCRIPTION = 248
# «The total length of a GEDCOM line, including level number, cross-reference number, tag,
# value, delimiters, and terminator, must not exceed 255»; counted here in UTF-8 bytes, which is
# never fewer than characters, so readers that count either way accept the file.
_LINE_LIMIT = 255
_TERMINATOR_551 = "\r\n"


# -- text ----------------------------------------------------------------------------------------
def clean(text, *, multiline=False):
    """``text`` without control characters; on one line (runs of white space as one space) unless
    ``multiline``, when line breaks are kept as ``\\n``."""
    text = str(text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = _CONTROL.sub("", text)
    if multiline:
        return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip("\n")
    return " ".join(text.split())


def _clip(text, limit):
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _name_part(text, limit=None):
    part = " ".join(clean(text).replace("/", "-").split())
    return _clip(part, limit) if limit else part


# -- dates ---------------------------------------------------------------------------------------
def _parse(text):
    """The partial date of ``text``; None when empty or when it does not parse (the page's checks
    refuse such text, so it reaches the export only from old rows)."""
    try:
        return PartialDate.parse(text)
    except ValidationError:
        return None


def gedcom_date(text):
    """The GEDCOM date (the same in 5.5.1 and 7.0) of the partial date ``text``; "" when the text
    is empty or is not a date."""
    value = _parse(text)
    if value is None:
        return ""
    start = value.start
    if value.precision == DAY:
        shown = f"{start.day} {_MONTHS[start.month - 1]} {start.year}"
    elif value.precision == MONTH:
        shown = f"{_MONTHS[start.month - 1]} {start.year}"
    elif value.precision == YEAR:
        shown = str(start.year)
    elif value.precision in (RANGE, DECADE):
        return f"BET {start.year} AND {value.end.year}"
    return f"ABT {shown}" if value.approximate else shown


def _exact(day):
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def is_living(person, today):
    """Whether ``person`` is to be treated as living (see the module's docstring)."""
    if clean(person.death):
        return False
    birth = _parse(person.birth)
    return birth is None or birth.end.year > today.year - LIVING_YEARS


# -- the records ---------------------------------------------------------------------------------
def _site_name():
    return clean(getattr(settings, "WAGTAIL_SITE_NAME", "")) or "Kuzbib"


def _head(version, title, today):
    source = Node("SOUR", text="KUZBIB", children=[Node("NAME", text=_clip(_site_name(), 90))])
    children = [
        source,
        Node("DATE", text=_exact(today)),
        Node("SUBM", pointer="@SUBM@"),
    ]
    if version == GEDCOM_551:
        children += [
            Node(
                "GEDC", children=[Node("VERS", text="5.5.1"), Node("FORM", text="LINEAGE-LINKED")]
            ),
            Node("CHAR", text="UTF-8"),
            Node("LANG", text="Russian"),
        ]
    else:
        children.insert(0, Node("GEDC", children=[Node("VERS", text="7.0")]))
        children.append(Node("LANG", text="ru"))
    title = clean(title, multiline=True)
    if version == GEDCOM_551:
        title = _clip(title, _DESCRIPTION)
    if title:
        children.append(Node("NOTE", text=title))
    return Node("HEAD", children=children)


def _submitter():
    return Node(
        "SUBM", xref="@SUBM@", children=[Node("NAME", text=_clip(_site_name(), _SUBMITTER))]
    )


def _date_node(text, version):
    """The ``DATE`` of a partial date's text; a text that is not a date goes in as a phrase."""
    shown = gedcom_date(text)
    if shown:
        return Node("DATE", text=shown)
    phrase = clean(text)
    if not phrase:
        return None
    if version == GEDCOM_551:
        # 5.5.1's DATE_PHRASE is free text in parentheses.
        phrase = phrase.replace("(", "").replace(")", "")
        return Node("DATE", text=f"({_clip(phrase, 33)})")
    return Node("DATE", children=[Node("PHRASE", text=phrase)])


def _names(person, version):
    limits = version == GEDCOM_551
    first = _name_part(person.first_name, _NAME_PART if limits else None)
    patronymic = _name_part(person.patronymic, _NAME_PART if limits else None)
    given = " ".join(part for part in (first, patronymic) if part)
    nodes = []
    for surname, kind in (
        (person.last_name, None),
        (person.maiden_name, "maiden" if version == GEDCOM_551 else "MAIDEN"),
    ):
        surname = _name_part(surname, _SURNAME if limits else None)
        if kind and not surname:
            continue
        if not (given or surname):
            continue
        children = [Node("TYPE", text=kind)] if kind else []
        if given:
            children.append(Node("GIVN", text=given))
        if surname:
            children.append(Node("SURN", text=surname))
        full = f"{given} /{surname}/".strip() if surname else given
        nodes.append(Node("NAME", text=full, children=children))
    return nodes


def _occupation(period, version):
    limits = version == GEDCOM_551
    position = clean(period.position) or gettext("Library worker")
    library = clean(period.library)
    years = f"FROM {period.start}" + (f" TO {period.end}" if period.end is not None else "")
    children = [Node("DATE", text=years)]
    if library:
        children += [
            Node("PLAC", text=_clip(library, _PLACE) if limits else library),
            Node("AGNC", text=_clip(library, _AGENCY) if limits else library),
        ]
    return Node(
        "OCCU", text=_clip(position, _OCCUPATION) if limits else position, children=children
    )


def _individual(person, *, living, periods, as_child, as_partner, version):
    children = []
    if living:
        children.append(Node("RESN", text="privacy" if version == GEDCOM_551 else "PRIVACY"))
    children += _names(person, version)
    children.append(Node("SEX", text={"m": "M", "f": "F"}.get(person.sex, "U")))
    for tag, text in (("BIRT", person.birth), ("DEAT", person.death)):
        if tag == "BIRT" and living:
            continue
        date = _date_node(text, version)
        if date is not None:
            children.append(Node(tag, children=[date]))
    for period in sorted(periods, key=lambda period: (period.start, period.end or 9999)):
        children.append(_occupation(period, version))
    children += [Node("FAMC", pointer=_family_xref(index)) for index in as_child]
    children += [Node("FAMS", pointer=_family_xref(index)) for index in as_partner]
    return Node("INDI", xref=_person_xref(person.number), children=children)


def _person_xref(number):
    return f"@I{int(number)}@"


def _family_xref(index):
    return f"@F{index}@"


def _slots(partners, people):
    """``HUSB`` and ``WIFE`` for the union's partners: by sex, a partner of unknown sex (or a
    second partner of the same sex) in the slot still free."""
    slots = {}
    unplaced = []
    for number in partners:
        tag = {"m": "HUSB", "f": "WIFE"}.get(people[number].sex)
        if tag and tag not in slots:
            slots[tag] = number
        else:
            unplaced.append(number)
    for number in unplaced:
        slots["HUSB" if "HUSB" not in slots else "WIFE"] = number
    return [(tag, slots[tag]) for tag in ("HUSB", "WIFE") if tag in slots]


def _ended_by_death(year, partners, people):
    for number in partners:
        death = _parse(people[number].death)
        if death is not None and death.start.year <= year <= death.end.year:
            return True
    return False


def _family_record(index, union, *, people, married, private, version):
    children = [
        Node(tag, pointer=_person_xref(number)) for tag, number in _slots(union.partners, people)
    ]
    children += [Node("CHIL", pointer=_person_xref(number)) for number in union.children]
    if married:
        if union.start is not None and not private:
            children.append(Node("MARR", children=[Node("DATE", text=str(union.start))]))
        else:
            children.append(Node("MARR", text="Y"))
        if union.end is not None and not _ended_by_death(union.end, union.partners, people):
            if private:
                children.append(Node("DIV", text="Y"))
            else:
                children.append(Node("DIV", children=[Node("DATE", text=str(union.end))]))
    return Node("FAM", xref=_family_xref(index), children=children)


def records(family, *, title, today=None, version=GEDCOM_70):
    """The dataset of ``family`` as ``GedcomStructure`` trees, ``HEAD`` to ``TRLR``, in the form
    of ``version`` (``GEDCOM_551`` or ``GEDCOM_70``)."""
    if version not in VERSIONS:
        raise ValueError(f"Unknown GEDCOM version {version!r}")
    today = today or timezone.localdate()
    people = {person.number: person for person in family.people}
    living = {number for number, person in people.items() if is_living(person, today)}
    spouses = {
        frozenset((link.person, link.relative)) for link in family.links if link.kind == Link.SPOUSE
    }
    unions = [
        union
        for union in couples(family)
        if all(number in people for number in (*union.partners, *union.children))
    ]
    as_child, as_partner = {}, {}
    for index, union in enumerate(unions, start=1):
        for number in union.partners:
            as_partner.setdefault(number, []).append(index)
        for number in union.children:
            as_child.setdefault(number, []).append(index)
    periods = {}
    for period in family.periods:
        periods.setdefault(period.member, []).append(period)

    dataset = [_head(version, title, today), _submitter()]
    for number in sorted(people):
        dataset.append(
            _individual(
                people[number],
                living=number in living,
                periods=periods.get(number, ()),
                as_child=as_child.get(number, ()),
                as_partner=as_partner.get(number, ()),
                version=version,
            )
        )
    for index, union in enumerate(unions, start=1):
        dataset.append(
            _family_record(
                index,
                union,
                people=people,
                married=len(union.partners) == 2 and frozenset(union.partners) in spouses,
                private=any(number in living for number in union.partners),
                version=version,
            )
        )
    dataset.append(Node("TRLR"))
    return dataset


# -- writing -------------------------------------------------------------------------------------
def gedcom70(family, *, title, today=None):
    """``family`` as a GEDCOM 7.0 file (UTF-8 with a byte order mark, as the specification
    recommends)."""
    dataset = records(family, title=title, today=today, version=GEDCOM_70)
    return gedcom7.dumps(dataset).encode("utf-8")


def gedcom551(family, *, title, today=None):
    """``family`` as a GEDCOM 5.5.1 file in UTF-8 (with a byte order mark, by which Windows
    programs tell UTF-8 from ANSEL; ``CHAR UTF-8`` says it to the rest)."""
    dataset = records(family, title=title, today=today, version=GEDCOM_551)
    lines = [line for record in dataset for line in _lines_551(record, 0)]
    return ("\ufeff" + "".join(line + _TERMINATOR_551 for line in lines)).encode("utf-8")


def _size(text):
    return len(text.encode("utf-8"))


def _lines_551(node, level):
    head = f"{level} {node.xref} {node.tag}" if node.xref else f"{level} {node.tag}"
    if node.pointer:
        yield f"{head} {node.pointer}"
    else:
        first, *rest = node.text.split("\n")
        yield from _continued(head, first, level + 1, "CONC")
        for line in rest:
            yield from _continued(f"{level + 1} CONT", line, level + 1, "CONC")
    for child in node.children:
        yield from _lines_551(child, level + 1)


def _continued(head, text, level, tag):
    """``head`` with ``text`` (every ``@`` doubled, as 5.5.1 asks), the rest on ``CONC`` lines
    when a line would pass the limit. A line is never split beside a space (readers trim them) or
    between the two ``@`` of an escaped one."""
    text = text.replace("@", "@@")
    budget = _LINE_LIMIT - _size(_TERMINATOR_551)
    prefix = head
    while True:
        room = budget - _size(prefix) - 1
        if _size(text) <= room:
            yield f"{prefix} {text}" if text else prefix
            return
        cut = _cut(text, room)
        yield f"{prefix} {text[:cut]}"
        text = text[cut:]
        prefix = f"{level} {tag}"


def _cut(text, room):
    """Where to split ``text`` so that its first part takes at most ``room`` bytes."""
    end, used = 0, 0
    while end < len(text) and used + _size(text[end]) <= room:
        used += _size(text[end])
        end += 1
    for cut in range(end, max(end - 32, 1), -1):
        head, tail = text[:cut], text[cut:]
        escaped_at = (len(head) - len(head.rstrip("@"))) % 2 == 1
        if head[-1] != " " and tail[:1] != " " and not escaped_at:
            return cut
    return max(end, 1)


def file_name(page, version):
    """The download's name: the family's name in Latin letters, ``.ged``; the 7.0 file says so
    («Ивановы» → ``Ivanovy.ged``, ``Ivanovy-gedcom7.ged``)."""
    stem = latin_stem(getattr(page, "family_name", "") or page.title) or f"dynasty-{page.pk}"
    return f"{stem}-gedcom7.ged" if version == GEDCOM_70 else f"{stem}.ged"
