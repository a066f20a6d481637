"""A contest's results from its jurors' submitted score sheets: each juror's total for an entry,
the entry's mean, median, trimmed mean and normalised score, the ranking of each nomination with
its tie-break chain, the jury's agreement and each juror's leniency.

Pure arithmetic: plain data in (``CriterionSpec``, ``EntrySpec``, ``SheetScores``), plain
dataclasses out (``Results``); no models and no queries, so every rule below is tested on
hand-computed examples without a database. ``contests.results`` loads a contest and calls
``compute``.

The rules
---------
Totals. A juror's total for an entry is on a 0–100 scale: sum(weight × score / max) / sum(weight)
over the criteria that apply to the entry's nomination (the contest-wide ones and its own) and
that the juror scored. A criterion left without a score («не применимо») is left out of both
sums, so it neither counts as zero nor lowers the total; a sheet with no score at all has no
total and does not count as a sheet. Scores of criteria that do not apply are ignored.

An entry's figures, over the totals of its submitted sheets:

- ``mean``, ``median``;
- ``trimmed_mean``: the highest and the lowest total dropped (one of each) when there are at
  least ``TRIM_FROM`` sheets; with fewer it equals the mean and ``trimmed`` is False;
- ``normalised``: each total becomes the juror's z-score, (total − the juror's mean) / the
  juror's population standard deviation, both over every entry that juror scored in the contest
  (a juror whose totals are all equal, or who scored one entry, gives z = 0); the entry's mean
  z is put back on the scale of the pool of all totals: pool mean + mean z × pool population
  standard deviation. So a strict juror's best entry is not sunk by their strictness. It reads
  on the 0–100 scale, and may pass its ends a little for an extreme entry;
- ``spread``: the sample standard deviation of the totals (None with fewer than two);
- ``criterion_means``: each applicable criterion's mean raw score (0…its maximum), None when
  no juror scored it; ``not_applicable`` counts the sheets that left each criterion unscored.

Ranking. An entry with fewer than ``min_sheets`` sheets is not ranked (``ranked`` False, a
``reason`` from ``UNRANKED_REASONS``). The others are ranked per nomination by the contest's
method score (``METHODS``), highest first. Entries with the same score are ordered by the steps
of ``TIE_BREAKS`` in turn: the normalised score; the mean score on the nomination's top
criterion (the highest weight among those that apply, the first in the given order if several
share it; an entry nobody scored on it comes after); the chair's recorded decision (lower
first; an entry without one comes after). Numbers are compared rounded to ``DECIMALS`` places.
Entries equal after every step share a place, and the next place is skipped (1, 2, 2, 4):
they are ``tied``, with the step that could not break it, so the chair sees a decision is
needed — unless the chair recorded the same number for all of them, which shares the place on
purpose (``Tie.shared_by_chair``). Places 1 to ``PODIUM`` are the top three.

Agreement. Kendall's W with the correction for tied ranks, per nomination, over a complete block
of jurors and ranked entries (every juror of it scored every entry of it): the jurors who scored
every ranked entry, or — when conflicts of interest leave each juror without an entry or two —
the entries that the remaining jurors all scored, whichever block is larger (jurors × entries;
the first on a draw). None with fewer than two jurors or two entries in it, or when every one of
them gave all the entries the same total.

Jurors. A juror's leniency is the mean, over their entries that another juror scored too, of
their total minus the mean of the other jurors' totals for the entry: above zero is lenient,
below is strict; None when they share no entry.

Everything is one pass over the sheets plus a sort per nomination: 500 entries × 9 jurors × 6
criteria take a few tens of milliseconds.
"""

import itertools
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

Number = int | float | Decimal

# --- The contest's choices ---------------------------------------------------------------------

MEAN, TRIMMED_MEAN, ZSCORE, MEDIAN = "mean", "trimmed_mean", "zscore", "median"
#: The methods a contest ranks by: (code, label), usable as a model field's choices.
METHODS = [
    (MEAN, _("Mean of the jurors' totals")),
    (TRIMMED_MEAN, _("Trimmed mean (without the highest and the lowest total)")),
    (ZSCORE, _("Normalised score (each juror's scores as z-scores)")),
    (MEDIAN, _("Median of the jurors' totals")),
]
METHOD_CODES = frozenset(code for code, _label in METHODS)

