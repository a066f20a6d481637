"""What the retention job (``kuzbib_site.base.retention``) does to contest entries once their
contest is over (or at once, when the participant asks).

Kept: the contest, number, nomination, municipality, library from the directory, status, title,
the files' kinds, sizes and page counts — what the partnership counts. Gone: names (unless the
entry ``keeps_public_name``: a winner's name on published results), e-mail, phone, date of birth
(set to 1900-01-01, the field being required), position, a typed library name, the guardian's
name, the description, the files, their previews and extracted text, the processing log, and
the private link. The contest's ZIP archives, which copy every entry's files and contacts, are
deleted with them."""

from kuzbib_site.base import retention
from kuzbib_site.base.privacy import ERASED_BIRTH_DATE
from kuzbib_site.base.retention import ApplicantPolicy

from .domain import entry as entries
from .models import EntriesArchive, Entry, EntryFile


class EntryPolicy(ApplicantPolicy):
    """Contest entries."""

    key = "entry"
    model = Entry
    end_field = "contest__end"
    erased = {
        "phone": "",
        "birth_date": ERASED_BIRTH_DATE,
        "guardian_name": "",
        "description": "",
        "status_reason": "",
        "processing_log": [],
        "text_signature": [],
    }

    def pending(self):
        # The demo's invented participants (is_demo) are nobody's personal data; erasing them
        # would only empty the demo contest that shows judging and results.
        return super().pending().exclude(is_demo=True)

    def person_fields(self, record):
        fields = super().person_fields(record)
        if record.keeps_public_name:
            # A winner's name, and the library they came from, stay on the published results.
            for name in ("last_name", "first_name", "patronymic", "new_library_name"):
                del fields[name]
        return fields

    def anonymise(self, record, now):
        super().anonymise(record, now)
        stored = list(EntryFile.objects.filter(entry=record))
        files = [f.file for f in stored] + [f.preview for f in stored if f.preview]
        EntryFile.objects.filter(entry=record).update(
            file="", preview="", original_name="", text="", sha256="", problem=""
        )
        archives = list(EntriesArchive.objects.filter(contest_id=record.contest_id))
        files += [archive.file for archive in archives if archive.file]
        EntriesArchive.objects.filter(pk__in=[a.pk for a in archives]).delete()
        return files


def can_erase(entry, now=None):
    """A finished entry may be erased at once; one still in the contest only while it may be
    withdrawn (submissions open). Once judging has begun the participant asks the organisers."""
    return entry.is_final or entry.contest.submission_stage(now) is not None


def erase_entry(entry, now=None):
    """«Удалить мои данные» on the private page: withdraw the entry if it still competes, then
    anonymise it at once. Returns False when it may not be erased now."""
    if not can_erase(entry, now):
        return False
    if not entry.is_final:
        entries.withdraw(entry, now)
    return retention.anonymise(entry, now)
