"""Real OCR (periodicals/ocr.py) with the tesseract installed here (`.ci/run` installs it with
its Russian data): a rendered Russian page is recognised with at least 95 % of its words right;
a real scan goes through the whole ingest; words hyphenated across lines are joined from real
OCR output; a pre-reform page is found by its modern spelling; tesseract runs with one thread,
a time limit and a memory limit.

The real scan is page 29 of *Adventures of Huckleberry Finn* scanned for Project Gutenberg
(public domain), from OCRmyPDF's test resources: they are in its source distribution on PyPI,
not in its wheel, and no Debian or PyPI package installed here ships a real scanned page (the
images found under /usr/share and in the virtualenv are icons, logos and plots), so a copy is
kept in tests/periodicals/data (its README says where it comes from). It is English: the
Russian pages here are rendered, as no public-domain Russian scan is shipped by a package."""

import collections
import re
from pathlib import Path

import pytest

from periodicals import alto, ingest, ocr
from periodicals import text as page_text
from periodicals.models import Scan
from tests.periodicals import scans as sample

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"


@pytest.fixture
def issue(home_page):
    return sample.make_issue(home_page)


def words(text):
    return [word.casefold() for word in re.findall(r"[^\W\d_]+", text)]


def share_right(expected, recognised):
    """The share of the expected words found (as many times) among the recognised ones."""
    wanted = collections.Counter(words(expected))
    found = collections.Counter(words(recognised))
    right = sum(min(count, found[word]) for word, count in wanted.items())
    return right / sum(wanted.values())


def recognised_text(picture, tmp_path, name="page.png"):
    path = tmp_path / name
    picture.save(path, dpi=(sample.DPI, sample.DPI))
    return alto.plain_text(alto.parse(ocr.recognise(str(path))))


def test_tesseract_with_russian_is_available_here():
    assert ocr.available(), "install tesseract-ocr and tesseract-ocr-rus (.ci/run does)"
    assert re.match(r"tesseract \d+\.\d+", ocr.version())


def test_a_rendered_russian_page_is_recognised_with_95_percent_of_its_words(tmp_path):
    picture, _layout = sample.page(sample.NEWSPAPER, size=(2480, 1800))
    text = recognised_text(picture, tmp_path)
    expected = "\n".join(sample.NEWSPAPER)
    assert share_right(expected, text) >= 0.95, text


def test_a_word_hyphenated_across_lines_is_joined_from_real_ocr(tmp_path):
    lines = [
        "Шахтёры перевыполнили план добы-",
        "чи угля и получили премию городско-",
        "го комитета.",
    ]
    text = recognised_text(sample.page(lines, size=(2000, 600))[0], tmp_path)
    assert "добычи" in words(text) and "городского" in words(text), text
    assert not re.search(r"-\s*$", text, re.MULTILINE), text


def test_a_real_scan_goes_through_the_whole_ingest(issue):
    upload = sample.upload(issue, "c03-29.pdf", (DATA / "c03-29.pdf").read_bytes())
    sent = []
    ingest.split(upload.pk, ready=sent.append)
    [scan_id] = sent
    ingest.process(scan_id)
    scan = Scan.objects.get(pk=scan_id)
    assert scan.status == Scan.Status.DONE, scan.error
    # The page is 369.6 × 477.6 points, rendered at 300 dpi.
    assert (scan.width, scan.height) == (1541, 1991)
    assert scan.tiled and scan.ocr_engine == ocr.version()
    text = scan.text
    assert (
        share_right(
            "I got a good going-over in the morning from old Miss Watson on account of my clothes "
            "but the widow she didn't scold but only cleaned off the grease and clay",
            text,
        )
        >= 0.9
    ), text
    # «I would be-» ends a line and «have a while» begins the next: one word in the text
    # (tesseract reads «haye»), both halves' boxes kept.
    assert re.search(r"\bbeha[vy]e\b", text), text
    joined = [
        boxes for word, boxes in alto.word_boxes(alto.parse(scan.alto)) if word.startswith("beha")
    ]
    assert len(joined) == 1 and len(joined[0]) == 2
    # Found by a word of it through the archive's search.
    assert list(page_text.matching(Scan.objects.all(), "widow")) == [scan]


def test_a_pre_reform_page_is_found_by_its_modern_spelling(issue):
    """tesseract's Russian model was not trained on ѣ and і: it reads «городѣ» as «городЪ»
    and «библіотека» as «библюотека». What it reads right are the words whose old spelling is
    modern letters plus a final hard sign («Городъ», «праздникамъ»), and folding makes those
    found by the modern spelling. The page's pre-made ALTO (as the demo writes it from the
    layout it drew) holds ѣ and і, and folding makes the modern spelling find those too."""
    lines = [*sample.PRE_REFORM, "Городъ получилъ новое зданіе для библіотеки."]
    picture, layout = sample.page(lines, size=(2480, 900))
    upload = sample.upload(issue, "1912.png", sample.encoded(picture, "png"))
    sent = []
    ingest.split(upload.pk, ready=sent.append)
    ingest.process(sent[0])
    scan = Scan.objects.get(pk=sent[0])
    assert scan.status == Scan.Status.DONE and scan.text
    scans = Scan.objects.filter(pk=scan.pk)
    for modern in ("город", "праздники", "воскресенье", "получил"):
        assert list(page_text.matching(scans, modern)) == [scan], (modern, scan.text)
    assert not page_text.matching(scans, "паровоз").exists()

    # From the pre-made ALTO of the same page: ѣ and і folded in the index and the query.
    known = alto.write(
        picture.width,
        picture.height,
        [(None, [(word, x, y, w, h) for word, x, y, w, h in words]) for _line, words in layout],
    )
    text = alto.plain_text(alto.parse(known))
    assert "библіотека" in text and "городѣ" in text
    Scan.objects.filter(pk=scan.pk).update(text=text, lemmas=page_text.page_lemmas(text))
    for modern in ("библиотека", "город", "училище", "всем", "желающие"):
        assert list(page_text.matching(scans, modern)) == [scan], modern


def test_tesseract_runs_with_one_thread_and_a_memory_limit(tmp_path, settings):
    """A limit it cannot start under fails the page with the limit named, not the worker."""
    picture = sample.page(sample.NEWSPAPER[:1], size=(1600, 300))[0]
    path = tmp_path / "page.png"
    picture.save(path)
    assert ocr._environment()["OMP_THREAD_LIMIT"] == "1"
    settings.KUZBIB_PERIODICALS = {"OCR_MEGABYTES": 8}
    with pytest.raises(ocr.OcrFailed) as failed:
        ocr.recognise(str(path))
    assert failed.value.message == sample.russian(
        "Recognising the text needed more memory than the %(megabytes)s MB allowed.",
        megabytes=8,
    )


def test_a_page_past_the_time_limit_fails_with_a_message(tmp_path, settings):
    picture = sample.page(sample.NEWSPAPER, size=(2480, 1800))[0]
    path = tmp_path / "page.png"
    picture.save(path)
    settings.KUZBIB_PERIODICALS = {"OCR_SECONDS": 0.05}
    with pytest.raises(ocr.OcrFailed) as failed:
        ocr.recognise(str(path))
    assert failed.value.message == sample.russian(
        "Recognising the text took longer than %(seconds)s seconds.", seconds=0.05
    )
