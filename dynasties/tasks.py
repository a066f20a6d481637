"""Celery tasks of the dynasties app: thin wrappers that take ids, re-fetch what they need and
call plain modules (``photos``, ``emails``). Each returns quietly when its record is gone, and
each may run twice without doing the work twice."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from kuzbib_site.base.queue import MAIL_TASK, TRANSIENT_ERRORS, enqueue
from kuzbib_site.base.uploads import address_space_limit, worker_memory

from . import emails, photos
from .conf import setting
from .models import stale_figures

# What ``DynastyPage.refresh_figures`` writes.
FIGURE_COLUMNS = (
    "member_count",
    "generation_count",
    "service_years",
    "first_service_year",
    "figures_year",
)


@shared_task(
    name="kuzbib.dynasties.process_photo",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=setting("PHOTO_MAX_ATTEMPTS"),
    soft_time_limit=setting("PHOTO_SOFT_TIME_LIMIT"),
    time_limit=setting("PHOTO_TIME_LIMIT"),
    ignore_result=True,
    bind=True,
)
def process_photo(self, *, photo_id):
    """Sent on commit when an application is submitted or corrected, and by the sweeper."""
    memory = worker_memory(self, setting("PHOTO_MEMORY_MB"))
    try:
        with address_space_limit(memory):
            photos.run(photo_id, memory=memory)
    except SoftTimeLimitExceeded:
        photos.refuse(photo_id, photos.slow_problem())


@shared_task(name="kuzbib.dynasties.sweep_photos", ignore_result=True)
def sweep_photos():
    """Run by beat: refuse the photos whose every run died, and send again those a broker
    outage or a dead worker left pending."""
    now = timezone.now()
    photos.give_up_exhausted(now)
    for photo_id in photos.stuck(now):
        enqueue(process_photo, photo_id=photo_id)


@shared_task(name="kuzbib.dynasties.send_receipt", **MAIL_TASK)
def send_receipt(*, application_id):
    """Sent on commit when a family applies, and by the sweeper."""
    emails.send_receipt(application_id)


@shared_task(name="kuzbib.dynasties.send_status", **MAIL_TASK)
def send_status(*, application_id):
    """Sent on commit after each decision (``domain.application``), and by the sweeper."""
    emails.send_status(application_id)


@shared_task(name="kuzbib.dynasties.sweep_mail", ignore_result=True)
def sweep_mail():
    """Run by beat: send again the e-mails a broker outage or a dead worker left unsent."""
    now = timezone.now()
    for application_id in emails.unsent_receipts(now):
        enqueue(send_receipt, application_id=application_id)
    for application_id in emails.unsent_statuses(now):
        enqueue(send_status, application_id=application_id)


@shared_task(name="kuzbib.dynasties.refresh_figures", ignore_result=True)
def refresh_figures():
    """Run by beat once a day: the figures of dynasties whose work goes on grow with the year
    (only the figure columns are written: no revision, no other field)."""
    for page in stale_figures().prefetch_related("members", "links", "periods__library"):
        page.refresh_figures()
        page.save(clean=False, update_fields=list(FIGURE_COLUMNS))
