"""An entry's life cycle: every change of its status is one function here.

::

    received ──start_processing──▶ processing ──finish_processing──▶ ready / needs attention
       ▲                              │ give_up (too slow, died too often) ─▶ needs attention
       └──────── reprocess (a manager; any status but withdrawn) ◀──────────────┘
    any status but withdrawn/disqualified ──withdraw (participant, submissions open)──▶ withdrawn
                                          ──withdraw_by_organisers / disqualify──▶ withdrawn /
                                                                                   disqualified

The status groups (``Entry.Status.pending()``, ``final()``, ``notified()``) live on the enum.
Each transition takes the entry's row lock (or updates conditionally), so of two changes at once
the second sees the first; each one the participant hears about sends the status e-mail once the
transaction commits. Reasons and log lines are written in the site's language."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kuzbib_site.base.queue import enqueue_on_commit

from .. import assignment
from ..conf import setting
from ..models import Entry, EntryFlag, Judging
from . import in_site_language

#: What a manager's decision writes to the processing log, by the status it sets.
DECISION_LOG = {
    Entry.Status.DISQUALIFIED: gettext_lazy("Disqualified by %(user)s: %(reason)s"),
    Entry.Status.WITHDRAWN: gettext_lazy("Withdrawn by %(user)s: %(reason)s"),
}


# --- What may happen now -----------------------------------------------------------------------


def can_withdraw(entry, now=None):
    """The participant may withdraw an entry still in the contest while submissions are open."""
    return not entry.is_final and entry.contest.submission_stage(now) is not None


def can_decide(entry):
    """A manager may still withdraw or disqualify the entry (it is not out of the contest)."""
    return not entry.is_final


def can_reprocess(entry):
    """«Process again» applies to any entry but a withdrawn one."""
    return entry.status != Entry.Status.WITHDRAWN


# --- The participant ---------------------------------------------------------------------------


def withdraw(entry, now=None):
    """The participant withdraws their entry while submissions are open; False when it is out of
    the contest already or submissions are closed."""
    if not can_withdraw(entry, now):
        return False
    with transaction.atomic():
        changed = (
            Entry.objects.filter(pk=entry.pk)
            .exclude(status__in=Entry.Status.final())
            .update(status=Entry.Status.WITHDRAWN, withdrawn_at=now or timezone.now())
        )
        if changed:
            notify_status(entry.pk)
    return bool(changed)


# --- The processing pipeline -------------------------------------------------------------------


@in_site_language
def start_processing(entry_id, now=None):
    """Mark a waiting entry as being processed and count the attempt; returns it (with its
    contest), or None if it is not waiting. An entry whose runs keep dying is given up here."""
    now = now or timezone.now()
    with transaction.atomic():
        entry = (
            Entry.objects.select_for_update(of=("self",))
            .select_related("contest")
            # An erased entry has no files left to read, whatever its status.
            .filter(pk=entry_id, anonymised_at=None)
            .first()
        )
        if entry is None or not entry.is_pending:
            return None
        if entry.processing_attempts >= setting("PROCESSING_MAX_ATTEMPTS"):
            _give_up(entry, _("Processing was interrupted too many times."), now)
            return None
        entry.status = Entry.Status.PROCESSING
        entry.processing_attempts += 1
        entry.processing_started_at = now
        entry.log(
            _("Processing started (attempt %(number)s).") % {"number": entry.processing_attempts},
            now=now,
        )
        entry.save(
            update_fields=[
                "status",
                "processing_attempts",
                "processing_started_at",
                "processing_log",
            ]
        )
    return entry


@in_site_language
def finish_processing(entry, reasons, now, also_save=()):
    """The pipeline's verdict on an entry being processed, whose row the caller holds locked:
    «ready for judging», or «needs attention» with ``reasons`` (what the participant reads).
    Saves the status with the fields named in ``also_save`` (what the pipeline set on ``entry``);
    False, saving nothing, if the entry is no longer being processed."""
    if entry.status != Entry.Status.PROCESSING:
        return False
    reasons = list(reasons)
    if reasons:
        entry.status = Entry.Status.NEEDS_ATTENTION
        reasons.append(_("The organisers will look at the entry and may contact you."))
    else:
        entry.status = Entry.Status.READY
    entry.status_reason = " ".join(reasons)
    entry.processed_at = now
    entry.log(
        _("Processing finished: %(status)s.") % {"status": entry.get_status_display()}, now=now
    )
    entry.save(
        update_fields=["status", "status_reason", "processed_at", "processing_log", *also_save]
    )
    notify_status(entry.pk)
    reassign_if_judging(entry)
    return True


@in_site_language
def give_up(entry_id, reason, now=None):
    """Stop trying to process an entry (a file that takes too long): it needs attention and the
    managers look at it. ``reason``, for the log, is a msgid translated here."""
    now = now or timezone.now()
    with transaction.atomic():
        entry = Entry.objects.select_for_update().filter(pk=entry_id).first()
        if entry is not None and entry.is_pending:
            _give_up(entry, _(reason), now)


def _give_up(entry, reason, now):
    entry.status = Entry.Status.NEEDS_ATTENTION
    entry.status_reason = _(
        "The files could not be checked automatically; the organisers will check them by hand."
    )
    entry.log(reason, level="error", now=now)
    entry.save(update_fields=["status", "status_reason", "processing_log"])
    notify_status(entry.pk)


# --- The managers ------------------------------------------------------------------------------


@in_site_language
def reprocess(entry, user=None, now=None):
    """A manager's «process again»: the entry waits again and a fresh run is sent. False for a
    withdrawn entry."""
    from ..tasks import process_entry  # noqa: PLC0415 — tasks run the pipeline

    now = now or timezone.now()
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if not can_reprocess(entry):
            return False
        entry.status = Entry.Status.RECEIVED
        entry.status_reason = ""
        entry.processing_attempts = 0
        entry.log(_("Processing again, asked for by %(user)s.") % {"user": user or "—"}, now=now)
        entry.save(
            update_fields=["status", "status_reason", "processing_attempts", "processing_log"]
        )
        enqueue_on_commit(process_entry, entry_id=entry.pk)
    return True


def disqualify(entry, reason, user, now=None):
    """A manager disqualifies ``entry`` with ``reason`` (what the participant reads)."""
    return _decide(entry, Entry.Status.DISQUALIFIED, reason, user, now)


def withdraw_by_organisers(entry, reason, user, now=None):
    """A manager withdraws ``entry`` with ``reason``, whether or not submissions are open."""
    return _decide(entry, Entry.Status.WITHDRAWN, reason, user, now)


@in_site_language
def _decide(entry, status, reason, user, now):
    """Set a manager's ``status`` with ``reason``, log who did it and e-mail the participant
    once committed. False if the entry is already out of the contest. A processing run still
    going finds the entry no longer being processed and leaves it alone."""
    now = now or timezone.now()
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if not can_decide(entry):
            return False
        entry.status = status
        entry.status_reason = reason
        if status == Entry.Status.WITHDRAWN:
            entry.withdrawn_at = now
        line = str(DECISION_LOG[status]) % {"user": user, "reason": reason}
        entry.log(line, level="warning", now=now)
        entry.save(update_fields=["status", "status_reason", "withdrawn_at", "processing_log"])
        notify_status(entry.pk)
        reassign_if_judging(entry)
    return True


@in_site_language
def accept_reveal_flag(flag, user, now=None):
    """A manager accepts a «may reveal the author» flag (the file may go to a blind jury as it
    is), logged on the entry; ``user`` is None for a script (the demo's loader). False, changing
    nothing, when it is no such flag any more: already accepted, or replaced by a processing run
    in the meantime."""
    now = now or timezone.now()
    with transaction.atomic():
        # The entry's row lock orders this with a processing run replacing the entry's flags.
        entry = Entry.objects.select_for_update().filter(pk=flag.entry_id).first()
        changed = entry is not None and EntryFlag.objects.filter(
            pk=flag.pk, kind=EntryFlag.Kind.MAY_REVEAL_AUTHOR, accepted_at=None
        ).update(accepted_at=now, accepted_by=user)
        if not changed:
            return False
        entry.log(
            _("%(user)s accepted that a file may reveal the author: %(fragment)s")
            % {"user": user or "—", "fragment": flag.fragment},
            now=now,
        )
        entry.save(update_fields=["processing_log"])
    return True


# --- Telling the participant -------------------------------------------------------------------


def reassign_if_judging(entry):
    """An entry that becomes ready for judging, or leaves the contest, while the jury is at work
    changes who scores what: the assignments are made again once this commits (an entry
    processed late gets its jurors; one disqualified loses its untouched assignments, never a
    started sheet). A failure is logged and mended by the next run."""
    judging = Judging.objects.filter(contest_id=entry.contest_id, state=Judging.State.OPEN)
    if judging.exists():
        contest = entry.contest
        transaction.on_commit(lambda: assignment.assign(contest), robust=True)


def notify_status(entry_id):
    """Send the e-mail about the entry's new status once the transaction commits (it goes once
    per status: ``submission.send_status``)."""
    from ..tasks import send_entry_status  # noqa: PLC0415 — tasks run the pipeline

    enqueue_on_commit(send_entry_status, entry_id=entry_id)
