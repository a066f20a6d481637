"""«Скачать все работы»: a ZIP of a contest's entries for the organisers and the jury — one folder
per entry (withdrawn ones left out) holding its files under their original names, and
``entries.csv`` listing every entry with its status, reason, files and flags.

The archive is a background build (``EntriesArchive``, a ``BackgroundBuild``): a manager asks
for it (``request``); the ``build_entries_archive`` task on the ``pdf`` queue runs it
(``build``, through ``kuzbib_site.base.builds.run``), whose work (``write``) makes the ZIP in
private storage, from where a permission-checked admin view serves it. The row is its state:
queued, being built, ready or failed. The builds' sweeper sends again a build whose task was
lost, queues again one whose worker died, fails one asked for too long ago and deletes archives
past ``ARCHIVE_KEEP_DAYS``; a build that runs twice, one after another or at once, stores one
file.

``entries.csv`` is UTF-8 with a BOM and ``;`` between cells: Excel with Russian regional
settings — what the organisers open it with — splits columns on ``;`` (``,`` is the decimal
separator there) and reads UTF-8 only when the BOM is present; LibreOffice asks and copes with
either.
"""

import csv
import io
import re
import shutil
import unicodedata
import zipfile

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from kuzbib_site.base import builds
from kuzbib_site.base.exports import neutralise_formula
from kuzbib_site.base.uploads import spooled

from .domain import in_site_language
from .models import EntriesArchive, Entry, EntryFile, EntryFlag

TITLE_CHARS = 60
# Characters a folder or file name may not contain once unpacked on Windows or Unix.
UNSAFE_NAME_CHARS = re.compile(r'[<>:"/\\|?*]')
CSV_DELIMITER = ";"


def request(contest, user):
    """A new queued archive of ``contest``'s entries with its build sent on commit, or the one
    asked for moments ago that is still queued (two clicks share one archive)."""
    return builds.request(EntriesArchive, contest=contest, requested_by=user)


def build(archive_id):
    """Build a queued archive: the ZIP is written and the archive marked ready. Nothing happens
    if it is gone, being built by another worker or finished; one asked for too long ago fails.
    An OSError (storage unavailable) queues it again and propagates, for the task to retry; any
    other failure marks it failed with the error."""
    return builds.run(archive_id, EntriesArchive, write, retry_on=(OSError,))


def stuck(now):
    """Ids of archives queued for longer than a build's message may take: the task was lost."""
    return builds.stuck(EntriesArchive, now)


def delete_expired(now):
    """Delete the archives asked for more than ``ARCHIVE_KEEP_DAYS`` days before ``now``, their
    files first: a ZIP holds every participant's files and personal data, so it is kept no
    longer than the managers need to download it. Returns how many were deleted; an archive
    whose file cannot be deleted now (storage away) stays for the next sweep."""
    return builds.delete_expired(EntriesArchive, now)


def download_name(contest):
    """The archive's file name for browsers: the entry prefix in Latin letters
    («КНИГИНЯ-2009» → «KNIGINYa-2009-entries.zip»)."""
    return f"{contest.file_stem}-entries.zip"


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
def write(archive):
    """The build's work: the ZIP in a temporary spool (``builds.run`` saves and closes it),
    with the archive's entry count and size set on it."""

    def write_zip(spool):
        archive.entry_count = _write_zip(archive.contest, spool)
        archive.size = spool.tell()

    return download_name(archive.contest), spooled(write_zip)


def _entries(contest):
    return (
        Entry.objects.filter(contest=contest)
        .exclude(status=Entry.Status.WITHDRAWN)
        .select_related("contest", "nomination", "municipality")
        .defer("processing_log", "text_signature")
        .prefetch_related(
            Prefetch("files", queryset=EntryFile.objects.defer("text", "blind_text")),
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
    # A flag's own text: the matching entry's number, or what may reveal the author.
    flags = [str(flag) for flag in entry.flags.all()]
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
