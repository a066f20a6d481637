"""Entry files for the contest benchmarks (``bench.contests``), made here in seconds by the
demo's document writer (``kuzbib_site.demo.documents``) unless said otherwise.

* ``text_pdfs``: short PDFs with real Cyrillic text (WeasyPrint renders them all in one
  document, whose pages are then written out per entry: one render instead of dozens);
* ``photo_pdf``: a PDF of a few pages of text and a photo, of about the size a participant
  sends (the form's POST);
* ``docx`` and ``pptx``: made by python-docx and python-pptx, the libraries that read them;
* ``scan_pdf``: a large PDF written directly, a page per scanned image (a JPEG each, as a
  scanner makes) with a line of text, of any size; written straight to a file, so that a 50 MB
  file costs neither 50 MB of memory nor a renderer's time.

Deterministic: the same seed gives the same bytes.
"""

import io
import random

from kuzbib_site.demo import documents

RUSSIAN = (
    "библиотека читатель книга клуб чтение фонд каталог краеведение выставка проект молодёжь "
    "школа урок встреча писатель поэт журнал газета архив музей семья династия шахтёр Кузбасс "
    "Кемерово Новокузнецк Прокопьевск игра квест конкурс презентация отчёт опрос анкета дети "
    "подростки студенты пенсионеры волонтёры сайт блог видео подкаст экскурсия мастерская "
    "обсуждение сценарий праздник традиция история память земляки герои улица район посёлок"
)
# For the scanned PDF's text layer, in a standard PDF font (Latin only).
TRANSLITERATED = (
    "biblioteka chitatel kniga klub chtenie fond katalog kraevedenie vystavka proekt shkola "
    "urok vstrecha pisatel poet zhurnal gazeta arkhiv muzei semya dinastiya Kuzbass Kemerovo"
)
VOCABULARY = RUSSIAN.split()
LATIN = TRANSLITERATED.split()


def words(rng, count, vocabulary=VOCABULARY):
    return " ".join(rng.choice(vocabulary) for _ in range(count))


def paragraphs(rng, count, length=60):
    return [words(rng, length).capitalize() + "." for _ in range(count)]


# --- PDFs with text (WeasyPrint) ---------------------------------------------------------------


def text_pdfs(count, pages, seed, words_per_page=240):
    """``count`` PDFs of ``pages`` pages each, every page a heading and different text."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    works = {}
    for number in range(1, count + 1):
        works[number] = documents.pages(
            *(
                [
                    ("h1", f"Конкурсная работа {number}, с. {page}"),
                    *(("p", text) for text in paragraphs(rng, 4, words_per_page // 4)),
                ]
                for page in range(1, pages + 1)
            )
        )
    return list(documents.pdfs(works).values())


def photo(rng, size=(1240, 930), quality=85):
    """A JPEG that compresses like a photo or a scan (smooth random colour, not flat)."""
    from PIL import Image

    width, height = size
    small = (max(1, width // 4), max(1, height // 4))
    image = Image.frombytes("RGB", small, rng.randbytes(small[0] * small[1] * 3))
    image = image.resize(size, Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def photo_pdf(seed, target_kb=200, pages=3):
    """A report of ``pages`` pages of text with one photo, about ``target_kb`` KB."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    texts = [paragraphs(rng, 4) for _ in range(pages)]

    def report(image):
        return documents.pages(
            *(
                [
                    ("h1", f"Отчёт о проекте, с. {page}"),
                    *([("image", image)] if page == 1 else []),
                    *(("p", text) for text in texts[page - 1]),
                ]
                for page in range(1, pages + 1)
            )
        )

    width = 600
    data = b""
    for _ in range(8):  # a photo whose size brings the file to about target_kb
        image = photo(rng, (width, width * 3 // 4))
        data = documents.pdf(report(image))
        if len(data) >= target_kb * 1024 * 0.9:
            break
        width = int(width * min(2.0, (target_kb * 1024 / max(len(data), 1)) ** 0.5 * 1.05))
    return data


# --- Office documents --------------------------------------------------------------------------


def docx(seed, count=6):
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    heading = words(rng, 5).capitalize()
    return documents.docx([("h1", heading), *(("p", text) for text in paragraphs(rng, count))])


def pptx(seed, slides=5):
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    return documents.pptx(
        [(f"Слайд {number}: {words(rng, 3)}", [words(rng, 40)]) for number in range(1, slides + 1)]
    )


# --- A large scanned PDF -----------------------------------------------------------------------


def _with_comment(jpeg, text):
    """The same JPEG with a comment segment after its SOI marker: other bytes, same picture."""
    comment = text.encode("ascii")
    return jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]


def scan_pdf(path, target_mb, seed, distinct_images=8, lines=40):
    """Write a searchable scan: A4 pages, each a full-page JPEG (different bytes on every page)
    under an invisible text layer of ``lines`` lines, as a scanner's OCR makes, until the file
    reaches ``target_mb`` MiB. Returns the number of pages."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    images = [photo(rng, (1240, 1754), quality=75) for _ in range(distinct_images)]
    target = target_mb * 1024 * 1024
    pages = max(1, round(target / len(images[0])))
    # Objects: 1 catalog, 2 page tree, 3 font; then page, contents and image for each page.
    first = 4
    kids = " ".join(f"{first + 3 * n} 0 R" for n in range(pages))
    offsets = []
    with open(path, "wb") as out:

        def obj(body, stream=None):
            offsets.append(out.tell())
            out.write(b"%d 0 obj\n" % len(offsets) + body)
            if stream is not None:
                out.write(b"\nstream\n" + stream + b"\nendstream")
            out.write(b"\nendobj\n")

        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        obj(b"<< /Type /Catalog /Pages 2 0 R >>")
        obj(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids.encode(), pages))
        obj(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
        for n in range(pages):
            contents, image = first + 3 * n + 1, first + 3 * n + 2  # the page is first + 3n
            jpeg = _with_comment(images[n % len(images)], f"bench page {n + 1}")
            text = [f"Skan {n + 1}"] + [words(rng, 9, LATIN) for _ in range(lines)]
            layer = b" T* ".join(b"(%s) Tj" % line.encode("ascii") for line in text)
            content = (
                b"q 595 0 0 842 0 0 cm /Im1 Do Q "
                b"BT /F1 10 Tf 3 Tr 14 TL 40 800 Td " + layer + b" ET"
            )
            obj(
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                b"/Resources << /Font << /F1 3 0 R >> /XObject << /Im1 %d 0 R >> >> "
                b"/Contents %d 0 R >>" % (image, contents)
            )
            obj(b"<< /Length %d >>" % len(content), content)
            obj(
                b"<< /Type /XObject /Subtype /Image /Width 1240 /Height 1754 "
                b"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode "
                b"/Length %d >>" % len(jpeg),
                jpeg,
            )
        xref = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
        for offset in offsets:
            out.write(b"%010d 00000 n \n" % offset)
        out.write(
            b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(offsets) + 1, xref)
        )
    return pages
