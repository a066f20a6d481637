"""The core's image guard: what is refused before decoding (and how little memory that takes),
and what a clean copy keeps — the pixels, turned upright and scaled down, and nothing else."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from kuzbib_site.base import images
from tests.factories import files
from tests.site_language import in_site_language

ROOT = Path(__file__).resolve().parents[2]
LIMITS = {"max_pixels": 50_000_000, "max_side": 2000}
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg_with_gps(size=(600, 400), orientation=6):
    """A JPEG whose EXIF says where it was taken (55°21′ N, 86°5′ E: Kemerovo), who took it and
    that it is shown turned 90° clockwise (orientation 6: the camera was held upright)."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x013B] = "Ivanov Ivan"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (55.0, 21.0, 0.0), 3: "E", 4: (86.0, 5.0, 0.0)})
    picture = Image.new("RGB", size, (200, 30, 30))
    # The left third green, so that the turn can be seen in the pixels.
    picture.paste((30, 200, 30), (0, 0, size[0] // 3, size[1]))
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=95, exif=exif.tobytes(), comment=b"Ivanov")
    return out.getvalue()


def png(mode="RGB", size=(300, 200), color=(20, 40, 200), text=None):
    chunks = PngImagePlugin.PngInfo()
    for key, value in (text or {}).items():
        chunks.add_text(key, value)
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, format="PNG", pnginfo=chunks)
    return out.getvalue()


def opened(copy):
    return Image.open(io.BytesIO(copy.data))


def test_a_photo_loses_its_exif_and_gps_and_is_turned_upright():
    data = jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the upload has them

    copy = images.clean_copy(io.BytesIO(data), name="photo.jpg", **LIMITS)

    assert (copy.format, copy.width, copy.height) == ("jpeg", 400, 600)
    with opened(copy) as picture:
        assert picture.format == "JPEG"
        assert picture.size == (400, 600)
        assert not picture.getexif()
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(picture.info)
        # Turned clockwise: the green left edge of the upload is now the top.
        red, green, _blue = picture.getpixel((200, 20))
        assert green > 150 > red
    assert b"Exif" not in copy.data
    assert b"GPS" not in copy.data
    assert b"Ivanov" not in copy.data


def test_a_png_loses_its_text_chunks_and_becomes_a_jpeg_unless_it_is_see_through():
    data = png(text={"Author": "Ivanov Ivan", "Comment": "taken at home"})
    assert Image.open(io.BytesIO(data)).text["Author"] == "Ivanov Ivan"

    opaque = images.clean_copy(data, **LIMITS)
    see_through = images.clean_copy(
        png("RGBA", color=(20, 40, 200, 100), text={"A": "Ivanov"}), **LIMITS
    )

    assert opaque.format == "jpeg"
    assert b"Ivanov" not in opaque.data
    assert see_through.format == "png"
    assert see_through.extension == "png"
    assert b"Ivanov" not in see_through.data
    with opened(see_through) as picture:
        assert picture.mode == "RGBA"
        assert not getattr(picture, "text", {})
        assert picture.getpixel((5, 5))[3] == 100


def test_the_copy_is_scaled_down_to_the_longest_side():
    copy = images.clean_copy(
        files.image("jpeg", size=(4000, 3000)), max_pixels=50_000_000, max_side=1000
    )
    small = images.clean_copy(
        files.image("png", size=(300, 200)), max_pixels=50_000_000, max_side=1000
    )

    assert (copy.width, copy.height) == (1000, 750)
    assert opened(copy).size == (1000, 750)
    assert (small.width, small.height) == (300, 200)  # never scaled up


def test_a_thumbnail_is_a_jpeg_with_see_through_pixels_on_white():
    thumb = images.thumbnail(
        png("RGBA", size=(800, 400), color=(0, 0, 0, 0)), side=400, max_pixels=50_000_000
    )

    assert (thumb.format, thumb.width, thumb.height) == ("jpeg", 400, 200)
    with opened(thumb) as picture:
        assert picture.mode == "RGB"
        assert min(picture.getpixel((10, 10))) > 240


def test_a_cmyk_photo_becomes_rgb():
    out = io.BytesIO()
    Image.new("CMYK", (100, 80), (0, 255, 255, 0)).save(out, format="JPEG")

    copy = images.clean_copy(out.getvalue(), **LIMITS)

    with opened(copy) as picture:
        assert picture.mode == "RGB"
        red, green, blue = picture.getpixel((50, 40))
        assert red > 200 and green < 60 and blue < 60


def test_a_decompression_bomb_is_refused_from_its_header():
    bomb = files.huge_png(20_000, 20_000)
    assert len(bomb) < 200_000

    with pytest.raises(images.ImageRefused) as refused:
        images.clean_copy(io.BytesIO(bomb), name="huge.png", **LIMITS)

    assert refused.value.code == "too_many_pixels"
    assert refused.value.message == in_site_language(
        "The image «%(name)s» has too many pixels to process.", name="huge.png"
    )


