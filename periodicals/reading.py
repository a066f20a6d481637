"""What the issue viewer shows of a scanned page, as plain functions the views and the IIIF
module share: the page's text by ALTO line with search hits marked, the hits' boxes on the
image, the IIIF image paths of the page's static tiles (level 0: only the sizes the ingest wrote
exist), a region of the page (a clip), the page as a one-page PDF, and the GOST R 7.0.100-2018
reference to the page or the clip.

The words the standard prescribes («С.», «№», «URL», «дата обращения») are Russian in every
interface language, as in ``heroes_archive.citation`` (a GOST reference is Russian by
definition); the apps do not import each other, so the few rules needed here are written out."""

import datetime
import io
import re
from dataclasses import dataclass

from . import alto, tiles

#: Months in the genitive, as a Russian date is written («9 мая»).
MONTHS = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
AREA = ". — "
#: The longest side of a clip's image, and of a region a clip may cover (pixels of the master).
CLIP_MAX_SIDE = 1600
#: A region in a URL: four non-negative integers, short enough for any page.
REGION = re.compile(r"^(\d{1,6})-(\d{1,6})-(\d{1,6})-(\d{1,6})$")
#: What a word's edges may carry that is not the word: quotes, brackets, punctuation.
PUNCTUATION = "«»\"'“”„()[]{}.,;:!?…—–-"
#: A page printed at this resolution when the scan does not say (PDF page size).
PDF_DPI = 300


# --- Text and hits ------------------------------------------------------------------------------


@dataclass
class TextLine:
    """One ALTO line as the reader sees it: its ALTO id, its words as ``(text, is_hit)``, and
    whether they are a reader's accepted correction rather than the OCR's."""

    id: str
    parts: list
    corrected: bool = False

    @property
    def text(self):
        return " ".join(text for text, _hit in self.parts)


def parsed(scan):
    """The scan's ALTO as an ``alto.Page``, or None when it has none (or it cannot be read)."""
    if not scan.alto:
        return None
    try:
        return alto.parse(scan.alto)
    except alto.InvalidAlto:
        return None


def _bare(word):
    return word.strip(PUNCTUATION)


def is_hit(matcher, word):
    bare = _bare(word)
    return bool(matcher and bare and matcher(bare))


def text_lines(scan, page=None, matcher=None, corrected=None):
    """The page's text, one ``TextLine`` per ALTO line (hyphenated words joined), the words of
    ``matcher`` (``text.word_matcher``) marked; a scan without ALTO gives its plain text's lines
    with numbered ids. ``corrected`` ({line id: text}, ``corrections_query.shown_lines``) puts
    readers' accepted corrections in place of the OCR's lines."""
    lines = _text_lines(scan, page, matcher)
    for line in lines:
        if corrected and line.id in corrected:
            line.parts = [(word, is_hit(matcher, word)) for word in corrected[line.id].split()]
            line.corrected = True
    return lines


def _text_lines(scan, page, matcher):
    page = page if page is not None else parsed(scan)
    if page is None:
        return [
            TextLine(f"text_{index}", [(word, is_hit(matcher, word)) for word in line.split()])
            for index, line in enumerate(scan.text.splitlines(), start=1)
            if line.strip()
        ]
    return [
        TextLine(line_id, [(word, is_hit(matcher, word)) for word, _boxes in words])
        for line_id, words in alto.line_words(page)
        if words
    ]


def hit_boxes(page, matcher):
    """The boxes of the words ``matcher`` finds on ``page`` (an ``alto.Page``): a word
    hyphenated across lines has a box on each."""
    if page is None or matcher is None:
        return []
    return [box for word, boxes in alto.word_boxes(page) if is_hit(matcher, word) for box in boxes]


@dataclass
class Hit:
    """One word found on a page: the word as printed, its boxes, and the text around it on its
    line (the snippet a search result shows)."""

    word: str
    boxes: list
    before: str
    after: str


def hits(page, matcher):
    """Every word of ``page`` that ``matcher`` finds, in reading order, with its snippet: up to
    five words either side, across line ends (a word hyphenated at a line's end goes on)."""
    if page is None or matcher is None:
        return []
    words = [(word, boxes) for _line_id, line in alto.line_words(page) for word, boxes in line]
    texts = [word for word, _boxes in words]
    return [
        Hit(word, boxes, " ".join(texts[max(0, i - 5) : i]), " ".join(texts[i + 1 : i + 6]))
        for i, (word, boxes) in enumerate(words)
        if is_hit(matcher, word)
    ]


# --- IIIF static tiles --------------------------------------------------------------------------


def sizes(scan):
    """The whole-page sizes written under ``full/`` (``tiles.full_sizes``), smallest first, then
    the page itself (``full/max``)."""
    if not scan.width or not scan.height:
        return []
    return [*tiles.full_sizes(scan.width, scan.height), (scan.width, scan.height)]


def full_path(scan, width=None):
    """The IIIF path of the whole page at ``width`` (the nearest written width not below it, or
    the page itself): ``full/800,1200/0/default.jpg``, ``full/max/0/default.jpg``."""
    if width is not None:
        for w, h in sizes(scan)[:-1]:
            if w >= width:
                return f"full/{w},{h}/0/default.jpg"
    return "full/max/0/default.jpg"


