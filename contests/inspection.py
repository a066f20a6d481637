"""Looking inside one uploaded file, whatever it claims to be: its kind read again from the
content, limits, zip-bomb checks, the text, the number of pages (slides for presentations), the
words, a preview image of the first page and a SHA-256.

Everything here works on an open binary file and returns a ``FileReport``; nothing touches the
database, so it is tested on its own and run by the pipeline in ``processing``. A file that
cannot be read is not an error of ours: it becomes a report with a ``problem`` the participant
can act on (in Russian)."""

import hashlib
import io
import re
import time
import zipfile
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _
from lxml import etree

from kuzbib_site.base.uploads import check_upload

WORD_RE = re.compile(r"\w+(?:[-'’]\w+)*")
# Office XML is read without entities or network access (no billion laughs, no XXE).
SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
ODF_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
}
OFFICE_THUMBNAILS = [
    "docProps/thumbnail.jpeg",
    "docProps/thumbnail.png",
    "Thumbnails/thumbnail.png",
]


@dataclass
class FileReport:
    kind: str
    sha256: str
    pages: int | None = None
    words: int | None = None
    text: str = ""
    preview: bytes | None = None
    preview_ext: str = "png"
    problem: str = ""


def _limits():
    return settings.KUZBIB_CONTESTS


def sha256_of(handle):
    digest = hashlib.sha256()
    handle.seek(0)
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest()


def count_words(text):
    return len(WORD_RE.findall(text))


def check_deadline(deadline):
    """Stop between pages once the time is up. Celery's soft time limit raises the same
    exception from a signal, but a parser may catch it (pypdf catches broadly while extracting
    text), and the solo pool has no time limits at all: this check cannot be swallowed."""
    if deadline is not None and time.monotonic() > deadline:
        raise SoftTimeLimitExceeded


def inspect(handle, name, allowed_kinds, max_bytes, deadline=None):
    """Read an open binary file ``handle`` (named ``name`` for messages) and report on it;
    raise SoftTimeLimitExceeded if it is still being read at ``deadline`` (time.monotonic)."""
    report = FileReport(kind="", sha256=sha256_of(handle))
    wrapped = File(handle, name=name)
    try:
        report.kind = check_upload(wrapped, allowed=allowed_kinds, max_bytes=max_bytes)
    except ValidationError as error:
        report.problem = " ".join(error.messages)
        return report
    reader = READERS[report.kind]
    handle.seek(0)
    try:
        reader(handle, name, report, deadline)
    except SoftTimeLimitExceeded:
        raise
    except Exception:  # noqa: BLE001 - any failure to parse an untrusted file is the file's problem
        report.problem = _("The file «%(name)s» is damaged and cannot be read.") % {"name": name}
        report.text, report.preview = "", None
    text_max = _limits()["TEXT_MAX_CHARS"]
    if len(report.text) > text_max:
        report.text = report.text[:text_max]
    if report.text and report.words is None:
        report.words = count_words(report.text)
    return report


# --- PDF ---------------------------------------------------------------------------------------


def _read_pdf(handle, name, report, deadline):
    # check_upload has already refused PDFs that are cut short or need a password.
    from pypdf import PdfReader

    reader = PdfReader(handle, strict=False)
    if reader.is_encrypted:
        reader.decrypt("")
    report.pages = len(reader.pages)
    text_max = _limits()["TEXT_MAX_CHARS"]
    parts, length = [], 0
    for page in reader.pages:
        if length > text_max:
            break
        check_deadline(deadline)
        part = page.extract_text() or ""
        parts.append(part)
        length += len(part)
    report.text = "\n".join(parts)
    check_deadline(deadline)
    report.preview = _pdf_preview(handle)


def _pdf_preview(handle):
    import pypdfium2

    handle.seek(0)
    # pypdfium2 reads through the handle, so a large PDF is not loaded into memory at once.
    document = pypdfium2.PdfDocument(handle)
    try:
        page = document[0]
        scale = _limits()["PREVIEW_WIDTH"] / max(page.get_width(), 1)
        image = page.render(scale=min(scale, 4)).to_pil()
        out = io.BytesIO()
        image.convert("RGB").save(out, format="PNG")
        page.close()
        return out.getvalue()
    finally:
        document.close()


