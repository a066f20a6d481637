"""The jury chair's pages in the jury room: the results table with the agreement block and its
charts, each juror's progress and sheets, the chair's actions on judging (open, close, reopen,
publish), decisions on ties and special prizes, reopening a submitted sheet, the audit log, and
the score matrix as CSV and XLSX.

Every view reaches its contest through the signed-in user's own chair membership
(``access.membership(…, chair=True)``): a juror who is not the chair, or the chair of another
contest, gets 404 for every URL here, whatever id they guess. Actions are POST with the CSRF
token, done by ``contests.domain.judging`` and ``contests.domain.score_sheet``; a refused one
comes back as a message and changes nothing. In blind judging the participants' names stay
off these pages until the results are published."""

import csv
import datetime
import functools

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from kuzbib_site.base.exports import neutralise_formula
from kuzbib_site.base.privacy import private_response
from kuzbib_site.base.uploads import spooled

from .. import charts, results, scoring
from ..domain import judging as judging_domain
from ..domain import score_sheet
from ..models import Assignment, Entry, ScoreSheet
from .access import juror_required, membership

#: Rows per page of the audit log and of a juror's sheets.
PER_PAGE = 50
CSV_DELIMITER = ";"
#: The judging moves a POST to ``chair_judging`` may ask for.
MOVES = {
    "open": judging_domain.open_judging,
    "close": judging_domain.close,
    "reopen": judging_domain.reopen_judging,
}
MOVE_DONE = {
    "open": gettext_lazy("Judging is open: the jurors can score their entries."),
    "close": gettext_lazy("Judging is closed: no more scores can be saved."),
    "reopen": gettext_lazy("Judging is open again."),
}


def chair_view(view):
    """A chair's view: signed in, the chair of contest ``contest_id`` (else 404), CSRF checked
    on POST. The view gets the membership."""

    @functools.wraps(view)
    @juror_required
    @csrf_protect
    def wrapper(request, contest_id, *args, **kwargs):
        member = membership(request, contest_id, chair=True)
        return view(request, member, *args, **kwargs)

    return wrapper


def _page(request, template, context):
    """A chair's page: private (never cached, never indexed), with its own forms."""
    return private_response(TemplateResponse(request, template, context), has_forms=True)


def _back(member, anchor=""):
    return HttpResponseRedirect(
        reverse("contests_jury:chair", args=[member.contest_id]) + (f"#{anchor}" if anchor else "")
    )


# --- The results page --------------------------------------------------------------------------


@require_GET
@chair_view
def chair(request, member):
    """The results table per nomination, the agreement block with its charts, each juror's
    progress, the actions the judging's state allows and the judging's log."""
    contest = member.contest
    judging = judging_domain.judging_of(contest)
    computed = results.compute(contest, names=names_shown(contest, judging))
    tables = computed.tables()
    juror_rows = computed.juror_rows()
    eligible = [row for table in tables for row in [*table.ranked, *table.unranked]]
    context = {
        "contest": contest,
        "member": member,
        "judging": judging,
        "names_shown": names_shown(contest, judging),
        "computed": computed,
        "sections": [
            {"table": table, "chart": _ranking_chart(table) if table.ranked else ""}
            for table in tables
        ],
        "juror_chart": charts.juror_distributions(
            [
                charts.JurorRow(label=juror["name"], totals=stats.totals)
                for juror, stats in juror_rows
                if stats is not None
            ]
        ),
        "juror_rows": juror_rows,
        "progress": results.progress(contest),
        "method": contest.get_aggregation_method_display(),
        "contested_spread": results.CONTESTED_SPREAD,
        "tie_breaks": [label for _code, label in scoring.TIE_BREAKS],
        "log": _log_lines(judging),
        "ties": [(table.nomination, tie) for table in tables for tie in table.ties],
        "results_url": contest.url + contest.reverse_subpage("results"),
        "eligible": eligible,
        "ordered": [
            row for row in eligible if row.decision and row.decision["tie_order"] is not None
        ],
        "can": _allowed(judging),
    }
    return _page(request, "contests/jury/chair/results.html", context)


def _ranking_chart(table):
    return charts.ranking_spread(
        [
            charts.SpreadRow(
                place=row.result.place,
                code=row.entry["code"],
                score=row.result.score,
                low=row.result.low,
                high=row.result.high,
                tied=row.result.tied,
                title=row.entry["title"],
            )
            for row in table.ranked
        ],
        title=_("Ranking with the spread of jurors' totals: %(nomination)s")
        % {"nomination": table.nomination["title"]},
    )


def _log_lines(judging):
    """The judging's log, newest first, with its moments as datetimes."""
    return [
        {**line, "at": datetime.datetime.fromisoformat(line["at"])}
        for line in reversed(judging.log)
    ]


