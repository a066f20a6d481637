"""Bad input for the ingest's split, in the worker (the form refuses the same files first: see
test_ingest_admin.py): decompression bombs (PNG and TIFF claiming billions of pixels in a few
KB), a PDF of 5,000 pages, a PDF page past the pixel limit, ZIPs with path tricks, a corrupt
JPEG, an empty file, a file of the wrong type under an image's name. Each gets a clear message
naming the file, and nothing is half-made: no pages, no files, the upload's own file deleted.
A bomb inside a good archive fails its page alone. The crafted files' effect on the process's
peak memory is measured in a fresh process."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from periodicals import ingest
from periodicals.models import IssueUpload, Scan
from tests.factories import files as factory_files
from tests.periodicals import scans as sample

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def issue(home_page):
    return sample.make_issue(home_page)


def small_png():
    return sample.encoded(sample.page(sample.NEWSPAPER[:1], size=(900, 200))[0], "png")


def everything_on_disk(private_media):
    folder = private_media / "periodicals"
    return sorted(str(p) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


BAD_FILES = [
    ("бомба.png", sample.huge_png, "The image «%(name)s» has too many pixels to process.", {}),
    ("бомба.tif", sample.huge_tiff, "The image «%(name)s» has too many pixels to process.", {}),
    (
        "толстый.pdf",
        sample.many_page_pdf,
        "The file «%(name)s» has %(count)s pages; at most %(limit)s are accepted in one upload.",
        {"count": 5000, "limit": 400},
    ),
    (
        "битый.jpg",
        lambda: sample.corrupt_jpeg(sample.page(sample.NEWSPAPER[:1], size=(900, 200))[0]),
        "The image «%(name)s» is damaged or cut short and cannot be read.",
        {},
    ),
    ("пустой.png", lambda: b"", "The file «%(name)s» is empty.", {}),
    (
        "документ.jpg",
        factory_files.docx,
        "The file «%(name)s» is not a PDF, a JPEG, PNG or TIFF image or a ZIP of images "
        "(its content was checked, not its name).",
        {},
    ),
    (
        "обрыв.pdf",
        lambda: sample.pdf([sample.page(["Текст"], size=(400, 200))[0]])[:300],
        "The file «%(name)s» is damaged and cannot be opened.",
        {},
    ),
    (
        "хитрый.zip",
        lambda: sample.zip_of({"../../../../tmp/x.png": small_png()}),
        None,
        {},
    ),
    (
        "ссылка.zip",
        lambda: sample.zip_of({"1.png": small_png()}, symlinks={"2.png": "/etc/passwd"}),
        None,
        {},
    ),
]


@pytest.mark.parametrize(("name", "build", "msgid", "values"), BAD_FILES)
def test_the_worker_refuses_bad_files_whole_and_leaves_nothing(
    issue, private_media, django_capture_on_commit_callbacks, name, build, msgid, values
):
    upload = sample.upload(issue, name, build())
    with django_capture_on_commit_callbacks(execute=True):
        ingest.split(upload.pk, ready=pytest.fail)
    upload.refresh_from_db()
    assert upload.status == IssueUpload.Status.FAILED
    if msgid:
        assert upload.error == sample.russian(msgid, name=name, **values)
    else:
        assert f"«{name}»" in upload.error and "«..»" in upload.error
    assert not upload.file and upload.pages == 0
    assert not Scan.objects.exists()
    assert everything_on_disk(private_media) == []


def test_a_pdf_page_past_the_pixel_limit_fails_alone_before_it_is_rendered(issue, settings):
    # A 200 × 100,000 pt page is 834 × 416,667 pixels at 300 dpi: 347 megapixels.
    data = factory_files.pdf_with_page(width=200, height=100_000)
    upload = sample.upload(issue, "длинный.pdf", data)
    ingest.split(upload.pk)
    upload.refresh_from_db()
    assert upload.status == IssueUpload.Status.DONE
    [scan] = issue.scans.all()
    assert scan.status == Scan.Status.FAILED and not scan.image
    assert "834 × 416667" in scan.error


def test_a_bomb_inside_a_good_archive_fails_its_page_alone(issue):
    data = sample.zip_of(
        {"1.png": small_png(), "2.png": sample.huge_png(), "3.tif": sample.huge_tiff()}
    )
    upload = sample.upload(issue, "выпуск.zip", data)
    ready = []
    ingest.split(upload.pk, ready=ready.append)
    pages = list(issue.scans.order_by("number"))
    assert [scan.status for scan in pages] == [
        Scan.Status.PENDING,
        Scan.Status.FAILED,
        Scan.Status.FAILED,
    ]
    assert ready == [pages[0].pk]
    for scan, name in ((pages[1], "2.png"), (pages[2], "3.tif")):
        assert scan.error == sample.russian(
            "The image «%(name)s» has too many pixels to process.", name=name
        )


PROBE = r"""
import gc, json, sys, tempfile
from pathlib import Path

import django

django.setup()

from periodicals import ingest

folder = Path(sys.argv[1])


def status(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])


def run(path):
    with open(path, "rb") as handle:
        try:
            pages = ingest.check_file(handle, path.name)
        except ingest.Refused as error:
            return error.message
    said = []
    with tempfile.TemporaryDirectory() as workdir:
        for page in pages:
            try:
                ingest.make_master(str(path), page, workdir)
                said.append("made")
            except ingest.PageRefused as error:
                said.append(error.message)
    return said


run(folder / "warm" / "warm.pdf")
run(folder / "warm" / "warm.png")
results = {}
for path in sorted((folder / "files").iterdir()):
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")
    start = status("VmRSS")
    outcome = run(path)
    results[path.name] = {"grew_mib": (status("VmHWM") - start) / 1024, "outcome": outcome}
print(json.dumps(results, ensure_ascii=False))
"""


def test_crafted_files_keep_the_peak_memory_flat(tmp_path):
    files = {
        "bomb.png": sample.huge_png(),
        "bomb.tif": sample.huge_tiff(),
        "pages.pdf": sample.many_page_pdf(),
        "tall.pdf": factory_files.pdf_with_page(width=200, height=100_000),
        "bombs.zip": sample.zip_of({"a.png": sample.huge_png(), "b.tif": sample.huge_tiff()}),
        # A member that declares 39 bytes and inflates to a gigabyte: stopped at the cap.
        "deflate.zip": factory_files.raw_zip(
            [
                (
                    "1.png",
                    zipfile.ZIP_DEFLATED,
                    factory_files.deflate_bomb(prefix=small_png()[:64]),
                    39,
                    0,
                )
            ]
        ),
    }
    for folder, content in (
        ("files", files),
        (
            "warm",
            {
                "warm.pdf": sample.pdf([sample.page(["Тепло"], size=(400, 200))[0]]),
                "warm.png": small_png(),
            },
        ),
    ):
        (tmp_path / folder).mkdir()
        for name, data in content.items():
            (tmp_path / folder / name).write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path)],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "kuzbib_site.settings.test"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout.strip().splitlines()[-1])
    for name, result in results.items():
        assert result["grew_mib"] < 60, (name, result)
    assert "5000" in results["pages.pdf"]["outcome"]
    assert results["bomb.png"]["outcome"] != ["made"]
    assert results["bombs.zip"]["outcome"][0] != "made"
    assert results["tall.pdf"]["outcome"][0] != "made"
    assert results["deflate.zip"]["outcome"] != ["made"]
