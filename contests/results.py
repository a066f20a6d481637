"""A contest's results from the database: what ``contests.scoring`` computes, loaded in a fixed
number of queries whatever the contest's size, and frozen into ``Result`` rows when the chair
publishes.

- ``compute(contest)`` → ``ContestResults``: ``results`` is ``scoring.Results`` (the figures of
  every entry ready for judging, each nomination's ranking with its ties and agreement, each
  juror's leniency), with lookups for showing it: ``entries`` (id → number, code, title,
  nomination, and the participant's name and library only when asked for: a blind contest
  hides them until publication), ``nominations``, ``criteria``, ``jurors`` (id → name, role)
  and ``decisions`` (entry id → the chair's tie order and special prize). ``tables()`` gives
  the rows of the chair's results table, per nomination; ``juror_rows()`` the jurors' figures.
  Seven queries (``values()`` rows, no model instances, nothing per entry).
- ``publish_results(contest)`` replaces the contest's ``Result`` rows with the ranking as it is
  now (place, shared place, special prize, the scores): what the public results page, the
  diplomas and the protocol read. Called by ``domain.judging.publish``.
- ``progress(contest)``: each juror with how many of their entries they have submitted.
- ``matrix_rows(contest)``, ``change_rows(contest)``: the score matrix (one row per juror ×
  entry × criterion, with the sheet's status and comments) and the audit log, as rows of
  plain values for the CSV and XLSX exports, read in chunks so that memory stays flat.

Only entries ready for judging count, and only submitted sheets of assignments the juror has
not declared a conflict of interest on."""

import itertools
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from . import scoring
from .domain.score_sheet import FIELD_LABELS
from .models import (
    Assignment,
    ChairDecision,
    Criterion,
    Entry,
    JuryMember,
    Nomination,
    Result,
    Score,
    ScoreChange,
    ScoreSheet,
)

#: An entry whose jurors' totals spread this much (sample standard deviation, on the 0–100
#: scale) is marked contested in the chair's table.
CONTESTED_SPREAD = 15.0
#: Rows read at a time by the exports.
CHUNK = 500

READY = Entry.Status.READY
SUBMITTED = ScoreSheet.Status.SUBMITTED


def entry_code(contest, number):
    """«КНИГИНЯ-2009/017», as ``Entry.code`` without loading the entry."""
    return f"{contest.entry_prefix}/{number:03d}"


def person_name(first_name, last_name, username=""):
    return " ".join(part for part in (first_name, last_name) if part) or username


# --- Computing ---------------------------------------------------------------------------------


@dataclass
class Row:
    """A line of the chair's table: the entry's lookup, its figures and the chair's decision."""

    entry: dict
    result: scoring.EntryResult
    decision: dict | None

    @property
    def contested(self):
        return self.result.spread is not None and self.result.spread >= CONTESTED_SPREAD

    @property
    def reason(self):
        return scoring.UNRANKED_REASONS.get(self.result.reason) if self.result.reason else None

    @property
    def broken_by(self):
        return dict(scoring.TIE_BREAKS).get(self.result.broken_by)


@dataclass
class TieGroup:
    place: int
    rows: list[Row]
    shared_by_chair: bool

    @property
    def decided(self):
        return self.shared_by_chair


@dataclass
class NominationTable:
    nomination: dict
    ranked: list[Row]
    unranked: list[Row]
    ties: list[TieGroup]
    agreement: scoring.Agreement
    top_criterion: dict | None


@dataclass
class ContestResults:
    """``scoring.Results`` of a contest with what it takes to show them (see the module)."""

    results: scoring.Results
    entries: dict[int, dict]
    nominations: dict[int, dict]
    criteria: dict[int, dict]
    jurors: dict[int, dict]
    decisions: dict[int, dict] = field(default_factory=dict)

    def tables(self):
        """Per nomination (in the contest's order) its ranked and unranked rows and ties."""
        tables = []
        for nomination_id, nomination in self.nominations.items():
            ranking = self.results.nominations.get(nomination_id)
            if ranking is None:
                continue
            rows = {
                result.entry_id: self._row(result)
                for result in [*ranking.ranked, *ranking.unranked]
            }
            tables.append(
                NominationTable(
                    nomination=nomination,
                    ranked=[rows[result.entry_id] for result in ranking.ranked],
                    unranked=[rows[result.entry_id] for result in ranking.unranked],
                    ties=[
                        TieGroup(
                            place=tie.place,
                            rows=[rows[entry_id] for entry_id in tie.entry_ids],
                            shared_by_chair=tie.shared_by_chair,
                        )
                        for tie in ranking.ties
                    ],
                    agreement=ranking.agreement,
                    top_criterion=self.criteria.get(ranking.top_criterion_id),
                )
            )
        return tables

    def juror_rows(self):
        """Every juror (chair first) with their figures, None for one without a submitted
        sheet: (juror lookup, ``scoring.JurorStats`` or None)."""
        return [
            (juror, self.results.jurors.get(juror_id)) for juror_id, juror in self.jurors.items()
        ]

    def _row(self, result):
        return Row(
            entry=self.entries[result.entry_id],
            result=result,
            decision=self.decisions.get(result.entry_id),
        )