NORMALISED, TOP_CRITERION, CHAIR = "normalised", "top_criterion", "chair"
#: The tie-break chain, in the order it is applied after the method score: (code, label).
TIE_BREAKS = [
    (NORMALISED, _("the normalised score")),
    (TOP_CRITERION, _("the mean score on the criterion with the highest weight")),
    (CHAIR, _("the jury chair's decision")),
]

NO_SHEETS, TOO_FEW_SHEETS = "no_sheets", "too_few_sheets"
#: Why an entry is not ranked: code → label.
UNRANKED_REASONS = {
    NO_SHEETS: _("No submitted score sheet"),
    TOO_FEW_SHEETS: _("Fewer submitted score sheets than the contest requires"),
}

#: Sheets an entry needs before its highest and lowest totals are dropped from the trimmed mean.
TRIM_FROM = 5
#: Places 1 to PODIUM are the top three.
PODIUM = 3
#: Scores are compared rounded to this many decimal places, so that float noise makes no order.
DECIMALS = 6


# --- Input -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionSpec:
    """A criterion: its weight, its highest score and its nomination (None: every nomination)."""

    id: int
    weight: Number
    max_score: Number
    nomination_id: int | None = None

    def applies_to(self, nomination_id):
        return self.nomination_id is None or self.nomination_id == nomination_id


@dataclass(frozen=True)
class EntrySpec:
    id: int
    nomination_id: int | None


@dataclass(frozen=True)
class SheetScores:
    """One juror's submitted sheet for one entry: criterion id → score, None when not scored."""

    entry_id: int
    juror_id: int
    scores: Mapping[int, Number | None]


# --- Output ------------------------------------------------------------------------------------


@dataclass
class EntryResult:
    """An entry's figures (see the module's docstring) and its place in its nomination."""

    entry_id: int
    nomination_id: int | None
    #: Juror id → that juror's total, by juror id.
    totals: dict[int, float] = field(default_factory=dict)
    #: Submitted sheets with a total; ``blank_sheets`` left every criterion unscored.
    sheets: int = 0
    blank_sheets: int = 0
    mean: float | None = None
    median: float | None = None
    trimmed_mean: float | None = None
    trimmed: bool = False
    normalised: float | None = None
    spread: float | None = None
    low: float | None = None
    high: float | None = None
    #: The contest's method score.
    score: float | None = None
    #: Applicable criterion id → its mean raw score, in the criteria's order.
    criterion_means: dict[int, float | None] = field(default_factory=dict)
    #: Criterion id → how many sheets left it unscored (only criteria left unscored at least once).
    not_applicable: dict[int, int] = field(default_factory=dict)
    ranked: bool = False
    #: Why it is not ranked: a key of UNRANKED_REASONS.
    reason: str | None = None
    place: int | None = None
    #: Level with another entry after the whole chain; ``tie_step`` is the step that could not
    #: break it (the chain's last).
    tied: bool = False
    tie_step: str | None = None
    #: The tie-break step that put it below the entry before it, which had the same score;
    #: None when its score alone did (or it comes first).
    broken_by: str | None = None

    @property
    def in_top_three(self):
        return self.place is not None and self.place <= PODIUM


@dataclass
class Tie:
    """Entries sharing a place after the whole chain."""

    place: int
    entry_ids: list[int]
    #: The chair recorded the same decision for each of them: the place is shared on purpose.
    shared_by_chair: bool


@dataclass
class Agreement:
    """Kendall's W over a complete block: ``jurors`` who scored all ``entries`` ranked ones."""

    w: float | None
    jurors: int
    entries: int


@dataclass
class NominationRanking:
    nomination_id: int | None
    #: The criterion of the second tie-break step; None when no criterion applies.
    top_criterion_id: int | None
    #: By place; entries sharing a place in the order given.
    ranked: list[EntryResult]
    #: In the order given.
    unranked: list[EntryResult]
    ties: list[Tie]
    agreement: Agreement