def parse_region(text, scan):
    """The region ``x-y-w-h`` (as a clip's URL writes it) of ``text`` within ``scan``'s image,
    or None when it is not four numbers, empty, or outside the page. A region running over the
    page's edge is cut to it."""
    found = REGION.match(text or "")
    if not found or not scan.width or not scan.height:
        return None
    x, y, w, h = (int(part) for part in found.groups())
    if w == 0 or h == 0 or x >= scan.width or y >= scan.height:
        return None
    return x, y, min(w, scan.width - x), min(h, scan.height - y)


def clip_size(region):
    """The size a clip's image is shown at: the region, at most ``CLIP_MAX_SIDE`` on its
    longer side."""
    _x, _y, w, h = region
    scale = min(1.0, CLIP_MAX_SIDE / max(w, h))
    return max(1, round(w * scale)), max(1, round(h * scale))


def crop(image_file, region):
    """The JPEG of ``region`` of the master image ``image_file`` (an open file), no larger than
    ``clip_size``. pyvips reads only the part of the master it needs."""
    import pyvips  # noqa: PLC0415 — libvips is loaded by the clip view only

    data = image_file.read()
    image = pyvips.Image.new_from_buffer(data, "", access="sequential")
    x, y, w, h = region
    x, y = min(x, image.width - 1), min(y, image.height - 1)
    w, h = min(w, image.width - x), min(h, image.height - y)
    part = image.crop(x, y, w, h)
    width, _height = clip_size((x, y, w, h))
    if width != w:
        part = part.resize(width / w)
    if part.hasalpha():
        part = part.flatten(background=255)
    if part.interpretation not in ("srgb", "b-w"):
        part = part.colourspace("srgb")
    return part.jpegsave_buffer(Q=85)


# --- PDF ----------------------------------------------------------------------------------------


def jpeg_pdf(jpeg, width, height, *, title="", dpi=PDF_DPI):
    """A one-page PDF showing the JPEG ``jpeg`` (``width`` × ``height`` pixels) as it is: the
    JPEG's bytes go into the PDF unchanged (DCTDecode), as img2pdf does — nothing is decoded or
    compressed again, so a page's PDF costs no more than its image."""
    points_w, points_h = width * 72 / dpi, height * 72 / dpi
    content = f"q {points_w:.2f} 0 0 {points_h:.2f} 0 0 cm /Im0 Do Q".encode("ascii")
    components = _jpeg_components(jpeg)
    colour = {1: "/DeviceGray", 4: "/DeviceCMYK"}.get(components, "/DeviceRGB")
    decode = " /Decode [1 0 1 0 1 0 1 0]" if components == 4 else ""
    title_hex = "FEFF" + title.encode("utf-16-be").hex().upper()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {points_w:.2f} {points_h:.2f}] "
            f"/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>"
        ).encode("ascii"),
        (
            f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} "
            f"/ColorSpace {colour} /BitsPerComponent 8{decode} /Filter /DCTDecode "
            f"/Length {len(jpeg)} >>\nstream\n"
        ).encode("ascii")
        + jpeg
        + b"\nendstream",
        f"<< /Length {len(content)} >>\nstream\n".encode("ascii") + content + b"\nendstream",
        f"<< /Title <{title_hex}> /Producer (Kuzbib) >>".encode("ascii"),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode("ascii") + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii"))
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode("ascii"))
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n".encode("ascii")
    )
    return out.getvalue()


def _jpeg_components(jpeg):
    """The number of colour components a JPEG's frame header declares (3 when not found)."""
    index = 2
    while index + 9 < len(jpeg):
        if jpeg[index] != 0xFF:
            index += 1
            continue
        marker = jpeg[index + 1]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE):
            return jpeg[index + 9]
        length = int.from_bytes(jpeg[index + 2 : index + 4], "big")
        index += 2 + length
    return 3


# --- Citation (GOST R 7.0.100-2018) -------------------------------------------------------------


def russian_day(date):
    """«9 мая»."""
    return f"{date.day} {MONTHS[date.month - 1]}"


def cite_page(title, issue, page_number=None, *, url="", accessed=None):
    """The reference to an issue (or one of its pages) of a newspaper or magazine::

        Кузнецкий рабочий. — 1957. — 9 мая (№ 54). — С. 2.

    with «URL: … (дата обращения: ДД.ММ.ГГГГ).» when ``url`` is given (the page read online)."""
    number = " ".join(str(issue.number or "").split())
    day = russian_day(issue.date)
    areas = [" ".join(str(title).split()).rstrip("."), str(issue.date.year)]
    areas.append(f"{day} (№ {number})" if number else day)
    if page_number:
        areas.append(f"С. {page_number}")
    if url:
        accessed = accessed or datetime.date.today()
        areas.append(f"URL: {url} (дата обращения: {accessed:%d.%m.%Y})")
    return AREA.join(areas) + "."
