"""Looking inside one uploaded file, whatever it claims to be: its kind read again from the
content, limits, zip-bomb checks, the text, the number of pages (slides for presentations), the
words, a preview image of the first page and a SHA-256.

Everything here works on an open binary file and returns a ``FileReport``; nothing touches the
database, so it is tested on its own and run by the pipeline in ``processing``. A file that
cannot be read is not an error of ours: it becomes a report with a ``problem`` the participant
can act on (in Russian)."""

import hashlib
import io
import math
import re
import time
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _
from lxml import etree
from PIL import Image as PillowImage
from willow.image import Image as WillowImage

from kuzbib_site.base.uploads import check_upload, open_guarded_zip

from .conf import setting

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
# What an Office or OpenDocument file may unpack to in the members read here (beyond the archive
# guard's own limits): metadata is a few kilobytes, a thumbnail a few hundred.
METADATA_MAX_BYTES = 1024 * 1024
THUMBNAIL_MAX_BYTES = 5 * 1024 * 1024
THUMBNAIL_MAX_PIXELS = 4_000_000
# The largest count the EntryFile columns take (PositiveIntegerField: 0…2147483647 on every
# database Django supports); a file's metadata may claim anything.
COUNT_MAX = 2_147_483_647
COUNT_RE = re.compile(r"\s*([0-9]{1,20})\s*")


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


def sha256_of(handle):
    digest = hashlib.sha256()
    handle.seek(0)
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest()


def count_words(text):
    return len(WORD_RE.findall(text))


def clamp_count(value):
    """A page, slide or word count that fits the columns: None stays None (unknown)."""
    if value is None:
        return None
    return max(0, min(int(value), COUNT_MAX))


def _metadata_count(text):
    """A count written in a document's metadata (app.xml, meta.xml), or None if it is no number;
    clamped, since the file may claim 99,999,999,999 pages."""
    match = COUNT_RE.fullmatch(text or "")
    return clamp_count(int(match.group(1))) if match else None


def _memory_problem(name):
    return _(
        "The file «%(name)s» needs more memory to read than is allowed; the organisers will "
        "check it by hand."
    ) % {"name": name}


def check_deadline(deadline):
    """Stop between pages once the time is up. Celery's soft time limit raises the same
    exception from a signal, but a parser may catch it (pypdf catches broadly while extracting
    text), and the solo pool has no time limits at all: this check cannot be swallowed."""
    if deadline is not None and time.monotonic() > deadline:
        raise SoftTimeLimitExceeded


def inspect(handle, name, allowed_kinds, max_bytes, deadline=None):
    """Read an open binary file ``handle`` (named ``name`` for messages) and report on it;
    raise SoftTimeLimitExceeded if it is still being read at ``deadline`` (time.monotonic).

    Office and OpenDocument files pass the archive guard (in ``check_upload``) before any
    library opens them. A file that needs more memory than the worker's address-space limit
    allows (see ``contests.tasks``) raises MemoryError somewhere inside a parser: that becomes
    the file's problem, not a run that dies and leaves the entry «being checked»."""
    report = FileReport(kind="", sha256=sha256_of(handle))
    wrapped = File(handle, name=name)
    try:
        report.kind = check_upload(wrapped, allowed=allowed_kinds, max_bytes=max_bytes)
    except ValidationError as error:
        report.problem = " ".join(error.messages)
        return report
    except MemoryError:
        report.problem = _memory_problem(name)
        return report
    reader = READERS[report.kind]
    handle.seek(0)
    try:
        reader(handle, name, report, deadline)
    except SoftTimeLimitExceeded:
        raise
    except ValidationError as error:  # the archive guard, on a member read here
        report.problem = " ".join(error.messages)
    except MemoryError:
        report.problem = _memory_problem(name)
    except Exception:  # noqa: BLE001 - any failure to parse an untrusted file is the file's problem
        report.problem = _("The file «%(name)s» is damaged and cannot be read.") % {"name": name}
    if report.problem:
        report.text, report.preview = "", None
    text_max = setting("TEXT_MAX_CHARS")
    if len(report.text) > text_max:
        report.text = report.text[:text_max]
    if report.text and report.words is None:
        report.words = count_words(report.text)
    report.pages, report.words = clamp_count(report.pages), clamp_count(report.words)
    return report


