"""Checks for files the public uploads (report proposals, contest entries, applications): the
type is read from the content, not the name; sizes are limited; Office and OpenDocument files,
which are ZIP archives, go through one archive guard (``check_archive``, ``open_guarded_zip``)
before anything unpacks them, in the web process and again in the worker."""

import contextlib
import io
import os
import re
import struct
import tempfile
import unicodedata
import zipfile
import zlib

import filetype
from anyascii import anyascii
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .conf import setting

KINDS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
ZIP_KINDS = {"docx", "pptx", "odt"}
# Office Open XML and OpenDocument use only these: a member packed with bzip2, LZMA or anything
# else is not from an office suite, and Python's zipfile inflates bzip2 and LZMA members in one
# unbounded call (1 KB of bzip2 can hold a gigabyte).
ALLOWED_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
CHUNK = 64 * 1024
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")


def detect_kind(head):
    """The kind (a key of KINDS) that the first bytes of a file show, or None."""
    guess = filetype.guess(head)
    if guess is None:
        return None
    for kind, mime in KINDS.items():
        if guess.mime == mime:
            return kind
    # filetype sees some Office files only as ZIP; the archive's members tell which.
    return "zip" if guess.mime == "application/zip" else None


def _zip_kind(archive):
    names = set(archive.namelist())
    if "word/document.xml" in names:
        return "docx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    if "content.xml" in names and "mimetype" in names:
        # Through the guard: this member is read in the web process, before anything else.
        mimetype = archive.read("mimetype", max_bytes=1024)[:100]
        return "odt" if mimetype.decode("ascii", "replace").strip() == KINDS["odt"] else None
    return None


def check_size(uploaded, max_bytes):
    """Refuse an empty file or one over ``max_bytes`` (ValidationError with a message for the
    person who uploaded it); the size check of ``check_upload``, for files of kinds it does not
    sniff (MARC records, CSV)."""
    if uploaded.size == 0:
        raise ValidationError(_("The file «%(name)s» is empty.") % {"name": uploaded.name})
    if uploaded.size > max_bytes:
        raise ValidationError(
            _("The file «%(name)s» is %(size)s; at most %(limit)s is accepted.")
            % {
                "name": uploaded.name,
                "size": filesizeformat(uploaded.size),
                "limit": filesizeformat(max_bytes),
            }
        )


def check_upload(uploaded, allowed, max_bytes):
    """Validate an uploaded file; return its kind. Raises ValidationError with a message for the
    person who uploaded it."""
    check_size(uploaded, max_bytes)
    uploaded.seek(0)
    kind = detect_kind(uploaded.read(8192))
    uploaded.seek(0)
    if kind in ("zip", *ZIP_KINDS):
        with open_guarded_zip(uploaded, uploaded.name) as archive:
            archive.check()
            kind = _zip_kind(archive)
    uploaded.seek(0)
    if kind == "pdf" and kind in allowed:
        _check_pdf(uploaded)
        uploaded.seek(0)
    if kind not in allowed:
        raise ValidationError(
            _(
                "The file «%(name)s» is not a %(kinds)s document (its content was checked, not "
                "its name)."
            )
            % {"name": uploaded.name, "kinds": ", ".join(k.upper() for k in allowed)}
        )
    return kind


# --- The archive guard ---------------------------------------------------------------------------


def _archive_limits(limits=None):
    """What the archive guard allows: ``KUZBIB_BASE["ARCHIVE"]`` over the defaults in
    ``kuzbib_site.base.conf``, and over that a caller's own ``limits`` (a few of its keys)."""
    return {**setting("ARCHIVE"), **(limits or {})}


def _refused(name, code):
    if code == "too_large":
        message = _("The file «%(name)s» unpacks to far more than its size and was refused.")
    elif code == "method":
        message = _(
            "The file «%(name)s» is packed in a way that office documents never are and cannot "
            "be opened."
        )
    elif code == "password":
        message = _(
            "The file «%(name)s» is protected by a password: remove it and upload the file again."
        )
    else:
        message = _("The file «%(name)s» is damaged and cannot be opened.")
    return ValidationError(message % {"name": name}, code=f"archive_{code}")


