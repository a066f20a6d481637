"""The archive's records and shared text functions: the page tree, ISSN checks, pre-reform
spelling folded, ALTO read (hyphenated words joined, hostile XML refused) and written, and a
page's text searched through the shared lemma index."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from kuzbib_site.home.models import HomePage
from periodicals import alto, text
from periodicals.models import IssuePage, PeriodicalsIndexPage, Scan, TitlePage
from periodicals.models.pages import validate_issn
from periodicals.orthography import fold
from tests.factories.periodicals import (
    IssuePageFactory,
    PeriodicalsIndexPageFactory,
    ScanFactory,
    TitlePageFactory,
)


def test_page_tree_rules(wagtail_asserts):
    wagtail_asserts.assertCanCreateAt(HomePage, PeriodicalsIndexPage)
    wagtail_asserts.assertCanCreateAt(PeriodicalsIndexPage, TitlePage)
    wagtail_asserts.assertCanCreateAt(TitlePage, IssuePage)
    wagtail_asserts.assertCanNotCreateAt(HomePage, TitlePage)
    wagtail_asserts.assertCanNotCreateAt(HomePage, IssuePage)
    wagtail_asserts.assertCanNotCreateAt(PeriodicalsIndexPage, IssuePage)
    wagtail_asserts.assertAllowedSubpageTypes(IssuePage, set())


@pytest.mark.parametrize("issn", ["0235-8867", "0028-0836", "2434-561X", "1050-124X"])
def test_a_valid_issn_is_taken(issn):
    validate_issn(issn)


@pytest.mark.parametrize(
    "issn", ["0235-8868", "02358867", "0235 8867", "2434-561x", "", "0235-886", "абвг-деёж"]
)
def test_a_wrong_issn_is_refused_with_its_form(issn):
    with pytest.raises(ValidationError) as refused:
        validate_issn(issn)
    assert "0235-8867" in str(refused.value.messages[0])


def test_a_title_ends_after_it_starts(home_page):
    title = TitlePageFactory.build(first_year=1960, last_year=1950, title="X", slug="x")
    with pytest.raises(ValidationError) as refused:
        title.clean()
    assert "last_year" in refused.value.error_dict


@pytest.mark.parametrize(
    "old, modern",
    [
        ("городѣ", "городе"),
        ("библіотека", "библиотека"),
        ("Ѳеодоръ", "Феодор"),
        ("сѵнодъ", "синод"),
        ("въ", "в"),
        ("объявленіе", "объявление"),  # a hard sign inside a word stays
        ("ГОРОДЪ", "ГОРОД"),
        ("1912 г.", "1912 г."),
        ("", ""),
    ],
)
def test_pre_reform_spelling_is_folded(old, modern):
    assert fold(old) == modern


def broken_line_page():
    return alto.write(
        1000,
        1400,
        [
            (
                None,
                [("Въ", 10, 10, 30, 20), ("городѣ", 50, 10, 80, 20), ("библіо-", 140, 10, 90, 20)],
            ),
            (None, [("тека", 10, 40, 50, 20), ("Кемерово-", 70, 40, 110, 20)]),
            (None, [("Кузбасс", 10, 70, 90, 20)]),
        ],
    )


def test_a_word_broken_across_lines_is_joined_with_both_its_boxes():
    page = alto.parse(broken_line_page())
    assert (page.width, page.height) == (1000, 1400)
    assert alto.lines(page) == [
        ("line_1", "Въ городѣ библіотека"),
        ("line_2", "Кемерово-"),  # a compound before a capital is not a break
        ("line_3", "Кузбасс"),
    ]
    word, boxes = alto.word_boxes(page)[2]
    assert word == "библіотека"
    assert boxes == [alto.Box(140, 10, 90, 20), alto.Box(10, 40, 50, 20)]


def test_a_hyp_element_marks_a_break_too():
    data = (
        '<alto xmlns="http://www.loc.gov/standards/alto/ns-v3#"><Layout><Page WIDTH="10" '
        'HEIGHT="10"><PrintSpace><TextBlock><TextLine ID="a"><String CONTENT="шах" HPOS="1" '
        'VPOS="1" WIDTH="3" HEIGHT="1"/><HYP CONTENT="-"/></TextLine><TextLine ID="b"><String '
        'CONTENT="тёры" HPOS="1" VPOS="3" WIDTH="3" HEIGHT="1"/></TextLine></TextBlock>'
        "</PrintSpace></Page></Layout></alto>"
    )
    assert alto.lines(alto.parse(data)) == [("a", "шахтёры"), ("b", "")]


@pytest.mark.parametrize(
    "hostile",
    [
        # An external entity reading a local file.
        '<?xml version="1.0"?><!DOCTYPE alto [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<alto><Layout><Page><PrintSpace><TextBlock><TextLine><String CONTENT="&x;"/>'
        "</TextLine></TextBlock></PrintSpace></Page></Layout></alto>",
        # A billion laughs.
        '<?xml version="1.0"?><!DOCTYPE alto [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><alto><Layout><Page><PrintSpace>'
        '<TextBlock><TextLine><String CONTENT="&d;&d;&d;&d;"/></TextLine></TextBlock>'
        "</PrintSpace></Page></Layout></alto>",
    ],
)
def test_hostile_xml_is_refused(hostile):
    with pytest.raises(alto.InvalidAlto):
        alto.parse(hostile)


@pytest.mark.parametrize("garbage", [b"", b"not xml", b"<html><body/></html>", b"\xff\xfe<"])
def test_what_is_not_alto_is_refused(garbage):
    with pytest.raises(alto.InvalidAlto):
        alto.parse(garbage)


@pytest.fixture
def issue(home_page):
    archive = PeriodicalsIndexPageFactory(parent=home_page)
    title = TitlePageFactory(parent=archive, orthography=TitlePage.Orthography.PRE_REFORM)
    return IssuePageFactory(parent=title, date=datetime.date(1912, 5, 6))


def scan_with(issue, number, words):
    page = alto.parse(alto.write(1000, 1000, [(None, [(w, 10, 10, 10, 10) for w in words])]))
    plain = alto.plain_text(page)
    return ScanFactory(issue=issue, number=number, text=plain, lemmas=text.page_lemmas(plain))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["город", "городе", "городъ", "городѣ", "ГОРОДА", "библиотека", "библіотеки"]
)
def test_a_page_is_found_in_either_spelling_and_any_form(issue, query):
    old = scan_with(issue, 1, ["Въ", "городѣ", "открыта", "библіотека"])
    scan_with(issue, 2, ["Объявленія", "о", "продажѣ", "угля"])
    assert list(text.matching(Scan.objects.all(), query)) == [old]


@pytest.mark.django_db
def test_an_accepted_correction_is_searched_beside_the_original(issue):
    scan = scan_with(issue, 1, ["Въ", "горолѣ", "Кузнецкѣ"])
    assert not text.matching(Scan.objects.all(), "город").exists()
    scan.lemmas = text.page_lemmas(scan.text, ["Въ городѣ Кузнецкѣ"])
    scan.save()
    assert list(text.matching(Scan.objects.all(), "город")) == [scan]
    assert list(text.matching(Scan.objects.all(), "горолѣ")) == [scan]


def test_the_hit_marker_reads_either_spelling():
    matches = text.word_matcher("библиотека")
    assert matches("библіотека")
    assert matches("библиотеки")
    assert not matches("городѣ")
    assert not text.word_matcher("в и на")("в")
