"""The GEDCOM export of a dynasty, read back by independent parsers: ged4py for 5.5.1, the
``gedcom7`` library's reader and validator for 7.0. Families are plain data (``dynasties.family``)
except in the download test."""

import datetime
import io

import gedcom7
import pytest
from ged4py.date import DateValue
from ged4py.parser import GedcomReader

from dynasties import gedcom
from dynasties.family import Family, Link, Period, Person
from tests.site_language import in_site_language

TODAY = datetime.date(2025, 6, 1)


def remarried_family():
    """Three generations: Иван (1900–1970) married Анна in 1925 and divorced in 1935, then Мария
    in 1936 (the marriage ended by his death in 1970); a son of each marriage; the first son's
    son Николай, born 1955 and living, married Елена (living) in 1980."""
    return Family(
        people=(
            Person(1, "Петров", "Иван", "Сергеевич", sex="m", birth="12.03.1900", death="1970"),
            Person(
                2,
                "Петрова",
                "Анна",
                "Павловна",
                maiden_name="Кузнецова",
                sex="f",
                birth="1900–1905",
                death="ок. 1980",
            ),
            Person(3, "Петрова", "Мария", "", sex="f", birth="1900-е", death="03.1990"),
            Person(4, "Петров", "Сергей", "Иванович", sex="m", birth="1926", death="2000"),
            Person(5, "Петрова", "Ольга", "Ивановна", sex="f", birth="1938", death="2010"),
            Person(6, "Петров", "Николай", "Сергеевич", sex="m", birth="15.05.1955"),
            Person(7, "Петрова", "Елена", "", maiden_name="Орлова", sex="f", birth="1957"),
        ),
        links=(
            Link(Link.SPOUSE, 1, 2, start=1925, end=1935),
            Link(Link.SPOUSE, 3, 1, start=1936, end=1970),
            Link(Link.PARENT, 1, 4),
            Link(Link.PARENT, 2, 4),
            Link(Link.PARENT, 1, 5),
            Link(Link.PARENT, 3, 5),
            Link(Link.PARENT, 4, 6),
            Link(Link.SPOUSE, 6, 7, start=1980),
        ),
        periods=(
            Period(2, 1925, 1960, "Кемеровская областная библиотека", position="библиотекарь"),
            Period(6, 1978, None, "Городская библиотека №1", position="библиограф"),
            Period(6, 1975, 1977, "Сельская библиотека"),
        ),
    )


def read551(data):
    """Individuals by member number and families as (partners by role, children, events) read by
    ged4py from the 5.5.1 ``data``."""
    reader = GedcomReader(io.BytesIO(data))
    people = {int(record.xref_id.strip("@I")): record for record in reader.records0("INDI")}
    families = {}
    for record in reader.records0("FAM"):
        roles = {
            tag: int(record.sub_tag(tag, follow=False).value.strip("@I"))
            for tag in ("HUSB", "WIFE")
            if record.sub_tag(tag, follow=False)
        }
        children = tuple(
            sorted(int(child.value.strip("@I")) for child in record.sub_tags("CHIL", follow=False))
        )
        families[record.xref_id] = (roles, children, record)
    return reader, people, families


def test_dates_become_gedcom_dates():
    assert gedcom.gedcom_date("12.03.1923") == "12 MAR 1923"
    assert gedcom.gedcom_date("03.1923") == "MAR 1923"
    assert gedcom.gedcom_date("март 1923") == "MAR 1923"
    assert gedcom.gedcom_date("1923") == "1923"
    assert gedcom.gedcom_date("около 1920") == "ABT 1920"
    assert gedcom.gedcom_date("ок. 05.1920") == "ABT MAY 1920"
    assert gedcom.gedcom_date("1920–1925") == "BET 1920 AND 1925"
    assert gedcom.gedcom_date("1920-е") == "BET 1920 AND 1929"
    assert gedcom.gedcom_date("") == ""
    assert gedcom.gedcom_date("вчера") == ""


@pytest.mark.parametrize(
    ("birth", "death", "living"),
    [
        ("", "", True),
        ("1925", "", False),  # born 100 years before 2025: no longer counted as living
        ("1926", "", True),
        ("1920-е", "", True),  # may be 1929
        ("1910-е", "", False),
        ("1990", "2020", False),
        ("", "ок. 2000", False),
        ("неизвестно", "", True),
    ],
)
def test_who_counts_as_living(birth, death, living):
    person = Person(1, "Петров", "Иван", birth=birth, death=death)
    assert gedcom.is_living(person, TODAY) is living