def _is_xml(member_name):
    return member_name.lower().endswith((".xml", ".rels"))


def check_archive(fileobj, name, limits=None):
    """Read every member of the ZIP archive ``fileobj`` (an Office or OpenDocument file, a
    spreadsheet to import…) through the capped streams of ``open_guarded_zip``, then rewind it;
    raises ValidationError with a message naming ``name``. Call it before any library (python-docx,
    python-pptx, openpyxl, lxml) opens the archive: once it passes, what those libraries inflate is
    what was counted here. ``limits`` overrides some of the site's limits for this archive (a
    worksheet read as a stream may be larger than an XML a parser makes a tree of)."""
    with open_guarded_zip(fileobj, name, limits) as archive:
        archive.check()
    fileobj.seek(0)


@contextlib.contextmanager
def open_guarded_zip(fileobj, name, limits=None):
    """A ``GuardedZip`` over ``fileobj``, after the cheap checks (central directory size, member
    count, compression methods, passwords); rewinds ``fileobj`` when done. ``limits``: as for
    ``check_archive``."""
    try:
        archive = GuardedZip(fileobj, name, limits)
    except ValidationError:
        fileobj.seek(0)
        raise
    try:
        yield archive
    finally:
        archive.close()
        fileobj.seek(0)


class GuardedZip:
    """A ZIP archive whose members are read only as streams capped on the bytes they really
    inflate to, whatever sizes the archive declares: a member that declares 39 bytes but inflates
    to a gigabyte is stopped at the cap, not at 39 bytes nor at a gigabyte. Members are inflated
    here (stored and deflate only), never by zipfile, which inflates a bzip2 or LZMA member in one
    unbounded call and a deflate member in one call as large as its compressed data allows."""

    def __init__(self, fileobj, name, limits=None):
        self.fileobj = fileobj
        self.name = name
        self.limits = _archive_limits(limits)
        fileobj.seek(0, os.SEEK_END)
        self.size = fileobj.tell()
        fileobj.seek(0)
        self._check_directory()
        try:
            self.zip = zipfile.ZipFile(fileobj)
            members = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
            raise _refused(name, "damaged") from None
        except NotImplementedError:
            raise _refused(name, "method") from None
        if len(members) > self.limits["MAX_MEMBERS"]:
            raise _refused(name, "too_large")
        for member in members:
            if member.flag_bits & 0x1:
                raise _refused(name, "password")
            if member.compress_type not in ALLOWED_METHODS:
                raise _refused(name, "method")
        self.members = members
        # Real bytes inflated so far, over every read of every member.
        self.unpacked = 0
        self.budget = min(
            self.limits["MAX_UNPACKED_BYTES"], self.limits["MAX_RATIO"] * max(self.size, 1)
        )

    def _check_directory(self):
        """The member count and central directory size from the end record, before zipfile
        builds an object for every member listed there."""
        end = getattr(zipfile, "_EndRecData", None)
        if end is None:  # pragma: no cover - present in every CPython since 2.x
            return
        try:
            record = end(self.fileobj)
        except (OSError, ValueError, EOFError, struct.error):
            record = None
        finally:
            self.fileobj.seek(0)
        if not record:
            raise _refused(self.name, "damaged")
        if (
            record[zipfile._ECD_ENTRIES_TOTAL] > self.limits["MAX_MEMBERS"]
            or record[zipfile._ECD_SIZE] > self.limits["MAX_DIRECTORY_BYTES"]
        ):
            raise _refused(self.name, "too_large")

    def namelist(self):
        return [member.filename for member in self.members]

    def open(self, member, max_bytes=None):
        """A read-only stream of the member's inflated bytes; ValidationError once it inflates to
        more than ``max_bytes`` (or the archive's remaining budget), or if it turns out damaged."""
        info = member if isinstance(member, zipfile.ZipInfo) else self._info(member)
        cap = max_bytes
        if _is_xml(info.filename):
            cap = min(cap or self.limits["MAX_XML_BYTES"], self.limits["MAX_XML_BYTES"])
        return _MemberStream(self, info, cap)

    def read(self, member, max_bytes=None):
        stream = self.open(member, max_bytes)
        return b"".join(iter(lambda: stream.read(CHUNK), b""))

    def check(self):
        """Inflate every member (counting, discarding) so that nothing in the archive inflates to
        more than the limits allow, and every member is what its size and checksum say."""
        for info in self.members:
            stream = self.open(info)
            while stream.read(CHUNK):
                pass

    def close(self):
        self.zip.close()

    def _info(self, name):
        matches = [member for member in self.members if member.filename == name]
        if not matches:
            raise KeyError(name)
        return matches[-1]  # as zipfile does for a name listed twice


