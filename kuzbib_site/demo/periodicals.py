"""The periodicals archive of the demo site: «Электронный архив краеведческой периодики» with
two invented titles (marked as demo content: ``DEMO_NOTE`` opens each description, and every
page image says so at its foot):

- «Знамя шахтёра», a weekly of Prokopyevsk: the 52 issues of 1957, open to everyone, and six
  issues of 1958 readable in member libraries' reading rooms only; three issues of 1961 are
  described only (in copyright), without pages;
- «Кузнецкій край», a pre-1918 weekly of Kuznetsk: six issues of 1912 in the old spelling
  (ѣ, і, ъ), found by modern spelling.

Each page is drawn with Pillow from the texts of ``periodicals_texts`` (DejaVu fonts, a
masthead, a headline, columns of text; long words hyphenated across lines, so that the joining
shows in the text and the search) and its ALTO is written by ``periodicals.alto.write`` from the
very layout drawn (the "pre-made ALTO"). Every page is tiled for the viewer by the ingest's
``periodicals.tiles``; where tesseract is installed, two pages (``OCR_PAGES``) are recognised by
``periodicals.ocr`` instead, with the mistakes real OCR makes. Holdings of both titles are
spread over the demo libraries with their summaries; a few readers' corrections wait for an
editor and a few are accepted, so that the moderation list and a line's history show
something, and a visitor can try the correction form on any open issue.

Idempotent: pages are found by slug, scans by their issue and number; a page already drawn is
not drawn again."""

import datetime
import io
import random
import tempfile
import time

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from kuzbib_site.base.models import Library, Municipality
from periodicals import alto, ocr, text, tiles
from periodicals.domain import corrections
from periodicals.models import (
    Correction,
    HeldIssue,
    Holding,
    IssuePage,
    PeriodicalsIndexPage,
    Scan,
    TitlePage,
)

from . import periodicals_texts as texts
from .site import ensure_child

SLUG = "periodika"
#: ``Scan.ocr_engine`` of a page whose ALTO is the layout drawn.
PREMADE = "demo: pre-made ALTO of the drawn layout"
SEED = "kuzbib-periodicals"
DEMO_NOTE = "Демонстрационная запись: издание и все его материалы вымышлены."
#: The size of a drawn page, in pixels: small enough for a quick demo, large enough to read.
WIDTH, HEIGHT = 1200, 1700
MARGIN = 60
GUTTER = 30
INTRO = (
    "<p>Электронный архив газет и журналов Кузбасса: номера читаются постранично, текст каждой "
    "страницы распознан и ищется с учётом словоформ и дореформенной орфографии, а сводный "
    "каталог показывает, в какой библиотеке хранится печатный экземпляр.</p>"
    "<p><b>Это демонстрационная версия:</b> оба издания архива вымышлены.</p>"
)


def _font(name, size):
    try:
        return ImageFont.truetype(name, size)
    except OSError:  # no DejaVu: Pillow's own font, whose metrics the layout reads all the same
        return ImageFont.load_default(size)


class Layout:
    """Draws a page and remembers where every word went: ``lines`` is ALTO's
    ``[(line id, [(word, x, y, w, h)…])]``."""

    def __init__(self, width=WIDTH, height=HEIGHT):
        self.image = Image.new("L", (width, height), 246)
        self.draw = ImageDraw.Draw(self.image)
        self.width, self.height = width, height
        self.lines = []

    def line(self, words, x, y, font, height):
        """One line of ``words`` from (x, y), drawn at once; returns its words' boxes (each
        word's left edge is the drawn width of the words before it)."""
        self.draw.text((x, y), " ".join(words), fill=20, font=font)
        placed, before = [], ""
        for word in words:
            left = x + font.getlength(before)
            placed.append((word, round(left), y, round(font.getlength(word)), height))
            before += word + " "
        self.lines.append((f"line_{len(self.lines) + 1}", placed))
        return placed

    def centred(self, words, y, font, height):
        width = font.getlength(" ".join(words))
        return self.line(words, (self.width - width) / 2, y, font, height)

    def rule(self, y, thickness=3):
        self.draw.rectangle([MARGIN, y, self.width - MARGIN, y + thickness], fill=40)

    def jpeg(self):
        out = io.BytesIO()
        self.image.save(out, "JPEG", quality=60)
        return out.getvalue()

    def alto(self):
        return alto.write(self.width, self.height, self.lines, software="Kuzbib demo").decode()


