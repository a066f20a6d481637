"""The entry processing pipeline: every file of an entry is inspected (``inspection``), the
results are compared with the contest's other entries (identical files by SHA-256, similar
texts by a MinHash sketch), and the entry becomes «ready for judging» or «needs attention» with
a reason the participant reads.

The pipeline is safe to run any number of times, at once or one after another:

- ``claim`` takes an entry that is still waiting (received, or stuck in processing after a
  worker died) and counts the attempt; an entry already processed is left alone;
- the files are read outside any transaction (that is the slow part);
- ``finish`` writes every result in one transaction under the contest's lock, and only if the
  entry is still being processed: of two runs of one entry the first to finish wins and the
  second changes nothing;
- after ``PROCESSING_MAX_ATTEMPTS`` runs that never finished (a file that kills or hangs the
  worker), the entry is handed to the managers instead of being tried for ever.
"""

import datetime
import functools
import hashlib
import heapq
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kuzbib_site.base.queue import enqueue_on_commit

from .inspection import WORD_RE, clamp_count, inspect
from .models import ContestPage, Entry, EntryFile, EntryFlag
from .submission import notify_status

SHINGLE_WORDS = 5
SKETCH_SIZE = 128
MB = 1024 * 1024


def _conf(name):
    return settings.KUZBIB_CONTESTS[name]


def in_site_language(function):
    """Reasons and log lines are stored as text in the site's language, whichever request or
    worker wrote them."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper


# --- Similar texts -----------------------------------------------------------------------------


def signature(text):
    """A bottom-k MinHash sketch of the text's 5-word shingles (case and ё/е folded): the
    ``SKETCH_SIZE`` smallest 63-bit shingle hashes. Empty for texts too short to compare."""
    words = [word.lower().replace("ё", "е") for word in WORD_RE.findall(text)]
    if len(words) < max(_conf("NEAR_DUPLICATE_MIN_WORDS"), SHINGLE_WORDS):
        return []
    hashes = {
        int.from_bytes(
            hashlib.blake2b(" ".join(words[i : i + SHINGLE_WORDS]).encode(), digest_size=8).digest()
        )
        >> 1
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }
    return sorted(heapq.nsmallest(SKETCH_SIZE, hashes))


def similarity(first, second):
    """The estimated Jaccard similarity of the two texts behind two sketches (0…1)."""
    if not first or not second:
        return 0.0
    first, second = set(first), set(second)
    union = heapq.nsmallest(SKETCH_SIZE, first | second)
    return sum(1 for value in union if value in first and value in second) / len(union)


# --- The pipeline ------------------------------------------------------------------------------


@in_site_language
def run(entry_id, now=None):
    """Process one entry from start to end; returns the entry, or None when there was nothing
    to do (gone, already processed, or another run finished first)."""
    entry = claim(entry_id, now)
    if entry is None:
        return None
    contest = entry.contest
    deadline = time.monotonic() + _conf("PROCESSING_SOFT_TIME_LIMIT")
    reports = {}
    # Opening a stored file may fail for a moment (a network disk); that OSError reaches the
    # task, which retries. Reading what is inside never raises: a bad file gets a problem.
    for stored in entry.files.all():
        with stored.file.storage.open(stored.file.name, "rb") as handle:
            reports[stored.pk] = inspect(
                handle,
                stored.original_name,
                allowed_kinds=contest.file_kinds,
                max_bytes=contest.max_file_mb * MB,
                deadline=deadline,
            )
    return finish(entry_id, reports, now)


@in_site_language
def claim(entry_id, now=None):
    """Mark a waiting entry as being processed; None if it is not waiting. An entry whose runs
    keep dying is given up here."""
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
        if entry.processing_attempts >= _conf("PROCESSING_MAX_ATTEMPTS"):
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
def finish(entry_id, reports, now=None):
    """Store the files' reports, flag duplicates and set the entry's status, in one
    transaction; nothing if the entry is no longer being processed."""
    now = now or timezone.now()
    with transaction.atomic():
        contest_id = Entry.objects.filter(pk=entry_id).values_list("contest_id", flat=True).first()
        if contest_id is None:
            return None
        # The contest's lock orders finishing runs, so that of two similar entries processed
        # at the same moment the second always sees the first.
        ContestPage.objects.select_for_update(of=("self",)).only("pk").get(pk=contest_id)
        entry = (
            Entry.objects.select_for_update(of=("self",))
            .select_related("contest")
            .filter(pk=entry_id)
            .first()
        )
        if entry is None or entry.status != Entry.Status.PROCESSING:
            return None
        files = list(entry.files.all())
        if set(reports) != {stored.pk for stored in files}:
            # The files changed while this run read them (a manager deleted one): start again.
            return None
        problems = []
        for stored in files:
            problem = _store_report(entry, stored, reports[stored.pk], now)
            if problem:
                problems.append(problem)
                entry.log(problem, level="error", now=now)
        if sum(stored.size for stored in files) > entry.contest.max_entry_mb * MB:
            problems.append(
                _("The files together exceed %(mb)s MB.") % {"mb": entry.contest.max_entry_mb}
            )
        entry.flags.all().delete()
        flags = _exact_duplicates(entry, files) + _near_duplicates(entry, files)
        EntryFlag.objects.bulk_create(flags)
        reasons = list(problems)
        if any(flag.kind == EntryFlag.Kind.EXACT_DUPLICATE for flag in flags):
            reasons.append(_("A file is identical to a file of another entry of this contest."))
        if any(flag.kind == EntryFlag.Kind.NEAR_DUPLICATE for flag in flags):
            reasons.append(_("The text is very similar to the text of another entry."))
        for flag in flags:
            entry.log(_flag_line(flag), level="warning", now=now)
        if reasons:
            entry.status = Entry.Status.NEEDS_ATTENTION
            reasons.append(_("The organisers will look at the entry and may contact you."))
        else:
            entry.status = Entry.Status.READY
        entry.status_reason = " ".join(reasons)
        entry.processed_at = now
        entry.log(
            _("Processing finished: %(status)s.") % {"status": entry.get_status_display()},
            now=now,
        )
        entry.save(
            update_fields=[
                "status",
                "status_reason",
                "processed_at",
                "processing_log",
                "text_signature",
            ]
        )
        notify_status(entry.pk)
    return entry


@in_site_language
def give_up(entry_id, reason, now=None):
    """Stop trying to process an entry (a file that takes too long); the managers look at it."""
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


@in_site_language
def reprocess(entry, user=None, now=None):
    """A manager's «process again»: the entry waits again and a fresh run is sent."""
    from .tasks import process_entry

    now = now or timezone.now()
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if entry.status == Entry.Status.WITHDRAWN:
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


