"""Diplomas for the winners and certificates of participation for everyone else judged, once a
contest's results are published: numbered, each with a QR code of its public verification
page («Проверить подлинность диплома»), downloadable from the participant's private link and
announced to them by e-mail.

- ``request(contest, user)`` — the chair asks for a batch (``DiplomaBatch``, a background
  build on the ``pdf`` queue); refused (``Refused``) until the results are published.
- ``build(batch_id)`` — the batch's task: ``issue`` gives every published result a
  ``Diploma`` (a new one only where there is none: a second run, a re-delivered message or a
  new batch keeps every number and code), each diploma's PDF is rendered once and kept as
  issued, the batch's own file is all of them in one PDF for printing, and each participant is
  e-mailed through ``kuzbib.contests.send_diploma`` (``send``: once, whatever runs twice).
- ``unsent(now)`` — the diplomas whose e-mail a broker outage lost, for the contests' sweeper.

A place 1–3 or a special prize earns a diploma (series «Д»), any other judged entry a
certificate of participation (series «С»): ``<entry prefix>/Д-001``, numbered in order of
nomination and place, never given twice (numbers continue after the highest ever issued under
the prefix). Everything is in the site's language."""

import datetime
import io
import secrets

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pypdf import PdfReader, PdfWriter

from kuzbib_site.base import builds
from kuzbib_site.base.mail import build_email, send_once
from kuzbib_site.base.pdf import render_pdf
from kuzbib_site.base.queue import enqueue_on_commit
from kuzbib_site.base.uploads import latin_stem, spooled

from .conf import setting
from .domain import in_site_language
from .models import ContestPage, Diploma, DiplomaBatch, Entry, Judging, JuryMember, Result
from .submission import status_link

#: The series letter of each kind's numbers, Cyrillic as printed on the paper.
SERIES = {Diploma.Kind.DIPLOMA: "Д", Diploma.Kind.CERTIFICATE: "С"}
#: Places are printed in Roman numerals, as Russian diplomas have them («I место»).
ROMAN = {1: "I", 2: "II", 3: "III"}
TEMPLATE = "contests/pdf/diploma.html"
#: 128 random bits: a code cannot be guessed, so the verification page needs no throttle.
CODE_BYTES = 16

SUBJECTS = {
    Diploma.Kind.DIPLOMA: gettext_lazy("Your diploma: %(contest)s"),
    Diploma.Kind.CERTIFICATE: gettext_lazy("Your certificate of participation: %(contest)s"),
}


class Refused(Exception):
    """A document asked for too early (diplomas and the winners' collection wait for the
    published results, the protocol for judging to close): the message says why, in the
    site's language."""


def results_published(contest):
    return Judging.objects.filter(contest=contest, state=Judging.State.PUBLISHED).exists()


def request(contest, user):
    """A new queued batch of ``contest``'s diplomas with its task sent on commit (or the one
    asked for moments ago, still queued). Raises ``Refused`` until the results are published."""
    if not results_published(contest):
        raise Refused(_("Diplomas are prepared once the results are published."))
    return builds.request(DiplomaBatch, contest=contest, requested_by=user)


def build(batch_id):
    """The task's work (``builds.run``): issue, render, bind and e-mail. An OSError (storage
    away) queues the batch again for the task's retry; any other failure is recorded on it."""
    return builds.run(batch_id, DiplomaBatch, write, retry_on=(OSError,))


# --- What a diploma says ---------------------------------------------------------------------


def kind_of(result):
    if result.is_winner or result.special_prize:
        return Diploma.Kind.DIPLOMA
    return Diploma.Kind.CERTIFICATE


def award(result):
    """«I место», «Специальный приз: …», both, or «за участие в конкурсе»."""
    parts = []
    if result.is_winner:
        parts.append(_("%(place)s place") % {"place": ROMAN[result.place]})
    if result.special_prize:
        parts.append(_("Special prize: %(prize)s") % {"prize": result.special_prize})
    return "; ".join(parts) or _("for taking part in the contest")


