"""The ingest of an issue (periodicals/ingest.py): a PDF, images, a multi-page TIFF and a ZIP
split into pages, each tiled and recognised by the real tesseract; split again and processed
again without leftovers; the sweeper."""

import datetime

import pytest
from django.utils import timezone

from periodicals import ingest, tiles
from periodicals.models import IssueUpload, Scan
from tests.periodicals import scans as sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(home_page):
    return sample.make_issue(home_page)


def small_page(lines=sample.NEWSPAPER[:3]):
    return sample.page(lines, size=(1400, 600), font_size=40, margin=60)[0]


def stored_files(private_media):
    root = private_media / "periodicals" / "scans"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def run_all(upload):
    sent = []
    ingest.split(upload.pk, ready=sent.append)
    for scan_id in sent:
        ingest.process(scan_id)
    return sent


def test_a_pdf_is_split_into_pages_tiled_and_recognised(issue, private_media):
    data = sample.pdf([small_page(sample.NEWSPAPER[:3]), small_page(sample.NEWSPAPER[3:6])])
    upload = sample.upload(issue, "выпуск.pdf", data)
    sent = run_all(upload)
    upload.refresh_from_db()
    assert upload.status == IssueUpload.Status.DONE
    assert upload.pages == 2
    pages = list(issue.scans.order_by("number"))
    assert [scan.number for scan in pages] == [1, 2]
    assert sent == [scan.pk for scan in pages]
    for scan in pages:
        assert scan.status == Scan.Status.DONE, scan.error
        assert scan.image.name.endswith(".png")
        assert (scan.width, scan.height) == (1400, 600)
        assert scan.tiled and scan.tile_seconds > 0
        assert scan.ocr_engine.startswith("tesseract ")
        assert scan.alto.startswith("<?xml")
    assert "Кузбасса" in pages[0].text
    assert "библиотеке" in pages[1].text
    files = stored_files(private_media)
    prefix = f"tiles/{pages[0].pk}/"
    assert f"{prefix}full/max/0/default.jpg" in files
    assert f"{prefix}0,0,512,512/512,512/0/default.jpg" in files
    for size in tiles.info(pages[0], "https://example.org/iiif/1")["sizes"][:-1]:
        assert f"{prefix}full/{size['width']},{size['height']}/0/default.jpg" in files


def test_images_keep_their_original_bytes_and_pages_follow_earlier_uploads(issue):
    jpeg = sample.encoded(small_page(), "jpeg")
    first = sample.upload(issue, "1.jpg", jpeg)
    second = sample.upload(issue, "2.png", sample.encoded(small_page(), "png"))
    run_all(first)
    run_all(second)
    one, two = issue.scans.order_by("number")
    assert (one.number, one.upload_id, two.number, two.upload_id) == (1, first.pk, 2, second.pk)
    with one.image.open("rb") as handle:
        assert handle.read() == jpeg
    assert one.image.name.endswith(".jpg") and two.image.name.endswith(".png")
    assert one.status == two.status == Scan.Status.DONE


def test_a_multi_page_tiff_is_one_page_a_frame(issue):
    data = sample.multi_tiff([small_page(), small_page(sample.NEWSPAPER[4:6])])
    run_all(sample.upload(issue, "scan.tif", data))
    pages = list(issue.scans.order_by("number"))
    assert [scan.status for scan in pages] == [Scan.Status.DONE] * 2
    assert all(scan.image.name.endswith(".png") for scan in pages)
    assert "библиотеке" in pages[1].text


def test_a_zip_is_read_in_the_natural_order_of_names_and_a_bad_page_fails_alone(issue):
    good = sample.encoded(small_page(), "png")
    data = sample.zip_of(
        {
            "выпуск/10.png": sample.encoded(small_page(sample.NEWSPAPER[5:7]), "png"),
            "выпуск/2.jpg": sample.corrupt_jpeg(small_page()),
            "выпуск/1.png": good,
            "выпуск/readme.txt": b"scanned by the library",
            "__MACOSX/._1.png": b"junk",
            "выпуск/.DS_Store": b"junk",
        }
    )
    upload = sample.upload(issue, "pages.zip", data)
    run_all(upload)
    upload.refresh_from_db()
    assert upload.status == IssueUpload.Status.DONE and upload.pages == 4
    pages = {scan.number: scan for scan in issue.scans.all()}
    assert pages[1].status == Scan.Status.DONE
    assert pages[2].status == Scan.Status.FAILED
    assert pages[2].error == sample.russian(
        "The image «%(name)s» is damaged or cut short and cannot be read.", name="2.jpg"
    )
    assert not pages[2].image
    assert pages[3].status == Scan.Status.DONE and "библиотеке" in pages[3].text  # 10.png
    assert pages[4].status == Scan.Status.FAILED  # readme.txt
    assert pages[4].error == sample.russian(
        "«%(name)s» in the archive is not a JPEG, PNG or TIFF image.", name="readme.txt"
    )


