"""The ingest of an issue: an editor's upload split into pages, each page tiled, recognised and
indexed — plain functions that the Celery tasks (``tasks.py``) and the admin (``admin_views``)
call, testable without Celery.

What an editor may upload (``check_file``, in the web request and again in the worker):

- a PDF: its pages rendered at ``PDF_DPI``; the page count (``MAX_PAGES``) and every page's
  pixel size at that resolution (``MAX_PAGE_PIXELS``) are read from the document before any
  page is rendered;
- a JPEG, PNG or TIFF (a multi-page TIFF is one page a frame): its pixel size read from the
  header by the Hardening guard (``kuzbib_site.base.images.open_checked``) before it is decoded;
- a ZIP of such images, read through the archive guard (``kuzbib_site.base.uploads
  .open_guarded_zip``: bombs, odd compression, passwords), never unpacked to disk by its names:
  an archive naming a member outside itself (``../``, an absolute path) or holding a symbolic
  link is refused whole. Its pages are its images in the natural order of their names
  («2.jpg» before «10.jpg»); folders and system files (``__MACOSX/``, ``.DS_Store``,
  ``Thumbs.db``) are skipped, any other file is a failed page that says what it is.

A file refused whole (``Refused``: empty, too large, not one of those kinds, damaged, too many
pages, a path trick, a single image that is a bomb or cut short) leaves nothing behind: the
form shows the message, or, in the worker, the upload is «refused» with it, its file deleted
and no page made. A bad page of a good file never blocks the issue: it becomes a failed page
(``Scan`` «failed» with the reason in Russian) and the other pages go on.

``split(upload_id)`` — the worker's split. Idempotent: the upload is claimed «queued» →
«being split» by one conditional UPDATE; its page numbers are reserved at once, under a lock
on the issue (the pages of an issue are numbered across its uploads in the order they were
split); a split run again (the sweeper after a dead worker, or an editor) first deletes the
pages that upload made before, with their files, and numbers the new ones from the same first
number. Each page's master image is kept in scan storage — the original JPEG or PNG as
uploaded, a PDF page or TIFF frame as a lossless PNG — and its processing is sent as soon as it
is stored.

``process(scan_id)`` — one page: tiles (``tiles.make``), then OCR (``ocr.recognise``) into
ALTO, the text drawn from it and its lemmas (the index). Claimed «waiting» → «making tiles» by
one conditional UPDATE. A page whose tiles cannot be made fails; a page whose OCR fails (too
slow, out of memory) or where tesseract is missing (``ocr.available``) is made ready without
text, its ``error`` saying why, so that readers still see its image. ``rerun(scan_id)`` sends
one page through again (the admin's «Run again»).

``sweep(now)`` — what the beat's sweeper does: uploads and pages whose message was lost are
sent again; those whose worker died are put back and sent again, and given up after
``MAX_ATTEMPTS`` runs."""

import contextlib
import dataclasses
import datetime
import functools
import logging
import math
import os
import re
import shutil
import stat
import tempfile
import time

import filetype
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Count, F, Max, Min, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kuzbib_site.base import images, page_cache, page_cache_purge
from kuzbib_site.base.uploads import CHUNK, open_guarded_zip, safe_filename

from . import alto, ocr, tiles
from . import text as page_text
from .conf import setting
from .domain import corrections
from .models import IssuePage, IssueUpload, Scan

logger = logging.getLogger(__name__)

KINDS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpeg",
    "image/png": "png",
    "image/tiff": "tiff",
    "application/zip": "zip",
}
IMAGE_KINDS = ("jpeg", "png", "tiff")
PILLOW_FORMATS = {"jpeg": ("JPEG",), "png": ("PNG",), "tiff": ("TIFF",)}
#: What a ZIP of scans may hold besides its pages: folders and what file managers add.
JUNK = re.compile(r"(^|/)(__MACOSX/|\.[^/]*$|Thumbs\.db$|desktop\.ini$)", re.IGNORECASE)
#: The first bytes of a ZIP member read to tell its kind and its pixel size from its header.
HEAD_BYTES = 512 * 1024
ERROR_MAX_CHARS = 2000