def test_551_read_back_keeps_every_member_link_and_date():
    family = remarried_family()
    data = gedcom.gedcom551(family, title="Династия Петровых", today=TODAY)
    reader, people, families = read551(data)

    header = reader.header
    assert header.sub_tag_value("GEDC/VERS") == "5.5.1"
    assert header.sub_tag_value("GEDC/FORM") == "LINEAGE-LINKED"
    assert header.sub_tag_value("CHAR") == "UTF-8"
    assert header.sub_tag_value("SOUR") == "KUZBIB"
    assert header.sub_tag_value("NOTE") == "Династия Петровых"
    assert str(header.sub_tag_value("DATE")) == "1 JUN 2025"
    submitter = header.sub_tag("SUBM")
    assert submitter is not None and submitter.sub_tag_value("NAME")

    assert sorted(people) == [1, 2, 3, 4, 5, 6, 7]
    for person in family.people:
        record = people[person.number]
        assert record.name.surname == person.last_name
        assert record.name.given == " ".join(filter(None, (person.first_name, person.patronymic)))
        assert record.sex == {"m": "M", "f": "F"}[person.sex]
    assert people[2].name.maiden == "Кузнецова"
    assert people[7].name.maiden == "Орлова"

    # Dates of the dead, every form of a partial date.
    expected = {
        (1, "BIRT"): "12 MAR 1900",
        (1, "DEAT"): "1970",
        (2, "BIRT"): "BET 1900 AND 1905",
        (2, "DEAT"): "ABT 1980",
        (3, "BIRT"): "BET 1900 AND 1909",
        (3, "DEAT"): "MAR 1990",
        (4, "BIRT"): "1926",
        (4, "DEAT"): "2000",
        (5, "BIRT"): "1938",
        (5, "DEAT"): "2010",
    }
    for (number, event), shown in expected.items():
        assert people[number].sub_tag_value(f"{event}/DATE") == DateValue.parse(shown)

    # The living: no dates that tell their age, a privacy notice; their service years stay.
    for number in (6, 7):
        assert people[number].sub_tag("BIRT") is None
        assert people[number].sub_tag("DEAT") is None
        assert people[number].sub_tag_value("RESN") == "privacy"
    assert people[1].sub_tag("RESN") is None
    work = [
        (occupation.value, occupation.sub_tag_value("DATE"), occupation.sub_tag_value("AGNC"))
        for occupation in people[6].sub_tags("OCCU")
    ]
    assert work == [
        (
            in_site_language("Library worker"),
            DateValue.parse("FROM 1975 TO 1977"),
            "Сельская библиотека",
        ),
        ("библиограф", DateValue.parse("FROM 1978"), "Городская библиотека №1"),
    ]
    librarian = people[2].sub_tag("OCCU")
    assert librarian.value == "библиотекарь"
    assert librarian.sub_tag_value("DATE") == DateValue.parse("FROM 1925 TO 1960")
    assert librarian.sub_tag_value("PLAC") == "Кемеровская областная библиотека"

    # Every family link: each marriage with its own children, the single parent, the couple.
    by_partners = {
        tuple(sorted(roles.items())): (children, record)
        for roles, children, record in families.values()
    }
    assert set(by_partners) == {
        (("HUSB", 1), ("WIFE", 2)),
        (("HUSB", 1), ("WIFE", 3)),
        (("HUSB", 4),),
        (("HUSB", 6), ("WIFE", 7)),
    }
    first, second = by_partners[(("HUSB", 1), ("WIFE", 2))], by_partners[(("HUSB", 1), ("WIFE", 3))]
    assert first[0] == (4,) and second[0] == (5,)
    assert by_partners[(("HUSB", 4),)][0] == (6,)
    assert by_partners[(("HUSB", 6), ("WIFE", 7))][0] == ()
    assert first[1].sub_tag_value("MARR/DATE") == DateValue.parse("1925")
    assert first[1].sub_tag_value("DIV/DATE") == DateValue.parse("1935")
    assert second[1].sub_tag_value("MARR/DATE") == DateValue.parse("1936")
    # Ended by Иван's death in 1970, not by a divorce.
    assert second[1].sub_tag("DIV") is None
    # The living couple's marriage is a fact without its year.
    living_marriage = by_partners[(("HUSB", 6), ("WIFE", 7))][1].sub_tag("MARR")
    assert living_marriage.value == "Y" and living_marriage.sub_tag("DATE") is None

    # The individuals point back at their families.
    for xref, (roles, children, _record) in families.items():
        for number in roles.values():
            assert xref in [p.value for p in people[number].sub_tags("FAMS", follow=False)]
        for number in children:
            assert xref in [p.value for p in people[number].sub_tags("FAMC", follow=False)]
    assert people[4].father.xref_id == "@I1@" and people[4].mother.xref_id == "@I2@"
    assert people[5].mother.xref_id == "@I3@"


