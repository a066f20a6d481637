"""What the union catalogue's tests share: a small catalogue (an archive, two titles, two
libraries in two municipalities) and MARC records built with pymarc as librarians' systems
export them."""

import datetime

import pytest
from pymarc import Field, Indicators, Leader, Record, Subfield

from tests.factories import LibraryFactory, MunicipalityFactory
from tests.factories.periodicals import (
    IssuePageFactory,
    PeriodicalsIndexPageFactory,
    TitlePageFactory,
)

ISSN = "0235-8867"


@pytest.fixture
def catalogue(home_page):
    """The archive with «Кузнецкий рабочий» (ISSN 0235-8867, identifier «kr») and its issues
    № 1–3 of 1957, «Губернские ведомости» (identifier «gv», no ISSN), and two libraries."""
    archive = PeriodicalsIndexPageFactory(parent=home_page)
    title = TitlePageFactory(parent=archive, issn=ISSN, identifier="kr")
    issues = [
        IssuePageFactory(parent=title, date=datetime.date(1957, 1, day), number=str(day))
        for day in (1, 2, 3)
    ]
    other = TitlePageFactory(
        parent=archive, title="Губернские ведомости", identifier="gv", first_year=1890
    )
    novokuznetsk = MunicipalityFactory(name="Новокузнецкий городской округ")
    kemerovo = MunicipalityFactory(name="Кемеровский городской округ")
    central = LibraryFactory(
        full_name="Центральная городская библиотека им. Н. В. Гоголя",
        short_name="ЦГБ им. Гоголя",
        municipality=novokuznetsk,
    )
    regional = LibraryFactory(
        full_name="Кемеровская областная научная библиотека им. В. Д. Фёдорова",
        short_name="КемОНБ",
        municipality=kemerovo,
    )
    return {
        "archive": archive,
        "title": title,
        "issues": issues,
        "other": other,
        "central": central,
        "regional": regional,
    }


def marc21_holdings(*, issn=ISSN, library="", pairs=(), textual="", utf8=True, shelf=""):
    """A MARC 21 Holdings record: 022 ISSN, 852 $a library, a 853 caption «№ (year)» and one
    863 per (year, numbers) pair, an 866 textual statement."""
    record = Record(force_utf8=utf8)
    record.leader = Leader("00000nx   2200000   4500")
    if utf8:
        record.leader[9] = "a"
    record.add_field(Field(tag="001", data="hold-1"))
    if issn:
        record.add_field(
            Field(tag="022", indicators=Indicators(" ", " "), subfields=[Subfield("a", issn)])
        )
    subfields = [Subfield("a", library)] if library else []
    if shelf:
        subfields.append(Subfield("h", shelf))
    if subfields:
        record.add_field(Field(tag="852", indicators=Indicators("0", " "), subfields=subfields))
    if pairs:
        record.add_field(
            Field(
                tag="853",
                indicators=Indicators("2", "0"),
                subfields=[Subfield("8", "1"), Subfield("a", "№"), Subfield("i", "(year)")],
            )
        )
    for sequence, (year, numbers) in enumerate(pairs, start=1):
        subfields = [Subfield("8", f"1.{sequence}")]
        if numbers:
            subfields.append(Subfield("a", numbers))
        subfields.append(Subfield("i", year))
        record.add_field(Field(tag="863", indicators=Indicators("4", "1"), subfields=subfields))
    if textual:
        record.add_field(
            Field(tag="866", indicators=Indicators(" ", "0"), subfields=[Subfield("a", textual)])
        )
    return record


def rusmarc_issue(
    *,
    year="1957",
    number="2",
    issn=ISSN,
    identifier=None,
    holder="КемОНБ",
    title="Кузнецкий рабочий",
):
    """A RUSMARC issue-level record: 200 $h number, 210 $d year, 461 link to the title with
    $1-embedded 001/011/200 fields, 899 holder."""
    record = Record(force_utf8=True)
    record.leader = Leader("00000nas2 2200000   450 ")
    record.add_field(Field(tag="001", data=f"issue-{year}-{number}"))
    record.add_field(
        Field(
            tag="100",
            indicators=Indicators(" ", " "),
            subfields=[Subfield("a", f"20081216d{year}    k  y0rusy50      ca")],
        )
    )
    record.add_field(
        Field(
            tag="200",
            indicators=Indicators("1", " "),
            subfields=[Subfield("a", title), Subfield("h", f"№ {number}")],
        )
    )
    record.add_field(
        Field(
            tag="210",
            indicators=Indicators(" ", " "),
            subfields=[Subfield("a", "Сталинск"), Subfield("d", year)],
        )
    )
    link = []
    if identifier:
        link += [Subfield("1", f"001{identifier}")]
    if issn:
        link += [Subfield("1", "011  "), Subfield("a", issn)]
    link += [Subfield("1", "2001 "), Subfield("a", title)]
    record.add_field(Field(tag="461", indicators=Indicators(" ", "0"), subfields=link))
    if holder:
        record.add_field(
            Field(
                tag="899",
                indicators=Indicators(" ", " "),
                subfields=[Subfield("a", holder), Subfield("j", "П-1957")],
            )
        )
    return record


def iso2709(*records, encoding="utf-8"):
    """The records as one ISO 2709 file; ``encoding="cp1251"`` writes their text in
    Windows-1251 whatever the leader says (pymarc writes UTF-8 only)."""
    if encoding == "utf-8":
        return b"".join(record.as_marc() for record in records)
    return b"".join(_as_cp1251(record) for record in records)


def _as_cp1251(record):
    # ISO 2709 by hand: the directory counts bytes, which differ between encodings.
    body, directory, offset = b"", b"", 0
    for fld in record.fields:
        if fld.is_control_field():
            data = fld.data.encode("cp1251") + b"\x1e"
        else:
            data = "".join(fld.indicators).encode("cp1251")
            for sub in fld.subfields:
                data += b"\x1f" + sub.code.encode("ascii") + sub.value.encode("cp1251")
            data += b"\x1e"
        directory += f"{fld.tag}{len(data):04d}{offset:05d}".encode("ascii")
        body += data
        offset += len(data)
    directory += b"\x1e"
    base = 24 + len(directory)
    length = base + len(body) + 1
    leader = str(record.leader)
    leader = f"{length:05d}{leader[5:12]}{base:05d}{leader[17:]}"
    return leader.encode("ascii") + directory + body + b"\x1d"
