"""Real documents for tests, made by the same libraries that read them: PDF (WeasyPrint, so
Cyrillic text is really extractable), DOCX, PPTX, ODT, PNG and JPEG; and broken ones (cut short,
password-protected)."""

import functools
import io
import zipfile

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
    from weasyprint import HTML

    body = "".join(
        f"<section style='page-break-after: always'><h1>Страница {n}</h1><p>{text}</p></section>"
        for n in range(1, pages + 1)
    )
    return HTML(string=f"<html lang='ru'><body>{body}</body></html>").write_pdf()


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


def docx(paragraphs=(LOREM,), pages=None):
    import docx as python_docx

    document = python_docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pptx(slides=("Слайд первый", LOREM)):
    import pptx as python_pptx

    presentation = python_pptx.Presentation()
    layout = presentation.slide_layouts[1]
    for number, text in enumerate(slides, start=1):
        slide = presentation.slides.add_slide(layout)
        slide.shapes.title.text = f"Слайд {number}"
        slide.placeholders[1].text = text
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def odt(paragraphs=(LOREM,), page_count=1):
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        "<office:body><office:text>"
        + "".join(f"<text:p>{paragraph}</text:p>" for paragraph in paragraphs)
        + "</office:text></office:body></office:document-content>"
    )
    meta = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"><office:meta>'
        f'<meta:document-statistic meta:page-count="{page_count}"/>'
        "</office:meta></office:document-meta>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("meta.xml", meta, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def image(kind="png", size=(1200, 900), color=(30, 90, 160)):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG" if kind == "jpeg" else "PNG")
    return out.getvalue()