def test_splitting_again_replaces_the_uploads_pages_and_their_files(
    issue, private_media, django_capture_on_commit_callbacks
):
    upload = sample.upload(issue, "выпуск.pdf", sample.pdf([small_page(), small_page()]))
    run_all(upload)
    old = list(issue.scans.values_list("pk", flat=True))
    later = sample.upload(issue, "ещё.png", sample.encoded(small_page(), "png"))
    run_all(later)
    assert IssueUpload.objects.filter(pk=upload.pk).update(status=IssueUpload.Status.QUEUED)
    with django_capture_on_commit_callbacks(execute=True):
        run_all(upload)
    pages = list(issue.scans.order_by("number"))
    assert [(scan.number, scan.upload_id) for scan in pages] == [
        (1, upload.pk),
        (2, upload.pk),
        (3, later.pk),
    ]
    assert not set(old) & {scan.pk for scan in pages}
    files = stored_files(private_media)
    for scan_id in old:
        assert not [name for name in files if f"-{scan_id}." in name]
        assert not [name for name in files if name.startswith(f"tiles/{scan_id}/")]
    assert [name for name in files if name.startswith(f"tiles/{pages[0].pk}/")]


def test_a_second_delivery_does_nothing(issue):
    upload = sample.upload(issue, "1.png", sample.encoded(small_page(), "png"))
    sent = run_all(upload)
    assert ingest.split(upload.pk) is None
    assert ingest.process(sent[0]) is None
    scan = Scan.objects.get(pk=sent[0])
    assert scan.attempts == 1 and upload.scans.count() == 1


def test_run_again_sends_one_page_through_again(issue, private_media):
    upload = sample.upload(issue, "1.png", sample.encoded(small_page(), "png"))
    [scan_id] = run_all(upload)
    assert ingest.rerun(scan_id)
    assert Scan.objects.get(pk=scan_id).status == Scan.Status.PENDING
    ingest.process(scan_id)
    scan = Scan.objects.get(pk=scan_id)
    assert scan.status == Scan.Status.DONE and scan.attempts == 1
    # The tiles were replaced, not added to.
    assert not [name for name in stored_files(private_media) if "_" in name.rsplit("/", 1)[-1]]


def test_without_tesseract_pages_are_tiled_and_ready_without_text(issue, settings):
    settings.KUZBIB_PERIODICALS = {"TESSERACT": "/nonexistent/tesseract"}
    upload = sample.upload(issue, "1.png", sample.encoded(small_page(), "png"))
    [scan_id] = run_all(upload)
    scan = Scan.objects.get(pk=scan_id)
    assert scan.status == Scan.Status.DONE and scan.tiled
    assert scan.text == "" and scan.ocr_engine == ""
    assert scan.error == ingest.no_ocr_notice() != ""


def test_the_sweeper_resends_lost_work_and_gives_up_after_three_dead_runs(issue):
    upload = sample.upload(issue, "1.png", sample.encoded(small_page(), "png"))
    now = timezone.now()
    later = now + datetime.timedelta(hours=1)
    assert ingest.sweep(now) == ([], [])  # just queued: its message is on its way
    assert ingest.sweep(later) == ([upload.pk], [])
    sent = []
    ingest.split(upload.pk, ready=sent.append)
    [scan_id] = sent
    assert ingest.sweep(later) == ([], [scan_id])  # waiting with a master: resent
    # Three runs that die (claimed, never finished).
    for attempt in range(1, 4):
        assert ingest.claim_scan(scan_id) is not None
        dead = later + datetime.timedelta(seconds=ingest.page_time_limit() + 3600 * attempt)
        Scan.objects.filter(pk=scan_id).update(started_at=dead - datetime.timedelta(days=1))
        uploads, resent = ingest.sweep(dead)
        scan = Scan.objects.get(pk=scan_id)
        if attempt < 3:
            assert scan.status == Scan.Status.PENDING and resent == [scan_id]
        else:
            assert scan.status == Scan.Status.FAILED and resent == []
            assert scan.error == sample.russian(
                "Processing was interrupted several times; run it again or upload a smaller file."
            )


def test_a_dead_split_is_queued_again_then_refused_with_nothing_left(
    issue, private_media, django_capture_on_commit_callbacks
):
    upload = sample.upload(issue, "выпуск.pdf", sample.pdf([small_page()]))
    now = timezone.now() + datetime.timedelta(days=1)
    for attempt in range(1, 4):
        assert ingest.claim_upload(upload.pk) is not None
        ingest.reserve(upload, 1)
        IssueUpload.objects.filter(pk=upload.pk).update(updated_at=now - datetime.timedelta(days=1))
        with django_capture_on_commit_callbacks(execute=True):
            uploads, _ = ingest.sweep(now)
        upload.refresh_from_db()
        if attempt < 3:
            assert upload.status == IssueUpload.Status.QUEUED and uploads == [upload.pk]
        else:
            assert upload.status == IssueUpload.Status.FAILED and uploads == []
    assert not issue.scans.exists()
    assert not upload.file
    assert not list((private_media / "periodicals").rglob("*.pdf"))