def hyphen_point(word, room, font):
    """Where ``word`` may break so that its head and a hyphen fit in ``room`` pixels: after a
    vowel, three letters at least on each side; None when it may not."""
    core = word.strip("«»,.;:!?()")
    if len(core) < 7 or not core.isalpha() or word.index(core[0]) + len(core) - 3 < 3:
        return None
    vowels = set("аеёиоуыэюяіѣ")
    last = word.index(core[0]) + len(core) - 3  # three letters of the word go on
    for cut in range(last, 2, -1):
        if word[cut - 1].lower() in vowels and font.getlength(word[:cut] + "-") <= room:
            return cut
    return None


def flow(paragraphs, font, width):
    """The paragraphs broken into lines of at most ``width`` pixels: [(first line of a
    paragraph?, [word…])…]; long words hyphenated at a line's end."""
    space = font.getlength(" ")
    indent = font.getlength("  ")
    result = []
    for paragraph in paragraphs:
        words = paragraph.split()
        current, used, first = [], indent, True
        while words:
            word = words.pop(0)
            needed = font.getlength(word) + (space if current else 0)
            if used + needed <= width:
                current.append(word)
                used += needed
                continue
            cut = hyphen_point(word, width - used - space, font)
            if cut is not None:
                current.append(word[:cut] + "-")
                words.insert(0, word[cut:])
            else:
                words.insert(0, word)
            result.append((first, current))
            current, used, first = [], 0, False
        if current:
            result.append((first, current))
    return result