def new_code():
    return secrets.token_urlsafe(CODE_BYTES)


def number_stem(contest, kind):
    return f"{contest.entry_prefix}/{SERIES[kind]}-"


def last_number(stem):
    """The highest number issued under ``stem`` (any contest with the same prefix), or 0."""
    numbers = Diploma.objects.filter(number__startswith=stem).values_list("number", flat=True)
    tails = (number[len(stem) :] for number in numbers)
    return max((int(tail) for tail in tails if tail.isdigit()), default=0)


def erased(entry):
    """The participant's name is gone (the retention job, or their own request); a winner's
    name stays on published results (``keeps_public_name``)."""
    return entry.anonymised_at is not None and not entry.keeps_public_name


@in_site_language
def issue(contest):
    """Give every published result of a READY entry its diploma or certificate, unless it has
    one: numbers and codes are made here once and never change. The contest row is locked while
    numbering, so two batches at the same moment number one after the other. An entry whose
    participant's data is erased gets none. Returns the contest's diplomas not revoked, diplomas
    first, each series in the order of its numbers."""
    with transaction.atomic():
        ContestPage.objects.select_for_update(of=("self",)).filter(pk=contest.pk).only("pk").first()
        results = (
            Result.objects.filter(
                contest=contest, entry__status=Entry.Status.READY, entry__diploma__isnull=True
            )
            .select_related("entry__library", "nomination")
            .order_by(
                "nomination__sort_order",
                "nomination_id",
                F("place").asc(nulls_last=True),
                "entry__number",
            )
        )
        counters = {kind: last_number(number_stem(contest, kind)) for kind in SERIES}
        new = []
        for result in results:
            entry = result.entry
            if erased(entry):
                continue
            kind = kind_of(result)
            counters[kind] += 1
            new.append(
                Diploma(
                    contest=contest,
                    entry=entry,
                    kind=kind,
                    number=f"{number_stem(contest, kind)}{counters[kind]:03d}",
                    code=new_code(),
                    recipient=entry.full_name,
                    library_name=entry.library_name,
                    entry_title=entry.title,
                    nomination_title=result.nomination.title,
                    award=award(result),
                )
            )
        Diploma.objects.bulk_create(new)
    diplomas = Diploma.objects.filter(contest=contest, revoked_at=None).select_related("entry")
    return sorted(diplomas, key=lambda d: (d.kind != Diploma.Kind.DIPLOMA, d.pk))


# --- The PDFs --------------------------------------------------------------------------------


def verification_url(diploma, contest):
    """The public page that confirms the diploma: what its QR code holds."""
    return contest.get_full_url() + contest.reverse_subpage("verify_diploma", args=[diploma.code])


def qr_svg(url):
    """The QR code of ``url`` as inline SVG, sized in millimetres for print (error correction M:
    a scuffed or folded paper still scans)."""
    svg = segno.make(url, error="m").svg_inline(scale=1, border=2, unit="mm")
    # segno's own markup: paths and numbers, the URL itself is not in it.
    return mark_safe(svg)  # noqa: S308


def file_name(diploma):
    """«KNIGINYa-2009-D-001.pdf»: the number in Latin letters, safe anywhere."""
    return f"{latin_stem(diploma.number) or f'diploma-{diploma.pk}'}.pdf"


def chair_of(contest):
    chair = (
        JuryMember.objects.filter(contest=contest, role=JuryMember.Role.CHAIR)
        .select_related("user")
        .first()
    )
    return chair.name if chair else ""


def context_of(diploma, contest, chair=""):
    """What the diploma's template shows."""
    url = verification_url(diploma, contest)
    return {
        "diploma": diploma,
        "contest": contest,
        "chair": chair,
        "verification_url": url,
        "qr": qr_svg(url),
        "issued_on": timezone.localtime(diploma.issued_at).date(),
    }


