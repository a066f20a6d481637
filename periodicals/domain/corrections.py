"""A reader's correction of one line of a page's OCR text: every change of its status is one
function here, and so is the question of who may make it.

::

    (a reader, no login) ──suggest──▶ pending ──accept (an editor)──▶ accepted
                                         └──────reject (an editor, with a reason)──▶ rejected

A line is an ALTO ``TextLine`` of the scan, named by its id; its *current* text is the last
accepted correction's, else the OCR's (``periodicals.alto.lines``: hyphenated words joined). The
original ALTO is never changed: accepting recomputes ``Scan.lemmas`` from the OCR text and the
current text of every corrected line (``periodicals.text.page_lemmas``), so that both versions
are found. A line's history is its corrections in the order they were suggested.

Who moderates: superusers and holders of ``periodicals.moderate_correction`` (archive-wide
editors) every title; a ``CorrectionModerator`` — an editor of a member library — the titles
that library holds (a ``Holding``). The decisions take the correction's row lock, so of two
editors deciding at once the second is refused. What is not allowed raises ``Refused`` (a
``ValidationError``) with a message for whoever tried."""

import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import alto, text
from ..conf import setting
from ..models import Correction, CorrectionModerator, Holding, Scan, TitlePage

Status = Correction.Status

#: The longest signature and editor's reason (the model's columns).
AUTHOR_MAX_CHARS = Correction._meta.get_field("author_name").max_length
REASON_MAX_CHARS = Correction._meta.get_field("reason").max_length
#: Characters that reorder or hide text (bidirectional overrides, isolates): refused like
#: control characters, since a line shown with them could read differently from what is stored.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


class Refused(ValidationError):
    """The correction (or the line, or the user) does not allow what was asked; the message
    says why."""


# --- Lines of a page ----------------------------------------------------------------------------


def ocr_lines(scan):
    """The page's OCR lines as {line id: text}, in order; empty when it has no readable ALTO."""
    if not scan.alto:
        return {}
    try:
        return dict(alto.lines(alto.parse(scan.alto)))
    except alto.InvalidAlto:
        return {}


def accepted_lines(scan_ids):
    """{(scan id, line id): text} of the last accepted correction of every corrected line of
    these scans — one query."""
    shown = {}
    rows = (
        Correction.objects.filter(scan_id__in=list(scan_ids), status=Status.ACCEPTED)
        .order_by("scan_id", "line", "moderated_at", "pk")
        .values_list("scan_id", "line", "proposed")
    )
    for scan_id, line, proposed in rows:
        shown[(scan_id, line)] = proposed  # the later one wins
    return shown


def current_text(scan, line_id, ocr=None):
    """What the line reads now: its last accepted correction, else the OCR's text; None when
    the page has no such line."""
    ocr = ocr_lines(scan) if ocr is None else ocr
    if line_id not in ocr:
        return None
    return accepted_lines([scan.pk]).get((scan.pk, line_id), ocr[line_id])


def history(scan, line_id):
    """The line's corrections in the order they were suggested (none for a line that is no
    longer on the page, see ``reanchor``)."""
    if not line_id:
        return []
    return list(
        Correction.objects.filter(scan=scan, line=line_id)
        .select_related("moderated_by")
        .order_by("created_at", "pk")
    )


@transaction.atomic
def reanchor(scan):
    """Move the page's corrections to its new line ids after its text was recognised again.

    OCR names lines by their place (``line_1_4``), so a new run may give a corrected line
    another id, or give its id to another line: each corrected line is found again by the OCR
    text it had (its first correction's ``original``: a line's text before any correction was
    accepted), the first unclaimed line reading the same in the page's order. A line the new
    OCR reads differently has no sure match: its corrections keep no line (``""``), are no longer
    shown on the page, stay in the history of the admin, and their accepted text stays
    searchable. Returns how many corrected lines changed id or lost their line."""
    lines = ocr_lines(scan)
    groups = {}
    for pk, line, original in (
        Correction.objects.select_for_update()
        .filter(scan=scan)
        .exclude(line="")
        .order_by("created_at", "pk")
        .values_list("pk", "line", "original")
    ):
        group = groups.setdefault(line, {"original": original, "pks": []})
        group["pks"].append(pk)
    if not groups:
        return 0
    # Lines that still read as before keep their id and are claimed first.
    kept = {line for line, group in groups.items() if lines.get(line) == group["original"]}
    claimed = set(kept)
    moves = {}
    for line, group in groups.items():
        if line in kept:
            continue
        target = next(
            (
                new_id
                for new_id, new_text in lines.items()
                if new_text == group["original"] and new_id not in claimed
            ),
            "",
        )
        if target:
            claimed.add(target)
        moves[line] = target
    # By primary keys read above, so that two lines trading ids cannot mix their corrections.
    for line, target in moves.items():
        Correction.objects.filter(pk__in=groups[line]["pks"]).update(line=target)
    return len(moves)


# --- A reader suggests ---------------------------------------------------------------------------