class _MemberStream(io.RawIOBase):
    """One member's bytes, inflated chunk by chunk from the archive's raw data."""

    def __init__(self, archive, info, cap):
        self.archive = archive
        self.info = info
        self.cap = cap
        self.produced = 0
        self.crc = 0
        self.done = False
        fileobj = archive.fileobj
        try:
            fileobj.seek(info.header_offset)
            header = fileobj.read(_LOCAL_HEADER.size)
            fields = _LOCAL_HEADER.unpack(header)
        except (OSError, ValueError, struct.error):
            raise _refused(archive.name, "damaged") from None
        if fields[0] != b"PK\x03\x04":
            raise _refused(archive.name, "damaged")
        self.position = info.header_offset + _LOCAL_HEADER.size + fields[9] + fields[10]
        self.left = info.compress_size
        if self.position + self.left > archive.size:
            raise _refused(archive.name, "damaged")
        self.inflater = (
            zlib.decompressobj(-zlib.MAX_WBITS)
            if info.compress_type == zipfile.ZIP_DEFLATED
            else None
        )

    def readable(self):
        return True

    def read(self, size=-1):
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(CHUNK), b""))
        size = max(1, min(size, CHUNK))
        while not self.done:
            data, ended = self._next(size)
            if data:
                self._count(data)
            if ended:
                self._finish()
            if data:
                return data
        return b""

    def readinto(self, buffer):
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _raw(self, size):
        size = min(size, self.left)
        if size <= 0:
            return b""
        fileobj = self.archive.fileobj
        fileobj.seek(self.position)
        data = fileobj.read(size)
        if not data:
            raise _refused(self.archive.name, "damaged")
        self.position += len(data)
        self.left -= len(data)
        return data

    def _next(self, size):
        """The next at most ``size`` inflated bytes, and whether the member ended with them."""
        if self.inflater is None:
            data = self._raw(size)
            return data, self.left <= 0
        inflater = self.inflater
        source = inflater.unconsumed_tail or self._raw(CHUNK)
        try:
            # At most ``size`` bytes out of one call: the input that would make more stays in
            # unconsumed_tail for the next call.
            data = inflater.decompress(source, size)
        except zlib.error:
            raise _refused(self.archive.name, "damaged") from None
        # Out of input with nothing more coming out: the stream ended (or was cut short).
        return data, inflater.eof or (not source and not data)

    def _count(self, data):
        self.produced += len(data)
        self.archive.unpacked += len(data)
        self.crc = zlib.crc32(data, self.crc)
        if self.archive.unpacked > self.archive.budget or (
            self.cap is not None and self.produced > self.cap
        ):
            self.done = True
            raise _refused(self.archive.name, "too_large")

    def _finish(self):
        self.done = True
        if self.inflater is not None and not self.inflater.eof:
            raise _refused(self.archive.name, "damaged")  # the deflate stream was cut short
        # zipfile (and every library built on it) stops at the declared size and checks the
        # checksum there: a member that inflates to anything else is not what it says.
        if self.produced != self.info.file_size or self.crc != self.info.CRC:
            raise _refused(self.archive.name, "damaged")


