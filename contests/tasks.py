"""Celery tasks of the contests app: thin wrappers that take ids, re-fetch what they need and
call plain modules (``processing``, ``submission``, ``archive``, ``domain.entry``). Each returns
quietly when its record is gone, and each may run twice without doing the work twice."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone
from django.utils.translation import gettext_noop

from kuzbib_site.base.queue import MAIL_TASK, TRANSIENT_ERRORS, enqueue
from kuzbib_site.base.uploads import address_space_limit, worker_memory

from . import (
    archive,
    collection,
    diplomas,
    invitations,
    processing,
    protocol,
    reminders,
    submission,
)
from .conf import setting
from .domain import entry as entries

# Files built in the background on the ``pdf`` queue (the entries' ZIP, the documents of
# judging), sent by a request (``<module>.request``) and again by the builds' sweeper
# (``kuzbib.base.sweep_builds``).
BUILD = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "max_retries": 3,
    "soft_time_limit": 1800,
    "time_limit": 1900,
    "ignore_result": True,
}


@shared_task(
    name="kuzbib.contests.process_entry",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=setting("PROCESSING_MAX_ATTEMPTS"),
    soft_time_limit=setting("PROCESSING_SOFT_TIME_LIMIT"),
    time_limit=setting("PROCESSING_TIME_LIMIT"),
    ignore_result=True,
    bind=True,
)
def process_entry(self, *, entry_id):
    # A file past the memory ceiling fails with MemoryError: the entry needs attention.
    try:
        with address_space_limit(worker_memory(self, setting("PROCESSING_MEMORY_MB"))):
            processing.run(entry_id)
    except SoftTimeLimitExceeded:
        entries.give_up(entry_id, gettext_noop("Processing took longer than allowed."))


@shared_task(name="kuzbib.contests.send_entry_receipt", **MAIL_TASK)
def send_entry_receipt(*, entry_id):
    submission.send_receipt(entry_id)


@shared_task(name="kuzbib.contests.send_entry_status", **MAIL_TASK)
def send_entry_status(*, entry_id):
    submission.send_status(entry_id)


@shared_task(name="kuzbib.contests.build_entries_archive", **BUILD)
def build_entries_archive(*, build_id):
    """Sent by ``archive.request`` and by the builds' sweeper (``kuzbib.base.sweep_builds``)."""
    archive.build(build_id)


@shared_task(name="kuzbib.contests.sweep", ignore_result=True)
def sweep():
    """Run by beat: send again what a broker outage or a dead worker left waiting. (The entries'
    ZIPs are background builds: ``kuzbib.base.sweep_builds`` sweeps them.)"""
    now = timezone.now()
    for entry_id in processing.stuck(now):
        enqueue(process_entry, entry_id=entry_id)
    for entry_id in submission.unsent_receipts(now):
        enqueue(send_entry_receipt, entry_id=entry_id)
    for entry_id in submission.unsent_statuses(now):
        enqueue(send_entry_status, entry_id=entry_id)
    for member_id in invitations.unsent(now):
        enqueue(send_jury_invitation, member_id=member_id)
    # Not a resend: the jurors' reminder rounds that have come due since the last sweep.
    reminders.due(now)
    for diploma_id in diplomas.unsent(now):
        enqueue(send_diploma, diploma_id=diploma_id)


@shared_task(name="kuzbib.contests.send_jury_invitation", **MAIL_TASK)
def send_jury_invitation(*, member_id):
    """Sent when a jury member is added or invited again, and by the sweeper."""
    invitations.send_invitation(member_id)


@shared_task(
    name="kuzbib.contests.send_jury_reminders",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def send_jury_reminders(*, build_id):
    """A reminder round's build, asked for by ``reminders.due`` (the sweep) and sent again by
    the builds' sweeper (``kuzbib.base.sweep_builds``)."""
    reminders.build(build_id)


@shared_task(name="kuzbib.contests.build_diplomas", **BUILD)
def build_diplomas(*, build_id):
    diplomas.build(build_id)


@shared_task(name="kuzbib.contests.send_diploma", **MAIL_TASK)
def send_diploma(*, diploma_id):
    """Sent by the diplomas' batch for each participant, and by the sweeper."""
    diplomas.send(diploma_id)


@shared_task(name="kuzbib.contests.build_protocol", **BUILD)
def build_protocol(*, build_id):
    protocol.build(build_id)


@shared_task(name="kuzbib.contests.build_winners_collection", bind=True, **BUILD)
def build_winners_collection(self, *, build_id):
    # The winners' own files are read here: each may take what processing them could; a file
    # past it is left out of the booklet with a note.
    collection.build(build_id, memory=worker_memory(self, setting("PROCESSING_MEMORY_MB")))