def names_shown(contest, judging):
    """The chair sees participants' names unless judging is blind and still unpublished."""
    return not contest.blind_judging or judging.is_published


def _allowed(judging):
    return {
        "open": judging_domain.can_open(judging) and judging.state != judging.State.CLOSED,
        "close": judging_domain.can_close(judging),
        "reopen": judging_domain.can_reopen(judging),
        "publish": judging_domain.can_publish(judging),
        "decide": judging_domain.can_decide(judging),
    }


# --- Actions -----------------------------------------------------------------------------------


@require_POST
@chair_view
def move(request, member):
    """Open, close or reopen judging (``action``)."""
    action = request.POST.get("action", "")
    if action not in MOVES:
        messages.error(request, _("Unknown action."))
        return _back(member)
    try:
        MOVES[action](member.contest, request.user)
    except judging_domain.Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, str(MOVE_DONE[action]))
    return _back(member)


@require_http_methods(["GET", "HEAD", "POST"])
@chair_view
def publish(request, member):
    """GET: what publishing will do, and the button; POST: publish."""
    contest = member.contest
    judging = judging_domain.judging_of(contest)
    if request.method == "POST":
        try:
            judging_domain.publish(contest, request.user)
        except judging_domain.Refused as refusal:
            messages.error(request, refusal.message)
            return HttpResponseRedirect(request.path)
        messages.success(request, _("The results are published."))
        return _back(member)
    # In blind judging the names come with publication, not before: the chair may still reopen
    # judging from here and score again.
    computed = results.compute(contest, names=names_shown(contest, judging))
    context = {
        "contest": contest,
        "member": member,
        "judging": judging,
        "tables": computed.tables(),
        "can_publish": judging_domain.can_publish(judging),
        "podium": scoring.PODIUM,
    }
    return _page(request, "contests/jury/chair/publish.html", context)


class DecisionForm(forms.Form):
    """The chair's decision on one entry: its order among tied entries or a special prize."""

    entry = forms.ModelChoiceField(
        queryset=Entry.objects.none(),
        error_messages={
            "required": gettext_lazy("Choose an entry."),
            "invalid_choice": gettext_lazy(
                "This entry is not one of the contest's entries ready for judging."
            ),
        },
    )
    field = forms.ChoiceField(
        choices=[("tie_order", "tie_order"), ("special_prize", "special_prize")],
        error_messages={
            "required": gettext_lazy("Unknown decision."),
            "invalid_choice": gettext_lazy("Unknown decision."),
        },
    )
    tie_order = forms.IntegerField(
        label=gettext_lazy("Order among tied entries"),
        required=False,
        min_value=1,
        max_value=999,
        error_messages={
            "invalid": gettext_lazy("The order is a whole number from 1 to 999."),
            "min_value": gettext_lazy("The order is a whole number from 1 to 999."),
            "max_value": gettext_lazy("The order is a whole number from 1 to 999."),
        },
    )
    special_prize = forms.CharField(
        label=gettext_lazy("Special prize"),
        required=False,
        max_length=255,
        error_messages={
            "max_length": gettext_lazy("A special prize's name is at most 255 characters.")
        },
    )

    def __init__(self, *args, contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = Entry.objects.filter(
            contest=contest, status=Entry.Status.READY
        ).only("pk", "contest_id", "number", "status")


@require_POST
@chair_view
def decide(request, member):
    """Record an entry's order among tied entries (empty clears it) or its special prize."""
    contest = member.contest
    form = DecisionForm(request.POST, contest=contest)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(member, "decisions")
    data = form.cleaned_data
    change = (
        {"tie_order": data["tie_order"]}
        if data["field"] == "tie_order"
        else {"special_prize": data["special_prize"]}
    )
    try:
        judging_domain.record_decision(contest, data["entry"], request.user, **change)
    except judging_domain.Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("Decision on %(entry)s saved.")
            % {"entry": results.entry_code(contest, data["entry"].number)},
        )
    return _back(member, "decisions")


# --- Jurors' sheets ----------------------------------------------------------------------------


