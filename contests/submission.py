"""Taking contest entries: whether submissions are open, the sequential entry number, saving an
entry with its files in one transaction, the receipt e-mail, and withdrawal before the deadline.

The processing pipeline (checks, text extraction, previews, duplicates) picks entries up in the
«received» status; nothing here reads a file beyond the upload checks."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base.mail import build_email
from kuzbib_site.base.uploads import safe_filename

from .models import ContestPage, Entry, EntryFile

RECEIPT_SUBJECT = _("Your contest entry %(code)s is received: %(contest)s")


def submit(contest, data, files, now=None):
    """Save a valid entry and its files; number it under the contest row's lock, so that
    concurrent submissions get distinct sequential numbers. Returns the entry."""
    with transaction.atomic():
        locked = (
            ContestPage.objects.select_for_update(of=("self",))
            .only("pk", "last_entry_number")
            .get(pk=contest.pk)
        )
        locked.last_entry_number += 1
        ContestPage.objects.filter(pk=contest.pk).update(last_entry_number=locked.last_entry_number)
        entry = Entry.objects.create(
            contest=contest,
            number=locked.last_entry_number,
            consent_given_at=now or timezone.now(),
            **data,
        )
        for uploaded, kind in files:
            name = safe_filename(uploaded.name)
            stored = EntryFile(entry=entry, original_name=name, kind=kind, size=uploaded.size)
            stored.file.save(name, uploaded, save=False)
            stored.save()
        transaction.on_commit(lambda: _send_receipt(entry.pk))
    return entry


def withdraw(entry, now=None):
    """The participant withdraws their entry while submissions are open."""
    if entry.status in (Entry.Status.WITHDRAWN, Entry.Status.DISQUALIFIED):
        return False
    if entry.contest.submission_stage(now) is None:
        return False
    Entry.objects.filter(pk=entry.pk).update(
        status=Entry.Status.WITHDRAWN, withdrawn_at=now or timezone.now()
    )
    return True


def _send_receipt(entry_id):
    from .tasks import send_entry_receipt

    send_entry_receipt.delay(entry_id=entry_id)


def build_receipt(entry):
    contest = entry.contest
    link = contest.get_full_url() + contest.reverse_subpage("entry_status", args=[entry.token])
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(RECEIPT_SUBJECT) % {"code": entry.code, "contest": contest.title}
    context = {"contest": contest, "entry": entry, "link": link}
    return build_email(entry.email, subject, "contests/emails/receipt", context)