def test_551_file_is_utf8_with_short_lines():
    data = gedcom.gedcom551(remarried_family(), title="Династия " * 80, today=TODAY)
    text = data.decode("utf-8")
    assert text.startswith("\ufeff0 HEAD\r\n") and text.endswith("0 TRLR\r\n")
    for line in text.removeprefix("\ufeff").split("\r\n")[:-1]:
        assert len((line + "\r\n").encode("utf-8")) <= 255
    assert "2 CONC " in text


def test_70_read_back_validates_and_keeps_the_family():
    family = remarried_family()
    data = gedcom.gedcom70(family, title="Династия Петровых", today=TODAY)
    records = gedcom7.loads(data.decode("utf-8"))
    assert gedcom7.validate(records) == []

    people = {r.xref: r for r in records if r.tag == "INDI"}
    families = [r for r in records if r.tag == "FAM"]
    assert sorted(people) == sorted(f"@I{n}@" for n in range(1, 8))
    assert len(families) == 4

    def child(structure, *tags):
        for tag in tags:
            structure = next((c for c in structure.children if c.tag == tag), None)
            if structure is None:
                return None
        return structure

    assert child(records[0], "GEDC", "VERS").text == "7.0"
    names = {xref: child(record, "NAME").value for xref, record in people.items()}
    assert names["@I1@"].given == "Иван Сергеевич" and names["@I1@"].surname == "Петров"
    maiden = [c for c in people["@I2@"].children if c.tag == "NAME"][1]
    assert child(maiden, "TYPE").text == "MAIDEN" and maiden.value.surname == "Кузнецова"
    assert child(people["@I1@"], "BIRT", "DATE").text == "12 MAR 1900"
    assert child(people["@I3@"], "BIRT", "DATE").text == "BET 1900 AND 1909"
    assert child(people["@I2@"], "DEAT", "DATE").text == "ABT 1980"
    assert child(people["@I6@"], "BIRT") is None
    assert child(people["@I6@"], "RESN").text == "PRIVACY"
    assert child(people["@I6@"], "OCCU", "DATE").text == "FROM 1975 TO 1977"

    pointers = {
        (structure.tag, structure.pointer)
        for record in families
        for structure in record.children
        if structure.tag in ("HUSB", "WIFE", "CHIL")
    }
    assert pointers == {
        ("HUSB", "@I1@"),
        ("WIFE", "@I2@"),
        ("WIFE", "@I3@"),
        ("CHIL", "@I4@"),
        ("CHIL", "@I5@"),
        ("HUSB", "@I4@"),
        ("CHIL", "@I6@"),
        ("HUSB", "@I6@"),
        ("WIFE", "@I7@"),
    }


def test_parentless_siblings_share_a_family_without_partners():
    family = Family(
        people=(
            Person(1, "Смирнова", "Вера", sex="f", birth="1930", death="2001"),
            Person(2, "Смирнова", "Надежда", sex="f", birth="1932", death="2010"),
            Person(3, "Смирнов", "Павел", birth="1935", death="2015"),
        ),
        links=(Link(Link.SIBLING, 1, 2), Link(Link.SIBLING, 3, 2)),
    )
    _reader, people, families = read551(gedcom.gedcom551(family, title="Смирновы", today=TODAY))
    assert [(roles, children) for roles, children, _ in families.values()] == [({}, (1, 2, 3))]
    assert people[3].sex == "U"
    records = gedcom7.loads(gedcom.gedcom70(family, title="Смирновы", today=TODAY).decode())
    assert gedcom7.validate(records) == []
    (fam,) = [r for r in records if r.tag == "FAM"]
    assert [c.tag for c in fam.children] == ["CHIL", "CHIL", "CHIL"]


def test_partners_of_unknown_or_same_sex_fill_the_free_slot():
    family = Family(
        people=(
            Person(1, "Орлов", "Лев", sex="m", birth="1900", death="1980"),
            Person(2, "Орлова", "Ия", birth="1902", death="1985"),
            Person(3, "Орлов", "Ян", sex="m", birth="1901", death="1990"),
        ),
        links=(Link(Link.SPOUSE, 2, 1, start=1920), Link(Link.SPOUSE, 1, 3, start=1950)),
    )
    _reader, _people, families = read551(gedcom.gedcom551(family, title="Орловы", today=TODAY))
    assert sorted(sorted(roles.items()) for roles, _, _ in families.values()) == [
        [("HUSB", 1), ("WIFE", 2)],
        [("HUSB", 1), ("WIFE", 3)],
    ]


