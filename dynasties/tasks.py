"""Celery tasks of the dynasties app: thin wrappers that take ids, re-fetch what they need and
call plain modules (``photos``). Each returns quietly when its record is gone, and each may run
twice without doing the work twice."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from kuzbib_site.base.queue import enqueue
from kuzbib_site.base.uploads import address_space_limit

from . import photos
from .conf import setting

# Worth another try later: a database restart, a network disk away for a moment.
TRANSIENT = (OperationalError, InterfaceError, OSError)


def memory_ceiling(task):
    """The address space a photo may take beyond what its worker had (a real worker process
    only: run eagerly or called directly, this is the web process or a test, whose own memory is
    not the task's to limit); None for no limit."""
    in_worker = not (task.request.is_eager or task.request.called_directly)
    return setting("PHOTO_MEMORY_MB") * 1024 * 1024 if in_worker else None


@shared_task(
    name="kuzbib.dynasties.process_photo",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
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
    memory = memory_ceiling(self)
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