# --- PDF ---------------------------------------------------------------------------------------


def _read_pdf(handle, name, report, deadline):
    # check_upload has already refused PDFs that are cut short or need a password. pypdf (6.x)
    # caps what any one stream inflates to (75 MB), so a compressed content stream cannot
    # inflate without bound while the text is extracted.
    from pypdf import PdfReader  # noqa: PLC0415 — heavy; loaded only where such a file is read

    reader = PdfReader(handle, strict=False)
    if reader.is_encrypted:
        reader.decrypt("")
    # The page count comes from the file's page tree (/Count), which may claim anything.
    report.pages = clamp_count(len(reader.pages))
    text_max = setting("TEXT_MAX_CHARS")
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


def preview_geometry(width, height):
    """The scale and the crop (points cut off the bottom) at which a first page ``width`` ×
    ``height`` points is drawn as its preview, or None when there is nothing sensible to draw.

    A PDF page may be 200 × 100,000 points (a 434-byte file): drawn whole at the preview's width
    it is a bitmap of 800 × 400,000 pixels, gigabytes. Such a page is legal PDF and not the
    participant's fault (a long web page «printed» to PDF looks like that), and the jury reads
    the file itself; the preview only has to show what the work looks like. So the page is not
    refused: it is drawn at the preview's width and only its top part, down to
    PREVIEW_MAX_HEIGHT pixels, is drawn — never more than PREVIEW_WIDTH × PREVIEW_MAX_HEIGHT
    pixels, whatever the page's size."""
    target, max_height = setting("PREVIEW_WIDTH"), setting("PREVIEW_MAX_HEIGHT")
    if not all(math.isfinite(side) and side > 0 for side in (width, height)):
        return None
    scale = min(target / width, 4)
    if width * scale < 1 or min(height, max_height / scale) * scale < 1:
        return None  # a sliver: less than a pixel across
    crop_bottom = max(0.0, height - max_height / scale)
    return scale, crop_bottom


def _pdf_preview(handle):
    import pypdfium2  # noqa: PLC0415 — heavy; loaded only where such a file is read

    handle.seek(0)
    # pypdfium2 reads through the handle, so a large PDF is not loaded into memory at once.
    document = pypdfium2.PdfDocument(handle)
    try:
        page = document[0]
        try:
            geometry = preview_geometry(*page.get_size())
            if geometry is None:
                return None
            scale, crop_bottom = geometry
            # crop: points cut off (left, bottom, right, top) after rotation: the top is kept.
            image = page.render(scale=scale, crop=(0, crop_bottom, 0, 0)).to_pil()
        finally:
            page.close()
        out = io.BytesIO()
        image.convert("RGB").save(out, format="PNG")
        return out.getvalue()
    finally:
        document.close()


# --- Office and OpenDocument -------------------------------------------------------------------
# check_upload has passed every member of the archive through the guard (real inflated sizes,
# stored or deflate only, XML members capped) before python-docx or python-pptx open it; the
# members read here are read again through the guard, each with its own small cap.


def _read_docx(handle, name, report, deadline):
    import docx  # noqa: PLC0415 — heavy; loaded only where such a file is read

    document = docx.Document(handle)
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    report.text = "\n".join(part for part in parts if part)
    handle.seek(0)
    with open_guarded_zip(handle, name) as archive:
        report.pages = _app_pages(archive)
        report.preview = _office_thumbnail(archive)


def _read_pptx(handle, name, report, deadline):
    import pptx  # noqa: PLC0415 — heavy; loaded only where such a file is read

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
    handle.seek(0)
    with open_guarded_zip(handle, name) as archive:
        report.preview = _office_thumbnail(archive)


def _read_odt(handle, name, report, deadline):
    with open_guarded_zip(handle, name) as archive:
        report.text = "\n".join(part for part in _odf_paragraphs(archive) if part)
        if "meta.xml" in archive.namelist():
            meta = etree.fromstring(archive.read("meta.xml", METADATA_MAX_BYTES), SAFE_XML)
            stats = meta.find(".//meta:document-statistic", ODF_NS)
            if stats is not None:
                report.pages = _metadata_count(stats.get(f"{{{ODF_NS['meta']}}}page-count"))
        report.preview = _office_thumbnail(archive)


