"""The demo's periodicals archive (``kuzbib_site.demo.periodicals``) as ``load_demo`` builds
it: two invented titles marked as demo content, a year of a weekly and a pre-1918 title, pages
drawn with their ALTO (hyphenated words joined), one reading-room-only year and in-copyright
issues described only, holdings spread over the demo libraries, readers' corrections pending
and accepted, and a correction form a visitor can try."""

import datetime

import pytest

from kuzbib_site.demo import periodicals as demo
from periodicals import alto, ocr, text
from periodicals.corrections_query import shown_lines
from periodicals.models import (
    Correction,
    HeldIssue,
    Holding,
    IssuePage,
    PeriodicalsIndexPage,
    Scan,
    TitlePage,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def title(slug):
    return TitlePage.objects.get(slug=slug)


def issues(slug):
    return IssuePage.objects.child_of(title(slug)).live()


def test_the_archive_is_in_the_menu_with_two_demo_titles(demo_site, client):
    archive = PeriodicalsIndexPage.objects.get()
    assert archive.live and archive.show_in_menus
    assert archive.get_parent().specific_class.__name__ == "HomePage"
    titles = TitlePage.objects.child_of(archive).live()
    assert {t.title for t in titles} == {"Знамя шахтёра", "Кузнецкій край"}
    for each in titles:
        assert demo.DEMO_NOTE in each.description  # marked as demo content
    response = client.get(archive.url)
    assert response.status_code == 200
    assert "Знамя шахтёра" in response.content.decode()
    assert archive.url in client.get("/").content.decode()  # the main menu


def test_a_year_of_the_weekly_with_its_access_levels(demo_site):
    weekly = issues("znamya-shakhtyora")
    of_1957 = weekly.filter(date__year=1957)
    assert of_1957.count() == 52
    assert set(of_1957.values_list("access", flat=True)) == {IssuePage.Access.OPEN}
    assert set(weekly.filter(date__year=1958).values_list("access", flat=True)) == {
        IssuePage.Access.READING_ROOM
    }
    described = weekly.filter(access=IssuePage.Access.METADATA)
    assert described.count() == 3
    assert not Scan.objects.filter(issue__in=described).exists()
    pages = Scan.objects.filter(issue__in=of_1957)
    assert 104 <= pages.count() <= 52 * 4
    assert title("znamya-shakhtyora").orthography == TitlePage.Orthography.MODERN


def test_every_page_has_its_image_and_the_alto_of_what_was_drawn(demo_site):
    scans = Scan.objects.filter(issue__in=IssuePage.objects.all())
    assert not scans.exclude(status=Scan.Status.DONE).exists()
    assert scans.exists()
    assert not scans.filter(alto="").exists() and not scans.filter(image="").exists()
    scan = scans.filter(issue__date=datetime.date(1957, 1, 5), number=1).get()
    page = alto.parse(scan.alto)
    assert (page.width, page.height) == (scan.width, scan.height) == (demo.WIDTH, demo.HEIGHT)
    assert alto.plain_text(page) == scan.text
    assert "ЗНАМЯ ШАХТЁРА" in scan.text and demo.texts.PAGE_NOTE in scan.text
    # Words hyphenated at a line's end are drawn in two halves and read as one.
    halves = [line.words[-1].content for line in page.lines if line.words]
    broken = [word for word in halves if word.endswith("-") and len(word) > 1]
    assert broken
    joined = dict(alto.lines(page))
    assert not any(value.split()[-1:] == [word] for value in joined.values() for word in broken)
    with scan.image.open("rb") as image:
        assert image.read(3) == b"\xff\xd8\xff"  # a JPEG


def test_the_pre_reform_title_is_found_by_modern_spelling(demo_site):
    old = title("kuznetskii-krai")
    assert old.orthography == TitlePage.Orthography.PRE_REFORM
    scans = Scan.objects.filter(issue__in=issues("kuznetskii-krai"))
    assert scans.count() == 12
    drawn = scans.filter(ocr_engine=demo.PREMADE)  # the others recognised by tesseract
    assert drawn.count() >= 11
    assert all("ѣ" in scan.text and "і" in scan.text for scan in drawn)
    assert text.matching(drawn, "библиотека").count() == drawn.count()
    assert text.matching(drawn, "город").exists()


def test_every_page_is_tiled_and_a_few_are_recognised_where_tesseract_is(demo_site):
    scans = Scan.objects.all()
    assert not scans.filter(tiled=False).exists()
    assert all(scan.tile_seconds is not None for scan in scans[:5])
    recognised = scans.exclude(ocr_engine=demo.PREMADE)
    if ocr.available():
        assert recognised.count() == len(demo.OCR_PAGES)
        assert all(scan.ocr_engine.startswith("tesseract") and scan.text for scan in recognised)
        # Real OCR of a modern page finds what was drawn.
        modern = recognised.get(issue__date=datetime.date(1957, 1, 5))
        assert text.matching(Scan.objects.filter(pk=modern.pk), "библиотека").exists()
    else:
        assert not recognised.exists()


def test_holdings_are_spread_over_the_demo_libraries(demo_site):
    for slug in ("znamya-shakhtyora", "kuznetskii-krai"):
        holdings = Holding.objects.filter(title=title(slug))
        assert holdings.values("library").distinct().count() >= 2
        assert all(holding.summary for holding in holdings)
    assert HeldIssue.objects.filter(holding__title=title("znamya-shakhtyora"), year=1957).exists()


def test_corrections_wait_and_some_are_accepted(demo_site):
    assert Correction.objects.filter(status=Correction.Status.PENDING).count() >= 2
    accepted = Correction.objects.filter(status=Correction.Status.ACCEPTED)
    assert accepted.count() >= 2
    correction = accepted.first()
    assert shown_lines(correction.scan)[correction.line] == correction.proposed
    assert correction.original in correction.scan.text  # the OCR text kept


def test_a_visitor_can_try_the_correction_form(demo_site, client):
    issue = issues("znamya-shakhtyora").get(date=datetime.date(1957, 3, 2))
    url = f"{issue.url}ispravit/1/line_6/"
    response = client.get(url)
    assert response.status_code == 200
    current = dict(alto.lines(alto.parse(Scan.objects.get(issue=issue, number=1).alto)))["line_6"]
    response = client.post(url, {"text": current + " (исправлено)", "author_name": "Гость"})
    assert response.status_code == 303
    assert Correction.objects.filter(scan__issue=issue, line="line_6").exists()
    # A reading-room issue has no form for the world.
    closed = issues("znamya-shakhtyora").filter(access=IssuePage.Access.READING_ROOM).first()
    assert client.get(f"{closed.url}ispravit/1/line_6/").status_code == 404


def test_the_pages_answer_in_a_bounded_number_of_queries(
    demo_site, client, django_assert_max_num_queries
):
    weekly = title("znamya-shakhtyora")
    issue = issues("znamya-shakhtyora").first()
    for url in (weekly.url, issue.url):
        with django_assert_max_num_queries(60):
            assert client.get(url).status_code == 200
