"""Celery tasks of the heroes archive: thin wrappers that take an import's id and call
``heroes_archive.importer``, which does the work (and is tested without Celery). Each returns
quietly when the import is gone, and two deliveries of one message do the work once (the
builds' claim, ``kuzbib_site.base.builds.run``)."""

from celery import shared_task

from . import importer
from .models import HeroImport

# An import of the largest file (``IMPORT_MAX_ROWS`` rows) on a slow worker stays well inside
# these; ``HeroImport.running_timeout`` is longer than the hard limit.
IMPORT = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": importer.TRANSIENT,
    "retry_backoff": True,
    "max_retries": 3,
    "soft_time_limit": 3000,
    "time_limit": 3300,
    "ignore_result": True,
}


@shared_task(name="kuzbib.heroes_archive.check_import", **IMPORT)
def check_import(*, heroimport_id):
    """The dry run of an uploaded spreadsheet (sent by ``importer.upload``)."""
    importer.work(heroimport_id, HeroImport.Stage.CHECK)


@shared_task(name="kuzbib.heroes_archive.run_import", **IMPORT)
def run_import(*, heroimport_id):
    """The import of a checked spreadsheet (sent by ``importer.request_import``)."""
    importer.work(heroimport_id, HeroImport.Stage.IMPORT)


@shared_task(name="kuzbib.heroes_archive.resume_import", **IMPORT)
def resume_import(*, build_id):
    """Whichever stage the import is at, sent again by the builds' sweeper
    (``kuzbib.base.sweep_builds``) when a message was lost or a worker died."""
    importer.work(build_id)
