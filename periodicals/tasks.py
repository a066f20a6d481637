"""Celery tasks of the periodicals archive: thin wrappers that take ids and call plain modules.
Each returns quietly when its record is gone, and each may run twice without doing the work
twice.

The ingest (``ingest.py``): ``split_upload`` splits an editor's upload into pages and sends
``process_scan`` for each page as its master image is stored; ``process_scan`` tiles,
recognises and indexes one page; ``sweep_ingest`` (beat) sends again what a broker outage or a
dead worker left waiting, and gives up after ``MAX_ATTEMPTS`` runs. Both heavy tasks run on the
``files`` queue (``CELERY_TASK_ROUTES``), one page (or one split) per task, with time and
memory limits."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.utils import timezone

from kuzbib_site.base.queue import TRANSIENT_ERRORS, enqueue
from kuzbib_site.base.uploads import address_space_limit, worker_memory

from . import ingest
from .conf import setting

# --- Ingest ----------------------------------------------------------------------------------


def _send_page(scan_id):
    # Split runs outside a transaction: each page is sent as soon as its master is stored.
    transaction.on_commit(lambda: enqueue(process_scan, scan_id=scan_id), robust=True)


@shared_task(
    name="kuzbib.periodicals.split_upload",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=setting("MAX_ATTEMPTS"),
    soft_time_limit=setting("SPLIT_SECONDS"),
    time_limit=setting("SPLIT_SECONDS") + 60,
    ignore_result=True,
    bind=True,
)
def split_upload(self, *, upload_id):
    """Sent on commit when an editor uploads a file for an issue, and by the sweeper."""
    memory = worker_memory(self, setting("SPLIT_MEGABYTES"))
    try:
        with address_space_limit(memory):
            ingest.split(upload_id, ready=_send_page, memory=memory)
    except SoftTimeLimitExceeded:
        ingest.refuse_upload(upload_id, ingest.slow_problem())
    except TRANSIENT_ERRORS:
        ingest.release_upload(upload_id)
        raise


@shared_task(
    name="kuzbib.periodicals.process_scan",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=setting("MAX_ATTEMPTS"),
    soft_time_limit=setting("TILE_SECONDS") + setting("OCR_SECONDS"),
    time_limit=setting("TILE_SECONDS") + setting("OCR_SECONDS") + 60,
    ignore_result=True,
    bind=True,
)
def process_scan(self, *, scan_id):
    """Sent by the split for each page, by «Run again» in the admin, and by the sweeper."""
    try:
        # libvips maps the page beside the worker; tesseract has its own limit (ocr.py).
        with address_space_limit(worker_memory(self, setting("OCR_MEGABYTES"))):
            ingest.process(scan_id)
    except SoftTimeLimitExceeded:
        ingest.fail_scan(scan_id, ingest.gettext_noop("Processing took longer than allowed."))
    except MemoryError:
        ingest.fail_scan(
            scan_id, ingest.gettext_noop("The page needs more memory to process than is allowed.")
        )
    except TRANSIENT_ERRORS:
        ingest.release_scan(scan_id)
        raise


@shared_task(name="kuzbib.periodicals.sweep_ingest", ignore_result=True)
def sweep_ingest():
    """Run by beat: send again the uploads and pages a broker outage or a dead worker left
    waiting; give up on those whose every run died."""
    uploads, scans = ingest.sweep(timezone.now())
    for upload_id in uploads:
        enqueue(split_upload, upload_id=upload_id)
    for scan_id in scans:
        enqueue(process_scan, scan_id=scan_id)


# --- End of ingest ---------------------------------------------------------------------------


# --- The union catalogue (holdings imports) ----------------------------------------------------
from .holdings_tasks import (  # noqa: E402, F401
    apply_holdings_import,
    check_holdings_import,
    sweep_holdings_imports,
)
