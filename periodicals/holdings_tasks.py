"""Celery tasks of the union catalogue: thin wrappers that take a ``HoldingsImport``'s id and call
``periodicals.holdings_import`` (tested without Celery). Each returns quietly when the import is
gone or no longer at that step, so a second delivery does nothing. ``periodicals.tasks`` imports
them so that Celery's autodiscovery finds them."""

from celery import shared_task
from django.utils import timezone

from . import holdings_import

# A dry run or an import of the largest file (``HOLDINGS_MAX_BYTES``) stays well inside these.
IMPORT = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": holdings_import.TRANSIENT,
    "retry_backoff": True,
    "max_retries": 3,
    "soft_time_limit": 900,
    "time_limit": 960,
    "ignore_result": True,
}


@shared_task(name="kuzbib.periodicals.check_holdings_import", **IMPORT)
def check_holdings_import(*, holdings_import_id):
    """The dry run of an uploaded file (sent by ``holdings_import.upload``)."""
    holdings_import.check(holdings_import_id)


@shared_task(name="kuzbib.periodicals.apply_holdings_import", **IMPORT)
def apply_holdings_import(*, holdings_import_id):
    """The import of a checked file (sent by ``holdings_import.request_apply``)."""
    holdings_import.apply(holdings_import_id)


@shared_task(name="kuzbib.periodicals.sweep_holdings_imports", ignore_result=True)
def sweep_holdings_imports():
    """Celery beat: imports whose message was lost or whose worker died are sent again."""
    holdings_import.sweep(timezone.now())
