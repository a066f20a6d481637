"""The spreadsheet's cells (``heroes_archive.columns``): each kind of value read and written
back the same, controlled lists matched whatever the case and ё/е, the compact syntax of awards,
memorials and sources with its escapes, impossible dates and the export's formula guard."""

import datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext

from heroes_archive import columns
from heroes_archive.columns import Award, CellError, MemorialItem, SourceItem
from heroes_archive.models import AwardKind, Industry, MemorialKind, Relation, Sex, SourceKind
from tests.factories.base import MunicipalityFactory


def label(choice):
    """A controlled value's label as the Russian site shows it."""
    with translation.override("ru"):
        return str(choice.label)


def column(key):
    return next(item for item in columns.COLUMNS if item.key == key)


def test_headers_are_the_russian_format_of_the_file():
    assert columns.HEADERS[:6] == (
        "Идентификатор",
        "Фамилия",
        "Имя",
        "Отчество",
        "Варианты имени",
        "Пол",
    )
    for header in ("Дата рождения", "Место рождения", "Награды", "Теги", "Источники"):
        assert header in columns.HEADERS
    assert {item.header for item in columns.REQUIRED} == {
        "Идентификатор",
        "Фамилия",
        "Имя",
        "Пол",
        "Связь с Кузбассом",
        "Отрасль",
        "Награды",
    }


def test_an_award_is_its_name_and_date_and_labelled_parts():
    hero = label(AwardKind.HERO)
    award = columns.parse_award(
        f"{hero} 26.4.1957 | указ: Указ Президиума Верховного Совета СССР от 26.04.1957 | номер: 1"
    )
    assert award == Award(
        AwardKind.HERO,
        "26.04.1957",
        "Указ Президиума Верховного Совета СССР от 26.04.1957",
        1,
        "",
    )
    assert columns.parse_award(f"{label(AwardKind.ORDER_LENIN)} 1957") == Award(
        AwardKind.ORDER_LENIN, "1957"
    )
    # The name in any case; the value itself; a year only; no date at all.
    assert columns.parse_award(f"{hero.upper()} март 1957").date == "03.1957"
    assert columns.parse_award("order_lenin около 1960").date == "ок. 1960"
    assert columns.parse_award(label(AwardKind.MINERS_GLORY)).date == ""


def test_award_names_with_digits_and_quotes_are_found():
    glory = label(AwardKind.ORDER_LABOUR_GLORY_1)
    assert columns.parse_award(f"{glory} 1975").kind == AwardKind.ORDER_LABOUR_GLORY_1
    # «For Labour Valour» typed with straight quotes, or none.
    valour = label(AwardKind.MEDAL_LABOUR_VALOUR)
    for typed in (
        valour.replace("«", '"').replace("»", '"'),
        valour.replace("«", "").replace("»", ""),
    ):
        assert columns.parse_award(f"{typed} 1950").kind == AwardKind.MEDAL_LABOUR_VALOUR


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("hero 31.02.1957", "31"),  # February has no 31st
        ("hero 1935", "1938"),  # the title was instituted in 1938
        ("hero 1995", "1991"),  # and abolished in 1991
        ("hero 13.1957", "13"),
        ("Орден Неизвестной Славы 1957", "Неизвестной"),
        ("order_lenin 1957 | номер: 2", ""),  # only the Hero title is counted
        ("hero 1957 | номер: три", "три"),
        ("hero 1957 | премия: 1", "указ"),  # an unknown part names the known labels
        ("hero 1957 | указ: один | указ: два", "указ"),
    ],
)
def test_impossible_awards_are_refused_with_a_message(text, says):
    with translation.override("ru"), pytest.raises(CellError) as refused:
        columns.parse_award(text)
    assert str(refused.value)
    assert says in str(refused.value)


def test_awards_memorials_and_sources_are_written_as_they_are_read():
    awards = (
        Award(AwardKind.HERO, "26.04.1957", "Указ от 26.04.1957; № 12 | секретно", 1, "ок."),
        Award(AwardKind.HERO, "12.03.1966", "", 2, ""),
        Award(AwardKind.ORDER_LABOUR_GLORY_1, "1975", "", None, "C:\\архив\\"),
    )
    memorials = (
        MemorialItem(MemorialKind.BUST, "г. Кемерово, пр. Ленина, 5", 1985, "Бронза; гранит"),
        MemorialItem(MemorialKind.STREET, "г. Белово", None, ""),
    )
    sources = (
        SourceItem(
            title="Герой из забоя: очерк",
            kind=SourceKind.ARTICLE,
            author="Иванов И. И.",
            container="Кузбасс",
            place="Кемерово",
            year=1957,
            issue="№ 45 (12 марта)",
            pages="2",
            url="https://example.org/a?b=1;c=2",
            accessed=datetime.date(2024, 2, 1),
            archive_reference="",
        ),
        SourceItem(title="Дело № 12", kind=SourceKind.ARCHIVE, archive_reference="ГАКО. Ф. Р-75"),
    )
    with translation.override("ru"):
        for key, value in (("awards", awards), ("memorials", memorials), ("sources", sources)):
            cell = columns.format_cell(column(key), value)
            assert columns.parse_cell(column(key), cell, None) == value, cell