# --- Office and OpenDocument -------------------------------------------------------------------


def _read_docx(handle, name, report, deadline):
    import docx

    document = docx.Document(handle)
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    report.text = "\n".join(part for part in parts if part)
    with zipfile.ZipFile(handle) as archive:
        report.pages = _app_pages(archive)
        report.preview = _office_thumbnail(archive)


def _read_pptx(handle, name, report, deadline):
    import pptx

    presentation = pptx.Presentation(handle)
    parts = []
    for slide in presentation.slides:
        check_deadline(deadline)
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                for row in shape.table.rows:
                    parts.extend(cell.text for cell in row.cells)
    report.pages = len(presentation.slides)
    report.text = "\n".join(part for part in parts if part)
    with zipfile.ZipFile(handle) as archive:
        report.preview = _office_thumbnail(archive)


def _read_odt(handle, name, report, deadline):
    with zipfile.ZipFile(handle) as archive:
        root = etree.fromstring(archive.read("content.xml"), SAFE_XML)
        body = root.find("office:body", ODF_NS)
        paragraphs = [
            "".join(element.itertext())
            for element in (body if body is not None else root).iter()
            if isinstance(element.tag, str) and element.tag.endswith(("}p", "}h"))
        ]
        report.text = "\n".join(part for part in paragraphs if part)
        if "meta.xml" in archive.namelist():
            meta = etree.fromstring(archive.read("meta.xml"), SAFE_XML)
            stats = meta.find(".//meta:document-statistic", ODF_NS)
            if stats is not None:
                pages = stats.get(f"{{{ODF_NS['meta']}}}page-count")
                report.pages = int(pages) if pages and pages.isdigit() else None
        report.preview = _office_thumbnail(archive)


def _app_pages(archive):
    """The page count Word stores in docProps/app.xml (Word counts pages, the file does not)."""
    if "docProps/app.xml" not in archive.namelist():
        return None
    root = etree.fromstring(archive.read("docProps/app.xml"), SAFE_XML)
    for element in root:
        if isinstance(element.tag, str) and element.tag.endswith("}Pages"):
            return int(element.text) if (element.text or "").isdigit() else None
    return None


def _office_thumbnail(archive):
    names = set(archive.namelist())
    for member in OFFICE_THUMBNAILS:
        if member in names and archive.getinfo(member).file_size < 5 * 1024 * 1024:
            try:
                return _image_preview(io.BytesIO(archive.read(member)))
            except Exception:  # noqa: BLE001 - a broken thumbnail only means no preview
                return None
    return None


# --- Images ------------------------------------------------------------------------------------


def _read_image(handle, name, report, deadline):
    from willow.image import Image

    image = Image.open(handle)
    width, height = image.get_size()
    if width * height > _limits()["IMAGE_MAX_PIXELS"]:
        report.problem = _(
            "The image «%(name)s» is %(width)s × %(height)s pixels, too large to process."
        ) % {"name": name, "width": width, "height": height}
        return
    report.pages = 1
    handle.seek(0)
    try:
        report.preview = _image_preview(handle)
    except Exception:  # noqa: BLE001 - an image Pillow cannot convert still goes to the jury
        report.preview = None


def _image_preview(handle):
    """A PNG of the image no wider than the preview width, decoded and re-encoded (so that what
    managers' browsers open is our own file, not the upload)."""
    from willow.image import Image

    image = Image.open(handle)
    width, height = image.get_size()
    target = _limits()["PREVIEW_WIDTH"]
    if width > target:
        image = image.resize((target, max(1, round(height * target / width))))
    out = io.BytesIO()
    image.save_as_png(out)
    return out.getvalue()


READERS = {
    "pdf": _read_pdf,
    "docx": _read_docx,
    "pptx": _read_pptx,
    "odt": _read_odt,
    "jpeg": _read_image,
    "png": _read_image,
}