HOSTILE = Person(
    1,
    "<script>alert('x')</script>@@I2@",
    "Иван\r\n0 @I9@ INDI\n1 NAME Evil",
    "Пав/лович\x00\x07\x1b\x85\u2028\ufffe",
    maiden_name="@Mal@lory",
    sex="x",
    birth="<b>1900</b>",
    death="1970",
)


def test_hostile_names_cannot_break_the_551_file():
    long_name = Person(2, "Д" * 400, "Е" * 400, "Ж" * 400, sex="f", birth="1901", death="1980")
    family = Family(
        people=(HOSTILE, long_name),
        links=(Link(Link.SPOUSE, 1, 2, start=1920),),
        periods=(Period(1, 1925, 1930, "Библиотека\n@home " + "ю" * 300, position="@" * 200),),
    )
    data = gedcom.gedcom551(family, title="Title\n0 TRLR\x00", today=TODAY)
    text = data.decode("utf-8").removeprefix("\ufeff")
    lines = text.split("\r\n")[:-1]
    for line in lines:
        assert len((line + "\r\n").encode("utf-8")) <= 255
        assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in line)
    # Exactly one trailer and the records the family has: nothing was smuggled in.
    assert [line for line in lines if line.startswith("0 ")] == [
        "0 HEAD",
        "0 @SUBM@ SUBM",
        "0 @I1@ INDI",
        "0 @I2@ INDI",
        "0 @F1@ FAM",
        "0 TRLR",
    ]
    _reader, people, families = read551(data)
    name = people[1].sub_tag("NAME")
    # Every @ doubled (5.5.1); a "/" in a part (it delimits the surname) as "-"; HTML literal.
    assert name.value == (
        "Иван 0 @@I9@@ INDI 1 NAME Evil Пав-лович",
        "<script>alert('x')<-script>@@@@I2@@",
        "",
    )
    assert people[1].name.maiden == "@@Mal@@lory"
    assert people[1].sex == "U"
    # A birth that is not a date goes in as a date phrase.
    assert people[1].sub_tag_value("BIRT/DATE").kind.name == "PHRASE"
    # 5.5.1's field sizes: a name within 120 characters.
    names = [line.removeprefix("1 NAME ") for line in lines if line.startswith("1 NAME ")]
    assert all(len(name) <= 120 for name in names) and any("…" in name for name in names)
    assert len(families) == 1


def test_hostile_names_cannot_break_the_70_file():
    family = Family(people=(HOSTILE,), periods=(Period(1, 1925, None, "@lib\r\n", position="@x"),))
    data = gedcom.gedcom70(family, title="@Title\nsecond line", today=TODAY).decode("utf-8")
    records = gedcom7.loads(data)
    assert gedcom7.validate(records) == []
    assert [r.tag for r in records] == ["HEAD", "SUBM", "INDI", "TRLR"]
    (person,) = [r for r in records if r.tag == "INDI"]
    names = [c for c in person.children if c.tag == "NAME"]
    assert names[0].value.surname == "<script>alert('x')<-script>@@I2@"
    assert names[0].value.given == "Иван 0 @I9@ INDI 1 NAME Evil Пав-лович"
    assert names[1].value.surname == "@Mal@lory"
    head_note = next(c for c in records[0].children if c.tag == "NOTE")
    assert head_note.text == "@Title\nsecond line"


@pytest.mark.django_db
def test_download_gives_both_versions_as_attachments(site_tree, client):
    from tests.factories.dynasties import DynastyPageFactory, FestivalPageFactory

    festival = FestivalPageFactory(parent=site_tree["home"])
    dynasty = DynastyPageFactory(parent=festival, family=remarried_family(), family_name="Петровы")
    url = dynasty.get_url()

    response = client.get(url + "gedcom/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-gedcom; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="Petrovy.ged"'
    _reader, people, families = read551(response.content)
    assert sorted(people) == [1, 2, 3, 4, 5, 6, 7] and len(families) == 4
    assert people[6].sub_tag("BIRT") is None

    response = client.get(url + "gedcom/7/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vnd.familysearch.gedcom; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="Petrovy-gedcom7.ged"'
    records = gedcom7.loads(response.content.decode("utf-8"))
    assert gedcom7.validate(records) == []
    assert sum(record.tag == "INDI" for record in records) == 7

    assert client.post(url + "gedcom/").status_code == 405