@in_site_language
def render(diploma, contest, chair=""):
    """The diploma's PDF: A4 landscape, its number, the QR code and the verification address."""
    return render_pdf(TEMPLATE, context_of(diploma, contest, chair))


def _has_file(diploma):
    return bool(diploma.file) and diploma.file.storage.exists(diploma.file.name)


def store(diploma, contest, chair=""):
    """Render and save the diploma's PDF unless it has one: a diploma is kept as issued. Of two
    runs rendering it at once, the first to record its file wins; the other's is deleted."""
    if _has_file(diploma):
        return diploma
    previous = diploma.file.name or ""
    pdf = render(diploma, contest, chair)
    diploma.file.save(file_name(diploma), ContentFile(pdf), save=False)
    if not Diploma.objects.filter(pk=diploma.pk, file=previous).update(file=diploma.file.name):
        diploma.file.storage.delete(diploma.file.name)
        diploma.refresh_from_db(fields=["file"])
    return diploma


def bind(diplomas):
    """All the diplomas in one PDF for printing, read back from their stored files, in a
    temporary spool (``builds.run`` saves and closes it)."""
    writer = PdfWriter()
    for diploma in diplomas:
        with diploma.file.open("rb") as handle:
            writer.append(PdfReader(io.BytesIO(handle.read())))
    return spooled(writer.write)


def batch_file_name(contest):
    return f"{contest.file_stem}-diplomas.pdf"


@in_site_language
def write(batch):
    """The batch's work: every diploma issued and rendered, all of them bound in one PDF, and
    each participant not yet told sent their e-mail."""
    contest = ContestPage.objects.get(pk=batch.contest_id)
    if not results_published(contest):
        raise Refused(_("Diplomas are prepared once the results are published."))
    chair = chair_of(contest)
    diplomas = [store(diploma, contest, chair) for diploma in issue(contest)]
    batch.diploma_count = len(diplomas)
    spool = bind(diplomas)
    notify(diplomas)
    return batch_file_name(contest), spool


# --- E-mail ----------------------------------------------------------------------------------


def notify(diplomas):
    """Send each participant not yet e-mailed their diploma's e-mail task (on commit)."""
    from .tasks import send_diploma  # noqa: PLC0415 — the tasks module imports this one

    for diploma in diplomas:
        if diploma.emailed_at is None and not diploma.entry.is_demo:
            enqueue_on_commit(send_diploma, diploma_id=diploma.pk)


def _to_write_to():
    """Diplomas whose participant can be told: issued with a file, not revoked, the entry's
    data not erased, not invented for the demo."""
    return Diploma.objects.filter(
        revoked_at=None, entry__anonymised_at=None, entry__is_demo=False
    ).exclude(file="")


def send(diploma_id):
    """The participant's e-mail about their diploma, sent once however often the task runs.
    It links to their private status page, where the diploma is: nothing personal travels as
    an attachment to an address that may have changed hands."""
    diploma = _to_write_to().select_related("entry__contest").filter(pk=diploma_id).first()
    if diploma is None:
        return 0
    return send_once(diploma, "emailed_at", build_email_of, where={"revoked_at": None})


def build_email_of(diploma):
    entry = diploma.entry
    contest = entry.contest
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(SUBJECTS[diploma.kind]) % {"contest": contest.title}
    context = {"contest": contest, "entry": entry, "diploma": diploma, "link": status_link(entry)}
    return build_email(entry.email, subject, "contests/emails/diploma", context)


def unsent(now):
    """Ids of diplomas whose e-mail has not gone out a while after they were issued (the
    message was lost): the contests' sweeper sends them again."""
    waited = now - datetime.timedelta(seconds=setting("SWEEP_AFTER_SECONDS"))
    return list(
        _to_write_to()
        .filter(emailed_at=None, issued_at__lt=waited)
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