def test_a_source_may_be_labelled_from_its_first_part():
    source = columns.parse_source("автор: Петров П. П. | заглавие: Сталевары | год: 1970")
    assert (source.title, source.author, source.year) == ("Сталевары", "Петров П. П.", 1970)
    with pytest.raises(CellError):
        columns.parse_source("автор: Петров П. П.")  # no title
    with pytest.raises(CellError):
        columns.parse_source("Сталевары | адрес: javascript:alert(1)")


def test_a_memorial_needs_its_place():
    with pytest.raises(CellError):
        columns.parse_memorial(label(MemorialKind.BUST))
    assert columns.parse_memorial("bust | место: г. Кемерово").place == "г. Кемерово"


@pytest.mark.django_db
def test_controlled_lists_and_municipalities_match_whatever_the_case_and_yo():
    berezovsky = MunicipalityFactory(name="Берёзовский городской округ")
    lookups = columns.Lookups()
    municipality = column("municipality")
    assert columns.parse_cell(municipality, "БЕРЕЗОВСКИЙ  городской округ", lookups) == berezovsky
    with pytest.raises(CellError) as refused:
        columns.parse_cell(municipality, "Атлантида", lookups)
    assert "Атлантида" in str(refused.value)
    industry = column("industry")
    assert columns.parse_cell(industry, label(Industry.COAL).upper(), lookups) == Industry.COAL
    assert columns.parse_cell(industry, "coal", lookups) == Industry.COAL
    relation = column("relation")
    assert columns.parse_cell(relation, label(Relation.NATIVE), lookups) == Relation.NATIVE
    sex = column("sex")
    for typed, value in (("м", Sex.MALE), ("Ж", Sex.FEMALE), ("жен.", Sex.FEMALE)):
        assert columns.parse_cell(sex, typed, lookups) == value
    with translation.override("ru"), pytest.raises(CellError) as refused:
        columns.parse_cell(industry, "алхимия", lookups)
    assert label(Industry.COAL) in str(refused.value)  # the message lists what is allowed


def test_several_values_are_split_at_the_separator_and_escapes_kept_apart():
    variants = column("name_variants")
    assert columns.parse_cell(variants, "Иванова (Петрова); Iwanowa ;; ", None) == (
        "Иванова (Петрова)",
        "Iwanowa",
    )
    assert columns.format_cell(variants, ("А; Б", "В")) == "А\\; Б; В"
    assert columns.parse_cell(variants, "А\\; Б; В", None) == ("А; Б", "В")


def test_the_export_formula_guard_comes_off_and_formulas_stay_text():
    assert columns.clean_cell('\'=HYPERLINK("http://x")') == '=HYPERLINK("http://x")'
    assert columns.clean_cell("'-") == "-"
    assert columns.clean_cell("'Кузбасс'") == "'Кузбасс'"  # not a guard: kept
    assert columns.clean_cell("=1+1") == "=1+1"  # a formula is text, never evaluated
    assert columns.clean_cell("  строка\r\nдве \r") == "строка\nдве"


def test_a_row_reports_each_problem_with_its_column():
    cells = {
        "Идентификатор": "GST 1",
        "Фамилия": "",
        "Имя": "Иван",
        "Пол": "м",
        "Дата рождения": "12.03.1930",
        "Дата смерти": "1925",
        "Связь с Кузбассом": "lived",
        "Отрасль": "coal",
        "Награды": "hero 31.02.1957",
    }
    with translation.override("ru"):
        record, problems = columns.parse_row(cells, None)
        empty = gettext("%(column)s: the cell is empty; every row needs it.") % {
            "column": "Фамилия"
        }
        before = gettext("The date of death is before the date of birth.")
    assert any(problem.startswith("Идентификатор: ") for problem in problems)
    assert empty in problems
    assert any(problem.startswith("Награды: ") and "31" in problem for problem in problems)
    assert f"Дата смерти: {before}" in problems
    assert record["given_name"] == "Иван" and "identifier" not in record


def test_html_in_a_cell_is_text():
    text = columns.parse_cell(column("summary"), "<script>alert(1)</script> & <b>", None)
    assert text == "<script>alert(1)</script> & <b>"
    blocks = columns.biography_blocks("<img src=x onerror=alert(1)>\n\nВторой абзац")
    assert [value.source for _kind, value in blocks] == [
        "<p>&lt;img src=x onerror=alert(1)&gt;</p>",
        "<p>Второй абзац</p>",
    ]