def test_an_image_over_the_pixel_limit_is_refused_with_its_size():
    with pytest.raises(images.ImageRefused) as refused:
        images.open_checked(files.huge_png(8000, 7000), 50_000_000, name="big.png")

    assert refused.value.message == in_site_language(
        "The image «%(name)s» is %(width)s × %(height)s pixels; at most %(limit)s megapixels are "
        "accepted. Save a smaller copy and send it again.",
        name="big.png",
        width=8000,
        height=7000,
        limit=50,
    )


def test_open_checked_reads_only_the_header():
    data = files.image("jpeg", size=(640, 480))

    with images.open_checked(io.BytesIO(data), 1_000_000) as image:
        assert image.size == (640, 480)
        assert image.format == "JPEG"
        assert image.tile  # nothing decoded yet: loading empties the list of tiles


def test_decoding_past_the_memory_budget_is_refused():
    data = files.image("png", size=(2000, 2000))

    with pytest.raises(images.ImageRefused) as refused:
        images.clean_copy(data, name="p.png", memory=1_000_000, **LIMITS)

    assert refused.value.code == "memory"
    # A JPEG is budgeted after its shrink-on-load: 4000 × 4000 decoded at an eighth is 500 × 500.
    shrunk = images.thumbnail(
        files.image("jpeg", size=(4000, 4000)), side=400, max_pixels=50_000_000, memory=1_000_000
    )
    assert shrunk.width == 400


@pytest.mark.parametrize(
    ("data", "code", "msgid"),
    [
        (
            b"<html>not a picture</html>",
            "not_an_image",
            "The file «%(name)s» is not a JPEG or PNG picture (its content was checked).",
        ),
        (
            files.pdf(),
            "not_an_image",
            "The file «%(name)s» is not a JPEG or PNG picture (its content was checked).",
        ),
        (
            jpeg_with_gps()[:3000],
            "damaged",
            "The image «%(name)s» is damaged or cut short and cannot be read.",
        ),
        (
            b"",
            "not_an_image",
            "The file «%(name)s» is not a JPEG or PNG picture (its content was checked).",
        ),
    ],
    ids=["html", "pdf", "truncated-jpeg", "empty"],
)
def test_what_is_not_a_whole_picture_is_refused_with_a_message(data, code, msgid):
    with pytest.raises(images.ImageRefused) as refused:
        images.clean_copy(io.BytesIO(data), name="x.jpg", **LIMITS)

    message = in_site_language(msgid, name="x.jpg")
    assert (refused.value.code, refused.value.message) == (code, message)
    assert isinstance(refused.value, ValueError)


def test_a_cut_short_photo_is_refused_even_where_weasyprint_lets_pillow_load_it():
    import weasyprint  # noqa: F401, PLC0415 — importing it turns truncated loading on
    from PIL import ImageFile  # noqa: PLC0415

    assert ImageFile.LOAD_TRUNCATED_IMAGES

    with pytest.raises(images.ImageRefused) as refused:
        images.thumbnail(jpeg_with_gps()[:-200], side=100, max_pixels=50_000_000)

    assert refused.value.code == "damaged"
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # WeasyPrint's setting is given back


def test_a_gif_is_refused_even_though_pillow_reads_it():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")

    with pytest.raises(images.ImageRefused) as refused:
        images.clean_copy(out.getvalue(), **LIMITS)

    assert refused.value.code == "not_an_image"
    assert refused.value.message == in_site_language(
        "The file is not a JPEG or PNG picture (its content was checked)."
    )


PROBE = r"""
import gc, io, json, resource, sys
from pathlib import Path

import django

django.setup()

from kuzbib_site.base import images

def status(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])  # KiB

warm, bomb = Path(sys.argv[1]).read_bytes(), Path(sys.argv[2]).read_bytes()
images.clean_copy(io.BytesIO(warm), max_pixels=50_000_000, max_side=2000)
# A safety net, not the measure: an unguarded decode fails here instead of taking the machine.
mapped = int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
resource.setrlimit(resource.RLIMIT_AS, (mapped + 1024**3, resource.RLIM_INFINITY))
gc.collect()
Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from the current RSS
start = status("VmRSS")
try:
    images.clean_copy(io.BytesIO(bomb), max_pixels=50_000_000, max_side=2000, name="huge.png")
    outcome = "decoded"
except images.ImageRefused as refused:
    outcome = refused.code
except MemoryError:
    outcome = "MemoryError"
print(json.dumps({"grew_mib": (status("VmHWM") - start) / 1024, "outcome": outcome}))
"""


@pytest.mark.services  # measured in a process of its own
def test_refusing_the_bomb_keeps_peak_memory_flat(tmp_path):
    (tmp_path / "warm.jpg").write_bytes(jpeg_with_gps())
    (tmp_path / "huge.png").write_bytes(files.huge_png(20_000, 20_000))
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "warm.jpg"), str(tmp_path / "huge.png")],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "kuzbib_site.settings.test",
            "PYTHONPATH": str(ROOT),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])

    # Decoding it would take 400 MB (a byte a pixel); refusing it from the header takes nothing.
    assert result["outcome"] == "too_many_pixels"
    assert result["grew_mib"] < 5
