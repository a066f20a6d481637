"""Checks for files the public uploads (report proposals, contest entries, applications): the
type is read from the content, not the name; sizes are limited; Office and OpenDocument files,
which are ZIP archives, are checked for zip bombs before anything unpacks them."""

import os
import unicodedata
import zipfile
from pathlib import Path

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

KINDS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
ZIP_KINDS = {"docx", "pptx", "odt"}
MAX_UNPACKED = 100 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 5000


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
        mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
        return "odt" if mimetype == KINDS["odt"] else None
    return None


def check_upload(uploaded, allowed, max_bytes):
    """Validate an uploaded file; return its kind. Raises ValidationError with a message for the
    person who uploaded it."""
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
    uploaded.seek(0)
    kind = detect_kind(uploaded.read(8192))
    uploaded.seek(0)
    if kind in ("zip", *ZIP_KINDS):
        kind = _check_archive(uploaded)
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


def _check_archive(uploaded):
    try:
        with zipfile.ZipFile(uploaded) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            packed = sum(member.compress_size for member in members) or 1
            if (
                len(members) > MAX_MEMBERS
                or unpacked > MAX_UNPACKED
                or unpacked / packed > MAX_RATIO
            ):
                raise ValidationError(
                    _("The file «%(name)s» unpacks to far more than its size and was refused.")
                    % {"name": uploaded.name}
                )
            return _zip_kind(archive)
    except zipfile.BadZipFile:
        raise ValidationError(
            _("The file «%(name)s» is damaged and cannot be opened.") % {"name": uploaded.name}
        ) from None


def _check_pdf(uploaded):
    """A PDF that was cut short, or that opens only with a password, is of no use to whoever
    receives it: say so now rather than after the deadline. Only the trailer and cross-reference
    table are read here; the pages are read later, by a worker."""
    from pypdf import PasswordType, PdfReader

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


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT (read when used, so tests and deployments can move it):
    never below MEDIA_URL, served only by views that check permissions."""

    def __init__(self, subdirectory=""):
        self.subdirectory = subdirectory
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return Path(settings.PRIVATE_MEDIA_ROOT) / self.subdirectory

    @property
    def location(self):
        return os.path.abspath(self.base_location)
