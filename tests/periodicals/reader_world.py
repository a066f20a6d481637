"""Issues with real scanned pages for the reader's tests: a master image, IIIF level-0 tiles
written by pyvips' ``dzsave(layout="iiif3")`` into scan storage (as the ingest writes them, with
the ``full/`` sizes of ``FULL_WIDTHS`` and ``full/max``), and ALTO whose words sit on dark bars
of the image.

``reader_issue(parent=title, access=…, pages=[[("Шахтёры", "Кузбасса", …), …], …])`` makes one:
each page a list of lines, each line a list of words (a word ending in «-» breaks across lines)."""

import datetime
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile

from periodicals import alto, tiles
from tests.factories.periodicals import IssuePageFactory, ScanFactory

PAGE_WIDTH, PAGE_HEIGHT = 1200, 1700
WORD_HEIGHT, LINE_STEP, MARGIN = 40, 60, 80


def layout(lines):
    """ALTO lines [(id, [(word, x, y, w, h)])] for ``lines`` of words, left to right, top down."""
    result = []
    for row, words in enumerate(lines):
        y = MARGIN + row * LINE_STEP
        x, placed = MARGIN, []
        for word in words:
            width = 22 * len(word)
            placed.append((word, x, y, width, WORD_HEIGHT))
            x += width + 20
        result.append((f"line_{row + 1}", placed))
    return result


def page_image(placed_lines, width=PAGE_WIDTH, height=PAGE_HEIGHT):
    """A light page with a dark bar where each word is (pyvips)."""
    import pyvips

    image = (pyvips.Image.black(width, height, bands=3) + [236, 230, 216]).cast("uchar")
    for _line_id, words in placed_lines:
        for _word, x, y, w, h in words:
            image = image.draw_rect([40, 40, 40], x, y + 8, w, h - 16, fill=True)
    return image


def write_tiles(scan, image):
    """The scan's IIIF level-0 files in scan storage, written by the ingest's own function."""
    with tempfile.TemporaryDirectory() as folder:
        master = Path(folder) / "master.jpg"
        image.jpegsave(str(master))
        tiles.make(scan, str(master))


def reader_scan(issue, number, lines, *, tiles=True):
    placed = layout(lines)
    image = page_image(placed)
    document = alto.write(PAGE_WIDTH, PAGE_HEIGHT, placed).decode("utf-8")
    scan = ScanFactory(
        issue=issue,
        number=number,
        width=PAGE_WIDTH,
        height=PAGE_HEIGHT,
        alto=document,
        text=alto.plain_text(alto.parse(document)),
    )
    from periodicals.text import page_lemmas

    scan.lemmas = page_lemmas(scan.text)
    scan.image.save(f"master-{scan.pk}.jpg", ContentFile(image.jpegsave_buffer()), save=False)
    if tiles:
        write_tiles(scan, image)
        scan.tiled = True
    scan.save()
    return scan


PAGES = [
    [
        ("Кузнецкий", "рабочий"),
        ("Шахтёры", "Кузбасса", "выполнили", "план"),
        ("Новая", "шахта", "в", "посёлке", "Осинники"),
    ],
    [("Вести", "с", "полей"), ("Библиотека", "открыла", "го-"), ("родской", "читальный", "зал")],
]


def reader_issue(parent, *, access="open", pages=None, date=datetime.date(1957, 5, 9), number="54"):
    issue = IssuePageFactory(parent=parent, date=date, number=number, access=access)
    for index, lines in enumerate(pages or PAGES, start=1):
        reader_scan(issue, index, lines)
    return issue