@dataclass
class JurorStats:
    juror_id: int
    #: The juror's totals, lowest first (for a chart of their distribution).
    totals: list[float]
    count: int
    mean: float
    #: Population standard deviation, the one their z-scores use.
    sd: float
    #: Mean of (their total − the other jurors' mean) over ``shared_entries`` entries; None
    #: when no other juror scored any of their entries.
    leniency: float | None
    shared_entries: int


@dataclass
class Results:
    method: str
    min_sheets: int
    #: Entry id → its figures, in the order given.
    entries: dict[int, EntryResult]
    #: Nomination id → its ranking, in the order the nominations first come in the entries.
    nominations: dict[int | None, NominationRanking]
    #: Juror id → their figures, by juror id.
    jurors: dict[int, JurorStats]
    #: Mean and population standard deviation of every total in the contest.
    pool_mean: float | None
    pool_sd: float | None


# --- Totals ------------------------------------------------------------------------------------


def applicable_criteria(criteria: Iterable[CriterionSpec], nomination_id):
    """The criteria an entry of this nomination is scored on, in the order given."""
    return [criterion for criterion in criteria if criterion.applies_to(nomination_id)]


def weighted_total(scores: Mapping[int, Number | None], criteria: Iterable[CriterionSpec]):
    """A juror's total on 0–100 over ``criteria`` (those that apply to the entry); criteria
    without a score are left out of both sums. None when none has a score."""
    weighted = weights = 0.0
    for criterion in criteria:
        score = scores.get(criterion.id)
        if score is None:
            continue
        weight = float(criterion.weight)
        # Multiplied before dividing, so that whole scores give whole totals (55/100 → 55.0).
        weighted += weight * float(score) * 100 / float(criterion.max_score)
        weights += weight
    if not weights:
        return None
    return weighted / weights


# --- The whole contest -------------------------------------------------------------------------


def compute(
    criteria: Sequence[CriterionSpec],
    entries: Sequence[EntrySpec],
    sheets: Iterable[SheetScores],
    method: str = MEAN,
    min_sheets: int = 1,
    chair_order: Mapping[int, Number] | None = None,
) -> Results:
    """The contest's results (see the module's docstring). ``sheets`` are the submitted ones;
    a sheet for an entry not in ``entries`` is left out everywhere. ``chair_order``: entry id →
    the chair's decision for a tie, lower first. Raises ValueError on an unknown method, a
    ``min_sheets`` below 1, a weight or maximum score not above zero, an entry given twice or
    two sheets of one juror for one entry."""
    if method not in METHOD_CODES:
        raise ValueError(f"Unknown ranking method {method!r}")
    if min_sheets < 1:
        raise ValueError(f"min_sheets must be at least 1, not {min_sheets}")
    for criterion in criteria:
        if not (criterion.weight > 0 and criterion.max_score > 0):
            raise ValueError(f"Criterion {criterion.id} needs a weight and a maximum above zero")
    chair_order = chair_order or {}

    rows: dict[int, EntryResult] = {}
    for entry in entries:
        if entry.id in rows:
            raise ValueError(f"Entry {entry.id} is given twice")
        rows[entry.id] = EntryResult(entry_id=entry.id, nomination_id=entry.nomination_id)
    scored_on = _criteria_by_nomination(criteria, rows.values())

    by_juror: dict[int, dict[int, float]] = defaultdict(dict)
    seen = set()
    criterion_sums: dict[int, dict[int, list[float]]] = defaultdict(dict)
    for sheet in sheets:
        row = rows.get(sheet.entry_id)
        if row is None:
            continue
        if (sheet.entry_id, sheet.juror_id) in seen:
            raise ValueError(f"Juror {sheet.juror_id} has two sheets for entry {sheet.entry_id}")
        seen.add((sheet.entry_id, sheet.juror_id))
        applicable = scored_on[row.nomination_id]
        sums = criterion_sums[row.entry_id]
        for criterion in applicable:
            score = sheet.scores.get(criterion.id)
            if score is None:
                row.not_applicable[criterion.id] = row.not_applicable.get(criterion.id, 0) + 1
            else:
                pair = sums.setdefault(criterion.id, [0.0, 0])
                pair[0] += float(score)
                pair[1] += 1
        total = weighted_total(sheet.scores, applicable)
        if total is None:
            row.blank_sheets += 1
            continue
        row.totals[sheet.juror_id] = total
        by_juror[sheet.juror_id][row.entry_id] = total

    pool = [total for totals in by_juror.values() for total in totals.values()]
    pool_mean = statistics.fmean(pool) if pool else None
    pool_sd = statistics.pstdev(pool, pool_mean) if pool else None
    z_scores = _z_scores(by_juror)

    for row in rows.values():
        row.totals = dict(sorted(row.totals.items()))
        row.criterion_means = {
            criterion.id: _mean_of(criterion_sums[row.entry_id].get(criterion.id))
            for criterion in scored_on[row.nomination_id]
        }
        _describe(row, z_scores, pool_mean, pool_sd, method)
        if row.sheets >= min_sheets:
            row.ranked = True
        else:
            row.reason = NO_SHEETS if row.sheets == 0 else TOO_FEW_SHEETS

    nominations = {}
    for row in rows.values():
        nominations.setdefault(row.nomination_id, []).append(row)
    return Results(
        method=method,
        min_sheets=min_sheets,
        entries=rows,
        nominations={
            nomination: _rank(nomination, members, scored_on[nomination], chair_order)
            for nomination, members in nominations.items()
        },
        jurors=_juror_stats(by_juror, rows),
        pool_mean=pool_mean,
        pool_sd=pool_sd,
    )


