"""Taking contest entries: the sequential entry number, saving an entry with its files in one
transaction, and the e-mails to the participant (the receipt, then each change of status that
``domain.entry`` makes).

The processing pipeline (``processing``) is sent the entry once the transaction commits; if the
broker is down then, the entry simply waits as «received» for the sweeper. Nothing here reads a
file beyond the upload checks."""

import datetime

from django.conf import settings
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base.db import retry_when_locked
from kuzbib_site.base.mail import build_email, send_once
from kuzbib_site.base.queue import enqueue_on_commit
from kuzbib_site.base.uploads import safe_filename

from .conf import setting
from .models import ContestPage, Entry, EntryFile

RECEIPT_SUBJECT = _("Your contest entry %(code)s is received: %(contest)s")
STATUS_SUBJECT = _("Your contest entry %(code)s: %(status)s")


def submit(contest, data, files, now=None):
    """Save a valid entry and its files; number it under the contest row's lock, so that
    concurrent submissions get distinct sequential numbers. Returns the entry. On SQLite, a
    submission that finds the database locked by another writer is tried again
    (``retry_when_locked``): the write lock is taken when the transaction begins, before any
    file is stored."""

    def save():
        locked = (
            ContestPage.objects.select_for_update(of=("self",))
            .only("pk", "last_entry_number")
            .get(pk=contest.pk)
        )
        # The counter never goes back (a deleted last entry's number is not given again); the
        # highest number taken guards against a counter written back stale by a page save that
        # raced with this submission.
        highest = Entry.objects.filter(contest_id=contest.pk).aggregate(Max("number"))
        number = max(locked.last_entry_number, highest["number__max"] or 0) + 1
        ContestPage.objects.filter(pk=contest.pk).update(last_entry_number=number)
        entry = Entry.objects.create(
            contest=contest,
            number=number,
            consent_given_at=now or timezone.now(),
            **data,
        )
        for uploaded, kind in files:
            name = safe_filename(uploaded.name)
            stored = EntryFile(entry=entry, original_name=name, kind=kind, size=uploaded.size)
            stored.file.save(name, uploaded, save=False)
            stored.save()
        _after_submit(entry.pk)
        return entry

    return retry_when_locked(save)


def _after_submit(entry_id):
    from .tasks import process_entry, send_entry_receipt  # noqa: PLC0415 — tasks run the pipeline

    enqueue_on_commit(send_entry_receipt, entry_id=entry_id)
    enqueue_on_commit(process_entry, entry_id=entry_id)


def _to_write_to(entry_id):
    """The entry with what its e-mails show, or None once it is erased (nobody left to write
    to)."""
    return (
        Entry.objects.select_related("contest", "nomination")
        .filter(pk=entry_id, anonymised_at=None)
        .first()
    )


def send_receipt(entry_id):
    """The receipt, sent once whatever the number of times the task runs."""
    entry = _to_write_to(entry_id)
    if entry is not None:
        send_once(entry, "receipt_sent_at", build_receipt, where={"anonymised_at": None})


def send_status(entry_id):
    """The e-mail about the entry's current status, sent once per status (a status that
    changed again before the task ran is told by the next task, not this one)."""
    entry = _to_write_to(entry_id)
    if entry is not None and entry.status in Entry.Status.notified():
        send_once(
            entry,
            "notified_status",
            build_status_email,
            value=entry.status,
            where={"status": entry.status, "anonymised_at": None},
        )


def unsent_receipts(now):
    waited = now - datetime.timedelta(seconds=setting("SWEEP_AFTER_SECONDS"))
    return list(
        Entry.objects.filter(
            receipt_sent_at=None, created_at__lt=waited, is_demo=False, anonymised_at=None
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )


def unsent_statuses(now):
    return list(
        Entry.objects.filter(status__in=Entry.Status.notified(), is_demo=False, anonymised_at=None)
        .exclude(notified_status=F("status"))
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )


def status_link(entry):
    contest = entry.contest
    return contest.get_full_url() + contest.reverse_subpage("entry_status", args=[entry.token])


def build_receipt(entry):
    contest = entry.contest
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(RECEIPT_SUBJECT) % {"code": entry.code, "contest": contest.title}
    context = {"contest": contest, "entry": entry, "link": status_link(entry)}
    return build_email(entry.email, subject, "contests/emails/receipt", context)


def build_status_email(entry):
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(STATUS_SUBJECT) % {"code": entry.code, "status": entry.get_status_display()}
    context = {"contest": entry.contest, "entry": entry, "link": status_link(entry)}
    return build_email(entry.email, subject, "contests/emails/status", context)
