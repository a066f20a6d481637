"""IIIF Image API 3 level-0 static tiles of a scanned page, made with libvips (pyvips) and kept
in scan storage, where the reading views serve them after checking the issue's access.

The files of a page live under ``Scan.tile_prefix`` (``tiles/<scan id>/``) exactly as
``dzsave(layout="iiif3")`` writes them, so that a IIIF request path below the page's image
service is the path of a stored file::

    tiles/<id>/<x>,<y>,<w>,<h>/<tw>,<th>/0/default.jpg   the tiles: a region of the full image,
                                                         scaled by a power of two (scaleFactors)
    tiles/<id>/full/<w>,<h>/0/default.jpg                whole-page images: dzsave's smallest
                                                         level, and one for each of FULL_WIDTHS
                                                         narrower than the page (thumbnails of
                                                         the page strip, a reading size)
    tiles/<id>/full/max/0/default.jpg                    the whole page at full size

``info.json`` is not stored: it names the service's own URL, which depends on the site, so
``info(scan, base_url)`` makes it (the reading views serve it). Every size it lists is a file
above, and its tiles' scale factors are those dzsave wrote.

``make(scan, path)`` tiles a master image in a temporary folder, then replaces whatever the
page had in storage; ``delete(scan)`` removes the page's files. libvips runs on one thread
(one page per task, as OCR does) without its operation cache."""

import contextlib
import dataclasses
import logging
import os
import tempfile
import time

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext as _

from kuzbib_site.base import images

from .conf import setting
from .models.records import scan_storage

IIIF_CONTEXT = "http://iiif.io/api/image/3/context.json"
JPEG_QUALITY = 85
#: dzsave's own files that are not served (info.json is made per request).
NOT_SERVED = {"info.json", "vips-properties.xml"}


class TilesFailed(Exception):
    """A master image libvips cannot tile, with a translated ``message``."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclasses.dataclass
class Made:
    width: int
    height: int
    seconds: float
    files: int


def _vips():
    import pyvips  # noqa: PLC0415 — libvips is loaded by the processes that tile only

    # libvips tells every step of its work at INFO: not worth a worker's log.
    logging.getLogger("pyvips").setLevel(logging.WARNING)
    pyvips.cache_set_max(0)
    pyvips.concurrency_set(1)
    return pyvips


def displayable(image):
    """``image`` as 8-bit sRGB or greyscale without alpha (see-through on white), which JPEG
    tiles and PNG masters hold."""
    if image.hasalpha():
        image = image.flatten(background=[255] * (image.bands - 1))
    if image.interpretation not in ("b-w", "srgb"):
        image = image.colourspace("srgb")
    if image.format != "uchar":
        image = image.cast("uchar")
    return image


def scale_factors(width, height, tile_size=None):
    """The powers of two dzsave makes levels for: halved until the page fits in one tile."""
    tile_size = tile_size or setting("TILE_SIZE")
    factors = [1]
    while max(width, height) / factors[-1] > tile_size:
        factors.append(factors[-1] * 2)
    return factors


def full_sizes(width, height):
    """The whole-page sizes written under ``full/`` besides ``max``: each of FULL_WIDTHS
    narrower than the page, and dzsave's smallest level; as (w, h), narrowest first."""
    sizes = {(w, max(1, round(height * w / width))) for w in setting("FULL_WIDTHS") if w < width}
    smallest = scale_factors(width, height)[-1]
    if smallest > 1:
        sizes.add(_level_size(width, height, smallest))
    return sorted(sizes)


def _level_size(width, height, factor):
    # dzsave's size of a level: the full size shrunk by ``factor``, rounded up.
    return (-(-width // factor), -(-height // factor))


def info(scan, base_url):
    """The page's IIIF Image API 3 ``info.json`` (a dict) for the image service at
    ``base_url`` (without a trailing slash)."""
    width, height = scan.width, scan.height
    sizes = [{"width": w, "height": h} for w, h in full_sizes(width, height)]
    sizes.append({"width": width, "height": height})
    return {
        "@context": IIIF_CONTEXT,
        "id": base_url,
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level0",
        "width": width,
        "height": height,
        "sizes": sizes,
        "tiles": [{"width": setting("TILE_SIZE"), "scaleFactors": scale_factors(width, height)}],
    }


def delete(scan):
    """Remove every stored file under the page's tile prefix."""
    _delete_tree(scan_storage(), scan.tile_prefix.rstrip("/"))


def _delete_tree(storage, prefix):
    try:
        folders, files = storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        storage.delete(f"{prefix}/{name}")
    for folder in folders:
        _delete_tree(storage, f"{prefix}/{folder}")
    if isinstance(storage.backend, FileSystemStorage):
        # Not empty (a concurrent writer) or gone: left as it is.
        with contextlib.suppress(OSError):
            os.rmdir(storage.path(prefix))


def make(scan, path):
    """Tile the master image at ``path`` for ``scan`` and store the files (see the module's
    docstring). Returns ``Made``; raises ``TilesFailed`` for an image libvips cannot read, or
    ImageRefused's message for one whose header is past the pixel limit."""
    pyvips = _vips()
    started = time.monotonic()
    with open(path, "rb") as handle:
        try:
            images.open_checked(handle, setting("MAX_PAGE_PIXELS"), formats=("JPEG", "PNG")).close()
        except images.ImageRefused as error:
            raise TilesFailed(error.message) from None
    with tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR) as workdir:
        try:
            image = displayable(pyvips.Image.new_from_file(path, fail_on="error"))
            image.dzsave(
                f"{workdir}/page",
                layout="iiif3",
                tile_size=setting("TILE_SIZE"),
                suffix=f".jpg[Q={JPEG_QUALITY}]",
            )
            out = f"{workdir}/page"
            for w, h in full_sizes(image.width, image.height):
                folder = f"{out}/full/{w},{h}/0"
                os.makedirs(folder, exist_ok=True)
                image.thumbnail_image(w, height=h, size="force").jpegsave(
                    f"{folder}/default.jpg", Q=JPEG_QUALITY
                )
            os.makedirs(f"{out}/full/max/0", exist_ok=True)
            image.jpegsave(f"{out}/full/max/0/default.jpg", Q=JPEG_QUALITY)
        except pyvips.Error:
            raise TilesFailed(
                _("The page's image is damaged or cut short and cannot be tiled.")
            ) from None
        delete(scan)
        files = _store(out, scan.tile_prefix)
        return Made(image.width, image.height, time.monotonic() - started, files)


def _store(folder, prefix):
    storage = scan_storage()
    count = 0
    for root, _dirs, names in os.walk(folder):
        for name in names:
            if name in NOT_SERVED:
                continue
            local = os.path.join(root, name)
            relative = os.path.relpath(local, folder).replace(os.sep, "/")
            with open(local, "rb") as handle:
                storage.save(f"{prefix}{relative}", File(handle))
            count += 1
    return count
