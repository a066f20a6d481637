"""Files that lie about themselves, from the public form to the worker: archives whose members
inflate to a gigabyte, a PDF page 100,000 points tall, a 20,000 × 20,000 PNG, documents claiming
99,999,999,999 pages. Each is refused with a message or ends «needs attention» with a reason; the
worker's inspection keeps its peak memory flat (measured in a separate process); a real worker
runs file tasks under an address-space limit and replaces pool processes that grew."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.html import escape
from PIL import Image

from contests import inspection, processing, submission
from contests.models import Entry
from kuzbib_site.base import uploads
from tests.base.peak_memory import peak_growth
from tests.contests.test_submission import form_data
from tests.factories import files as sample
from tests.factories.contests import entry_data
from tests.factories.contests import uploads as uploaded

KINDS = ["pdf", "docx", "pptx", "odt", "jpeg", "png"]
MB = 1024 * 1024
COUNT_MAX = 2_147_483_647


def in_russian(function, *args):
    """What the worker and the site store and show (LANGUAGE_CODE is ru), whether or not the
    catalogue translates the message yet."""
    with translation.override("ru"):
        return function(*args)


@pytest.mark.services  # measured in a process of its own
def test_the_workers_inspection_of_hostile_files_keeps_peak_memory_flat(tmp_path):
    files = sample.hostile_files()
    warm = {
        "warm.pdf": sample.pdf(),
        "warm.docx": sample.docx(),
        "warm.odt": sample.odt(),
        "warm.png": sample.image(),
    }
    results = peak_growth("worker", files, warm, tmp_path)
    for name, result in results.items():
        assert result["grew_mib"] < 100, (name, result)
        assert result["outcome"] != "MemoryError", name
    for name in ("bzip2.odt", "deflate.odt", "types.docx", "huge.png"):
        assert results[name]["outcome"]["problem"], (name, results[name])
    # The tall page is legal PDF: only its top is drawn, within the preview's bounds.
    tall = results["tall.pdf"]["outcome"]
    assert tall["problem"] == "" and tall["kind"] == "pdf"
    width, height = tall["preview"]
    assert width <= 800 and height <= 1600


def test_the_preview_of_a_tall_or_wide_page_is_bounded():
    assert inspection.preview_geometry(200, 100_000) == (4, 100_000 - 400)
    scale, crop = inspection.preview_geometry(100_000, 200)
    assert 100_000 * scale == 800 and crop == 0
    assert inspection.preview_geometry(595, 842)[1] == 0  # A4 is drawn whole
    assert inspection.preview_geometry(float("nan"), 100) is None
    assert inspection.preview_geometry(10**9, 1) is None  # less than a pixel tall


def test_a_memory_error_while_inspecting_is_the_files_problem():
    # A real image within the pixel limit whose decoding needs ~50 MB, read under a 16 MB
    # ceiling, as a worker with a low KUZBIB_PROCESSING_MEMORY_MB would.
    data = sample.huge_png(7000, 7000)
    with uploads.address_space_limit(16 * MB):
        report = inspection.inspect(io.BytesIO(data), "poster.png", KINDS, 20 * MB)
    assert report.kind == "png" and report.preview is None
    assert report.problem == inspection._memory_problem("poster.png")


def test_counts_a_file_claims_are_clamped_to_the_column():
    report = inspection.inspect(
        io.BytesIO(sample.docx_claiming_pages(99_999_999_999)), "a.docx", KINDS, 20 * MB
    )
    assert report.problem == "" and report.pages == COUNT_MAX
    report = inspection.inspect(
        io.BytesIO(sample.odt(page_count=99_999_999_999)), "a.odt", KINDS, 20 * MB
    )
    assert report.problem == "" and report.pages == COUNT_MAX
    assert inspection.clamp_count(-5) == 0 and inspection.clamp_count(None) is None


@pytest.mark.django_db
def test_an_entry_whose_files_claim_too_many_pages_is_processed_not_stuck(contest):
    # On PostgreSQL an integer column refuses 99,999,999,999: without clamping, the
    # transaction that stores the results fails and the entry stays «being checked».
    contest.max_file_mb = contest.max_entry_mb = 20
    contest.save()
    entry = submission.submit(
        contest,
        entry_data(contest),
        uploaded(
            ("a.docx", sample.docx_claiming_pages(99_999_999_999), "docx"),
            ("b.odt", sample.odt(page_count=99_999_999_999), "odt"),
        ),
    )
    processing.run(entry.pk)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.READY, entry.status_reason
    assert [stored.pages for stored in entry.files.order_by("pk")] == [COUNT_MAX, COUNT_MAX]


@pytest.mark.django_db
def test_hostile_files_through_the_public_form(
    client, contest, settings, django_capture_on_commit_callbacks
):
    contest.max_file_mb = contest.max_entry_mb = 20
    contest.save()
    files = sample.hostile_files()
    refused = {
        "bzip2.odt": "method",
        "deflate.odt": "too_large",
        "types.docx": "too_large",
    }
    for number, (name, code) in enumerate(refused.items()):
        data = form_data(contest, email=f"p{number}@example.ru")
        data["files"] = [SimpleUploadedFile(name, files[name])]
        response = client.post(contest.url + "submit/", data, REMOTE_ADDR=f"10.0.0.{number}")
        assert response.status_code == 200, name
        message = in_russian(lambda n=name, c=code: uploads._refused(n, c).messages[0])
        assert escape(message) in response.content.decode(), name
        # Nothing is half-saved: no entry, no file.
        assert not Entry.objects.exists()
        assert not [path for path in settings.PRIVATE_MEDIA_ROOT.rglob("*") if path.is_file()]

    # The PDF and the PNG are valid files: taken, then looked at by the worker.
    for number, name in enumerate(("tall.pdf", "huge.png"), start=10):
        data = form_data(contest, email=f"p{number}@example.ru")
        data["files"] = [SimpleUploadedFile(name, files[name])]
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(contest.url + "submit/", data, REMOTE_ADDR=f"10.0.0.{number}")
        assert response.status_code == 302, name
    tall, huge = Entry.objects.order_by("pk")
    assert tall.status == Entry.Status.READY
    preview = Image.open(tall.files.get().preview)
    assert preview.size[0] <= 800 and preview.size[1] <= 1600
    assert huge.status == Entry.Status.NEEDS_ATTENTION
    problem = in_russian(lambda: inspection._too_many_pixels("huge.png", None, None))
    assert huge.files.get().problem == problem and problem in huge.status_reason


# --- A real worker -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(300)
def test_a_real_worker_processes_files_under_the_memory_limits(
    contest, redis_url, use_broker, start_worker, settings, tmp_path, wait_until
):
    contest.max_file_mb = contest.max_entry_mb = 20
    contest.save()
    env = {
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "KUZBIB_TEST_MAIL_DIR": str(tmp_path),
        # 24 MB beyond what the pool process maps: a 56-megapixel image cannot be decoded.
        "KUZBIB_PROCESSING_MEMORY_MB": "24",
        # Any pool process is over 1 MB after a task: each is replaced by a fresh one.
        "KUZBIB_WORKER_MAX_MEMORY_MB": "1",
    }
    app = use_broker(redis_url)
    worker = start_worker(app, redis_url, pool="prefork", env=env)
    (conf,) = app.control.inspect(destination=[worker.node], timeout=5).conf().values()
    assert conf["CELERY_WORKER_MAX_MEMORY_PER_CHILD"] == 1024  # KiB, as the worker runs it
    (first_child,) = worker.children()

    poster = submission.submit(
        contest, entry_data(contest), uploaded(("poster.png", sample.huge_png(8000, 7000), "png"))
    )
    wait_until(lambda: not Entry.objects.get(pk=poster.pk).is_pending, worker=worker)
    poster.refresh_from_db()
    assert poster.status == Entry.Status.NEEDS_ATTENTION, worker.output()
    problem = in_russian(inspection._memory_problem, "poster.png")
    assert poster.files.get().problem == problem and problem in poster.status_reason

    # The limit was lifted after the task: the next entry's files are read as usual.
    text = submission.submit(
        contest, entry_data(contest), uploaded(("a.docx", sample.docx(), "docx"))
    )
    wait_until(lambda: not Entry.objects.get(pk=text.pk).is_pending, worker=worker)
    assert Entry.objects.get(pk=text.pk).status == Entry.Status.READY, worker.output()
    # worker_max_memory_per_child: the pool process that did the work was replaced.
    wait_until(lambda: worker.children() and worker.children() != [first_child], worker=worker)


def test_a_thumbnail_over_its_cap_only_means_no_preview():
    import os

    picture = os.urandom(6 * MB)
    data = sample.rezipped(
        sample.docx(), {"docProps/thumbnail.jpeg": (picture, sample.deflated(picture, level=1))}
    )
    report = inspection.inspect(io.BytesIO(data), "a.docx", KINDS, 20 * MB)
    assert report.problem == "" and report.kind == "docx" and report.preview is None
