"""IIIF level-0 tiles of a page (periodicals/tiles.py): the files in storage are exactly what
``dzsave(layout="iiif3")`` writes, plus the whole-page sizes; ``info()`` describes only files
that exist, with dzsave's own scale factors."""

import json

import pytest
from PIL import Image

from periodicals import tiles
from periodicals.models import Scan
from tests.factories.periodicals import ScanFactory
from tests.periodicals import scans as sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def scan(home_page):
    issue = sample.make_issue(home_page)
    return ScanFactory(issue=issue, number=1, status=Scan.Status.TILING, width=0, height=0)


def stored(private_media, scan):
    root = private_media / "periodicals" / "scans" / scan.tile_prefix
    return {str(p.relative_to(root)): p for p in root.rglob("*") if p.is_file()}


def master(tmp_path, size=(2100, 1300), mode="L", kind="png"):
    picture, _ = sample.page(sample.NEWSPAPER[:4], size=size)
    picture = picture.convert(mode)
    path = tmp_path / f"master.{kind}"
    picture.save(path, format="JPEG" if kind == "jpg" else "PNG")
    return str(path)


def test_the_stored_layout_is_dzsaves_and_info_lists_only_stored_files(
    scan, tmp_path, private_media
):
    import pyvips

    path = master(tmp_path)
    made = tiles.make(scan, path)
    assert (made.width, made.height) == (2100, 1300) and made.seconds > 0
    files = stored(private_media, scan)
    assert made.files == len(files)

    # dzsave's own output of the same image, side by side.
    pyvips.Image.new_from_file(path).dzsave(
        str(tmp_path / "reference"), layout="iiif3", tile_size=512, suffix=".jpg[Q=85]"
    )
    reference = {
        str(p.relative_to(tmp_path / "reference")) for p in (tmp_path / "reference").rglob("*")
    }
    reference = {name for name in reference if name.endswith(".jpg")}
    assert reference <= set(files)
    own = json.loads((tmp_path / "reference" / "info.json").read_text())

    scan.width, scan.height = made.width, made.height
    info = tiles.info(scan, "https://example.org/iiif/scans/1")
    assert info["id"] == "https://example.org/iiif/scans/1"
    assert info["type"] == "ImageService3" and info["profile"] == "level0"
    assert info["tiles"] == own["tiles"]
    assert (info["width"], info["height"]) == (own["width"], own["height"])
    for size in info["sizes"]:
        name = (
            "full/max/0/default.jpg"
            if (size["width"], size["height"]) == (2100, 1300)
            else f"full/{size['width']},{size['height']}/0/default.jpg"
        )
        with Image.open(files[name]) as image:
            assert image.size == (size["width"], size["height"]), name
    widths = [size["width"] for size in info["sizes"]]
    assert {150, 300, 800, 1600} <= set(widths) and widths == sorted(widths)
    # Every tile a viewer computes from info.json is a file (OpenSeadragon's IIIF tile source).
    for factor in info["tiles"][0]["scaleFactors"]:
        step = 512 * factor
        for y in range(0, 1300, step):
            for x in range(0, 2100, step):
                w, h = min(step, 2100 - x), min(step, 1300 - y)
                tw, th = -(-w // factor), -(-h // factor)
                # A region that is the whole page is «full» (the canonical form).
                region = "full" if (w, h) == (2100, 1300) else f"{x},{y},{w},{h}"
                assert f"{region}/{tw},{th}/0/default.jpg" in files


def test_tiling_again_replaces_the_files(scan, tmp_path, private_media):
    tiles.make(scan, master(tmp_path, size=(2100, 1300)))
    tiles.make(scan, master(tmp_path, size=(900, 700)))
    files = stored(private_media, scan)
    assert not [name for name in files if name.startswith("1024,")]  # the larger page's
    with Image.open(files["full/max/0/default.jpg"]) as image:
        assert image.size == (900, 700)
    tiles.delete(scan)
    assert stored(private_media, scan) == {}


@pytest.mark.parametrize("mode", ["RGBA", "CMYK", "RGB"])
def test_colour_and_transparency_become_plain_jpeg_tiles(scan, tmp_path, private_media, mode):
    kind = "jpg" if mode == "CMYK" else "png"
    tiles.make(scan, master(tmp_path, size=(700, 500), mode=mode, kind=kind))
    with Image.open(stored(private_media, scan)["full/max/0/default.jpg"]) as image:
        assert image.mode in ("RGB", "L")


def test_a_damaged_master_fails_with_a_message(scan, tmp_path, private_media):
    data = sample.encoded(sample.page(sample.NEWSPAPER[:2], size=(900, 500))[0], "png")
    path = tmp_path / "cut.png"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(tiles.TilesFailed) as failed:
        tiles.make(scan, str(path))
    assert failed.value.message == sample.russian(
        "The page's image is damaged or cut short and cannot be tiled."
    )
    assert stored(private_media, scan) == {}


def test_small_pages_have_one_level_and_no_wider_sizes():
    assert tiles.scale_factors(400, 300) == [1]
    assert tiles.full_sizes(400, 300) == [(150, 112), (300, 225)]
    assert tiles.scale_factors(4961, 7016) == [1, 2, 4, 8, 16]