def stuck(now=None):
    """Ids of entries the sweeper sends again: received but never picked up (the broker was
    down), or still «being checked» long after any run could have ended (the worker died)."""
    now = now or timezone.now()
    waited = now - datetime.timedelta(seconds=_conf("SWEEP_AFTER_SECONDS"))
    died = now - datetime.timedelta(seconds=_conf("PROCESSING_TIME_LIMIT") + 60)
    waiting = Entry.objects.filter(anonymised_at=None).filter(
        Q(status=Entry.Status.RECEIVED, created_at__lt=waited)
        | Q(status=Entry.Status.PROCESSING, processing_started_at__lt=died)
    )
    return list(waiting.order_by("pk").values_list("pk", flat=True)[:1000])


# --- Helpers -----------------------------------------------------------------------------------


def _store_report(entry, stored, report, now):
    stored.sha256 = report.sha256
    # Counts come from the file (its metadata, its page tree): whatever it claims, the column
    # takes it, or the transaction fails and the entry stays «being checked».
    stored.pages = clamp_count(report.pages)
    stored.words = clamp_count(report.words)
    stored.text = report.text.replace("\x00", "")
    stored.problem = report.problem
    stored.processed_at = now
    if report.kind and report.kind != stored.kind and not report.problem:
        stored.kind = report.kind
    if stored.preview:
        stored.preview.delete(save=False)
    if report.preview:
        name = f"entry-{entry.pk}-file-{stored.pk}.{report.preview_ext}"
        stored.preview.save(name, ContentFile(report.preview), save=False)
    stored.save()
    return report.problem


def _others(entry):
    return (
        Entry.objects.filter(contest_id=entry.contest_id)
        .exclude(pk=entry.pk)
        .exclude(status=Entry.Status.WITHDRAWN)
    )


def _exact_duplicates(entry, files):
    hashes = {stored.sha256: stored for stored in files if stored.sha256}
    matches = (
        EntryFile.objects.filter(entry__in=_others(entry), sha256__in=hashes)
        .select_related("entry")
        .order_by("entry__number", "pk")
    )
    flags, seen = [], set()
    for match in matches:
        if match.sha256 in seen:
            continue
        seen.add(match.sha256)
        flags.append(
            EntryFlag(
                entry=entry,
                kind=EntryFlag.Kind.EXACT_DUPLICATE,
                other_entry=match.entry,
                file=hashes[match.sha256],
                similarity=1.0,
            )
        )
    return flags


def _near_duplicates(entry, files):
    entry.text_signature = signature("\n".join(stored.text for stored in files))
    if not entry.text_signature:
        return []
    best, best_score = None, 0.0
    candidates = _others(entry).exclude(text_signature=[]).values_list("pk", "text_signature")
    for other_id, other_signature in candidates:
        score = similarity(entry.text_signature, other_signature)
        if score > best_score:
            best, best_score = other_id, score
    if best is None or best_score < _conf("NEAR_DUPLICATE_THRESHOLD"):
        return []
    return [
        EntryFlag(
            entry=entry,
            kind=EntryFlag.Kind.NEAR_DUPLICATE,
            other_entry_id=best,
            similarity=round(best_score, 3),
        )
    ]


def _flag_line(flag):
    other = Entry.objects.select_related("contest").get(pk=flag.other_entry_id)
    if flag.kind == EntryFlag.Kind.EXACT_DUPLICATE:
        return _("The file «%(file)s» is identical to a file of entry %(other)s.") % {
            "file": flag.file.original_name,
            "other": other.code,
        }
    return _("The text is %(percent)s%% similar to entry %(other)s.") % {
        "percent": round(flag.similarity * 100),
        "other": other.code,
    }
