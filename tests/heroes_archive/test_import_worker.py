"""The import with a real Celery worker over Redis: the upload's dry run and the import run in
the worker (``kuzbib.heroes_archive.check_import``, ``run_import``), the progress is seen from
outside while it runs, and it ends «imported» with every hero published; the builds' sweeper
sends a lost message again (``resume_import``)."""

import datetime
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from heroes_archive import importer
from heroes_archive.importer import BATCH
from heroes_archive.models import HeroImport, HeroPage
from kuzbib_site.base import builds
from tests.factories.heroes import HeroIndexPageFactory
from tests.heroes_archive.test_import import hero_row, spreadsheet

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 2 * BATCH + 50


def phase_of(pk):
    return HeroImport.objects.get(pk=pk).phase


def test_a_worker_checks_and_imports_with_progress(
    home_page, settings, redis_url, use_broker, start_worker, wait_until
):
    archive = HeroIndexPageFactory(parent=home_page)
    app = use_broker(redis_url)
    worker = start_worker(
        app, redis_url, env={"PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT)}
    )
    data = spreadsheet([hero_row(f"GST-{number:05d}") for number in range(ROWS)])
    # Autocommit: the dry run is sent once the upload's transaction commits.
    heroimport = importer.upload(archive, SimpleUploadedFile("heroes.csv", data), None)
    wait_until(
        lambda: phase_of(heroimport.pk) in (HeroImport.Phase.CHECKED, HeroImport.Phase.FAILED),
        worker=worker,
        what="the dry run",
    )
    heroimport.refresh_from_db()
    assert heroimport.phase == HeroImport.Phase.CHECKED, heroimport.error
    assert heroimport.report["counts"]["create"] == ROWS
    assert not HeroPage.objects.exists()

    assert importer.request_import(heroimport, None)
    seen = []
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        current = HeroImport.objects.get(pk=heroimport.pk)
        seen.append((current.phase, current.rows_done))
        if not current.is_working:
            break
        time.sleep(0.2)
    heroimport.refresh_from_db()
    assert heroimport.phase == HeroImport.Phase.DONE, (heroimport.error, worker.output())
    assert heroimport.outcome["counts"]["create"] == ROWS
    assert heroimport.rows_done == heroimport.rows_total == ROWS
    # The page saw the import half-way: some rows done, not all.
    assert any(phase == HeroImport.Phase.IMPORTING and 0 < done < ROWS for phase, done in seen), (
        seen
    )
    assert HeroPage.objects.live().count() == ROWS
    assert "kuzbib.heroes_archive.run_import" in worker.output()


def test_the_sweeper_sends_a_lost_dry_run_again(
    home_page, settings, redis_url, use_broker, start_worker, wait_until
):
    archive = HeroIndexPageFactory(parent=home_page)
    # Uploaded while the broker was away: the row waits, queued, its message never sent.
    heroimport = importer.upload(
        archive, SimpleUploadedFile("h.csv", spreadsheet([hero_row("GST-00001")])), None
    )
    assert phase_of(heroimport.pk) == HeroImport.Phase.CHECKED  # eager here: run at once
    HeroImport.objects.filter(pk=heroimport.pk).update(
        status=HeroImport.Status.REQUESTED,
        report={},
        requested_at=timezone.now() - datetime.timedelta(hours=1),
    )
    app = use_broker(redis_url)
    worker = start_worker(
        app, redis_url, env={"PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT)}
    )
    report = builds.sweep(models=[HeroImport])
    assert report["heroes_archive.HeroImport"]["resent"] == 1
    wait_until(
        lambda: (
            phase_of(heroimport.pk) == HeroImport.Phase.CHECKED
            and HeroImport.objects.get(pk=heroimport.pk).report.get("counts")
        ),
        worker=worker,
        what="the dry run sent again",
    )
    assert "kuzbib.heroes_archive.resume_import" in worker.output()
