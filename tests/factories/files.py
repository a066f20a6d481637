"""Real documents for tests, made by the same libraries that read them (the demo's writer,
``kuzbib_site.demo.documents``): PDF (WeasyPrint, so Cyrillic text is really extractable), DOCX,
PPTX, ODT, PNG and JPEG; and broken ones (cut short, password-protected, hostile)."""

import functools
import io

from kuzbib_site.demo import documents

LOREM = (
    "Библиотека работает с подростками: клуб чтения собирается по пятницам, ребята обсуждают "
    "книги современных авторов, готовят буктрейлеры и встречаются с писателями Кузбасса."
)


VOCABULARY = (
    "библиотека читатель книга клуб чтение фонд каталог краеведение выставка проект "
    "молодёжь школа урок встреча писатель поэт журнал газета архив музей семья династия "
    "шахтёр Кузбасс Кемерово Новокузнецк Прокопьевск игра квест конкурс презентация отчёт "
    "опрос анкета дети подростки студенты пенсионеры волонтёры сайт блог видео подкаст"
)


def words(seed, count=120):
    """A text of ``count`` words that differs from one ``seed`` to another (so that entries
    made with different seeds are not near-duplicates)."""
    import random

    vocabulary = VOCABULARY.split()
    rng = random.Random(seed)  # noqa: S311 - test text, not security
    return " ".join(rng.choice(vocabulary) for _ in range(count))


@functools.lru_cache(maxsize=32)
def pdf(text=LOREM, pages=1):
    return documents.pdf(
        documents.pages(*([("h1", f"Страница {n}"), ("p", text)] for n in range(1, pages + 1)))
    )


