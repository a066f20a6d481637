"""The core's one guard for pictures the public uploads (photos of an application, images of a
contest entry): the size is read from the header and refused before anything is decoded (a
decompression bomb of 20,000 × 20,000 pixels is a 50 KB PNG), the decoding's memory is budgeted,
and what is kept is a clean copy — the pixels only, turned as the camera's EXIF says they are
shown, scaled down and re-encoded without EXIF (the GPS position included), XMP, IPTC, comments,
text chunks or colour profile.

Everything here works on an open binary file (or bytes) and raises ``ImageRefused``, whose
message the person who sent the picture can act on, for anything it will not process."""

import contextlib
import io
import threading
import warnings
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageFile, ImageOps

# Only these decoders ever see an upload: Pillow's other plugins (and their bugs) stay shut.
FORMATS = ("JPEG", "PNG")
SRGB = ImageCms.createProfile("sRGB")
_strict = {"lock": threading.Lock(), "depth": 0, "saved": False}


class ImageRefused(ValueError):
    """A picture that is not processed, with a translated ``message`` saying why."""

    def __init__(self, message, code="damaged"):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded picture: its bytes, size and format ("jpeg" or "png")."""

    data: bytes
    width: int
    height: int
    format: str

    @property
    def extension(self):
        return "jpg" if self.format == "jpeg" else "png"


def _named(name, with_name, without_name, **values):
    if name:
        return with_name % {"name": name, **values}
    return without_name % values


def _too_many_pixels(name, width=None, height=None, max_pixels=None):
    if width is None:
        return ImageRefused(
            _named(
                name,
                _("The image «%(name)s» has too many pixels to process."),
                _("The image has too many pixels to process."),
            ),
            code="too_many_pixels",
        )
    return ImageRefused(
        _named(
            name,
            _(
                "The image «%(name)s» is %(width)s × %(height)s pixels; at most %(limit)s "
                "megapixels are accepted. Save a smaller copy and send it again."
            ),
            _(
                "The image is %(width)s × %(height)s pixels; at most %(limit)s megapixels are "
                "accepted. Save a smaller copy and send it again."
            ),
            width=width,
            height=height,
            limit=max(1, max_pixels // 1_000_000),
        ),
        code="too_many_pixels",
    )


def _not_an_image(name):
    return ImageRefused(
        _named(
            name,
            _("The file «%(name)s» is not a JPEG or PNG picture (its content was checked)."),
            _("The file is not a JPEG or PNG picture (its content was checked)."),
        ),
        code="not_an_image",
    )


def _damaged(name):
    return ImageRefused(
        _named(
            name,
            _("The image «%(name)s» is damaged or cut short and cannot be read."),
            _("The image is damaged or cut short and cannot be read."),
        ),
        code="damaged",
    )


def too_much_memory(name=""):
    """The refusal of a picture that needs more memory to read than is allowed (for a caller
    whose MemoryError came from past its address-space ceiling)."""
    return ImageRefused(
        _named(
            name,
            _(
                "The image «%(name)s» needs more memory to read than is allowed. Save a smaller "
                "copy and send it again."
            ),
            _(
                "The image needs more memory to read than is allowed. Save a smaller copy and "
                "send it again."
            ),
        ),
        code="memory",
    )


@contextlib.contextmanager
def _strict_decoding():
    """Pillow's truncated-image tolerance off while the block runs. WeasyPrint turns it on for
    the whole process when it is imported (``ImageFile.LOAD_TRUNCATED_IMAGES = True``), and then
    a photo cut short decodes without complaint, its missing part grey; here it must be refused.
    Nested and concurrent blocks share one switch: the first turns it off, the last restores."""
    with _strict["lock"]:
        if _strict["depth"] == 0:
            _strict["saved"] = ImageFile.LOAD_TRUNCATED_IMAGES
            ImageFile.LOAD_TRUNCATED_IMAGES = False
        _strict["depth"] += 1
    try:
        yield
    finally:
        with _strict["lock"]:
            _strict["depth"] -= 1
            if _strict["depth"] == 0:
                ImageFile.LOAD_TRUNCATED_IMAGES = _strict["saved"]


def open_checked(handle, max_pixels, name="", formats=FORMATS):
    """The picture in ``handle`` (an open binary file or bytes) opened with only its header
    read, once that header says it is a JPEG or PNG (or one of ``formats``, Pillow's names: a
    scanned page may be a TIFF) of at most ``max_pixels`` pixels; raises ImageRefused otherwise.
    The image is a context manager; nothing is decoded yet."""
    if isinstance(handle, bytes | bytearray):
        handle = io.BytesIO(handle)
    handle.seek(0)
    try:
        # Pillow warns past its own limit (89 million pixels) and refuses past twice that; a
        # warning turned into an error by the warnings filter is a refusal too.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(handle, formats=formats)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels(name) from error
    except Image.UnidentifiedImageError as error:
        raise _not_an_image(name) from error
    except MemoryError as error:
        raise too_much_memory(name) from error
    except Exception as error:  # any failure to parse an untrusted header is the file's problem
        raise _damaged(name) from error
    width, height = image.size
    if width < 1 or height < 1 or width * height > max_pixels:
        image.close()
        if width < 1 or height < 1:
            raise _damaged(name)
        raise _too_many_pixels(name, width, height, max_pixels)
    return image


def _decoded(handle, *, max_pixels, max_side, name, memory, keep_transparency):
    """The picture decoded, turned upright, no larger than ``max_side`` a side, in sRGB, as RGB
    (or RGBA when ``keep_transparency`` and it has see-through pixels)."""
    with _strict_decoding(), open_checked(handle, max_pixels, name) as image:
        # A JPEG is decoded at 1/2, 1/4 or 1/8 of its size when that is still at least max_side:
        # a 48-megapixel photo never takes its full size in memory.
        image.draft("RGB", (max_side, max_side))
        if memory and image.width * image.height * len(image.getbands()) > memory:
            raise too_much_memory(name)
        try:
            image.load()
            picture = _plain_mode(ImageOps.exif_transpose(image), keep_transparency)
            picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
            return _in_srgb(picture, image.info.get("icc_profile"))
        except MemoryError as error:
            raise too_much_memory(name) from error
        except Exception as error:  # a truncated or corrupt stream fails while decoding
            raise _damaged(name) from error


def _plain_mode(picture, keep_transparency):
    """``picture`` in a mode that scales smoothly and converts to sRGB: RGBA when it has
    see-through pixels to keep, see-through pixels put on white otherwise; CMYK, greyscale and
    RGB as they are."""
    if picture.mode.startswith("I;16") or picture.mode == "I":
        # 16-bit greyscale: scaled to 8 bits, not clipped to white.
        picture = picture.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info:
        picture = picture.convert("RGBA")
        if keep_transparency and picture.getchannel("A").getextrema()[0] < 255:
            return picture
        return _on_white(picture)
    if picture.mode in ("CMYK", "RGB", "L"):
        return picture
    return picture.convert("RGB")


def _in_srgb(picture, icc_profile):
    """``picture`` as RGB or RGBA, its colours moved into sRGB when the upload carried a colour
    profile (so that the copy, which carries none, looks the same)."""
    target = "RGBA" if picture.mode == "RGBA" else "RGB"
    if icc_profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            return ImageCms.profileToProfile(picture, source, SRGB, outputMode=target)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile, or one for other colours: the pixels as they are
    return picture.convert(target)


def _on_white(picture):
    white = Image.new("RGB", picture.size, "white")
    white.paste(picture, mask=picture.getchannel("A"))
    return white


def _encoded(picture, quality):
    """``picture`` written anew with nothing but its pixels: a fresh image object, so no
    metadata read from the upload (EXIF, XMP, ICC, text chunks) can travel with it."""
    bare = Image.frombytes(picture.mode, picture.size, picture.tobytes())
    out = io.BytesIO()
    if bare.mode == "RGBA":
        bare.save(out, format="PNG", optimize=True)
        kind = "png"
    else:
        bare.save(out, format="JPEG", quality=quality, optimize=True, progressive=True)
        kind = "jpeg"
    return CleanImage(data=out.getvalue(), width=bare.width, height=bare.height, format=kind)


def clean_copy(handle, *, max_pixels, max_side, name="", quality=88, memory=None):
    """A clean copy of the picture in ``handle`` (an open binary file or bytes): refused before
    decoding when its header claims more than ``max_pixels`` pixels, or when decoding would take
    more than ``memory`` bytes (a byte per band per pixel after a JPEG's shrink-on-load; None:
    no budget); turned upright as its EXIF says, scaled down to ``max_side`` pixels a side, and
    re-encoded without any metadata — a PNG with see-through pixels as PNG, anything else as
    JPEG. Raises ImageRefused with a message for the sender."""
    picture = _decoded(
        handle,
        max_pixels=max_pixels,
        max_side=max_side,
        name=name,
        memory=memory,
        keep_transparency=True,
    )
    return _encoded(picture, quality)


def thumbnail(handle_or_bytes, *, side, max_pixels, name="", quality=82, memory=None):
    """A JPEG no larger than ``side`` pixels a side (see-through pixels on white), under the
    same guards as ``clean_copy``."""
    picture = _decoded(
        handle_or_bytes,
        max_pixels=max_pixels,
        max_side=side,
        name=name,
        memory=memory,
        keep_transparency=False,
    )
    return _encoded(picture, quality)
