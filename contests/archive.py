"""«Скачать все работы»: a ZIP of a contest's entries for the organisers and the jury — one folder
per entry (withdrawn ones left out) holding its files under their original names, and
``entries.csv`` listing every entry with its status, reason, files and flags.

A manager asks for it (``request``); the ``build_entries_archive`` task on the ``pdf`` queue
writes it (``build``) into private storage, from where a permission-checked admin view serves
it. The archive's row is its state: pending, ready or failed. A request whose task was lost is
sent again by the sweeper (``stuck``); a build that runs twice, one after another or at once,
stores one file.

``entries.csv`` is UTF-8 with a BOM and ``;`` between cells: Excel with Russian regional
settings — what the organisers open it with — splits columns on ``;`` (``,`` is the decimal
separator there) and reads UTF-8 only when the BOM is present; LibreOffice asks and copes with
either.
"""

import csv
import datetime
import io
import logging
import re
import shutil
import tempfile
import unicodedata
import zipfile

from anyascii import anyascii
from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from kuzbib_site.base.exports import neutralise_formula
from kuzbib_site.base.queue import enqueue_on_commit

from .conf import setting
from .domain import in_site_language
from .models import ContestPage, EntriesArchive, Entry, EntryFile, EntryFlag

logger = logging.getLogger(__name__)

# A pending archive younger than this is on its way: asking again returns it. Older, its task
# is taken for lost and the sweeper sends it again.
WAIT = datetime.timedelta(minutes=15)
# A pending archive this old is given up (a file that stays unreadable would otherwise be
# retried by the sweeper for ever); the manager may ask for a new one.
GIVE_UP_AFTER = datetime.timedelta(hours=6)
# Held while a build runs, so that the sweeper's re-sends of a long build return at once; it
# outlives the task's hard time limit (1900 s), so a killed worker's build is retried later.
BUILD_LOCK_SECONDS = 2000
TITLE_CHARS = 60
# Characters a folder or file name may not contain once unpacked on Windows or Unix.
UNSAFE_NAME_CHARS = re.compile(r'[<>:"/\\|?*]')
CSV_DELIMITER = ";"


def request(contest, user):
    """A new pending archive of ``contest``'s entries with its build sent on commit, or the one
    asked for in the last ``WAIT`` that is still pending."""
    from .tasks import build_entries_archive  # noqa: PLC0415 — tasks run the archive's build

    with transaction.atomic():
        # The contest's lock makes two managers' clicks at the same moment share one archive.
        ContestPage.objects.select_for_update(of=("self",)).only("pk").get(pk=contest.pk)
        archive = EntriesArchive.objects.filter(
            contest=contest,
            status=EntriesArchive.Status.PENDING,
            created_at__gte=timezone.now() - WAIT,
        ).first()
        if archive is None:
            archive = EntriesArchive.objects.create(contest=contest, requested_by=user)
            enqueue_on_commit(build_entries_archive, archive_id=archive.pk)
    return archive


def build(archive_id, now=None):
    """Write the ZIP of a pending archive and mark it ready. Nothing happens if the archive is
    gone, no longer pending or being built by another worker. An OSError (storage unavailable)
    propagates so that the task retries; any other failure marks the archive failed."""
    lock = f"contests:entries-archive:{archive_id}"
    if not cache.add(lock, True, BUILD_LOCK_SECONDS):
        return
    try:
        _build(archive_id, now or timezone.now())
    finally:
        cache.delete(lock)


def stuck(now):
    """Ids of archives pending for longer than ``WAIT``: their task was lost or died."""
    return list(
        EntriesArchive.objects.filter(
            status=EntriesArchive.Status.PENDING, created_at__lt=now - WAIT
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:100]
    )


def delete_expired(now):
    """Delete the archives asked for more than ``ARCHIVE_KEEP_DAYS`` days before ``now``, their
    files first: a ZIP holds every participant's files and personal data, so it is kept no
    longer than the managers need to download it. Returns how many were deleted; an archive
    whose file cannot be deleted now (storage away) stays for the next sweep."""
    keep = datetime.timedelta(days=setting("ARCHIVE_KEEP_DAYS"))
    deleted = 0
    for old in EntriesArchive.objects.filter(created_at__lt=now - keep).order_by("pk")[:100]:
        if old.file:
            try:
                old.file.storage.delete(old.file.name)
            except OSError:
                logger.warning("Entries archive %s: its file could not be deleted", old.pk)
                continue
        old.delete()
        deleted += 1
    return deleted


def download_name(contest):
    """The archive's file name for browsers: the entry prefix in Latin letters
    («КНИГИНЯ-2009» → «KNIGINYa-2009-entries.zip»)."""
    prefix = re.sub(r"[^A-Za-z0-9._-]+", "-", anyascii(contest.entry_prefix)).strip("-.")
    return f"{prefix or f'contest-{contest.pk}'}-entries.zip"