@require_GET
@chair_view
def sheets(request, member, juror_id):
    """A juror's entries with their sheets' status, and «reopen» on the submitted ones."""
    contest = member.contest
    juror = get_object_or_404(contest.jury.select_related("user"), pk=juror_id)
    assignments = (
        Assignment.objects.filter(
            juror=juror, conflict_declared_at=None, entry__status=Entry.Status.READY
        )
        .select_related("entry", "sheet")
        .only(
            "pk",
            "entry__number",
            "entry__title",
            "sheet__id",
            "sheet__status",
            "sheet__submitted_at",
            "sheet__updated_at",
        )
        .order_by("entry__number")
    )
    page = Paginator(assignments, PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "code": results.entry_code(contest, assignment.entry.number),
            "title": assignment.entry.title,
            "sheet": getattr(assignment, "sheet", None),
        }
        for assignment in page
    ]
    context = {
        "contest": contest,
        "member": member,
        "juror": juror,
        "page_obj": page,
        "rows": rows,
        "judging": judging_domain.judging_of(contest),
    }
    return _page(request, "contests/jury/chair/sheets.html", context)


@require_POST
@chair_view
def reopen_sheet(request, member, sheet_id):
    """Reopen a submitted sheet: it is the juror's draft again."""
    sheet = (
        ScoreSheet.objects.select_related("assignment__juror", "assignment__entry")
        .filter(pk=sheet_id, assignment__juror__contest=member.contest)
        .first()
    )
    if sheet is None:
        raise Http404
    judging = judging_domain.judging_of(member.contest)
    if not judging.is_open:
        messages.error(request, _("Judging is not open: open it again to reopen a score sheet."))
    elif not sheet.is_submitted:
        messages.error(request, _("This score sheet is not submitted: its juror can change it."))
    elif not score_sheet.reopen(sheet, request.user):
        # Between this page's check and the lock, judging closed or the sheet was reopened.
        messages.error(request, _("The score sheet could not be reopened: reload the page."))
    else:
        messages.success(
            request,
            _("The sheet of %(entry)s is reopened: %(juror)s can change it.")
            % {
                "entry": results.entry_code(member.contest, sheet.assignment.entry.number),
                "juror": sheet.assignment.juror.name,
            },
        )
    return HttpResponseRedirect(
        reverse("contests_jury:chair_sheets", args=[member.contest_id, sheet.assignment.juror_id])
    )


# --- The audit log -----------------------------------------------------------------------------


@require_GET
@chair_view
def changes(request, member):
    """Every change to the contest's score sheets, a page at a time, newest last."""
    contest = member.contest
    page = Paginator(results.changes(contest), PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "change": change,
            "juror": change.sheet.assignment.juror.name,
            "code": results.entry_code(contest, change.sheet.assignment.entry.number),
            "what": score_sheet.FIELD_LABELS.get(change.field, change.field),
        }
        for change in page
    ]
    context = {"contest": contest, "member": member, "page_obj": page, "rows": rows}
    return _page(request, "contests/jury/chair/changes.html", context)


# --- Exports -----------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose ``write`` returns what it is given, for csv.writer to stream."""

    def write(self, value):
        return value


def _csv_response(heading, rows, name):
    """A streamed CSV in UTF-8 with a BOM and ``;`` between cells (see ``contests.archive``),
    formulas neutralised."""
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER)

    def lines():
        yield "\ufeff" + writer.writerow(heading)
        for row in rows:
            yield writer.writerow([neutralise_formula(_cell_text(cell)) for cell in row])

    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in lines()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return private_response(response)


def _cell_text(value):
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")
    return str(value)


def _cell(value):
    """A cell for openpyxl: numbers stay numbers, moments in local time without a zone (Excel
    has none), text neutralised (openpyxl writes a string starting with «=» as a formula)."""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    return neutralise_formula(value)


def file_name(contest, what):
    """«KNIGINYa-2009-scores.xlsx»: the entry prefix in Latin letters."""
    return f"{contest.file_stem}-{what}"


@require_GET
@chair_view
def matrix_csv(request, member):
    """The score matrix, one row per juror × entry × criterion."""
    contest = member.contest
    return _csv_response(
        results.matrix_heading(), results.matrix_rows(contest), file_name(contest, "scores.csv")
    )


@require_GET
@chair_view
def changes_csv(request, member):
    """The audit log of the score sheets."""
    contest = member.contest
    return _csv_response(
        results.change_heading(), results.change_rows(contest), file_name(contest, "changes.csv")
    )


@require_GET
@chair_view
def matrix_xlsx(request, member):
    """The score matrix on the first sheet, the audit log on the second («Журнал
    изменений»), written row by row to a temporary file."""
    contest = member.contest
    workbook = Workbook(write_only=True)
    for title, heading, rows in (
        (_("Scores"), results.matrix_heading(), results.matrix_rows(contest)),
        (_("Change log"), results.change_heading(), results.change_rows(contest)),
    ):
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append(heading)
        for row in rows:
            sheet.append([_cell(value) for value in row])
    spool = spooled(workbook.save)
    return private_response(
        FileResponse(
            spool,
            as_attachment=True,
            filename=file_name(contest, "scores.xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    )
