"""The juror's side of the jury room (``/jury/``):

- ``dashboard`` — ``jury/``: the signed-in user's contests, each with where judging stands, its
  deadline, their progress and their entries by nomination in their own random order, each with
  the state of its sheet;
- ``entry`` — ``jury/<contest>/entry/<number>/``: one entry to score (title, description, files,
  previews, extracted text) and the juror's score sheet: saved as a draft (without JavaScript
  too), sent after a confirmation step, read-only once sent or once judging closes;
- ``declare_conflict`` — ``…/conflict/`` (POST): the juror gives the entry up;
- ``entry_file`` and ``entry_preview`` — ``…/file/<id>/``, ``…/preview/<id>/``: its files and
  preview images.

Every view reaches the entry through the user's own membership and assignment: an entry not
assigned to them (or given up), a file of another entry, another contest, or any entry before
judging opens is a 404, whatever number or id is guessed. A juror never sees another juror's
scores here.

In blind judging (the contest's setting) nothing on these pages or in these files names the
participant: the page shows the text with their name redacted (``EntryFile.blind_text``), the
files are the copies with author metadata stripped (``EntryFile.blind_file``; none yet means no
download rather than the original) under a neutral name, and a preview that shows the author is
withheld. Without blind judging the participant's name, library and e-mail are shown and files
keep their names. Every response is private (never cached, never indexed)."""

import re
from pathlib import PurePath

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kuzbib_site.base.privacy import private_response

from .. import assignment as assignments
from ..domain import score_sheet
from ..models import Assignment, Entry, Judging, JuryMember, ScoreSheet
from .access import juror_required, membership
from .forms import ConflictForm, ScoreSheetForm

#: How much of a file's extracted text the entry's page shows.
TEXT_SHOWN = 20_000
#: The preview images processing writes, by extension.
PREVIEW_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}
#: An entry's fields the dashboard never needs (long texts and logs).
NOT_LISTED = ("description", "processing_log", "text_signature", "status_reason")


def _state(contest):
    """The judging state of ``contest``, whose ``judging`` was selected with it."""
    try:
        return contest.judging.state
    except Judging.DoesNotExist:
        return Judging.State.PREPARING


def _private(request, template, context, status=200):
    response = TemplateResponse(request, template, context, status=status)
    return private_response(response, has_forms=True)


# --- The dashboard -----------------------------------------------------------------------------


@juror_required
@require_GET
def dashboard(request):
    members = list(
        JuryMember.objects.filter(user=request.user, contest__live=True)
        .select_related("contest", "contest__judging")
        .prefetch_related("contest__stages")
        .order_by("-contest__start", "pk")
    )
    judged = [member for member in members if _state(member.contest) != Judging.State.PREPARING]
    listed = (
        Assignment.objects.filter(
            juror__in=judged, conflict_declared_at=None, entry__status=Entry.Status.READY
        )
        .select_related("entry__nomination", "sheet")
        .defer(*(f"entry__{field}" for field in NOT_LISTED))
        .order_by("juror_id", "entry__nomination__sort_order", "entry__nomination_id", "order_key")
    )
    by_member = {member.pk: [] for member in members}
    for item in listed:
        by_member[item.juror_id].append(item)
    rooms = []
    for member in members:
        items = by_member[member.pk]
        groups = []
        for item in items:
            item.entry.contest = member.contest  # the code reads the prefix from it
            sheet = _sheet(item)
            item.sheet_state = "new" if sheet is None else "sent" if sheet.is_submitted else "draft"
            if not groups or groups[-1][0].pk != item.entry.nomination_id:
                groups.append((item.entry.nomination, []))
            groups[-1][1].append(item)
        sent = sum(1 for item in items if item.sheet_state == "sent")
        drafts = sum(1 for item in items if item.sheet_state == "draft")
        rooms.append(
            {
                "member": member,
                "contest": member.contest,
                "state": _state(member.contest),
                "state_label": Judging.State(_state(member.contest)).label,
                "deadline": member.contest.judging_deadline(),
                "groups": groups,
                "assigned": len(items),
                "sent": sent,
                "drafts": drafts,
            }
        )
    return _private(request, "contests/jury/dashboard.html", {"rooms": rooms})


def _sheet(item):
    """The assignment's sheet, or None (selected with it)."""
    try:
        return item.sheet
    except ScoreSheet.DoesNotExist:
        return None


# --- One entry and its score sheet -------------------------------------------------------------


def _assignment(request, contest_id, number):
    """The user's membership, their active assignment of entry ``number`` of the contest (a ready
    entry, judging not preparing) and the judging state; 404 otherwise."""
    member = membership(request, contest_id)
    state = score_sheet.judging_state(member.contest_id)
    if state == Judging.State.PREPARING:
        raise Http404
    found = (
        Assignment.objects.select_related("entry__nomination", "entry__library")
        .filter(
            juror=member,
            entry__contest_id=member.contest_id,
            entry__number=number,
            entry__status=Entry.Status.READY,
            conflict_declared_at=None,
        )
        .first()
    )
    if found is None:
        raise Http404
    found.juror = member
    found.entry.contest = member.contest
    return member, found, state