def draw_page(masthead, issue_line, headline, paragraphs, note, *, columns=3, seed=""):
    """A page: masthead (on page 1 only, else a running head), a headline across the columns,
    the paragraphs in ``columns`` columns. Returns the layout."""
    layout = Layout()
    rng = random.Random(seed)  # noqa: S311 — only the grain of the paper
    for _speck in range(400):
        x, y = rng.randrange(WIDTH), rng.randrange(HEIGHT)
        layout.draw.point((x, y), fill=rng.choice((200, 215, 230)))
    y = MARGIN
    if masthead:
        big = _font("DejaVuSerif-Bold.ttf", 84)
        layout.centred(masthead.split(), y, big, 96)
        y += 110
    layout.rule(y)
    y += 12
    small = _font("DejaVuSerif.ttf", 20)
    layout.centred(issue_line.split(), y, small, 26)
    y += 34
    layout.rule(y, 1)
    y += 24
    head = _font("DejaVuSerif-Bold.ttf", 40)
    head_lines = flow([headline], head, WIDTH - 2 * MARGIN)
    for _first, words in head_lines:
        layout.centred(words, y, head, 48)
        y += 52
    y += 16
    body = _font("DejaVuSerif.ttf", 22)
    step = 30
    column_width = (WIDTH - 2 * MARGIN - (columns - 1) * GUTTER) / columns
    bottom = HEIGHT - MARGIN - 50
    rows = flow(paragraphs, body, column_width)
    per_column = int((bottom - y) // step)
    for column in range(columns):
        x = MARGIN + column * (column_width + GUTTER)
        for index, (first, words) in enumerate(
            rows[column * per_column : (column + 1) * per_column]
        ):
            indent = body.getlength("  ") if first else 0
            layout.line(words, x + indent, y + index * step, body, step - 4)
    layout.rule(bottom + 10, 1)
    layout.centred(note.split(), bottom + 22, small, 26)
    return layout


# -- the titles ----------------------------------------------------------------------------------

MONTHS = [
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
]  # fmt: skip


def modern_issues():
    """(date, number, pages, access) of «Знамя шахтёра»: every Saturday of 1957 (open), six of
    1958 (reading room), three of 1961 (description only)."""
    first = datetime.date(1957, 1, 5)
    issues = []
    for week in range(52):
        date = first + datetime.timedelta(weeks=week)
        issues.append((date, str(week + 1), 4 if week % 4 == 0 else 2, IssuePage.Access.OPEN))
    for week in range(6):
        date = datetime.date(1958, 1, 4) + datetime.timedelta(weeks=week)
        issues.append((date, str(week + 1), 2, IssuePage.Access.READING_ROOM))
    for number, date in enumerate(
        [datetime.date(1961, 4, 15), datetime.date(1961, 4, 22), datetime.date(1961, 4, 29)], 15
    ):
        issues.append((date, str(number), 0, IssuePage.Access.METADATA))
    return issues


def pre_reform_issues():
    first = datetime.date(1912, 3, 4)
    return [
        (first + datetime.timedelta(weeks=week), str(week + 9), 2, IssuePage.Access.OPEN)
        for week in range(6)
    ]


TITLES = [
    {
        "slug": "znamya-shakhtyora",
        "title": "Знамя шахтёра",
        "earlier_names": "Прокопьевский горняк (1930–1956)",
        "place": "Прокопьевск",
        "municipality": "Прокопьевск",
        "identifier": "demo-znamya-shakhtyora",
        "frequency": "еженедельно",
        "publisher": "Прокопьевский горком КПСС и горсовет депутатов трудящихся",
        "first_year": 1957,
        "last_year": 1991,
        "orthography": TitlePage.Orthography.MODERN,
        "issues": modern_issues,
        "headlines": texts.MODERN_HEADLINES,
        "paragraphs": texts.MODERN_PARAGRAPHS,
        "note": texts.PAGE_NOTE,
        "columns": 3,
        "masthead": "ЗНАМЯ ШАХТЁРА",
        "motto": "Пролетарии всех стран, соединяйтесь!",
        "holdings": {
            "КОНБ им. В. Д. Фёдорова": ("1957–1958; 1961 (неполн.)", None),
            "ЦБС Прокопьевска": ("1957 (неполн.)", [1957]),
            "МИБС Новокузнецка": ("1958", [1958]),
        },
    },
    {
        "slug": "kuznetskii-krai",
        "title": "Кузнецкій край",
        "earlier_names": "",
        "place": "Кузнецк",
        "municipality": "Новокузнецк",
        "identifier": "demo-kuznetskii-krai",
        "frequency": "еженедѣльно",
        "publisher": "Кузнецкое общество любителей просвещения",
        "first_year": 1911,
        "last_year": 1917,
        "orthography": TitlePage.Orthography.PRE_REFORM,
        "issues": pre_reform_issues,
        "headlines": texts.PRE_REFORM_HEADLINES,
        "paragraphs": texts.PRE_REFORM_PARAGRAPHS,
        "note": texts.PRE_REFORM_NOTE,
        "columns": 2,
        "masthead": "КУЗНЕЦКІЙ КРАЙ",
        "motto": "Газета общественная, политическая и литературная",
        "holdings": {
            "КОНБ им. В. Д. Фёдорова": ("1912 (неполн.)", [1912]),
            "МИБС Новокузнецка": ("1911–1917 (неполн.)", None),
        },
    },
]


def issue_line(spec, date, number, page_number, pages):
    year_word = "года" if spec["orthography"] == TitlePage.Orthography.MODERN else "года."
    return (
        f"№ {number} · {date.day} {MONTHS[date.month - 1]} {date.year} {year_word} · "
        f"стр. {page_number} из {pages}"
    )


def page_texts(spec, date, page_number):
    """A page's headline and paragraphs, the same every run."""
    rng = random.Random(f"{SEED}-{spec['slug']}-{date}-{page_number}")  # noqa: S311 — invented text
    headline = rng.choice(spec["headlines"])
    paragraphs = rng.sample(spec["paragraphs"], k=len(spec["paragraphs"]))
    return headline, paragraphs


def page_layout(spec, date, number, page_number, pages):
    """Page ``page_number`` of ``pages`` of the issue ``number`` of ``date``, drawn."""
    headline, paragraphs = page_texts(spec, date, page_number)
    return draw_page(
        spec["masthead"] if page_number == 1 else "",
        issue_line(spec, date, number, page_number, pages),
        headline,
        paragraphs,
        spec["note"],
        columns=spec["columns"],
        seed=f"{spec['slug']}-{date}-{page_number}",
    )


#: Pages recognised by tesseract where it is installed (the others keep the ALTO of the layout
#: drawn): a modern page and a pre-1918 one, whose letters tesseract's Russian model does not
#: know — the kind of page readers' corrections are for.
OCR_PAGES = {
    ("znamya-shakhtyora", datetime.date(1957, 1, 5), 2),
    ("kuznetskii-krai", datetime.date(1912, 3, 4), 2),
}


def _recognise(scan, path):
    """Real OCR of the page (``periodicals.ocr``), or nothing where tesseract is missing or
    fails: the pre-made ALTO stays."""
    if not ocr.available():
        return False
    started = time.monotonic()
    try:
        data = ocr.recognise(path)
        page = alto.parse(data)
    except (ocr.OcrFailed, alto.InvalidAlto):
        return False
    scan.alto = data.decode("utf-8")
    scan.text = alto.plain_text(page)
    scan.lemmas = text.page_lemmas(scan.text)
    scan.ocr_engine = ocr.version()
    scan.ocr_seconds = time.monotonic() - started
    return True


def load_scan(spec, issue, date, number, page_number, pages):
    """The page, drawn, tiled and (for ``OCR_PAGES``) recognised, as far as it is not yet;
    returns it and whether it was drawn now."""
    scan = Scan.objects.filter(issue=issue, number=page_number).first()
    if scan is not None and scan.alto and scan.image and scan.tiled:
        return scan, False
    scan = scan or Scan(issue=issue, number=page_number)
    drawn = not (scan.alto and scan.image)
    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/page.jpg"
        if drawn:
            layout = page_layout(spec, date, number, page_number, pages)
            for _slug, _date, _page, line, _a, _accepted in corrections_of(spec, date, page_number):
                misread(layout, line)
            data = layout.alto()
            plain = alto.plain_text(alto.parse(data))
            scan.width, scan.height = WIDTH, HEIGHT
            scan.alto, scan.text = data, plain
            scan.lemmas = text.page_lemmas(plain)
            scan.status = Scan.Status.DONE
            scan.ocr_engine = PREMADE
            jpeg = layout.jpeg()
            name = f"{spec['slug']}-{date:%Y%m%d}-{page_number}.jpg"
            scan.image.save(name, ContentFile(jpeg), save=False)
            with open(path, "wb") as out:
                out.write(jpeg)
        else:
            with scan.image.open("rb") as master, open(path, "wb") as out:
                out.write(master.read())
        if (spec["slug"], date, page_number) in OCR_PAGES and scan.ocr_engine == PREMADE:
            _recognise(scan, path)
        if scan.pk is None:
            scan.save()  # tiles are kept under the scan's id
        try:
            made = tiles.make(scan, path)
        except tiles.TilesFailed:
            made = None
        if made is not None:
            scan.tiled, scan.tile_seconds = True, made.seconds
        scan.save()
    return scan, drawn


def load_title(archive, spec, municipalities):
    title = ensure_child(
        archive,
        TitlePage,
        spec["slug"],
        title=spec["title"],
        earlier_names=spec["earlier_names"],
        place=spec["place"],
        municipality=municipalities.get(spec["municipality"]),
        identifier=spec["identifier"],
        frequency=spec["frequency"],
        publisher=spec["publisher"],
        first_year=spec["first_year"],
        last_year=spec["last_year"],
        orthography=spec["orthography"],
        description=f"<p><i>{DEMO_NOTE}</i></p><p>{spec['motto']}.</p>",
    )
    existing = {page.slug: page for page in IssuePage.objects.child_of(title)}
    drawn = 0
    for date, number, pages, access in spec["issues"]():
        slug = f"{date:%Y-%m-%d}"
        issue = existing.get(slug)
        if issue is None:
            issue = IssuePage(
                slug=slug,
                title=f"№ {number} от {date:%d.%m.%Y}",
                date=date,
                number=number,
                access=access,
            )
            title.add_child(instance=issue)
            issue.save_revision().publish()
        for page_number in range(1, pages + 1):
            drawn += load_scan(spec, issue, date, number, page_number, pages)[1]
    return title, drawn


def load_holdings(title, spec, libraries):
    years = sorted({date.year for date, *_rest in spec["issues"]()})
    for short_name, (summary, held_years) in spec["holdings"].items():
        library = libraries.get(short_name)
        if library is None:
            continue
        holding, _created = Holding.objects.update_or_create(
            title=title, library=library, defaults={"summary": summary}
        )
        for date, number, _pages, _access in spec["issues"]():
            if (held_years or years).count(date.year) and int(number) % 5 != 3:
                HeldIssue.objects.get_or_create(holding=holding, year=date.year, number=number)


#: Readers' corrections of the demo: (title slug, issue date, page, line number, signature,
#: accepted?). The demo's ALTO of these lines carries a recognition error (``misread``) that the
#: image does not have, and the reader's correction puts the drawn text back.
CORRECTIONS = [
    ("znamya-shakhtyora", datetime.date(1957, 1, 5), 1, 8, "Н. Петрова", True),
    ("znamya-shakhtyora", datetime.date(1957, 1, 5), 1, 14, "", True),
    ("znamya-shakhtyora", datetime.date(1957, 1, 12), 1, 9, "краевед из Прокопьевска", False),
    ("znamya-shakhtyora", datetime.date(1957, 1, 12), 2, 5, "", False),
    ("kuznetskii-krai", datetime.date(1912, 3, 4), 1, 10, "учитель", False),
]
#: Letters OCR takes for others.
LOOKALIKES = {"а": "о", "е": "с", "и": "н", "о": "0", "ш": "щ", "т": "г", "ѣ": "Ь", "і": "1"}


def misread(layout, line_number):
    """One look-alike letter wrong in the longest whole word of the line, in the ALTO only."""
    line_id, words = layout.lines[line_number - 1]
    candidates = [i for i, w in enumerate(words) if i and not w[0].endswith("-")]
    if not candidates:
        return
    index = max(candidates, key=lambda i: len(words[i][0]))
    word = words[index][0]
    for position, letter in enumerate(word[1:], 1):
        if letter in LOOKALIKES:
            wrong = word[:position] + LOOKALIKES[letter] + word[position + 1 :]
            words[index] = (wrong, *words[index][1:])
            return


def corrections_of(spec, date, page_number):
    return [
        row
        for row in CORRECTIONS
        if row[0] == spec["slug"] and row[1] == date and row[2] == page_number
    ]


def load_corrections():
    """The demo's corrections, made once (found again by their line): each puts back the text
    the page shows where its ALTO was misread."""
    specs = {spec["slug"]: spec for spec in TITLES}
    for slug, date, number, line, author, accepted in CORRECTIONS:
        spec = specs[slug]
        scan = (
            Scan.objects.filter(issue__path__startswith=TitlePage.objects.get(slug=slug).path)
            .filter(issue__slug=f"{date:%Y-%m-%d}", number=number)
            .first()
        )
        line_id = f"line_{line}"
        if scan is None or Correction.objects.filter(scan=scan, line=line_id).exists():
            continue
        pages = Scan.objects.filter(issue=scan.issue).count()
        layout = page_layout(spec, date, scan.issue.number, number, pages)
        drawn = dict(alto.lines(alto.parse(layout.alto())))
        try:
            correction = corrections.suggest(scan, line_id, drawn.get(line_id, ""), author)
        except corrections.Refused:
            continue  # the line was not misread after all: nothing to correct
        if accepted:
            # Accepted by the demo (no editor), as corrections.accept does it.
            correction.status = Correction.Status.ACCEPTED
            correction.moderated_at = timezone.now()
            correction.save(update_fields=["status", "moderated_at"])
            corrections.reindex(scan)


def load_archive(home):
    return ensure_child(
        home,
        PeriodicalsIndexPage,
        SLUG,
        title="Электронный архив краеведческой периодики",
        intro=INTRO,
        show_in_menus=True,
        search_description="Демонстрационный электронный архив газет Кузбасса.",
    )


def load(home):
    """The archive under ``home`` with both titles, their holdings and corrections; returns the
    archive page and how many page images were drawn."""
    archive = load_archive(home)
    municipalities = {m.name: m for m in Municipality.objects.all()}
    libraries = {library.short_name: library for library in Library.objects.all()}
    drawn = 0
    for spec in TITLES:
        title, made = load_title(archive, spec, municipalities)
        load_holdings(title, spec, libraries)
        drawn += made
    load_corrections()
    return archive, drawn