def _criteria_by_nomination(criteria, rows):
    return {
        nomination: applicable_criteria(criteria, nomination)
        for nomination in {row.nomination_id for row in rows}
    }


def _mean_of(pair):
    return pair[0] / pair[1] if pair else None


def _z_scores(by_juror):
    """(juror id, entry id) → the juror's z-score for the entry; 0 for a juror without spread."""
    z_scores = {}
    for juror, totals in by_juror.items():
        values = list(totals.values())
        mean = statistics.fmean(values)
        sd = statistics.pstdev(values, mean)
        for entry, total in totals.items():
            # A juror whose totals do not vary says nothing about which entry is better.
            z_scores[juror, entry] = (total - mean) / sd if sd > 0 else 0.0
    return z_scores


def _describe(row, z_scores, pool_mean, pool_sd, method):
    totals = list(row.totals.values())
    row.sheets = len(totals)
    if not totals:
        return
    row.mean = statistics.fmean(totals)
    row.median = statistics.median(totals)
    row.trimmed = len(totals) >= TRIM_FROM
    row.trimmed_mean = statistics.fmean(sorted(totals)[1:-1]) if row.trimmed else row.mean
    row.spread = statistics.stdev(totals) if len(totals) >= 2 else None
    row.low, row.high = min(totals), max(totals)
    mean_z = statistics.fmean(z_scores[juror, row.entry_id] for juror in row.totals)
    row.normalised = pool_mean + mean_z * pool_sd
    row.score = {
        MEAN: row.mean,
        TRIMMED_MEAN: row.trimmed_mean,
        ZSCORE: row.normalised,
        MEDIAN: row.median,
    }[method]


# --- Ranking -----------------------------------------------------------------------------------


def _top_criterion(applicable):
    """The criterion with the highest weight; ``max`` keeps the first of those that share it."""
    return max(
        applicable, key=lambda criterion: round(float(criterion.weight), DECIMALS), default=None
    )


def _higher_first(value):
    """A sort key putting higher numbers first and a missing one last."""
    return math.inf if value is None else -round(value, DECIMALS)


def _rank(nomination, members, applicable, chair_order):
    top = _top_criterion(applicable)
    ranked = [row for row in members if row.ranked]

    def steps(row):
        """The method score, then each step of TIE_BREAKS in order."""
        return (
            _higher_first(row.score),
            _higher_first(row.normalised),
            _higher_first(row.criterion_means.get(top.id) if top else None),
            chair_order.get(row.entry_id, math.inf),
        )

    keys = {row.entry_id: steps(row) for row in ranked}
    ranked.sort(key=lambda row: keys[row.entry_id])  # stable: equal ones keep the given order
    ties = []
    position = 0
    previous = None
    for key, members_of_key in itertools.groupby(ranked, key=lambda row: keys[row.entry_id]):
        group = list(members_of_key)
        for row in group:
            row.place = position + 1
        if previous is not None and key[0] == previous[0]:
            step = next(index for index in range(1, len(key)) if key[index] != previous[index])
            group[0].broken_by = TIE_BREAKS[step - 1][0]
        if len(group) > 1:
            ties.append(_tie(group, key))
        position += len(group)
        previous = key
    return NominationRanking(
        nomination_id=nomination,
        top_criterion_id=top.id if top else None,
        ranked=ranked,
        unranked=[row for row in members if not row.ranked],
        ties=ties,
        agreement=_agreement(ranked),
    )