def _entry_url(assignment, suffix=""):
    url = reverse(
        "contests_jury:entry", args=[assignment.entry.contest_id, assignment.entry.number]
    )
    return url + suffix


def _neighbours(member, number):
    """The numbers of the entries before and after ``number`` in the juror's order, its position
    (from 1) and how many there are."""
    numbers = list(
        Assignment.objects.filter(
            juror=member, conflict_declared_at=None, entry__status=Entry.Status.READY
        )
        .order_by("entry__nomination__sort_order", "entry__nomination_id", "order_key")
        .values_list("entry__number", flat=True)
    )
    at = numbers.index(number)
    previous = numbers[at - 1] if at > 0 else None
    following = numbers[at + 1] if at + 1 < len(numbers) else None
    return previous, following, at + 1, len(numbers)


def _files(assignment, blind):
    """The entry's files as the juror sees them: a label, whether it can be downloaded, a
    preview, the text shown."""
    shown = []
    for position, stored in enumerate(assignment.entry.files.order_by("pk"), start=1):
        text = stored.blind_text if blind else stored.text
        shown.append(
            {
                "pk": stored.pk,
                "position": position,
                "name": _download_name(assignment.entry, stored, position, blind),
                "kind": stored.kind,
                "size": stored.size,
                "pages": stored.pages,
                "downloadable": bool(stored.blind_file) if blind else bool(stored.file),
                "preview": _has_preview(stored, blind),
                "text": text[:TEXT_SHOWN],
                "text_cut": len(text) > TEXT_SHOWN,
            }
        )
    return shown


def _has_preview(stored, blind):
    return bool(stored.preview) and not (blind and stored.preview_shows_author)


def _criteria_and_scores(assignment):
    """The criteria the entry is judged on, the juror's sheet (or None) and its scores by
    criterion."""
    sheet = ScoreSheet.objects.filter(assignment=assignment).first()
    scores = {score.criterion_id: score for score in sheet.scores.all()} if sheet else {}
    criteria = list(score_sheet.criteria_for(assignment.entry).order_by("sort_order", "pk"))
    return criteria, sheet, scores


def _render(
    request, member, assignment, state, *, form=None, conflict_form=None, confirm=False, **extra
):
    """The entry's page with the juror's sheet: a form while they may score, read-only
    otherwise; ``confirm`` asks them to confirm sending a complete draft."""
    entry = assignment.entry
    contest = member.contest
    blind = contest.blind_judging
    criteria, sheet, scores = _criteria_and_scores(assignment)
    refusal = score_sheet.refusal(assignment, sheet, state)
    editable = refusal is None
    if editable and form is None:
        form = ScoreSheetForm(criteria=criteria, sheet=sheet, scores=scores)
    previous, following, position, count = _neighbours(member, entry.number)
    confirm = (
        editable and confirm and sheet is not None and not score_sheet.unscored(criteria, scores)
    )
    context = {
        "member": member,
        "contest": contest,
        "entry": entry,
        "blind": blind,
        "state": state,
        "sheet": sheet,
        "editable": editable,
        "refusal": None if editable else refusal,
        "form": form if editable else None,
        "confirm": confirm,
        "rows": [(criterion, scores.get(criterion.pk)) for criterion in criteria],
        "files": _files(assignment, blind),
        "previous": previous,
        "following": following,
        "position": position,
        "count": count,
        "can_declare": assignments.can_declare_conflict(assignment, sheet, state),
        "conflict_form": conflict_form or ConflictForm(),
        **extra,
    }
    return _private(request, "contests/jury/entry.html", context)


@juror_required
@require_http_methods(["GET", "HEAD", "POST"])
def entry(request, contest_id, number):
    member, assignment, state = _assignment(request, contest_id, number)
    if request.method != "POST":
        return _render(
            request, member, assignment, state, confirm=request.GET.get("confirm") == "1"
        )
    if request.POST.get("action") == "confirm":
        return _confirm(request, member, assignment, state)
    return _save(request, member, assignment, state, submit=request.POST.get("action") == "submit")


