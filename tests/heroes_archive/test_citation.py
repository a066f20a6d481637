"""References per GOST R 7.0.100-2018 (``heroes_archive.citation``), compared with references
written by hand: books, articles in periodicals and collections, archival documents, web pages,
the record's own «Как цитировать», and text that is not what the fields expect."""

import datetime

import pytest

from heroes_archive.citation import authors, cite_record, gost_source, life_years
from heroes_archive.models import HeroPage, Source, SourceKind
from tests.factories.heroes import HeroIndexPageFactory, HeroPageFactory

ARCHIVE = "Герои Социалистического Труда — кузбассовцы"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {
                "kind": SourceKind.BOOK,
                "author": "Иванов И. И.",
                "title": "Заголовок",
                "place": "Кемерово",
                "container": "Кн. изд-во",
                "year": 1975,
                "pages": "120",
            },
            "Иванов, И. И. Заголовок / И. И. Иванов. — Кемерово : Кн. изд-во, 1975. — 120 с.",
        ),
        (
            {
                "kind": SourceKind.BOOK,
                "author": "Иванов И.И., Петров П. П.",
                "title": "Кузбасс угольный",
                "place": "Кемерово",
                "container": "Кемеровское кн. изд-во",
                "year": 1983,
                "pages": "256",
            },
            "Иванов, И. И. Кузбасс угольный / И. И. Иванов, П. П. Петров. — Кемерово : "
            "Кемеровское кн. изд-во, 1983. — 256 с.",
        ),
        (
            # Four authors and more: the title heads the reference, three are named.
            {
                "kind": SourceKind.BOOK,
                "author": "Иванов И. И.; Петров П. П.; Сидоров С. С.; Кузнецов К. К.",
                "title": "Уголь",
                "place": "Москва",
                "container": "Недра",
                "year": 1980,
                "pages": "320",
            },
            "Уголь / И. И. Иванов, П. П. Петров, С. С. Сидоров [и др.]. — Москва : Недра, 1980. "
            "— 320 с.",
        ),
        (
            # No author, no place: «[Б. м.]» before the publisher.
            {"kind": SourceKind.BOOK, "title": "Уголь", "container": "Недра", "year": 1980},
            "Уголь. — [Б. м.] : Недра, 1980.",
        ),
        (
            # A collective author stays as written, after the title; pages cited in a book.
            {
                "kind": SourceKind.BOOK,
                "author": "Кемеровский обком КПСС",
                "title": "Герои пятилетки.",
                "place": "Кемерово",
                "year": 1976,
                "pages": "12-14",
            },
            "Герои пятилетки / Кемеровский обком КПСС. — Кемерово, 1976. — С. 12–14.",
        ),
        (
            {
                "kind": SourceKind.ARTICLE,
                "author": "Петров П.",
                "title": "Шахтёрская слава",
                "container": "Кузбасс",
                "year": 1957,
                "issue": "№ 45 (12 марта)",
                "pages": "2",
            },
            "Петров, П. Шахтёрская слава / П. Петров // Кузбасс. — 1957. — № 45 (12 марта). "
            "— С. 2.",
        ),
        (
            # The issue's «№» and the pages' «С.» are added when the editor left them out.
            {
                "kind": SourceKind.ARTICLE,
                "author": "Петров П.",
                "title": "Шахтёрская слава",
                "container": "Кузбасс",
                "year": 1957,
                "issue": "45 (12 марта)",
                "pages": "с. 2",
            },
            "Петров, П. Шахтёрская слава / П. Петров // Кузбасс. — 1957. — № 45 (12 марта). "
            "— С. 2.",
        ),
        (
            # An article in a collection: the collection's place and year.
            {
                "kind": SourceKind.ARTICLE,
                "author": "Сидоров С. С.",
                "title": "Забойщик",
                "container": "Герои Кузбасса : сб. очерков",
                "place": "Кемерово",
                "year": 1980,
                "pages": "45–52",
            },
            "Сидоров, С. С. Забойщик / С. С. Сидоров // Герои Кузбасса : сб. очерков. — "
            "Кемерово, 1980. — С. 45–52.",
        ),
        (
            {
                "kind": SourceKind.ARCHIVE,
                "title": "Наградной лист на И. П. Шахтёрова",
                "year": 1957,
                "archive_reference": "ГАКО. Ф. Р-75. Оп. 1. Д. 12. Л. 3–5",
            },
            "Наградной лист на И. П. Шахтёрова, 1957 г. // ГАКО. Ф. Р-75. Оп. 1. Д. 12. Л. 3–5.",
        ),
        (
            {
                "kind": SourceKind.ARCHIVE,
                "title": "Личное дело",
                "archive_reference": "ГАКО. Ф. П-75. Оп. 2. Д. 7.",
            },
            "Личное дело // ГАКО. Ф. П-75. Оп. 2. Д. 7.",
        ),
        (
            {
                "kind": SourceKind.WEB,
                "author": "Грязев А.",
                "title": "«Пустое занятие»: кто лишает Россию права вето в СБ ООН",
                "container": "Газета.ru",
                "year": 2018,
                "url": "https://www.gazeta.ru/politics/2018/07/02_a_11822107.shtml",
                "accessed": datetime.date(2018, 7, 9),
            },
            "Грязев, А. «Пустое занятие»: кто лишает Россию права вето в СБ ООН / А. Грязев. — "
            "Текст : электронный // Газета.ru : [сайт]. — 2018. — URL: "
            "https://www.gazeta.ru/politics/2018/07/02_a_11822107.shtml (дата обращения: "
            "09.07.2018).",
        ),
        (
            {
                "kind": SourceKind.WEB,
                "title": "Шахтёрская доблесть",
                "url": "https://example.org/doblest",
            },
            "Шахтёрская доблесть. — Текст : электронный. — URL: https://example.org/doblest.",
        ),
        (
            # A digitised article: «Текст : электронный» before «//», the URL at the end.
            {
                "kind": SourceKind.ARTICLE,
                "author": "Петров П.",
                "title": "Шахтёрская слава",
                "container": "Кузбасс",
                "year": 1957,
                "issue": "№ 45",
                "pages": "2",
                "url": "https://example.org/kuzbass-1957-45.pdf",
                "accessed": datetime.date(2024, 3, 1),
            },
            "Петров, П. Шахтёрская слава / П. Петров. — Текст : электронный // Кузбасс. — 1957. "
            "— № 45. — С. 2. — URL: https://example.org/kuzbass-1957-45.pdf (дата обращения: "
            "01.03.2024).",
        ),
    ],
)
def test_references_read_as_written_by_hand(fields, expected):
    assert gost_source(Source(**fields)) == expected


