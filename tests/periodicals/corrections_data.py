"""A scanned page with ALTO for the corrections' tests: three lines, the second ending in a
word hyphenated onto the third («го-» / «родской»)."""

from django.core.files.base import ContentFile

from periodicals import alto, text
from tests.factories import files as sample
from tests.factories.periodicals import (
    IssuePageFactory,
    PeriodicalsIndexPageFactory,
    ScanFactory,
    TitlePageFactory,
)

LINES = [
    ("line_1", ["Шахта", "«Северная»", "выполнила", "план"]),
    ("line_2", ["досрочно.", "В", "клубе", "го-"]),
    ("line_3", ["родской", "библиотеки", "прошёл", "вечер."]),
]


def page_alto():
    rows = []
    for index, (line_id, words) in enumerate(LINES):
        y = 100 + index * 40
        x, placed = 50, []
        for word in words:
            width = 20 * len(word)
            placed.append((word, x, y, width, 30))
            x += width + 12
        rows.append((line_id, placed))
    return alto.write(1200, 1700, rows).decode()


def make_scan(issue, number=1, image=True):
    """A processed page of ``issue`` with the ALTO of ``LINES`` (and a master image)."""
    data = page_alto()
    plain = alto.plain_text(alto.parse(data))
    master = ContentFile(sample.image("jpeg", size=(1200, 1700)), name="page.jpg")
    return ScanFactory(
        image=master if image else "",
        issue=issue,
        number=number,
        width=1200,
        height=1700,
        alto=data,
        text=plain,
        lemmas=text.page_lemmas(plain),
    )


def make_issue(home, **fields):
    archive = PeriodicalsIndexPageFactory(parent=home)
    title = TitlePageFactory(parent=archive, title="Знамя шахтёра")
    issue = IssuePageFactory(parent=title, **fields)
    return archive, title, issue
