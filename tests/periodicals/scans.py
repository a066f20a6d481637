"""Pages for the ingest's tests: Russian text drawn with Pillow in DejaVu Serif (as a scanner
would see a printed page, at 300 dpi), as PNG, JPEG, TIFF or PDF, and the archives and hostile
files the ingest must refuse."""

import io
import struct
import zipfile
import zlib

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
DPI = 300

#: A column of a regional newspaper (invented text), 1957.
NEWSPAPER = [
    "Шахтёры Кузбасса досрочно выполнили годовой план",
    "Коллектив шахты имени Кирова добыл сверх плана",
    "двенадцать тысяч тонн угля. Бригада проходчиков",
    "товарища Соловьёва прошла за месяц рекордные",
    "двести метров горных выработок. В районной",
    "библиотеке открылась выставка книг о горняках",
    "нашего края. Читатели благодарят библиотекарей",
    "за внимание и заботу о рабочей молодёжи города.",
]

#: A pre-reform page (1912): ѣ, і and the final hard sign.
PRE_REFORM = [
    "Въ городѣ Кузнецкѣ открылась народная библіотека",
    "при училищѣ. Книги выдаются всѣмъ желающимъ",
    "безплатно по воскресеньямъ и праздникамъ.",
]


def page(lines, size=(2480, 1400), font_size=44, margin=120, leading=1.9):
    """A white page (PIL image, greyscale) with ``lines`` of black text; and the words' boxes
    as ``[(line, [(word, x, y, w, h)…])]`` (what the demo writes as ALTO)."""
    picture = Image.new("L", size, 255)
    draw = ImageDraw.Draw(picture)
    font = ImageFont.truetype(FONT, font_size)
    layout = []
    y = margin
    for line in lines:
        x = margin
        words = []
        for word in line.split():
            left, top, right, bottom = draw.textbbox((x, y), word, font=font)
            draw.text((x, y), word, font=font, fill=0)
            words.append((word, left, top, right - left, bottom - top))
            x = right + font.getlength(" ")
        layout.append((line, words))
        y += int(font_size * leading)
    return picture, layout


def encoded(picture, kind="png"):
    out = io.BytesIO()
    if kind == "jpeg":
        picture.save(out, format="JPEG", quality=90, dpi=(DPI, DPI))
    elif kind == "tiff":
        picture.save(out, format="TIFF", compression="tiff_deflate", dpi=(DPI, DPI))
    else:
        picture.save(out, format="PNG", dpi=(DPI, DPI))
    return out.getvalue()


def multi_tiff(pictures):
    out = io.BytesIO()
    pictures[0].save(
        out, format="TIFF", save_all=True, append_images=pictures[1:], compression="tiff_deflate"
    )
    return out.getvalue()


def pdf(pictures):
    """A PDF with one page per picture, each page the picture at 300 dpi (as a scanner's PDF)."""
    out = io.BytesIO()
    pictures[0].save(out, format="PDF", save_all=True, append_images=pictures[1:], resolution=DPI)
    return out.getvalue()


def many_page_pdf(pages=5000):
    """A PDF of ``pages`` blank pages (one page object added again and again: a few KB per
    thousand pages)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    blank = writer.add_blank_page(width=595, height=842)
    for _ in range(pages - 1):
        writer.add_page(blank)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_of(members, symlinks=()):
    """A ZIP of ``members`` (name → bytes); ``symlinks`` (name → target) are stored as links."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for name, target in dict(symlinks).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o120777 << 16) | 0
            archive.writestr(info, target)
    return out.getvalue()


def huge_png(width=50_000, height=50_000):
    """A valid 1-bit PNG claiming ``width`` × ``height`` pixels in a small file."""
    from tests.factories.files import huge_png as build

    return build(width, height)


def huge_tiff(width=60_000, height=60_000):
    """A TIFF whose header claims ``width`` × ``height`` pixels (1 bit a pixel, one strip of
    deflated zeros): a few hundred bytes that would decode to gigabytes."""
    data = zlib.compress(bytes(1024))
    entries = [
        (256, 4, 1, width),  # ImageWidth
        (257, 4, 1, height),  # ImageLength
        (258, 3, 1, 1),  # BitsPerSample
        (259, 3, 1, 8),  # Compression: deflate
        (262, 3, 1, 0),  # PhotometricInterpretation: white is zero
        (273, 4, 1, 0),  # StripOffsets (patched below)
        (277, 3, 1, 1),  # SamplesPerPixel
        (278, 4, 1, height),  # RowsPerStrip
        (279, 4, 1, len(data)),  # StripByteCounts
    ]
    ifd_offset = 8
    ifd_size = 2 + 12 * len(entries) + 4
    strip_offset = ifd_offset + ifd_size
    body = struct.pack("<2sHI", b"II", 42, ifd_offset) + struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        if tag == 273:
            value = strip_offset
        if kind == 3:
            body += struct.pack("<HHIHH", tag, kind, count, value, 0)
        else:
            body += struct.pack("<HHII", tag, kind, count, value)
    body += struct.pack("<I", 0)
    return body + data


def corrupt_jpeg(picture):
    """A JPEG cut off in the middle of its image data (its header intact)."""
    data = encoded(picture, "jpeg")
    return data[: len(data) // 2]


def make_issue(home_page, **fields):
    """An issue (under a title, under the archive) of the tests' site."""
    from tests.factories.periodicals import (
        IssuePageFactory,
        PeriodicalsIndexPageFactory,
        TitlePageFactory,
    )

    archive = PeriodicalsIndexPageFactory(parent=home_page)
    title = TitlePageFactory(parent=archive)
    return IssuePageFactory(parent=title, **fields)


def upload(issue, name, data, user=None):
    """An ``IssueUpload`` of ``data`` as the admin's form saves it (queued)."""
    from django.core.files.base import ContentFile

    from periodicals.models import IssueUpload

    return IssueUpload.objects.create(
        issue=issue, original_name=name, file=ContentFile(data, name=name), uploaded_by=user
    )


def russian(msgid, **values):
    """The site's Russian for ``msgid`` (English until the catalogue translates it), with
    ``values``: what an editor reads."""
    from django.utils import translation

    with translation.override("ru"):
        text = translation.gettext(msgid)
    return text % values if values else text
