"""The ingest through a real Celery worker process and Redis: an upload sent on commit is split
on the ``files`` queue, and each page is tiled and recognised by its own task."""

import pytest
import redis

from kuzbib_site.base.queue import enqueue
from periodicals import ocr, tasks
from periodicals.models import IssueUpload, Scan
from tests.periodicals import scans as sample


@pytest.fixture
def issue(home_page):
    return sample.make_issue(home_page)


def test_a_worker_splits_an_upload_and_processes_each_page(
    redis_url, use_broker, start_worker, settings, issue, wait_until
):
    app = use_broker(redis_url)
    redis.Redis.from_url(redis_url).flushdb()
    # prefork, as production runs it: time limits and the memory ceiling act there only.
    worker = start_worker(
        app,
        redis_url,
        pool="prefork",
        env={"PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT)},
    )
    pages = [
        sample.page(sample.NEWSPAPER[:3], size=(1400, 500), font_size=40, margin=50)[0],
        sample.page(sample.NEWSPAPER[4:7], size=(1400, 500), font_size=40, margin=50)[0],
    ]
    upload = sample.upload(issue, "выпуск.pdf", sample.pdf(pages))
    assert enqueue(tasks.split_upload, upload_id=upload.pk)

    def all_done():
        scans = list(Scan.objects.filter(issue=issue))
        return len(scans) == 2 and all(scan.status == Scan.Status.DONE for scan in scans)

    wait_until(all_done, timeout=120, worker=worker, what="both pages to be ready")
    upload.refresh_from_db()
    assert upload.status == IssueUpload.Status.DONE and upload.attempts == 1
    first, second = Scan.objects.filter(issue=issue).order_by("number")
    assert first.tiled and first.attempts == 1 and first.ocr_engine == ocr.version()
    assert "Кузбасса" in first.text and "библиотеке" in second.text