def many_page_pdf(pages):
    """A long PDF made quickly: one page repeated (pypdf shares its content)."""
    from pypdf import PdfReader, PdfWriter

    page = PdfReader(io.BytesIO(pdf(LOREM * 3))).pages[0]
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf(password="секрет"):  # noqa: S107 - the test file's own password
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf())))
    writer.encrypt(user_password=password, owner_password=password + "!", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncated_pdf():
    data = pdf()
    return data[: len(data) // 2]


def docx(paragraphs=(LOREM,)):
    return documents.docx([("p", paragraph) for paragraph in paragraphs])


def pptx(slides=("Слайд первый", LOREM)):
    return documents.pptx(
        [(f"Слайд {number}", [text]) for number, text in enumerate(slides, start=1)]
    )


def odt(paragraphs=(LOREM,), page_count=1):
    return documents.odt(paragraphs, page_count)


def image(kind="png", size=(1200, 900), color=(30, 90, 160)):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG" if kind == "jpeg" else "PNG")
    return out.getvalue()


# --- Hostile files -------------------------------------------------------------------------------
# Made here, byte by byte where the libraries would refuse to write them: ZIP archives whose
# central directory lies about what a member inflates to, compression streams that inflate to a
# gigabyte from a few bytes (built by repeating one compressed block, so that making them takes
# milliseconds, not the ten seconds compressing a gigabyte would), a PDF with a page 100,000
# points tall and a PNG of 20,000 × 20,000 pixels.

GIB = 1024 * 1024 * 1024
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def raw_zip(members):
    """A ZIP archive written as given: ``members`` are (name, method, packed bytes, declared
    size, declared CRC-32) — nothing is checked, so the directory may lie."""
    import struct

    out, directory = io.BytesIO(), []
    for name, method, packed, size, crc in members:
        encoded = name.encode()
        offset = out.tell()
        out.write(
            struct.pack(
                "<4sHHHHHIIIHH",
                b"PK\x03\x04",
                20,
                0,
                method,
                0,
                0x21,
                crc,
                len(packed),
                size,
                len(encoded),
                0,
            )
        )
        out.write(encoded + packed)
        directory.append(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                20,
                20,
                0,
                method,
                0,
                0x21,
                crc,
                len(packed),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    out.write(b"".join(directory))
    out.write(
        struct.pack(
            "<4sHHHHIIH",
            b"PK\x05\x06",
            0,
            0,
            len(members),
            len(members),
            out.tell() - start,
            start,
            0,
        )
    )
    return out.getvalue()


def deflated(data, level=9):
    """Raw deflate, as ZIP members hold it."""
    import zlib

    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


@functools.lru_cache(maxsize=8)
def deflate_bomb(prefix=b"", size=GIB):
    """Raw deflate of ``prefix`` then zeros up to ``size`` bytes: one fully flushed 1 MiB block of
    zeros compresses to the same bytes every time, so it is compressed once and repeated."""
    import zlib

    chunk = 1024 * 1024
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = packer.compress(prefix) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(bytes(chunk)) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(bytes(chunk)) + packer.flush(zlib.Z_FULL_FLUSH)
    assert block == again
    tail = packer.flush()
    return head + block * (2 + max(0, (size - len(prefix)) // chunk - 2)) + tail


@functools.lru_cache(maxsize=8)
def bzip2_bomb(prefix=b"", size=GIB):
    """A bzip2 stream of ``prefix`` then zeros up to about ``size`` bytes, in one stream (Python's
    zipfile reads only the first): one block of 40 MiB of zeros is compressed once and its bits
    repeated, with the stream's combined CRC recomputed."""
    import bz2

    zeros = 40 * 1024 * 1024

    def block_bits(data):
        # A single-block stream: "BZh9", the block, the end marker, the combined CRC, padding.
        packed = bz2.compress(data, 9)
        bits = "".join(f"{byte:08b}" for byte in packed)
        end = bits.rfind(f"{0x177245385090:048b}")
        block = bits[32:end]
        assert (
            block.startswith(f"{0x314159265359:048b}")
            and block.count(f"{0x314159265359:048b}") == 1
        )
        return block, int(block[48:80], 2)

    blocks = []
    if prefix:
        blocks.append(block_bits(prefix))
    blocks += [block_bits(bytes(zeros))] * max(1, (size - len(prefix)) // zeros)
    combined = 0
    for _block, crc in blocks:
        combined = (((combined << 1) | (combined >> 31)) & 0xFFFFFFFF) ^ crc
    bits = "".join(block for block, _crc in blocks) + f"{0x177245385090:048b}{combined:032b}"
    bits += "0" * (-len(bits) % 8)
    return b"BZh9" + int(bits, 2).to_bytes(len(bits) // 8, "big")


def lying_odt(method="bzip2", size=GIB):
    """An «ODT» whose ``mimetype`` member declares its 39 bytes (and their checksum) but inflates
    to ``size`` bytes: the real mimetype, then zeros. ``method``: "bzip2" or "deflate"."""
    import zipfile
    import zlib

    bomb = (bzip2_bomb if method == "bzip2" else deflate_bomb)(ODT_MIMETYPE, size)
    code = zipfile.ZIP_BZIP2 if method == "bzip2" else zipfile.ZIP_DEFLATED
    content = documents.odt_content([LOREM]).encode()
    return raw_zip(
        [
            ("mimetype", code, bomb, len(ODT_MIMETYPE), zlib.crc32(ODT_MIMETYPE)),
            ("content.xml", 8, deflated(content), len(content), zlib.crc32(content)),
        ]
    )


def rezipped(data, replace=None, lie=True):
    """The members of the ZIP ``data`` written again with raw_zip, deflated; ``replace`` maps a
    member name to (real bytes, packed bytes) — with ``lie`` the directory keeps declaring the
    real bytes' size and checksum whatever the packed bytes inflate to."""
    import zipfile
    import zlib

    replace = replace or {}
    members = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist() + [name for name in replace if name not in archive.namelist()]
        for name in names:
            if name in replace:
                real, packed = replace[name]
            else:
                real = archive.read(name)
                packed = deflated(real)
            members.append((name, 8, packed, len(real), zlib.crc32(real)))
    return raw_zip(members)


def docx_with_content_types_bomb(size=GIB):
    """A real DOCX whose ``[Content_Types].xml`` declares its real size and checksum but goes on
    inflating, zeros after the XML, to ``size`` bytes."""
    import zipfile

    data = docx()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    return rezipped(data, {"[Content_Types].xml": (types, deflate_bomb(types, size))})


def docx_claiming_pages(pages):
    """A DOCX whose docProps/app.xml says it has ``pages`` pages (Word writes what it counted)."""
    app = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Pages>{pages}</Pages><Words>{pages}</Words></Properties>"
    ).encode()
    return rezipped(docx(), {"docProps/app.xml": (app, deflated(app))})


def pdf_with_page(width=200, height=100_000):
    """A valid PDF of one blank page ``width`` × ``height`` points (a few hundred bytes)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=width, height=height)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@functools.lru_cache(maxsize=4)
def huge_png(width=20_000, height=20_000):
    """A valid black-and-white PNG of ``width`` × ``height`` pixels, about 50 KB: decoding it
    takes ``width × height`` bytes or more."""
    import struct
    import zlib

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    row = bytes(1 + (width + 7) // 8)  # filter byte "none", then 1 bit a pixel
    packer = zlib.compressobj(9)
    rows_at_once = max(1, (1024 * 1024) // len(row))
    parts = []
    for start in range(0, height, rows_at_once):
        parts.append(packer.compress(row * min(rows_at_once, height - start)))
    parts.append(packer.flush())
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", b"".join(parts))
        + chunk(b"IEND", b"")
    )


def hostile_files():
    """Every hostile file of the issue, by name: what a test submits, inspects or measures."""
    return {
        "bzip2.odt": lying_odt("bzip2"),
        "deflate.odt": lying_odt("deflate"),
        "types.docx": docx_with_content_types_bomb(),
        "tall.pdf": pdf_with_page(200, 100_000),
        "huge.png": huge_png(),
    }


# --- Documents that name their author (the anonymity check) -------------------------------------


def pdf_pages(*texts):
    """A PDF with one page per text."""
    return documents.pdf(documents.pages(*([("p", text)] for text in texts)))


def pdf_with_metadata(info, xmp_creator=""):
    """``pdf()`` with the document information ``info`` ({"/Author": …}) and, with
    ``xmp_creator``, an XMP packet naming that creator."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf())))
    writer.add_metadata(info)
    if xmp_creator:
        writer.xmp_metadata = (
            '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF'
            ' xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:creator><rdf:Seq><rdf:li>{xmp_creator}</rdf:li></rdf:Seq></dc:creator>"
            '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
        ).encode()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def odt_with_meta(paragraphs=(LOREM,), initial_creator="", creator="", user_defined=None):
    """``odt()`` whose meta.xml names its creators and has user-defined fields ({name: value})."""
    import zipfile
    from xml.sax.saxutils import escape, quoteattr

    fields = "".join(
        f"<meta:user-defined meta:name={quoteattr(name)}>{escape(value)}</meta:user-defined>"
        for name, value in (user_defined or {}).items()
    )
    meta = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"><office:meta>'
        "<meta:generator>LibreOffice/7.6</meta:generator>"
        f"<meta:initial-creator>{escape(initial_creator)}</meta:initial-creator>"
        f"<dc:creator>{escape(creator)}</dc:creator>{fields}"
        '<meta:document-statistic meta:page-count="1"/>'
        "</office:meta></office:document-meta>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr(
            "content.xml",
            documents.odt_content(paragraphs),
            compress_type=zipfile.ZIP_DEFLATED,
        )
        archive.writestr("meta.xml", meta, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def docx_with_custom_properties(properties, **kwargs):
    """``documents.docx`` with docProps/custom.xml holding ``properties`` ({name: text}), as
    Word writes a document's custom properties (its relationship and content type too)."""
    import zipfile
    from xml.sax.saxutils import escape, quoteattr

    data = documents.docx([("p", LOREM)], **kwargs)
    custom = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
        ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        + "".join(
            '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"'
            f" pid={quoteattr(str(pid))} name={quoteattr(name)}>"
            f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
            for pid, (name, value) in enumerate(properties.items(), start=2)
        )
        + "</Properties>"
    ).encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "_rels/.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdCustom" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/custom-properties"'
                    b' Target="docProps/custom.xml"/></Relationships>',
                )
            elif item.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/docProps/custom.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>',
                )
            target.writestr(item, content)
        target.writestr("docProps/custom.xml", custom)
    return out.getvalue()


def photo_with_exif(kind="jpeg", size=(640, 480), artist="", xp_author="", text=None):
    """A photo whose EXIF names its ``artist`` (ASCII, as EXIF stores it) and ``xp_author``
    (Windows' «Авторы», UTF-16); a PNG also gets the text chunks ``text`` ({key: value})."""
    from PIL import Image, PngImagePlugin

    exif = Image.Exif()
    if artist:
        exif[0x013B] = artist
    if xp_author:
        exif[0x9C9D] = xp_author.encode("utf-16-le") + b"\x00\x00"
    out = io.BytesIO()
    picture = Image.new("RGB", size, (200, 120, 40))
    if kind == "jpeg":
        picture.save(out, format="JPEG", quality=90, exif=exif.tobytes())
    else:
        chunks = PngImagePlugin.PngInfo()
        for key, value in (text or {}).items():
            chunks.add_itxt(key, value)
        picture.save(out, format="PNG", exif=exif.tobytes(), pnginfo=chunks)
    return out.getvalue()


def docx_with_footer(footer, paragraphs=(LOREM,)):
    """A DOCX whose page footer says ``footer`` (where people sign their work)."""
    import docx as python_docx

    document = python_docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.sections[0].footer.paragraphs[0].text = footer
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