@contextlib.contextmanager
def address_space_limit(extra_bytes):
    """Lower this process's address-space limit (RLIMIT_AS) to what it maps now plus
    ``extra_bytes`` while the block runs, and restore it after: an allocation past it raises
    MemoryError in the process instead of growing until the machine swaps. For worker processes
    reading untrusted files; nothing happens for ``extra_bytes`` 0 or None, or where the limit
    cannot be read (not Linux)."""
    try:
        import resource  # noqa: PLC0415 — Unix only; elsewhere nothing is limited

        with open("/proc/self/statm") as statm:
            mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError):
        soft = hard = mapped = None
    limit = None
    if extra_bytes and mapped is not None:
        limit = mapped + extra_bytes
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        if soft != resource.RLIM_INFINITY and soft <= limit:
            limit = None  # already lower: keep it
    if limit is None:
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def worker_memory(task, megabytes):
    """The address space a bound Celery ``task`` reading untrusted files may take beyond what
    its worker had (``megabytes``), for ``address_space_limit``: only in a real worker process.
    Run eagerly or called directly it is the web process or a test, whose own memory is not the
    task's to limit: None, no limit."""
    in_worker = not (task.request.is_eager or task.request.called_directly)
    return megabytes * 1024 * 1024 if in_worker else None


def _check_pdf(uploaded):
    """A PDF that was cut short, or that opens only with a password, is of no use to whoever
    receives it: say so now rather than after the deadline. Only the trailer and cross-reference
    table are read here; the pages are read later, by a worker."""
    from pypdf import PasswordType, PdfReader  # noqa: PLC0415 — 0.15 s to import; PDFs only

    uploaded.seek(max(0, uploaded.size - 2048))
    if b"%%EOF" not in uploaded.read():
        raise ValidationError(
            _("The file «%(name)s» is cut short (it was not uploaded or saved completely).")
            % {"name": uploaded.name}
        )
    uploaded.seek(0)
    try:
        reader = PdfReader(uploaded, strict=False)
        locked = reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED
    except Exception:  # noqa: BLE001 - whatever pypdf trips over, the file is unreadable
        raise ValidationError(
            _("The file «%(name)s» is damaged and cannot be opened.") % {"name": uploaded.name}
        ) from None
    if locked:
        raise ValidationError(
            _(
                "The file «%(name)s» is protected by a password: remove it and upload the file "
                "again."
            )
            % {"name": uploaded.name}
        )


def safe_filename(name, max_length=100):
    """A file name safe to store and to offer for download: no directories (``../``), control or
    bidirectional-override characters, at most ``max_length`` characters, its extension kept."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        char for char in name if unicodedata.category(char) not in {"Cc", "Cf", "Zl", "Zp"}
    ).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = extension[:10]
    stem = stem[: max_length - len(extension) - 1] or "file"
    return f"{stem}.{extension}" if extension else stem


def spooled(write):
    """A temporary file (in ``FILE_UPLOAD_TEMP_DIR``) that ``write(spool)`` fills, rewound for
    its reader — a build's ``run``, a ``FileResponse`` — who closes it; closed here if writing
    fails. A build's PDF or ZIP of every entry never sits in memory whole."""
    spool = tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)  # noqa: SIM115 — the reader closes it
    try:
        write(spool)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return spool


def latin_stem(text):
    """``text`` in Latin letters, digits, ``.``, ``_`` and ``-``, for a download's name that
    every browser and mail client keeps («КНИГИНЯ-2009» → «KNIGINYa-2009»); empty when nothing
    is left."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", anyascii(text)).strip("-.")