UploadStatus = IssueUpload.Status
ScanStatus = Scan.Status


class Refused(Exception):
    """A file refused whole, with a translated ``message`` for the editor."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class PageRefused(Exception):
    """One page that cannot be made, with a translated ``message``."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclasses.dataclass
class PageSource:
    """Where one page of an upload comes from: the ``index``-th page of a PDF or frame of a
    TIFF, or a ZIP ``member``; ``problem`` is why it cannot be made (already known from the
    header), else empty."""

    kind: str
    label: str
    index: int = 0
    member: str = ""
    problem: str = ""


def _in_site_language(function):
    """Messages are stored in the site's language, whichever request or worker wrote them."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper


# --- What a file holds -----------------------------------------------------------------------


def detect_kind(head):
    """The kind (pdf, jpeg, png, tiff, zip) that a file's first bytes show, or None."""
    guess = filetype.guess(head)
    return KINDS.get(guess.mime) if guess else None


def _wrong_kind(name):
    return Refused(
        _(
            "The file «%(name)s» is not a PDF, a JPEG, PNG or TIFF image or a ZIP of images "
            "(its content was checked, not its name)."
        )
        % {"name": name}
    )


def _damaged(name):
    return _("The file «%(name)s» is damaged and cannot be opened.") % {"name": name}


def _too_many_pages(name, count):
    return Refused(
        _("The file «%(name)s» has %(count)s pages; at most %(limit)s are accepted in one upload.")
        % {"name": name, "count": count, "limit": setting("MAX_PAGES")}
    )


def check_file(handle, name):
    """The pages of the upload in the open binary file ``handle`` (named ``name`` in
    messages): a list of ``PageSource``. Raises ``Refused`` for a file refused whole. Reads
    headers only: nothing is rendered or decoded."""
    handle.seek(0, 2)
    size = handle.tell()
    handle.seek(0)
    if size == 0:
        raise Refused(_("The file «%(name)s» is empty.") % {"name": name})
    if size > setting("UPLOAD_MAX_BYTES"):
        raise Refused(
            _("The file «%(name)s» is %(size)s; at most %(limit)s is accepted.")
            % {
                "name": name,
                "size": filesizeformat(size),
                "limit": filesizeformat(setting("UPLOAD_MAX_BYTES")),
            }
        )
    kind = detect_kind(handle.read(8192))
    handle.seek(0)
    try:
        if kind == "pdf":
            return _pdf_pages(handle, name)
        if kind in IMAGE_KINDS:
            pages = _image_pages(handle, name, kind)
            # A single image is the whole upload: a bad one is refused, not a failed page.
            if pages[0].problem and len(pages) == 1:
                raise Refused(pages[0].problem)
            return pages
        if kind == "zip":
            return _zip_pages(handle, name)
    finally:
        handle.seek(0)
    raise _wrong_kind(name)


def _pdf_document(source, name):
    import pypdfium2  # noqa: PLC0415 — pdfium is loaded by the processes that read PDFs only

    try:
        return pypdfium2.PdfDocument(source)
    except pypdfium2.PdfiumError as error:
        if "password" in str(error).lower():
            raise Refused(
                _(
                    "The file «%(name)s» is protected by a password: remove it and upload the "
                    "file again."
                )
                % {"name": name}
            ) from None
        raise Refused(_damaged(name)) from None


def pdf_page_pixels(width_pt, height_pt):
    """A PDF page's size in pixels at ``PDF_DPI`` (a PDF measures in points, 72 an inch)."""
    # pdfium rounds a rendered page's size up.
    scale = setting("PDF_DPI") / 72
    return max(1, math.ceil(width_pt * scale)), max(1, math.ceil(height_pt * scale))