def _odf_paragraphs(archive):
    """The text of content.xml's paragraphs and headings, read as a stream of parser events:
    no tree is built, so an XML that inflates to millions of elements costs no memory beyond
    its text (and the guard caps the member's bytes)."""
    collector = _OdfText()
    parser = etree.XMLParser(
        target=collector, resolve_entities=False, no_network=True, huge_tree=False
    )
    stream = archive.open("content.xml")
    for chunk in iter(lambda: stream.read(64 * 1024), b""):
        parser.feed(chunk)
    return parser.close()


class _OdfText:
    """An lxml parser target collecting the text of ``text:p`` and ``text:h`` elements (the text
    of a paragraph nested in another, as in a note, counts for both, as ``itertext`` would)."""

    def __init__(self):
        self.paragraphs = []
        self.open = []

    def doctype(self, name, public_id, system_url):
        # Office suites never write one; with a parser target lxml would expand the entities
        # it declares (billion laughs), so a file that has one is not read at all.
        raise ValueError("content.xml declares a document type")

    def start(self, tag, attrib):
        if tag.endswith(("}p", "}h")):
            self.open.append([])

    def data(self, text):
        for buffer in self.open:
            buffer.append(text)

    def end(self, tag):
        if tag.endswith(("}p", "}h")) and self.open:
            self.paragraphs.append("".join(self.open.pop()))

    def close(self):
        return self.paragraphs


def _app_pages(archive):
    """The page count Word stores in docProps/app.xml (Word counts pages, the file does not)."""
    if "docProps/app.xml" not in archive.namelist():
        return None
    root = etree.fromstring(archive.read("docProps/app.xml", METADATA_MAX_BYTES), SAFE_XML)
    for element in root:
        if isinstance(element.tag, str) and element.tag.endswith("}Pages"):
            return _metadata_count(element.text)
    return None


def _office_thumbnail(archive):
    names = set(archive.namelist())
    for member in OFFICE_THUMBNAILS:
        if member in names:
            try:
                # The archive passed the guard as a whole: what can fail here is this read's
                # own cap, and a thumbnail over it only means no preview.
                data = archive.read(member, THUMBNAIL_MAX_BYTES)
                return _image_preview(io.BytesIO(data), max_pixels=THUMBNAIL_MAX_PIXELS)
            except MemoryError:
                raise
            except Exception:  # noqa: BLE001 - a broken thumbnail only means no preview
                return None
    return None


# --- Images ------------------------------------------------------------------------------------


def _read_image(handle, name, report, deadline):
    try:
        # Only the header is read here; Pillow itself refuses sizes past twice its own limit.
        with PillowImage.open(handle) as image:
            width, height = image.size
    except PillowImage.DecompressionBombError:
        width = height = None
    if width is None or width * height > setting("IMAGE_MAX_PIXELS"):
        report.problem = _too_many_pixels(name, width, height)
        return
    report.pages = 1
    handle.seek(0)
    try:
        report.preview = _image_preview(handle)
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - an image Pillow cannot convert still goes to the jury
        report.preview = None


def _too_many_pixels(name, width, height):
    if width is None:
        return _("The image «%(name)s» has too many pixels to process.") % {"name": name}
    return _("The image «%(name)s» is %(width)s × %(height)s pixels, too large to process.") % {
        "name": name,
        "width": width,
        "height": height,
    }


def _image_preview(handle, max_pixels=None):
    """A PNG of the image no wider than the preview width, decoded and re-encoded (so that what
    managers' browsers open is our own file, not the upload); None for an image with more than
    ``max_pixels`` (IMAGE_MAX_PIXELS unless given), which is never decoded."""
    image = WillowImage.open(handle)
    width, height = image.get_size()
    if width * height > (max_pixels or setting("IMAGE_MAX_PIXELS")):
        return None
    target = setting("PREVIEW_WIDTH")
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