def clean_text(value, max_chars):
    """``value`` as a line of text: Unicode NFC, line breaks and tabs as spaces, spaces
    collapsed. Raises ``Refused`` for control or reordering characters, or when too long."""
    value = unicodedata.normalize("NFC", value or "")
    value = value.replace("\r\n", " ").replace("\r", " ").replace("\n", " ").replace("\t", " ")
    for char in value:
        if unicodedata.category(char) in ("Cc", "Cs", "Co") or char in BIDI_CONTROLS:
            raise Refused(_("The text contains control characters; type it as plain text."))
    value = " ".join(value.split())
    if len(value) > max_chars:
        raise Refused(
            _("The text is too long: at most %(max)d characters, %(length)d typed.")
            % {"max": max_chars, "length": len(value)}
        )
    return value


def suggest(scan, line_id, proposed, author_name=""):
    """A reader's correction of line ``line_id`` of ``scan``, saved as pending. No personal data
    is kept beyond the optional signature ``author_name``. Raises ``Refused``."""
    ocr = ocr_lines(scan)
    current = current_text(scan, line_id, ocr)
    if current is None:
        raise Refused(_("This page has no such line."))
    proposed = clean_text(proposed, setting("CORRECTION_MAX_CHARS"))
    if not proposed:
        raise Refused(_("Type the line as it is printed."))
    if proposed == current:
        raise Refused(_("The text is the same as the line's: change what is wrong in it."))
    author_name = clean_text(author_name, AUTHOR_MAX_CHARS)
    return Correction.objects.create(
        scan=scan, line=line_id, original=current, proposed=proposed, author_name=author_name
    )


# --- Who moderates -----------------------------------------------------------------------------


def moderates_all(user):
    """Superusers and archive-wide editors moderate every title's corrections."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.has_perm("periodicals.moderate_correction")
    )


def titles_moderated(user):
    """The titles whose corrections ``user`` moderates as an editor of a holding library (a
    queryset of ``TitlePage``)."""
    if not (user.is_authenticated and user.is_active):
        return TitlePage.objects.none()
    libraries = CorrectionModerator.objects.filter(user=user).values("library")
    held = Holding.objects.filter(library__in=libraries).values("title")
    return TitlePage.objects.filter(pk__in=held)


def is_moderator(user):
    """Whether ``user`` moderates any corrections at all (the admin's menu item)."""
    return moderates_all(user) or (
        user.is_authenticated
        and user.is_active
        and CorrectionModerator.objects.filter(user=user).exists()
    )


def moderated_by(user, corrections=None):
    """The corrections of ``corrections`` (all by default) that ``user`` may moderate."""
    corrections = Correction.objects.all() if corrections is None else corrections
    if moderates_all(user):
        return corrections
    paths = list(titles_moderated(user).values_list("path", flat=True))
    if not paths:
        return corrections.none()
    # An issue is a child page of its title: its tree path starts with the title's.
    held = Q()
    for path in paths:
        held |= Q(scan__issue__path__startswith=path)
    return corrections.filter(held)


def can_moderate(user, correction):
    return moderated_by(user, Correction.objects.filter(pk=correction.pk)).exists()


# --- An editor decides -------------------------------------------------------------------------


def _locked(correction, user):
    """The correction re-read under its row lock, pending and the user's to decide."""
    if not can_moderate(user, correction):
        raise Refused(_("You do not moderate corrections of this title."))
    locked = Correction.objects.select_for_update().get(pk=correction.pk)
    if locked.status != Status.PENDING:
        raise Refused(
            _("This correction has been decided already: %(status)s.")
            % {"status": locked.get_status_display()}
        )
    return locked


def corrected_texts(scan_id):
    """The accepted texts the page is also searched by: every corrected line's current text,
    and those of lines no longer on the page (``reanchor``) — two queries."""
    latest = accepted_lines([scan_id])
    lost = Correction.objects.filter(scan_id=scan_id, status=Status.ACCEPTED, line="")
    return [proposed for (_scan, line), proposed in sorted(latest.items()) if line] + list(
        lost.order_by("pk").values_list("proposed", flat=True)
    )


def reindex(scan):
    """``Scan.lemmas`` from the OCR text and the page's ``corrected_texts``."""
    scan.lemmas = text.page_lemmas(scan.text, corrected_texts(scan.pk))
    Scan.objects.filter(pk=scan.pk).update(lemmas=scan.lemmas)


@transaction.atomic
def accept(correction, user):
    """The line now reads as the correction proposes; the page is searched by both texts."""
    locked = _locked(correction, user)
    if not locked.line:
        raise Refused(
            _(
                "This line is no longer on the page: the page was recognised again and reads "
                "differently. Reject the correction."
            )
        )
    locked.status = Status.ACCEPTED
    locked.moderated_by = user
    locked.moderated_at = timezone.now()
    locked.reason = ""
    locked.save(update_fields=["status", "moderated_by", "moderated_at", "reason"])
    reindex(locked.scan)
    return locked


@transaction.atomic
def reject(correction, user, reason=""):
    """The correction is refused, with the editor's ``reason`` (optional)."""
    reason = clean_text(reason, REASON_MAX_CHARS)
    locked = _locked(correction, user)
    locked.status = Status.REJECTED
    locked.moderated_by = user
    locked.moderated_at = timezone.now()
    locked.reason = reason
    locked.save(update_fields=["status", "moderated_by", "moderated_at", "reason"])
    return locked