@pytest.mark.parametrize(
    ("text", "heading", "responsibility"),
    [
        ("Иванов И. И.", "Иванов, И. И.", "И. И. Иванов"),
        ("Иванов, И.И.", "Иванов, И. И.", "И. И. Иванов"),
        ("И. И. Иванов", "Иванов, И. И.", "И. И. Иванов"),
        ("Мамин-Сибиряк Д. Н.", "Мамин-Сибиряк, Д. Н.", "Д. Н. Мамин-Сибиряк"),
        ("Ёлкин Ю.", "Ёлкин, Ю.", "Ю. Ёлкин"),
        ("И.И. Иванов, П. П. Петров", "Иванов, И. И.", "И. И. Иванов, П. П. Петров"),
        ("Иванов, И. И., Петров, П. П.", "Иванов, И. И.", "И. И. Иванов, П. П. Петров"),
        ("Союз писателей, Кемерово", "", "Союз писателей, Кемерово"),
        ("Иванов Иван Иванович", "", "Иванов Иван Иванович"),
        ("", "", ""),
    ],
)
def test_authors_heading_and_statement_of_responsibility(text, heading, responsibility):
    assert authors(text) == (heading, responsibility)


def test_hostile_text_is_kept_as_text_for_the_template_to_escape():
    source = Source(
        kind=SourceKind.ARTICLE,
        author="<script>alert(1)</script>",
        title="Слава </textarea><script>alert(2)</script>",
        container="Кузбасс",
        year=1957,
    )
    assert gost_source(source) == (
        "Слава </textarea><script>alert(2)</script> / <script>alert(1)</script> // Кузбасс. — 1957."
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("birth", "death", "years"),
    [
        ("12.03.1923", "05.1985", "1923–1985"),
        ("около 1920", "1985", "ок. 1920–1985"),
        ("1920-е", "", "род. 1920-е"),
        ("", "1985", "ум. 1985"),
        ("", "", ""),
    ],
)
def test_life_years(birth, death, years):
    assert life_years(HeroPage(birth_date=birth, death_date=death)) == years


@pytest.mark.django_db
def test_the_record_is_cited_as_an_online_document():
    hero = HeroPage(title="Шахтёров Иван Петрович", birth_date="12.03.1923", death_date="1985")
    cited = cite_record(
        hero,
        "https://kuzbib.ru/geroi/gst-00042/",
        datetime.date(2025, 3, 12),
        archive_title=ARCHIVE,
    )
    assert cited == (
        "Шахтёров Иван Петрович (1923–1985). — Текст : электронный // Герои Социалистического "
        "Труда — кузбассовцы : [сайт]. — URL: https://kuzbib.ru/geroi/gst-00042/ (дата "
        "обращения: 12.03.2025)."
    )


def test_the_record_reads_the_archive_title_from_its_parent(home_page):
    index = HeroIndexPageFactory(parent=home_page)
    hero = HeroPageFactory(parent=index, surname="Углев", birth_date="")
    cited = cite_record(hero, "http://testserver/x/", datetime.date(2025, 1, 2))
    assert cited == (
        "Углев Иван Петрович. — Текст : электронный // Герои Социалистического Труда — "
        "кузбассовцы : [сайт]. — URL: http://testserver/x/ (дата обращения: 02.01.2025)."
    )
