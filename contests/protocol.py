"""«Протокол заседания жюри»: the minutes of the jury's meeting as a PDF, for the chair to sign
and the organisers to file. An internal document: participants are named.

It records the date, the jury (chair and members), the ranking method and the tie-break
chain, then for each nomination the ranking (place, entry number, title, author) with every
juror's total for every entry, the method's score and the spread, the entries left unranked
and why, Kendall's W; the jurors' leniency; the special prizes; the audit log of score changes
(at most ``PROTOCOL_MAX_AUDIT_ROWS`` lines: the complete log is in the chair's score matrix
export); and lines for the signatures.

Built in the background (``JuryProtocol``, the ``kuzbib.contests.build_protocol`` task on the
``pdf`` queue) from ``contests.results.compute``, the same figures the chair's results table
shows: ``request(contest, user)`` once judging is closed, ``build(protocol_id)`` in the task."""

import itertools

from django.utils import timezone
from django.utils.translation import gettext as _

from kuzbib_site.base import builds
from kuzbib_site.base.pdf import render_pdf

from . import results, scoring
from .conf import setting
from .diplomas import Refused
from .domain import in_site_language
from .models import ContestPage, Judging, JuryMember, JuryProtocol, ScoreChange

TEMPLATE = "contests/pdf/protocol.html"
#: Judging states in which the jury's figures are final enough to minute.
MINUTED = frozenset({Judging.State.CLOSED, Judging.State.PUBLISHED})


def judging_state(contest):
    return (
        Judging.objects.filter(contest=contest).values_list("state", flat=True).first()
        or Judging.State.PREPARING
    )


def request(contest, user):
    """A new queued protocol with its task sent on commit (or the one asked for moments ago,
    still queued). Raises ``Refused`` while judging is not closed — and, in blind judging,
    until the results are published: the protocol names every participant, and a chair who
    read it could still reopen judging and score knowing who wrote what."""
    state = judging_state(contest)
    if state not in MINUTED:
        raise Refused(_("The protocol is prepared once judging is closed."))
    if contest.blind_judging and state != Judging.State.PUBLISHED:
        raise Refused(
            _(
                "In blind judging the protocol, which names the participants, is prepared "
                "once the results are published."
            )
        )
    return builds.request(JuryProtocol, contest=contest, requested_by=user)


def build(protocol_id):
    """The task's work (``builds.run``); an OSError (storage away) queues it again."""
    return builds.run(protocol_id, JuryProtocol, write, retry_on=(OSError,))


def context_of(contest, now=None):
    """What the protocol's template shows (see the module)."""
    computed = results.compute(contest, names=True)
    jurors = list(
        JuryMember.objects.filter(contest=contest)
        .select_related("user", "library")
        .order_by("role", "user__last_name", "user__first_name", "pk")
    )
    # Jurors are columns «1», «2»…, in the order of the jury's list above the tables.
    columns = [member.pk for member in jurors]
    tables = []
    for table in computed.tables():
        rows = [
            {
                "row": row,
                "totals": [row.result.totals.get(juror_id) for juror_id in columns],
            }
            for row in [*table.ranked, *table.unranked]
        ]
        tables.append({"table": table, "rows": rows})
    prizes = [
        (computed.entries[entry_id], decision["special_prize"])
        for entry_id, decision in computed.decisions.items()
        if decision.get("special_prize") and entry_id in computed.entries
    ]
    judging = Judging.objects.filter(contest=contest).first()
    changes, left_out = audit_log(contest)
    return {
        "contest": contest,
        "judging": judging,
        "made_on": timezone.localdate(now),
        "jurors": jurors,
        "chair": next((member for member in jurors if member.is_chair), None),
        "columns": range(1, len(columns) + 1),
        "method": contest.get_aggregation_method_display(),
        "tie_breaks": [label for _code, label in scoring.TIE_BREAKS],
        "tables": tables,
        "leniency": [(juror, stats) for juror, stats in computed.juror_rows() if stats is not None],
        "prizes": prizes,
        "change_heading": results.change_heading(),
        "changes": changes,
        "changes_left_out": left_out,
    }


def audit_log(contest):
    """The first ``PROTOCOL_MAX_AUDIT_ROWS`` lines of the audit log, oldest first, and how many
    more there are."""
    limit = setting("PROTOCOL_MAX_AUDIT_ROWS")
    lines = list(itertools.islice(results.change_rows(contest), limit))
    left_out = 0
    if len(lines) == limit:
        total = ScoreChange.objects.filter(sheet__assignment__juror__contest=contest).count()
        left_out = total - limit
    return lines, left_out


@in_site_language
def render(contest, now=None):
    return render_pdf(TEMPLATE, context_of(contest, now))


def file_name(contest):
    return f"{contest.file_stem}-protocol.pdf"


@in_site_language
def write(protocol):
    """The build's work: the PDF, refused while judging is not closed."""
    contest = ContestPage.objects.get(pk=protocol.contest_id)
    if judging_state(contest) not in MINUTED:
        raise Refused(_("The protocol is prepared once judging is closed."))
    return file_name(contest), render(contest)