def _tie(group, key):
    """Marks entries level after the whole chain."""
    for row in group:
        row.tied = True
        row.tie_step = TIE_BREAKS[-1][0]
    return Tie(
        place=group[0].place,
        entry_ids=[row.entry_id for row in group],
        # Equal keys: either none has a decision or all have the same one.
        shared_by_chair=key[-1] != math.inf,
    )


# --- Agreement ---------------------------------------------------------------------------------


def _agreement(ranked):
    """Kendall's W with the tie correction, over a complete block (``_block``):
    W = 12 S / (m² (n³ − n) − m Σ T), S the sum of squared deviations of the entries' rank
    sums from their mean, T = Σ (t³ − t) over each juror's groups of t tied totals."""
    block, rows = _block(ranked)
    m, n = len(block), len(rows)
    if m < 2 or n < 2:
        return Agreement(w=None, jurors=m, entries=n)
    rank_sums = [0.0] * n
    ties = 0
    for juror in block:
        ranks, correction = _ranks([row.totals[juror] for row in rows])
        ties += correction
        for index, rank in enumerate(ranks):
            rank_sums[index] += rank
    mean_sum = m * (n + 1) / 2
    s = sum((rank_sum - mean_sum) ** 2 for rank_sum in rank_sums)
    denominator = m * m * (n**3 - n) - m * ties
    # Every juror gave every entry the same total: there is no order to agree on.
    w = 12 * s / denominator if denominator > 0 else None
    return Agreement(w=w, jurors=m, entries=n)


def _block(ranked):
    """The larger complete block of (jurors, ranked rows): the jurors who scored every row; or
    the jurors who scored at least two rows with the rows all of them scored — what is left when
    conflicts of interest took an entry or two off each juror."""
    if not ranked:
        return [], []
    everywhere = [juror for juror in ranked[0].totals if all(juror in row.totals for row in ranked)]
    counts = defaultdict(int)
    for row in ranked:
        for juror in row.totals:
            counts[juror] += 1
    regulars = [juror for juror, count in counts.items() if count >= 2]
    shared = [row for row in ranked if all(juror in row.totals for juror in regulars)]
    first, second = (everywhere, ranked), (regulars, shared)
    if len(second[0]) * len(second[1]) > len(first[0]) * len(first[1]):
        return second
    return first


def _ranks(values):
    """Ranks, highest value first, tied values sharing their mean rank; and Σ (t³ − t)."""
    order = sorted(range(len(values)), key=lambda index: -round(values[index], DECIMALS))
    ranks = [0.0] * len(values)
    correction = 0
    start = 0
    while start < len(order):
        end = start
        level = round(values[order[start]], DECIMALS)
        while end + 1 < len(order) and round(values[order[end + 1]], DECIMALS) == level:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        t = end - start + 1
        correction += t**3 - t
        start = end + 1
    return ranks, correction


# --- Jurors ------------------------------------------------------------------------------------


def _juror_stats(by_juror, rows):
    entry_sums = {row.entry_id: sum(row.totals.values()) for row in rows.values()}
    stats = {}
    for juror in sorted(by_juror):
        totals = by_juror[juror]
        values = list(totals.values())
        mean = statistics.fmean(values)
        differences = []
        for entry, total in totals.items():
            others = len(rows[entry].totals) - 1
            if others:
                other_mean = (entry_sums[entry] - total) / others
                differences.append(total - other_mean)
        stats[juror] = JurorStats(
            juror_id=juror,
            totals=sorted(values),
            count=len(values),
            mean=mean,
            sd=statistics.pstdev(values, mean),
            leniency=statistics.fmean(differences) if differences else None,
            shared_entries=len(differences),
        )
    return stats
