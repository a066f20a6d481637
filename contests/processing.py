"""The entry processing pipeline: every file of an entry is inspected (``inspection``), the
results are compared with the contest's other entries (identical files by SHA-256, similar
texts by a MinHash sketch), and the entry becomes «ready for judging» or «needs attention» with
a reason the participant reads.

The pipeline is safe to run any number of times, at once or one after another:

- ``domain.entry.start_processing`` takes an entry that is still waiting (received, or stuck in
  processing after a worker died) and counts the attempt; an entry already processed is left
  alone;
- the files are read outside any transaction (that is the slow part);
- ``finish`` writes every result in one transaction under the contest's lock, and only if the
  entry is still being processed: of two runs of one entry the first to finish wins and the
  second changes nothing (the status itself is set by ``domain.entry.finish_processing``);
- after ``PROCESSING_MAX_ATTEMPTS`` runs that never finished (a file that kills or hangs the
  worker), the entry is handed to the managers instead of being tried for ever.

Each file is also checked for what may reveal its author and copied for the jury without its
author metadata (``anonymity``): read with the file, stored by ``finish``. Those flags leave
the status alone; a manager accepts them or asks for an anonymous version before judging.
"""

import datetime
import hashlib
import heapq
import time

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import anonymity
from .conf import setting
from .domain import entry as entries
from .domain import in_site_language
from .inspection import WORD_RE, clamp_count, inspect
from .models import ContestPage, Entry, EntryFile, EntryFlag

SHINGLE_WORDS = 5
SKETCH_SIZE = 128
MB = 1024 * 1024


# --- Similar texts -----------------------------------------------------------------------------


def signature(text):
    """A bottom-k MinHash sketch of the text's 5-word shingles (case and ё/е folded): the
    ``SKETCH_SIZE`` smallest 63-bit shingle hashes. Empty for texts too short to compare."""
    words = [word.lower().replace("ё", "е") for word in WORD_RE.findall(text)]
    if len(words) < max(setting("NEAR_DUPLICATE_MIN_WORDS"), SHINGLE_WORDS):
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
    entry = entries.start_processing(entry_id, now)
    if entry is None:
        return None
    contest = entry.contest
    deadline = time.monotonic() + setting("PROCESSING_SOFT_TIME_LIMIT")
    identity = anonymity.Identity.of(entry)
    reports, checks = {}, {None: anonymity.check_entry(entry, identity)}
    try:
        # Opening a stored file may fail for a moment (a network disk); that OSError reaches
        # the task, which retries. Reading what is inside never raises: a bad file gets a
        # problem.
        for stored in entry.files.all():
            with stored.file.storage.open(stored.file.name, "rb") as handle:
                reports[stored.pk] = inspect(
                    handle,
                    stored.original_name,
                    allowed_kinds=contest.file_kinds,
                    max_bytes=contest.max_file_mb * MB,
                    deadline=deadline,
                )
                checks[stored.pk] = anonymity.check_file(
                    handle, stored.original_name, reports[stored.pk], identity, deadline
                )
        return finish(entry_id, reports, now, checks)
    finally:
        # The copies for the jury wait in temporary files until finish has stored them.
        for check in checks.values():
            check.close()


@in_site_language
def finish(entry_id, reports, now=None, checks=None):
    """Store the files' reports (and what ``anonymity`` found in them, ``checks`` by file, and
    in the entry's title and description under None), flag duplicates and what may reveal the
    author, and set the entry's status, in one transaction; nothing if the entry is no longer
    being processed."""
    now = now or timezone.now()
    checks = checks or {}
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
            anonymity.store(entry, stored, checks.get(stored.pk))
            problem = _store_report(entry, stored, reports[stored.pk], now)
            if problem:
                problems.append(problem)
                entry.log(problem, level="error", now=now)
        if sum(stored.size for stored in files) > entry.contest.max_entry_mb * MB:
            problems.append(
                _("The files together exceed %(mb)s MB.") % {"mb": entry.contest.max_entry_mb}
            )
        entry.flags.exclude(kind=EntryFlag.Kind.MAY_REVEAL_AUTHOR).delete()
        flags = _exact_duplicates(entry, files) + _near_duplicates(entry, files)
        EntryFlag.objects.bulk_create(flags)
        reasons = list(problems)
        if any(flag.kind == EntryFlag.Kind.EXACT_DUPLICATE for flag in flags):
            reasons.append(_("A file is identical to a file of another entry of this contest."))
        if any(flag.kind == EntryFlag.Kind.NEAR_DUPLICATE for flag in flags):
            reasons.append(_("The text is very similar to the text of another entry."))
        for flag in flags:
            entry.log(_flag_line(flag), level="warning", now=now)
        for flag in anonymity.replace_flags(entry, files, checks):
            entry.log(anonymity.flag_line(flag), level="warning", now=now)
        entries.finish_processing(entry, reasons, now, also_save=["text_signature"])
    return entry


def stuck(now=None):
    """Ids of entries the sweeper sends again: received but never picked up (the broker was
    down), or still «being checked» long after any run could have ended (the worker died)."""
    now = now or timezone.now()
    waited = now - datetime.timedelta(seconds=setting("SWEEP_AFTER_SECONDS"))
    died = now - datetime.timedelta(seconds=setting("PROCESSING_TIME_LIMIT") + 60)
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
    if best is None or best_score < setting("NEAR_DUPLICATE_THRESHOLD"):
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