def _too_large_page(label, width, height):
    return _(
        "%(page)s is %(width)s × %(height)s pixels at %(dpi)s dpi; at most %(limit)s megapixels "
        "are accepted."
    ) % {
        "page": label,
        "width": width,
        "height": height,
        "dpi": setting("PDF_DPI"),
        "limit": max(1, setting("MAX_PAGE_PIXELS") // 1_000_000),
    }


def _pdf_pages(handle, name):
    document = _pdf_document(handle, name)
    try:
        count = len(document)
        if count == 0:
            raise Refused(_("The file «%(name)s» has no pages.") % {"name": name})
        if count > setting("MAX_PAGES"):
            raise _too_many_pages(name, count)
        pages = []
        for index in range(count):
            label = _("Page %(number)s of «%(name)s»") % {"number": index + 1, "name": name}
            page = PageSource("pdf", label, index=index)
            try:
                width, height = pdf_page_pixels(*document.get_page_size(index))
            except Exception:  # noqa: BLE001 — whatever pdfium says of a page, it is unreadable
                page.problem = _("%(page)s is damaged.") % {"page": label}
            else:
                if width * height > setting("MAX_PAGE_PIXELS"):
                    page.problem = _too_large_page(label, width, height)
            pages.append(page)
        return pages
    finally:
        document.close()


def _image_pages(handle, name, kind, label=None):
    """The pages (one, or a TIFF's frames) of an image, checked from its header."""
    label = label or name
    try:
        with images.open_checked(
            handle, setting("MAX_PAGE_PIXELS"), label, formats=PILLOW_FORMATS[kind]
        ) as picture:
            frames = getattr(picture, "n_frames", 1) if kind == "tiff" else 1
            if frames > setting("MAX_PAGES"):
                raise _too_many_pages(label, frames)
            pages = []
            for index in range(frames):
                page = PageSource(kind, label, index=index)
                if frames > 1:
                    page.label = _("Page %(number)s of «%(name)s»") % {
                        "number": index + 1,
                        "name": label,
                    }
                    picture.seek(index)
                    width, height = picture.size
                    if width < 1 or height < 1 or width * height > setting("MAX_PAGE_PIXELS"):
                        page.problem = _("%(page)s has too many pixels to process.") % {
                            "page": page.label
                        }
                pages.append(page)
            return pages
    except images.ImageRefused as error:
        return [PageSource(kind, label, problem=error.message)]
    except (EOFError, OSError, ValueError, SyntaxError):
        return [PageSource(kind, label, problem=_damaged(label))]


def natural_key(name):
    """«2.jpg» before «10.jpg»: digits compared as numbers, the rest without case."""
    return [
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in re.split(r"(\d+)", name)
        if part
    ]


def _unsafe_member(info):
    """Why a ZIP member may not be read as a page of ours (a path trick), or None."""
    name = info.filename.replace("\\", "/")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "link"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in name.split("/"):
        return "path"
    return None


def _zip_limits():
    # Scans hardly compress: the archive guard's ratio holds, and the whole may inflate to what
    # its pages are.
    return {"MAX_UNPACKED_BYTES": 2 * setting("UPLOAD_MAX_BYTES")}


def _member_head(archive, info):
    stream = archive.open(info)
    head = bytearray()
    while len(head) < HEAD_BYTES:
        data = stream.read(min(CHUNK, HEAD_BYTES - len(head)))
        if not data:
            break
        head += data
    return bytes(head)


def _zip_pages(handle, name):
    from django.core.exceptions import ValidationError  # noqa: PLC0415

    try:
        with open_guarded_zip(handle, name, _zip_limits()) as archive:
            members = []
            for info in archive.members:
                trick = _unsafe_member(info)
                if trick:
                    raise Refused(
                        _(
                            "The archive «%(name)s» holds «%(member)s», which points outside "
                            "the archive (a link or a path with «..» or «/» at its start): it "
                            "was refused whole. Pack only the page images and upload it again."
                        )
                        % {"name": name, "member": safe_filename(info.filename, 80)}
                    )
                if info.is_dir() or JUNK.search(info.filename):
                    continue
                members.append(info)
            if not members:
                raise Refused(
                    _("The archive «%(name)s» holds no images of pages.") % {"name": name}
                )
            if len(members) > setting("MAX_PAGES"):
                raise _too_many_pages(name, len(members))
            members.sort(key=lambda info: natural_key(info.filename))
            pages = []
            for info in members:
                label = info.filename.replace("\\", "/").rsplit("/", 1)[-1]
                head = _member_head(archive, info)
                kind = detect_kind(head[:8192])
                if kind not in IMAGE_KINDS:
                    pages.append(
                        PageSource(
                            "",
                            label,
                            member=info.filename,
                            problem=_("«%(name)s» in the archive is not a JPEG, PNG or TIFF image.")
                            % {"name": label},
                        )
                    )
                    continue
                # The header only: a frame count or size past the first bytes is checked again
                # from the whole member when the page is made.
                found = _image_pages(head, name, kind, label=label)
                page = PageSource(kind, label, member=info.filename)
                page.problem = next((p.problem for p in found if p.problem), "")
                if page.problem == _damaged(label):
                    page.problem = ""  # the header went past the first bytes: read it whole later
                pages.append(page)
            return pages
    except ValidationError as error:
        raise Refused(" ".join(error.messages)) from None


# --- Making a page's master image -------------------------------------------------------------


@dataclasses.dataclass
class Master:
    """A page's master image: a file on the local disk, its extension and pixel size."""

    path: str
    extension: str
    width: int
    height: int


def _render_pdf_page(source_path, page, workdir):
    import pypdfium2  # noqa: PLC0415

    document = pypdfium2.PdfDocument(source_path)
    try:
        pdf_page = document[page.index]
        width, height = pdf_page_pixels(*pdf_page.get_size())
        if width * height > setting("MAX_PAGE_PIXELS"):
            raise PageRefused(_too_large_page(page.label, width, height))
        try:
            bitmap = pdf_page.render(scale=setting("PDF_DPI") / 72)
            picture = bitmap.to_pil()
        except pypdfium2.PdfiumError:
            raise PageRefused(_("%(page)s is damaged.") % {"page": page.label}) from None
        path = f"{workdir}/page-{page.index}.png"
        dpi = setting("PDF_DPI")
        picture.save(path, format="PNG", dpi=(dpi, dpi), compress_level=3)
        return Master(path, "png", picture.width, picture.height)
    finally:
        document.close()


def _verified_image(path, page, memory):
    """An uploaded JPEG or PNG, kept as it is once it decodes whole (a cut-short file is
    refused here, not halfway through its tiles)."""
    with open(path, "rb") as handle:
        try:
            with images.open_checked(
                handle, setting("MAX_PAGE_PIXELS"), page.label, formats=PILLOW_FORMATS[page.kind]
            ) as picture:
                width, height = picture.size
            handle.seek(0)
            # The Hardening guard decodes it (strictly, within the memory budget); the small
            # copy it makes is thrown away.
            images.thumbnail(
                handle,
                side=64,
                max_pixels=setting("MAX_PAGE_PIXELS"),
                name=page.label,
                memory=memory,
            )
        except images.ImageRefused as error:
            raise PageRefused(error.message) from None
    return Master(path, "jpg" if page.kind == "jpeg" else "png", width, height)


def _tiff_frame(path, page, workdir):
    """A TIFF frame as a lossless PNG (tiles and viewers do not read TIFF)."""
    import pyvips  # noqa: PLC0415

    with open(path, "rb") as handle:
        try:
            with images.open_checked(
                handle, setting("MAX_PAGE_PIXELS"), page.label, formats=("TIFF",)
            ) as picture:
                if getattr(picture, "n_frames", 1) > page.index:
                    picture.seek(page.index)
                width, height = picture.size
                if width * height > setting("MAX_PAGE_PIXELS"):
                    raise PageRefused(
                        _("%(page)s has too many pixels to process.") % {"page": page.label}
                    )
        except images.ImageRefused as error:
            raise PageRefused(error.message) from None
        except (EOFError, OSError, ValueError, SyntaxError):
            raise PageRefused(_damaged(page.label)) from None
    target = f"{workdir}/frame-{page.index}.png"
    try:
        frame = pyvips.Image.new_from_file(path, page=page.index, fail_on="error")
        frame = tiles.displayable(frame)
        frame.pngsave(target, compression=3)
    except pyvips.Error:
        raise PageRefused(_damaged(page.label)) from None
    return Master(target, "png", frame.width, frame.height)


def _zip_member(source_path, page, workdir):
    """A ZIP member copied to the local disk through the archive guard's capped stream."""
    from django.core.exceptions import ValidationError  # noqa: PLC0415

    descriptor, target = tempfile.mkstemp(dir=workdir, prefix="member-")
    os.close(descriptor)
    with open(source_path, "rb") as handle:
        try:
            with open_guarded_zip(handle, page.label, _zip_limits()) as archive:
                stream = archive.open(page.member, max_bytes=setting("UPLOAD_MAX_BYTES"))
                with open(target, "wb") as out:
                    shutil.copyfileobj(stream, out, CHUNK)
        except ValidationError as error:
            raise PageRefused(" ".join(error.messages)) from None
    return target


def make_master(source_path, page, workdir, memory=None):
    """The master image of ``page`` (a ``PageSource``) of the upload at ``source_path``: a
    ``Master`` in ``workdir``. Raises ``PageRefused``."""
    if page.problem:
        raise PageRefused(page.problem)
    try:
        if page.kind == "pdf":
            return _render_pdf_page(source_path, page, workdir)
        path = _zip_member(source_path, page, workdir) if page.member else source_path
        if page.kind == "tiff":
            return _tiff_frame(path, page, workdir)
        return _verified_image(path, page, memory)
    except MemoryError:
        raise PageRefused(
            _("%(page)s needs more memory to read than is allowed.") % {"page": page.label}
        ) from None


# --- The split ----------------------------------------------------------------------------------


@contextlib.contextmanager
def local_copy(field):
    """The stored file of ``field`` as a path on the local disk (a temporary copy: the storage
    may be S3), removed after the block."""
    with tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR) as workdir:
        path = f"{workdir}/source"
        with field.storage.open(field.name, "rb") as source, open(path, "wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
        yield path, workdir


def claim_upload(upload_id):
    """The upload, moved «queued» → «being split» with its attempt counted, or None when there
    is nothing to do (gone, or not queued: another run has it or it is done). Of two deliveries
    one claims it."""
    claimed = IssueUpload.objects.filter(pk=upload_id, status=UploadStatus.QUEUED).update(
        status=UploadStatus.SPLITTING, attempts=F("attempts") + 1, updated_at=timezone.now()
    )
    return IssueUpload.objects.filter(pk=upload_id).first() if claimed else None


def delete_scan_files(scans):
    """Delete the master images and tiles of ``scans`` (after the rows are gone for good)."""
    storage = Scan._meta.get_field("image").storage
    for scan in scans:
        if scan.image:
            storage.delete(scan.image.name)
        tiles.delete(scan)


def _forget(scans):
    """Delete the rows of ``scans`` now and their files once the transaction commits."""
    scans = list(scans)
    Scan.objects.filter(pk__in=[scan.pk for scan in scans]).delete()
    transaction.on_commit(lambda: delete_scan_files(scans))


def reserve(upload, count):
    """Replace the upload's pages (if a split made some before) by ``count`` new «waiting» pages
    without images, numbered from the upload's old first number, or after the issue's last
    page; under a lock on the issue, so that two uploads split at once never share a number."""
    with transaction.atomic():
        IssuePage.objects.select_for_update().filter(pk=upload.issue_id).first()
        old = list(upload.scans.all())
        first = min((scan.number for scan in old), default=None)
        _forget(old)
        scans = Scan.objects.filter(issue_id=upload.issue_id)
        if first is None or scans.filter(number__gte=first, number__lt=first + count).exists():
            first = (scans.aggregate(last=Max("number"))["last"] or 0) + 1
        return Scan.objects.bulk_create(
            [
                Scan(issue_id=upload.issue_id, upload=upload, number=first + offset)
                for offset in range(count)
            ]
        )


def _short(message):
    return message[:ERROR_MAX_CHARS]


def _fail_scan(scan, message):
    Scan.objects.filter(pk=scan.pk).update(
        status=ScanStatus.FAILED, error=_short(message), updated_at=timezone.now()
    )


def _store_master(scan, master):
    """Keep the master in scan storage and say how large it is; the page then waits for its
    processing."""
    name = f"{scan.issue_id}-{scan.pk}.{master.extension}"
    with open(master.path, "rb") as handle:
        stored = scan.image.storage.save(
            scan.image.field.generate_filename(scan, name), File(handle)
        )
    Scan.objects.filter(pk=scan.pk).update(
        image=stored, width=master.width, height=master.height, updated_at=timezone.now()
    )


@_in_site_language
def refuse_upload(upload_id, message):
    """Refuse an upload whole: «refused» with ``message``, its pages and its file deleted.
    Returns it, or None when it is gone."""
    with transaction.atomic():
        upload = IssueUpload.objects.select_for_update().filter(pk=upload_id).first()
        if upload is None:
            return None
        _forget(upload.scans.all())
        file_name = upload.file.name
        upload.status = UploadStatus.FAILED
        upload.error = _short(message)
        upload.pages = 0
        upload.file = ""
        upload.save(update_fields=["status", "error", "pages", "file", "updated_at"])
        storage = IssueUpload._meta.get_field("file").storage
        if file_name:
            transaction.on_commit(lambda: storage.delete(file_name))
    return upload


@_in_site_language
def split(upload_id, ready=None, memory=None):
    """Split the upload into pages (see the module's docstring); ``ready(scan_id)`` is called as
    each page's master is stored (the task sends its processing). Returns the upload, or None
    when there was nothing to do. ``memory``: the bytes decoding one image may take."""
    upload = claim_upload(upload_id)
    if upload is None:
        return None
    if not upload.file:
        return refuse_upload(upload_id, missing_file_problem())
    try:
        with local_copy(upload.file) as (path, workdir):
            with open(path, "rb") as handle:
                pages = check_file(handle, upload.original_name)
            scans = reserve(upload, len(pages))
            for scan, page in zip(scans, pages, strict=True):
                try:
                    master = make_master(path, page, workdir, memory)
                except PageRefused as error:
                    if len(pages) == 1 and page.kind in IMAGE_KINDS and not page.member:
                        # The upload was this one image: refused whole, nothing left.
                        raise Refused(error.message) from None
                    _fail_scan(scan, error.message)
                    continue
                _store_master(scan, master)
                if ready:
                    ready(scan.pk)
    except Refused as error:
        return refuse_upload(upload_id, error.message)
    except FileNotFoundError:
        return refuse_upload(upload_id, missing_file_problem())
    IssueUpload.objects.filter(pk=upload_id, status=UploadStatus.SPLITTING).update(
        status=UploadStatus.DONE, pages=len(pages), error="", updated_at=timezone.now()
    )
    upload.refresh_from_db()
    return upload


def release_upload(upload_id):
    """Put an upload back to «queued» (a transient error) so that its retry can claim it."""
    IssueUpload.objects.filter(pk=upload_id, status=UploadStatus.SPLITTING).update(
        status=UploadStatus.QUEUED, updated_at=timezone.now()
    )


def missing_file_problem():
    return _("The uploaded file was not found. Upload it again.")


def interrupted_problem():
    return _("Processing was interrupted several times; run it again or upload a smaller file.")


def slow_problem():
    return _("Processing took longer than allowed.")


# --- One page ---------------------------------------------------------------------------------


def claim_scan(scan_id):
    """The page, moved «waiting» → «making tiles» with its attempt counted, or None when there
    is nothing to do (gone, not waiting, or its master not stored yet)."""
    claimed = (
        Scan.objects.filter(pk=scan_id, status=ScanStatus.PENDING)
        .exclude(image="")
        .update(
            status=ScanStatus.TILING,
            attempts=F("attempts") + 1,
            started_at=timezone.now(),
            updated_at=timezone.now(),
            error="",
        )
    )
    return Scan.objects.filter(pk=scan_id).select_related("issue").first() if claimed else None


def release_scan(scan_id):
    """Put a page back to «waiting» (a transient error: storage or the database away a moment)
    so that its retry can claim it."""
    Scan.objects.filter(pk=scan_id, status__in=[ScanStatus.TILING, ScanStatus.OCR]).update(
        status=ScanStatus.PENDING, updated_at=timezone.now()
    )


@_in_site_language
def fail_scan(scan_id, message):
    """A page being processed fails with ``message`` (translated here)."""
    Scan.objects.filter(pk=scan_id, status__in=[ScanStatus.TILING, ScanStatus.OCR]).update(
        status=ScanStatus.FAILED, error=_short(_(message)), updated_at=timezone.now()
    )


def no_ocr_notice():
    return _(
        "The text was not recognised: tesseract with the Russian language is not installed on "
        "the server. Run the page again once it is."
    )


@_in_site_language
def process(scan_id):
    """Tile, recognise and index one page (see the module's docstring). Returns the page, or
    None when there was nothing to do."""
    scan = claim_scan(scan_id)
    if scan is None:
        return None
    try:
        with local_copy(scan.image) as (path, _workdir):
            made = tiles.make(scan, path)
            Scan.objects.filter(pk=scan.pk).update(
                tiled=True,
                width=made.width,
                height=made.height,
                tile_seconds=made.seconds,
                status=ScanStatus.OCR,
                updated_at=timezone.now(),
            )
            fields = recognise(scan, path)
    except FileNotFoundError:
        fail_scan(scan_id, gettext_noop("The page's master image was not found."))
        return None
    except tiles.TilesFailed as error:
        Scan.objects.filter(pk=scan_id).update(
            status=ScanStatus.FAILED, error=_short(error.message), updated_at=timezone.now()
        )
        return None
    Scan.objects.filter(pk=scan_id, status=ScanStatus.OCR).update(
        status=ScanStatus.DONE, updated_at=timezone.now(), **fields
    )
    scan = Scan.objects.filter(pk=scan_id).first()
    if scan is not None and scan.alto:
        # A page recognised again has new line ids: its readers' corrections follow their lines.
        corrections.reanchor(scan)
    if scan is not None and page_cache.enabled():
        # Written by UPDATE (no signal): the issue's cached pages show the new page from now.
        page_cache_purge.changed_record(scan)
    return scan


def recognise(scan, path):
    """The OCR fields of the page whose master is at ``path`` (ALTO, text, lemmas, engine,
    time); without tesseract, empty text and a notice in ``error``."""
    if not ocr.available():
        return {
            "alto": "",
            "text": "",
            "lemmas": page_text.page_lemmas(""),
            "ocr_engine": "",
            "ocr_seconds": None,
            "error": no_ocr_notice(),
        }
    started = time.monotonic()
    try:
        data = ocr.recognise(path)
        page = alto.parse(data)
    except ocr.OcrFailed as error:
        return {
            "alto": "",
            "text": "",
            "lemmas": page_text.page_lemmas(""),
            "ocr_engine": ocr.version(),
            "ocr_seconds": time.monotonic() - started,
            "error": error.message,
        }
    except alto.InvalidAlto:
        return {
            "alto": "",
            "text": "",
            "lemmas": page_text.page_lemmas(""),
            "ocr_engine": ocr.version(),
            "ocr_seconds": time.monotonic() - started,
            "error": _("The OCR program's output could not be read."),
        }
    plain = alto.plain_text(page)
    return {
        "alto": data.decode("utf-8"),
        "text": plain,
        "lemmas": page_text.page_lemmas(plain, corrections.corrected_texts(scan.pk)),
        "ocr_engine": ocr.version(),
        "ocr_seconds": time.monotonic() - started,
        "error": "",
    }


def rerun(scan_id):
    """Send one page through again (the admin's «Run again»): back to «waiting», its attempts
    counted anew. Returns whether there was a page to send (one with a master image that is not
    being processed right now)."""
    return bool(
        Scan.objects.filter(pk=scan_id)
        .exclude(image="")
        .exclude(status__in=[ScanStatus.TILING, ScanStatus.OCR])
        .update(status=ScanStatus.PENDING, attempts=0, error="", updated_at=timezone.now())
    )


# --- The sweeper ------------------------------------------------------------------------------


def _dead_after(seconds):
    # A run is dead once its hard time limit has passed, with a margin for the queue.
    return datetime.timedelta(seconds=seconds + setting("SWEEP_AFTER_SECONDS"))


def split_time_limit():
    return setting("SPLIT_SECONDS") + 60


def page_time_limit():
    return setting("TILE_SECONDS") + setting("OCR_SECONDS") + 60


@_in_site_language
def sweep(now=None):
    """What the beat's sweeper resends: ``(upload ids, scan ids)``. Uploads «queued» and pages
    «waiting» (with a master) for longer than ``SWEEP_AFTER_SECONDS`` (a lost message); uploads
    «being split» and pages being processed past their hard time limit (a dead worker): put
    back and resent, or given up after ``MAX_ATTEMPTS`` runs — an upload refused whole, a page
    failed."""
    now = now or timezone.now()
    waited = now - datetime.timedelta(seconds=setting("SWEEP_AFTER_SECONDS"))
    attempts = setting("MAX_ATTEMPTS")

    dead_uploads = IssueUpload.objects.filter(
        status=UploadStatus.SPLITTING, updated_at__lt=now - _dead_after(split_time_limit())
    )
    for upload_id in dead_uploads.filter(attempts__gte=attempts).values_list("pk", flat=True):
        refuse_upload(upload_id, interrupted_problem())
    revived = dead_uploads.filter(attempts__lt=attempts)
    revived_ids = list(revived.values_list("pk", flat=True)[:100])
    revived.filter(pk__in=revived_ids).update(status=UploadStatus.QUEUED, updated_at=now)
    lost = IssueUpload.objects.filter(status=UploadStatus.QUEUED, updated_at__lt=waited)
    uploads = sorted({*revived_ids, *lost.values_list("pk", flat=True)[:100]})

    working = Q(status__in=[ScanStatus.TILING, ScanStatus.OCR])
    dead_scans = Scan.objects.filter(working, started_at__lt=now - _dead_after(page_time_limit()))
    dead_scans.filter(attempts__gte=attempts).update(
        status=ScanStatus.FAILED, error=interrupted_problem(), updated_at=now
    )
    revived = dead_scans.filter(attempts__lt=attempts)
    revived_ids = list(revived.values_list("pk", flat=True)[:1000])
    revived.filter(pk__in=revived_ids).update(status=ScanStatus.PENDING, updated_at=now)
    lost = Scan.objects.filter(status=ScanStatus.PENDING, updated_at__lt=waited).exclude(image="")
    scans = sorted({*revived_ids, *lost.values_list("pk", flat=True)[:1000]})
    return uploads, scans


# --- Progress ---------------------------------------------------------------------------------


def progress(issue):
    """The counts of an issue's pages for the admin: total, done (ready or failed), failed,
    ready without text."""
    counts = Scan.objects.filter(issue=issue).aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status__in=[ScanStatus.DONE, ScanStatus.FAILED])),
        failed=Count("pk", filter=Q(status=ScanStatus.FAILED)),
        without_text=Count("pk", filter=Q(status=ScanStatus.DONE, ocr_engine="")),
        first=Min("number"),
    )
    return counts