def compute(contest, names=False):
    """The contest's results as they stand (see the module). ``names``: the entries' lookups
    carry the participant's name and library (``participant``, ``library``)."""
    criteria = {
        row["id"]: row
        for row in Criterion.objects.filter(contest=contest)
        .order_by("sort_order", "pk")
        .values("id", "name", "weight", "max_score", "nomination_id")
    }
    nominations = {
        row["id"]: row
        for row in Nomination.objects.filter(contest=contest)
        .order_by("sort_order", "pk")
        .values("id", "title")
    }
    fields = ["id", "number", "title", "nomination_id"]
    if names:
        fields += ["last_name", "first_name", "patronymic", "library__full_name"]
        fields += ["new_library_name"]
    entries = {}
    for row in (
        Entry.objects.filter(contest=contest, status=READY).order_by("number").values(*fields)
    ):
        row["code"] = entry_code(contest, row["number"])
        if names:
            parts = (row["last_name"], row["first_name"], row["patronymic"])
            row["participant"] = " ".join(part for part in parts if part)
            row["library"] = row["library__full_name"] or row["new_library_name"]
        entries[row["id"]] = row
    jurors = {
        row["id"]: {
            "id": row["id"],
            "name": person_name(
                row["user__first_name"], row["user__last_name"], row["user__username"]
            ),
            "role": row["role"],
            "is_chair": row["role"] == JuryMember.Role.CHAIR,
        }
        for row in JuryMember.objects.filter(contest=contest)
        .order_by("role", "user__last_name", "user__first_name", "pk")
        .values("id", "role", "user__first_name", "user__last_name", "user__username")
    }
    sheets = _submitted_sheets(contest)
    scores = {}
    for sheet_id, criterion_id, value, not_applicable in Score.objects.filter(
        sheet__in=sheets.values("id")
    ).values_list("sheet_id", "criterion_id", "value", "not_applicable"):
        scores.setdefault(sheet_id, {})[criterion_id] = None if not_applicable else value
    sheet_scores = [
        scoring.SheetScores(entry_id=entry_id, juror_id=juror_id, scores=scores.get(sheet_id, {}))
        for sheet_id, entry_id, juror_id in sheets.values_list(
            "id", "assignment__entry_id", "assignment__juror_id"
        )
    ]
    decisions = {
        row["entry_id"]: row
        for row in ChairDecision.objects.filter(contest=contest).values(
            "entry_id", "tie_order", "special_prize"
        )
    }
    results = scoring.compute(
        criteria=[
            scoring.CriterionSpec(
                id=row["id"],
                weight=row["weight"],
                max_score=row["max_score"],
                nomination_id=row["nomination_id"],
            )
            for row in criteria.values()
        ],
        entries=[
            scoring.EntrySpec(id=row["id"], nomination_id=row["nomination_id"])
            for row in entries.values()
        ],
        sheets=sheet_scores,
        method=contest.aggregation_method,
        min_sheets=contest.min_sheets,
        chair_order={
            entry_id: row["tie_order"]
            for entry_id, row in decisions.items()
            if row["tie_order"] is not None
        },
    )
    return ContestResults(
        results=results,
        entries=entries,
        nominations=nominations,
        criteria=criteria,
        jurors=jurors,
        decisions=decisions,
    )


def _submitted_sheets(contest):
    return ScoreSheet.objects.filter(
        status=SUBMITTED,
        assignment__juror__contest=contest,
        assignment__entry__status=READY,
        assignment__conflict_declared_at=None,
    )


# --- Publishing --------------------------------------------------------------------------------


def publish_results(contest, computed=None):
    """Freeze the ranking (``computed``, or computed now) into the contest's ``Result`` rows,
    one per entry ready for judging, replacing any there were. Returns the new rows."""
    computed = computed or compute(contest)
    rows = []
    for entry_id, result in computed.results.entries.items():
        decision = computed.decisions.get(entry_id) or {}
        rows.append(
            Result(
                contest=contest,
                entry_id=entry_id,
                nomination_id=result.nomination_id,
                place=result.place,
                tied=result.tied,
                special_prize=decision.get("special_prize", ""),
                score=result.score,
                mean=result.mean,
                median=result.median,
                trimmed_mean=result.trimmed_mean,
                normalised=result.normalised,
                spread=result.spread,
                sheets=result.sheets,
            )
        )
    with transaction.atomic():
        Result.objects.filter(contest=contest).delete()
        Result.objects.bulk_create(rows, batch_size=CHUNK)
    return rows


# --- Progress ----------------------------------------------------------------------------------