def _save(request, member, assignment, state, submit):
    """«Save the draft», or «Send the scores» (saved as a draft first, then the confirmation)."""
    criteria, sheet, scores = _criteria_and_scores(assignment)
    if score_sheet.refusal(assignment, sheet, state) is not None:
        return _render(request, member, assignment, state)
    form = ScoreSheetForm(request.POST, criteria=criteria, sheet=sheet, scores=scores)
    if not form.is_valid():
        return _render(request, member, assignment, state, form=form)
    outcome = score_sheet.save(
        assignment, form.scores(), request.user, form.cleaned_data["version"]
    )
    if outcome.stale:
        # Nothing lost: the saved sheet is shown, and what this tab sent beside it.
        _criteria, sheet, scores = _criteria_and_scores(assignment)
        fresh = ScoreSheetForm(criteria=criteria, sheet=sheet, scores=scores)
        unsaved = [
            (criterion, *form.scores()[criterion.pk])
            for criterion in criteria
            if form.scores()[criterion.pk] != (None, False, "")
        ]
        return _render(
            request,
            member,
            assignment,
            state,
            form=fresh,
            errors=[score_sheet.STALE],
            unsaved=unsaved,
            unsaved_comment=form.cleaned_data.get("comment"),
        )
    if not outcome.ok:
        for key, message in outcome.errors:
            known = key is not None and f"score_{key}" in form.fields
            form.add_error(f"score_{key}" if known else None, message)
        return _render(request, member, assignment, state, form=form)
    if not submit:
        messages.success(request, _("Your draft is saved."))
        return HttpResponseRedirect(_entry_url(assignment, "#sheet"))
    _criteria, sheet, saved = _criteria_and_scores(assignment)
    missing = score_sheet.unscored(criteria, saved)
    if missing:
        # The draft is saved: the form goes on from its new version.
        data = request.POST.copy()
        data["version"] = str(sheet.version if sheet else 0)
        form = ScoreSheetForm(data, criteria=criteria, sheet=sheet, scores=saved)
        form.is_valid()
        form.add_error(None, score_sheet.INCOMPLETE)
        for criterion in missing:
            form.add_error(f"score_{criterion.pk}", score_sheet.MISSING)
        if outcome.changed:
            messages.success(request, _("Your draft is saved."))
        return _render(request, member, assignment, state, form=form)
    return HttpResponseRedirect(_entry_url(assignment, "?confirm=1#confirm"))


def _confirm(request, member, assignment, state):
    """The confirmation step's «Send»: the sheet as saved is sent, if still the same version."""
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    outcome = score_sheet.save(assignment, {}, request.user, version, submit=True)
    if outcome.ok:
        messages.success(request, _("Your scores are sent. Thank you!"))
        return HttpResponseRedirect(_entry_url(assignment, "#sheet"))
    return _render(
        request, member, assignment, state, errors=[message for _key, message in outcome.errors]
    )


@juror_required
@require_POST
def declare_conflict(request, contest_id, number):
    member, assignment, state = _assignment(request, contest_id, number)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        return _render(request, member, assignment, state, conflict_form=form)
    try:
        assignments.declare_conflict(assignment, form.cleaned_data["reason"], request.user)
    except assignments.Refused as refused:
        return _render(request, member, assignment, state, errors=[refused.message])
    messages.success(
        request,
        _("Entry %(code)s is taken off your list: you declared a conflict of interest.")
        % {"code": assignment.entry.code},
    )
    return HttpResponseRedirect(reverse("contests_jury:dashboard"))


# --- Files -------------------------------------------------------------------------------------


def _extension(name, fallback):
    suffix = PurePath(name).suffix.lstrip(".").lower()
    return suffix if re.fullmatch(r"[a-z0-9]{1,8}", suffix) else fallback


def _download_name(entry, stored, position, blind):
    """In blind judging a neutral «KNIGINYa-2009-017-2.pdf», never the participant's file name;
    otherwise the file's own name."""
    if not blind:
        return stored.original_name
    extension = _extension(stored.blind_file.name or stored.original_name, stored.kind)
    return f"{entry.contest.file_stem}-{entry.number:03d}-{position}.{extension}"


def _entry_file(assignment, file_id):
    """The file ``file_id`` of the assignment's entry and its position among them; 404 for a
    file of another entry."""
    files = list(assignment.entry.files.order_by("pk"))
    for position, stored in enumerate(files, start=1):
        if stored.pk == file_id:
            return stored, position
    raise Http404


def _attachment(stored_file, name, content_type=None):
    response = FileResponse(
        stored_file.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return private_response(response)


@juror_required
@require_GET
def entry_file(request, contest_id, number, file_id):
    member, assignment, _state = _assignment(request, contest_id, number)
    stored, position = _entry_file(assignment, file_id)
    blind = member.contest.blind_judging
    chosen = stored.blind_file if blind else stored.file
    if not chosen:
        raise Http404
    return _attachment(chosen, _download_name(assignment.entry, stored, position, blind))


@juror_required
@require_GET
def entry_preview(request, contest_id, number, file_id):
    member, assignment, _state = _assignment(request, contest_id, number)
    stored, position = _entry_file(assignment, file_id)
    if not _has_preview(stored, member.contest.blind_judging):
        raise Http404
    extension = _extension(stored.preview.name, "")
    if extension not in PREVIEW_TYPES:
        raise Http404
    name = f"preview-{assignment.entry.number:03d}-{position}.{extension}"
    return _attachment(stored.preview, name, PREVIEW_TYPES[extension])