def safe_part(name, fallback):
    """One folder or file name of the ZIP: no directories, control or bidirectional characters,
    nothing Windows refuses, no leading or trailing dots or spaces (so never «..»)."""
    name = UNSAFE_NAME_CHARS.sub("_", name)
    name = "".join(
        char for char in name if unicodedata.category(char) not in {"Cc", "Cf", "Zl", "Zp"}
    )
    return name.strip(" .") or fallback


def entry_folder(entry):
    """«КНИГИНЯ-2009-001 – Клуб чтения…»: unique, because the code is."""
    code = entry.code.replace("/", "-")
    title = entry.title[:TITLE_CHARS].strip()
    return safe_part(f"{code} – {title}" if title else code, fallback=f"entry-{entry.pk}")


# --- Building ----------------------------------------------------------------------------------


@in_site_language
def _build(archive_id, now):
    archive = EntriesArchive.objects.select_related("contest").filter(pk=archive_id).first()
    if archive is None or archive.status != EntriesArchive.Status.PENDING:
        return
    if archive.created_at < now - GIVE_UP_AFTER:
        _fail(archive_id, _("The archive could not be prepared in time; ask for a new one."), now)
        return
    try:
        with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as spool:
            entry_count = _write_zip(archive.contest, spool)
            size = spool.tell()
            spool.seek(0)
            name = download_name(archive.contest)
            archive.file.save(name, File(spool, name=name), save=False)
    except OSError:
        raise
    except Exception as error:
        logger.exception("Entries archive %s failed", archive_id)
        _fail(archive_id, str(error)[:2000] or error.__class__.__name__, now)
        return
    # Only a pending archive becomes ready: of two runs at once the first to get here wins.
    won = EntriesArchive.objects.filter(pk=archive_id, status=EntriesArchive.Status.PENDING).update(
        file=archive.file.name,
        entry_count=entry_count,
        size=size,
        status=EntriesArchive.Status.READY,
        error="",
        finished_at=now,
    )
    if not won:
        # Another run finished first (or the archive was deleted): keep only its file.
        archive.file.storage.delete(archive.file.name)


def _fail(archive_id, error, now):
    EntriesArchive.objects.filter(pk=archive_id, status=EntriesArchive.Status.PENDING).update(
        status=EntriesArchive.Status.FAILED, error=error, finished_at=now
    )


def _entries(contest):
    return (
        Entry.objects.filter(contest=contest)
        .exclude(status=Entry.Status.WITHDRAWN)
        .select_related("contest", "nomination", "municipality")
        .defer("processing_log", "text_signature")
        .prefetch_related(
            Prefetch("files", queryset=EntryFile.objects.defer("text")),
            Prefetch("flags", queryset=EntryFlag.objects.select_related("other_entry__contest")),
        )
        .order_by("number")
    )


def _write_zip(contest, spool):
    """Stream the entries' files and the CSV into ``spool``; returns the number of entries."""
    rows, count = [], 0
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as zip_file:
        for entry in _entries(contest).iterator(chunk_size=100):
            folder = entry_folder(entry)
            names = set()
            for stored in entry.files.all():
                name = _unique(safe_part(stored.original_name, fallback="file"), names)
                info = _zip_info(f"{folder}/{name}", stored.created_at)
                # The size tells zipfile whether the member needs ZIP64 fields.
                info.file_size = stored.size
                with (
                    stored.file.storage.open(stored.file.name, "rb") as source,
                    zip_file.open(info, "w") as target,
                ):
                    shutil.copyfileobj(source, target, 1024 * 1024)
            rows.append(_csv_row(entry))
            count += 1
        zip_file.writestr(_zip_info("entries.csv", timezone.now()), _csv(rows))
    return count


def _csv_row(entry):
    files = [stored.original_name for stored in entry.files.all()]
    flags = [f"{flag.get_kind_display()}: {flag.other_entry.code}" for flag in entry.flags.all()]
    return [
        entry.code,
        entry.title,
        entry.full_name,
        entry.nomination.title,
        entry.municipality.name,
        entry.get_status_display(),
        entry.status_reason,
        "\n".join(files),
        "\n".join(flags),
    ]


def _csv(rows):
    heading = [
        _("Number"),
        _("Title"),
        _("Participant"),
        _("Nomination"),
        _("Municipality"),
        _("Status"),
        _("Reason"),
        _("Files"),
        _("Flags"),
    ]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_DELIMITER)
    writer.writerow(heading)
    for row in rows:
        writer.writerow([neutralise_formula(str(cell)) for cell in row])
    return out.getvalue().encode("utf-8-sig")


def _unique(name, taken):
    """``name``, or «name (2).ext» if an equal name (ignoring case, as Windows does) is taken."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, dot, extension = name, "", ""
    candidate, number = name, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{stem} ({number}){dot}{extension}"
    taken.add(candidate.casefold())
    return candidate


def _zip_info(name, moment):
    info = zipfile.ZipInfo(name, date_time=timezone.localtime(moment).timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    # rw-r--r-- once unpacked: a ZipInfo made by hand carries no permissions at all.
    info.external_attr = 0o644 << 16
    return info