def progress(contest):
    """The contest's jurors (chair first), each with ``assigned`` (entries ready for judging
    they are to score, conflicts of interest left out), ``submitted``, ``drafts`` and
    ``conflicts``; one query."""
    active = Q(assignments__conflict_declared_at=None, assignments__entry__status=READY)
    return list(
        JuryMember.objects.filter(contest=contest)
        .select_related("user")
        .annotate(
            assigned=Count("assignments", filter=active),
            submitted=Count("assignments", filter=active & Q(assignments__sheet__status=SUBMITTED)),
            drafts=Count(
                "assignments",
                filter=active & Q(assignments__sheet__status=ScoreSheet.Status.DRAFT),
            ),
            conflicts=Count(
                "assignments", filter=Q(assignments__conflict_declared_at__isnull=False)
            ),
        )
        .order_by("role", "user__last_name", "user__first_name", "pk")
    )


# --- The score matrix and the audit log ---------------------------------------------------------


def matrix_heading():
    return [
        _("Juror"),
        _("Entry"),
        _("Nomination"),
        _("Title"),
        _("Criterion"),
        _("Weight"),
        _("Maximum score"),
        _("Score"),
        _("Not applicable"),
        _("Comment"),
        _("Sheet"),
        _("Overall comment"),
        _("Submitted at"),
    ]


def matrix_rows(contest):
    """One row per juror × entry × criterion that applies to the entry's nomination, for every
    assignment (conflicts of interest left out) of an entry ready for judging, the juror's
    drafts and unstarted sheets included; in juror, then entry order."""
    criteria = list(
        Criterion.objects.filter(contest=contest)
        .order_by("sort_order", "pk")
        .values("id", "name", "weight", "max_score", "nomination_id")
    )
    nominations = dict(Nomination.objects.filter(contest=contest).values_list("id", "title"))
    statuses = dict(ScoreSheet.Status.choices)
    assignments = (
        Assignment.objects.filter(
            juror__contest=contest, conflict_declared_at=None, entry__status=READY
        )
        .order_by(
            "juror__role",
            "juror__user__last_name",
            "juror__user__first_name",
            "juror_id",
            "entry__number",
        )
        .values(
            "juror__user__first_name",
            "juror__user__last_name",
            "juror__user__username",
            "entry__number",
            "entry__title",
            "entry__nomination_id",
            "sheet__id",
            "sheet__status",
            "sheet__comment",
            "sheet__submitted_at",
        )
    )
    for batch in _batches(assignments.iterator(chunk_size=CHUNK)):
        sheet_ids = [row["sheet__id"] for row in batch if row["sheet__id"]]
        scores = {
            (sheet_id, criterion_id): (value, not_applicable, comment)
            for sheet_id, criterion_id, value, not_applicable, comment in Score.objects.filter(
                sheet_id__in=sheet_ids
            ).values_list("sheet_id", "criterion_id", "value", "not_applicable", "comment")
        }
        for row in batch:
            juror = person_name(
                row["juror__user__first_name"],
                row["juror__user__last_name"],
                row["juror__user__username"],
            )
            status = str(statuses.get(row["sheet__status"]) or _("not started"))
            for criterion in criteria:
                nomination = row["entry__nomination_id"]
                if criterion["nomination_id"] not in (None, nomination):
                    continue
                value, not_applicable, comment = scores.get(
                    (row["sheet__id"], criterion["id"]), (None, False, "")
                )
                yield [
                    juror,
                    entry_code(contest, row["entry__number"]),
                    nominations.get(nomination, ""),
                    row["entry__title"],
                    criterion["name"],
                    criterion["weight"],
                    criterion["max_score"],
                    value,
                    _("yes") if not_applicable else "",
                    comment,
                    status,
                    row["sheet__comment"] or "",
                    row["sheet__submitted_at"],
                ]


def changes(contest):
    """The audit log of the contest's score sheets, oldest first, for a page of the chair's
    listing (related rows joined)."""
    return (
        ScoreChange.objects.filter(sheet__assignment__juror__contest=contest)
        .select_related(
            "sheet__assignment__juror__user", "sheet__assignment__entry", "criterion", "changed_by"
        )
        .order_by("changed_at", "pk")
    )


def change_heading():
    return [
        _("Changed at"),
        _("Juror"),
        _("Entry"),
        _("Criterion"),
        _("What changed"),
        _("Old value"),
        _("New value"),
        _("Changed by"),
    ]


def change_rows(contest):
    """The audit log as rows of plain values, oldest first."""
    rows = (
        ScoreChange.objects.filter(sheet__assignment__juror__contest=contest)
        .order_by("changed_at", "pk")
        .values_list(
            "changed_at",
            "sheet__assignment__juror__user__first_name",
            "sheet__assignment__juror__user__last_name",
            "sheet__assignment__juror__user__username",
            "sheet__assignment__entry__number",
            "criterion__name",
            "field",
            "old",
            "new",
            "changed_by__first_name",
            "changed_by__last_name",
            "changed_by__username",
        )
    )
    for row in rows.iterator(chunk_size=CHUNK):
        (at, first, last, username, number, criterion, what, old, new, *by) = row
        yield [
            at,
            person_name(first, last, username),
            entry_code(contest, number),
            criterion or "",
            str(FIELD_LABELS.get(what, what)),
            old,
            new,
            person_name(*by) if any(by) else "",
        ]


def _batches(rows, size=CHUNK):
    rows = iter(rows)
    while batch := list(itertools.islice(rows, size)):
        yield batch
