"""What the retention job (``kuzbib_site.base.retention``) does to contest entries once their
contest is over (or at once, when the participant asks).

Kept: the contest, number, nomination, municipality, library from the directory, status, title,
the files' kinds, sizes and page counts — what the partnership counts. Gone: names (unless the
entry ``keeps_public_name``: a winner's name on published results), e-mail, phone, date of birth
(set to 1900-01-01, the field being required), position, a typed library name, the guardian's
name, the description, the files, their previews, jury copies and extracted text (redacted or
not), the «may reveal the author» flags (their fragments quote the name), the processing log,
and the private link; a diploma keeps its number and title but loses the name, library and PDF
(a winner's stay, as on the results). The contest's ZIP archives, diploma batches and jury
protocols, which copy every participant's files or name, are deleted with them (a protocol
built again shows the name erased)."""

from kuzbib_site.base import retention
from kuzbib_site.base.privacy import ERASED_BIRTH_DATE
from kuzbib_site.base.retention import ApplicantPolicy

from .domain import entry as entries
from .models import (
    Diploma,
    DiplomaBatch,
    EntriesArchive,
    Entry,
    EntryFile,
    EntryFlag,
    JuryProtocol,
)

#: What a contest keeps that copies every participant's files or name: deleted when one of
#: them is erased.
CONTEST_COPIES = (EntriesArchive, DiplomaBatch, JuryProtocol)


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
        files = [f.file for f in stored]
        files += [f.preview for f in stored if f.preview]
        files += [f.blind_file for f in stored if f.blind_file]
        EntryFile.objects.filter(entry=record).update(
            file="",
            preview="",
            blind_file="",
            blind_text="",
            original_name="",
            text="",
            sha256="",
            problem="",
        )
        EntryFlag.objects.filter(entry=record, kind=EntryFlag.Kind.MAY_REVEAL_AUTHOR).delete()
        if not record.keeps_public_name:
            diplomas = list(Diploma.objects.filter(entry=record))
            files += [diploma.file for diploma in diplomas if diploma.file]
            Diploma.objects.filter(entry=record).update(recipient="", library_name="", file="")
        for model in CONTEST_COPIES:
            copies = list(model.objects.filter(contest_id=record.contest_id))
            files += [copy.file for copy in copies if copy.file]
            model.objects.filter(pk__in=[copy.pk for copy in copies]).delete()
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
