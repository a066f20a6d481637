"""The jury's arithmetic (``contests.scoring``) on examples computed by hand, the working shown in
the comments: totals with criteria left unscored, the entry's mean, median, trimmed mean and
normalised score, entries left unranked, each step of the tie-break chain, Kendall's W and the
jurors' leniency. No database: the module takes and gives plain data."""

import math
import random
from decimal import Decimal

import pytest
from django.utils import translation

from contests import scoring
from contests.scoring import CriterionSpec, EntrySpec, SheetScores, Tie, compute, weighted_total

#: A criterion scored out of 100 with weight 1: a sheet's total is its one score.
ONLY = CriterionSpec(id=1, weight=1, max_score=100)


def plain(table, method=scoring.MEAN, min_sheets=1, chair_order=None, order=None):
    """Results of one nomination judged on ONLY: table is entry id → {juror id: score}."""
    entries = [EntrySpec(id=entry, nomination_id=1) for entry in (order or table)]
    sheets = [
        SheetScores(entry_id=entry, juror_id=juror, scores={ONLY.id: score})
        for entry, scores in table.items()
        for juror, score in scores.items()
    ]
    return compute([ONLY], entries, sheets, method, min_sheets, chair_order)


def places(results, nomination=1):
    return {row.entry_id: row.place for row in results.nominations[nomination].ranked}


# --- Totals ------------------------------------------------------------------------------------

WORK = CriterionSpec(id=1, weight=2, max_score=10)
STYLE = CriterionSpec(id=2, weight=1, max_score=5)
LOCAL = CriterionSpec(id=3, weight=1, max_score=10, nomination_id=2)


def test_a_criterion_left_unscored_is_out_of_both_sums():
    # 2 × 6/10 / 2 = 0.6 → 60: STYLE is neither a zero nor part of the weights.
    assert weighted_total({1: 6, 2: None}, [WORK, STYLE]) == pytest.approx(60)
    # (2 × 8/10 + 1 × 5/5) / (2 + 1) = 2.6 / 3 → 86.667
    assert weighted_total({1: 8, 2: 5}, [WORK, STYLE]) == pytest.approx(86.6667, abs=1e-4)
    # A criterion missing from the sheet is the same as None: 1 × 2/5 / 1 → 40
    assert weighted_total({2: 2}, [WORK, STYLE]) == pytest.approx(40)


def test_a_sheet_without_any_score_has_no_total():
    assert weighted_total({1: None, 2: None}, [WORK, STYLE]) is None
    assert weighted_total({}, [WORK, STYLE]) is None
    assert weighted_total({1: 5}, []) is None


def test_decimal_weights_and_scores():
    criteria = [CriterionSpec(1, Decimal("1.50"), 10), CriterionSpec(2, Decimal("0.50"), 10)]
    # (1.5 × 0.4 + 0.5 × 1.0) / 2 = 1.1 / 2 → 55
    assert weighted_total({1: Decimal("4"), 2: 10}, criteria) == pytest.approx(55)


def test_only_the_nominations_criteria_count_and_unscored_ones_are_reported():
    # The entry is in nomination 1, so LOCAL (nomination 2) is ignored even where scored.
    sheets = [
        SheetScores(10, juror_id=1, scores={1: 6, 2: None, 3: 9}),  # 2 × 0.6 / 2 → 60
        SheetScores(10, juror_id=2, scores={1: 8, 2: 5}),  # 2.6 / 3 → 86.667
        SheetScores(10, juror_id=3, scores={2: 2}),  # 1 × 0.4 / 1 → 40
        SheetScores(10, juror_id=4, scores={1: None}),  # nothing scored: no total
    ]
    results = compute([WORK, STYLE, LOCAL], [EntrySpec(10, nomination_id=1)], sheets)
    row = results.entries[10]
    assert row.sheets == 3 and row.blank_sheets == 1
    assert row.totals == pytest.approx({1: 60, 2: 86.6667, 3: 40}, abs=1e-4)
    # (60 + 86.667 + 40) / 3 = 62.222
    assert row.mean == pytest.approx(62.2222, abs=1e-4)
    # WORK: (6 + 8) / 2 = 7 out of 10; STYLE: (5 + 2) / 2 = 3.5 out of 5; no LOCAL at all.
    assert row.criterion_means == {1: 7, 2: 3.5}
    # WORK unscored by jurors 3 (missing) and 4 (None); STYLE by jurors 1 (None) and 4 (missing).
    assert row.not_applicable == {1: 2, 2: 2}


# --- An entry's figures ------------------------------------------------------------------------


def test_four_sheets_are_not_trimmed():
    row = plain({1: {1: 30, 2: 70, 3: 70, 4: 70}}).entries[1]
    assert row.sheets == 4
    # (30 + 70 + 70 + 70) / 4 = 60; the middle two are 70 and 70.
    assert row.mean == 60 and row.median == 70
    assert row.trimmed_mean == 60 and row.trimmed is False
    # Deviations −30, 10, 10, 10: (900 + 100 + 100 + 100) / (4 − 1) = 400, √400 = 20.
    assert row.spread == pytest.approx(20)
    assert (row.low, row.high) == (30, 70)


def test_five_sheets_and_more_drop_one_highest_and_one_lowest():
    results = plain(
        {
            1: {1: 20, 2: 50, 3: 60, 4: 70, 5: 95},
            2: {1: 40, 2: 50, 3: 60, 4: 70, 5: 90, 6: 90},
        }
    )
    five, six = results.entries[1], results.entries[2]
    # mean (20 + 50 + 60 + 70 + 95) / 5 = 59; without 20 and 95: (50 + 60 + 70) / 3 = 60.
    assert five.mean == 59 and five.trimmed_mean == 60 and five.median == 60
    assert five.trimmed is True
    # Only one of the two 90s goes: (50 + 60 + 70 + 90) / 4 = 67.5; median (60 + 70) / 2 = 65.
    assert six.trimmed_mean == 67.5 and six.median == 65


def test_one_sheet_has_no_spread():
    row = plain({1: {1: 55}}).entries[1]
    assert row.spread is None and row.mean == row.median == row.trimmed_mean == 55


# --- Normalised scores -------------------------------------------------------------------------


def test_normalisation_undoes_a_strict_and_a_lenient_juror():
    # Juror 1 is strict and scored entries 1 and 2; juror 2 is lenient and scored 3 and 4.
    table = {1: {1: 58}, 2: {1: 46}, 3: {2: 74}, 4: {2: 62}}
    # Juror 1: mean 52, population sd 6 → entry 1 z = +1, entry 2 z = −1.
    # Juror 2: mean 68, population sd 6 → entry 3 z = +1, entry 4 z = −1.
    # Pool 58, 46, 74, 62: mean 60; deviations −2, −14, 14, 2 → (4 + 196 + 196 + 4) / 4 = 100,
    # sd 10. Normalised: 60 ± 1 × 10 → 70 for each juror's better entry, 50 for the worse.
    by_mean = plain(table)
    assert by_mean.pool_mean == 60 and by_mean.pool_sd == 10
    assert {row.entry_id: row.normalised for row in by_mean.entries.values()} == pytest.approx(
        {1: 70, 2: 50, 3: 70, 4: 50}
    )
    # By raw mean the lenient juror's worse entry (62) beats the strict juror's best (58)…
    assert places(by_mean) == {3: 1, 4: 2, 1: 3, 2: 4}
    # …normalised, the strict juror's best comes above it. Equal 70s and 50s: the top criterion's
    # mean (the raw score) puts 3 before 1 and 4 before 2.
    by_z = plain(table, method=scoring.ZSCORE)
    assert places(by_z) == {3: 1, 1: 2, 4: 3, 2: 4}
    assert by_z.entries[1].broken_by == scoring.TOP_CRITERION


def test_a_juror_who_gave_everyone_the_same_total_does_not_move_the_normalised_score():
    table = {1: {1: 70, 2: 90}, 2: {1: 70, 2: 70}, 3: {1: 70, 2: 50}}
    # Juror 1: all 70, sd 0 → z = 0 everywhere. Juror 2: mean 70, sd √(800/3) → z = ±√(3/2), 0.
    # Entry 1: mean z = (0 + √(3/2)) / 2. Pool: mean 70, sd √(800/6) = 20/√3.
    # Normalised = 70 + √(3/2)/2 × 20/√3 = 70 + 10/√2 = 70 + 5√2 ≈ 77.071.
    results = plain(table)
    assert results.entries[1].normalised == pytest.approx(70 + 5 * math.sqrt(2))
    assert results.entries[2].normalised == pytest.approx(70)
    assert results.entries[3].normalised == pytest.approx(70 - 5 * math.sqrt(2))
    assert results.jurors[1].sd == 0


def test_a_juror_with_a_single_sheet_gives_z_zero():
    # Juror 1: 80 and 60, mean 70, sd 10 → z +1, −1. Juror 2 scored entry 1 only → z = 0.
    # Pool 80, 60, 40: mean 60, sd √(800/3) = 20 √(2/3).
    # Entry 1: mean z (1 + 0) / 2 = 0.5 → 60 + 10 √(2/3) ≈ 68.165; entry 2: 60 − 20 √(2/3).
    results = plain({1: {1: 80, 2: 40}, 2: {1: 60}})
    assert results.entries[1].normalised == pytest.approx(60 + 10 * math.sqrt(2 / 3))
    assert results.entries[2].normalised == pytest.approx(60 - 20 * math.sqrt(2 / 3))


def test_with_a_single_juror_the_normalised_score_is_the_raw_one():
    # z = (x − m) / sd and the pool is that juror: m + z × sd = x.
    results = plain({1: {1: 35}, 2: {1: 80}, 3: {1: 62}})
    assert [row.normalised for row in results.entries.values()] == pytest.approx([35, 80, 62])


# --- Unranked entries and the method ---------------------------------------------------------


def test_entries_below_the_minimum_of_sheets_are_not_ranked():
    entries = [EntrySpec(entry, nomination_id=1) for entry in (1, 2, 3, 4)]
    sheets = [
        SheetScores(1, 1, {1: 60}),
        SheetScores(1, 2, {1: 80}),
        SheetScores(2, 1, {1: 90}),  # one sheet, two needed
        SheetScores(4, 1, {1: None}),  # a sheet with nothing scored is no sheet
    ]
    results = compute([ONLY], entries, sheets, min_sheets=2)
    nomination = results.nominations[1]
    assert [row.entry_id for row in nomination.ranked] == [1]
    assert results.entries[1].place == 1 and results.entries[1].ranked
    assert [(row.entry_id, row.reason) for row in nomination.unranked] == [
        (2, scoring.TOO_FEW_SHEETS),
        (3, scoring.NO_SHEETS),
        (4, scoring.NO_SHEETS),
    ]
    # Its figures are still there for the chair to see, without a place.
    assert results.entries[2].mean == 90 and results.entries[2].place is None
    assert results.entries[4].blank_sheets == 1
    assert set(scoring.UNRANKED_REASONS) == {scoring.NO_SHEETS, scoring.TOO_FEW_SHEETS}


def test_each_method_ranks_by_its_own_score():
    # Entry 1: 10, 80, 90 → mean 60, median 80. Entry 2: 70, 70, 70 → mean 70, median 70.
    table = {1: {1: 10, 2: 80, 3: 90}, 2: {1: 70, 2: 70, 3: 70}}
    assert places(plain(table, method=scoring.MEAN)) == {2: 1, 1: 2}
    assert places(plain(table, method=scoring.MEDIAN)) == {1: 1, 2: 2}
    assert plain(table, method=scoring.MEDIAN).entries[1].score == 80


def test_each_nomination_is_ranked_on_its_own():
    entries = [EntrySpec(1, 1), EntrySpec(2, 2), EntrySpec(3, 1), EntrySpec(4, 2)]
    sheets = [SheetScores(entry, 1, {1: 10 * entry}) for entry in (1, 2, 3, 4)]
    results = compute([ONLY], entries, sheets)
    assert list(results.nominations) == [1, 2]
    assert places(results, 1) == {3: 1, 1: 2}
    assert places(results, 2) == {4: 1, 2: 2}


def test_places_one_to_three_are_the_top_three():
    results = plain({entry: {1: 100 - entry} for entry in range(1, 6)})
    assert [row.in_top_three for row in results.entries.values()] == [True] * 3 + [False] * 2


def test_sheets_of_entries_not_given_are_left_out():
    entries = [EntrySpec(1, 1), EntrySpec(2, 1)]
    sheets = [SheetScores(1, 1, {1: 80}), SheetScores(2, 1, {1: 60}), SheetScores(9, 1, {1: 0})]
    results = compute([ONLY], entries, sheets)
    assert results.jurors[1].totals == [60, 80] and results.pool_mean == 70


# --- The tie-break chain -----------------------------------------------------------------------


def test_the_chain_is_printed_from_one_constant():
    assert [code for code, _label in scoring.TIE_BREAKS] == [
        scoring.NORMALISED,
        scoring.TOP_CRITERION,
        scoring.CHAIR,
    ]
    with translation.override("en"):
        assert str(scoring.TIE_BREAKS[0][1]) == "the normalised score"


def test_equal_means_are_ordered_by_the_normalised_score():
    # Juror 1 (strict) scored 1 → 60 and 2 → 40: mean 50, sd 10, entry 1 z = +1.
    # Juror 2 (lenient) scored 3 → 60 and 4 → 80: mean 70, sd 10, entry 3 z = −1.
    # Pool 60, 40, 60, 80: mean 60, sd √200. Entry 1: 60 + √200 ≈ 74.14; entry 3: 45.86.
    results = plain({1: {1: 60}, 2: {1: 40}, 3: {2: 60}, 4: {2: 80}}, order=[3, 1, 2, 4])
    assert results.entries[1].normalised == pytest.approx(60 + math.sqrt(200))
    assert places(results) == {4: 1, 1: 2, 3: 3, 2: 4}
    assert results.entries[3].broken_by == scoring.NORMALISED
    # Entry 1's 60 is below entry 4's 80: its score placed it, not the chain.
    assert results.entries[1].broken_by is None
    assert not any(row.tied for row in results.entries.values())


def test_equal_means_and_normalised_scores_are_ordered_by_the_top_criterion():
    heavy = CriterionSpec(id=1, weight=2, max_score=10)
    light = CriterionSpec(id=2, weight=1, max_score=10)
    # One juror: (2 × 0.8 + 1 × 0.5) / 3 = 2.1 / 3 → 70, and (2 × 0.7 + 1 × 0.7) / 3 → 70.
    # With one juror the normalised scores are the raw ones: 70 and 70 again.
    sheets = [SheetScores(1, 1, {1: 7, 2: 7}), SheetScores(2, 1, {1: 8, 2: 5})]
    results = compute([heavy, light], [EntrySpec(1, 1), EntrySpec(2, 1)], sheets)
    assert results.entries[1].mean == pytest.approx(results.entries[2].mean)
    assert results.nominations[1].top_criterion_id == 1
    # On the heavier criterion entry 2 has 8 and entry 1 has 7.
    assert places(results) == {2: 1, 1: 2}
    assert results.entries[1].broken_by == scoring.TOP_CRITERION


def test_the_first_of_the_criteria_sharing_the_top_weight_breaks_ties():
    first = CriterionSpec(id=5, weight=Decimal("1.00"), max_score=10)
    second = CriterionSpec(id=3, weight=1, max_score=10)
    local = CriterionSpec(id=4, weight=3, max_score=10, nomination_id=2)
    # Both total (6 + 8) / 2 and (8 + 6) / 2 → 70; criterion 5 comes first in the contest's order.
    sheets = [SheetScores(1, 1, {5: 6, 3: 8}), SheetScores(2, 1, {5: 8, 3: 6})]
    results = compute([first, second, local], [EntrySpec(1, 1), EntrySpec(2, 1)], sheets)
    assert results.nominations[1].top_criterion_id == 5
    assert places(results) == {2: 1, 1: 2}


def test_the_chairs_decision_breaks_what_is_left():
    results = plain({1: {1: 70}, 2: {1: 70}}, chair_order={1: 2, 2: 1})
    assert places(results) == {2: 1, 1: 2}
    assert results.entries[1].broken_by == scoring.CHAIR
    assert results.nominations[1].ties == []


def test_an_entry_with_a_decision_comes_before_one_without():
    results = plain({1: {1: 70}, 2: {1: 70}}, chair_order={2: 5})
    assert places(results) == {2: 1, 1: 2}


def test_an_unbroken_tie_shares_the_place_and_the_next_is_skipped():
    results = plain({1: {1: 90}, 2: {1: 70}, 3: {1: 70}, 4: {1: 50}})
    assert places(results) == {1: 1, 2: 2, 3: 2, 4: 4}
    tied = [row.entry_id for row in results.entries.values() if row.tied]
    assert tied == [2, 3]
    assert results.entries[2].tie_step == results.entries[3].tie_step == scoring.CHAIR
    assert results.entries[1].tie_step is None
    assert results.nominations[1].ties == [Tie(place=2, entry_ids=[2, 3], shared_by_chair=False)]


def test_the_chair_may_share_a_place_on_purpose():
    results = plain({1: {1: 70}, 2: {1: 70}}, chair_order={1: 1, 2: 1})
    assert places(results) == {1: 1, 2: 1}
    assert results.nominations[1].ties == [Tie(place=1, entry_ids=[1, 2], shared_by_chair=True)]


def test_float_noise_makes_no_order():
    # Both total (1.8 + 5.1 + 5.1) × 100 / 30 = 40, but in floats the second comes out as
    # 39.99999999999999: rounded to six places they are equal and the chain decides.
    criteria = [CriterionSpec(number, 1, 10) for number in (1, 2, 3)]
    sheets = [
        SheetScores(1, 1, {1: 1.8, 2: 5.1, 3: 5.1}),
        SheetScores(2, 1, {1: 5.1, 2: 5.1, 3: 1.8}),
    ]
    results = compute(criteria, [EntrySpec(1, 1), EntrySpec(2, 1)], sheets)
    assert results.entries[1].mean > results.entries[2].mean
    # Criterion 1, the first of the equal weights: 5.1 against 1.8.
    assert places(results) == {2: 1, 1: 2}
    assert results.entries[1].broken_by == scoring.TOP_CRITERION


# --- Agreement ---------------------------------------------------------------------------------


def test_kendalls_w_is_one_when_every_juror_orders_alike():
    table = {1: {1: 90, 2: 95, 3: 80}, 2: {1: 80, 2: 85, 3: 70}, 3: {1: 70, 2: 60, 3: 60}}
    # Rank sums 3, 6, 9, mean 6: S = 9 + 0 + 9 = 18; W = 12 × 18 / (3² × (3³ − 3)) = 216/216.
    agreement = plain(table).nominations[1].agreement
    assert agreement.w == pytest.approx(1)
    assert (agreement.jurors, agreement.entries) == (3, 3)


def test_kendalls_w_with_tied_totals():
    table = {
        1: {1: 90, 2: 85, 3: 70},
        2: {1: 80, 2: 85, 3: 90},
        3: {1: 70, 2: 60, 3: 50},
        4: {1: 60, 2: 50, 3: 50},
    }
    # Ranks (highest first), juror 1: 1, 2, 3, 4; juror 2: 1.5, 1.5, 3, 4 (T = 2³ − 2 = 6);
    # juror 3: 2, 1, 3.5, 3.5 (T = 6). Rank sums: 4.5, 4.5, 9.5, 11.5 (total 30), mean 7.5.
    # S = 3² + 3² + 2² + 4² = 38. W = 12 × 38 / (3² × (4³ − 4) − 3 × (0 + 6 + 6))
    #   = 456 / (540 − 36) = 456 / 504 = 19/21 ≈ 0.9048.
    agreement = plain(table).nominations[1].agreement
    assert agreement.w == pytest.approx(19 / 21)
    assert (agreement.jurors, agreement.entries) == (3, 4)


def test_kendalls_w_is_over_the_jurors_who_scored_every_ranked_entry():
    table = {
        1: {1: 90, 2: 85, 3: 70, 4: 10},
        2: {1: 80, 2: 85, 3: 90, 4: 90},
        3: {1: 70, 2: 60, 3: 50, 4: 50},
        4: {1: 60, 2: 50, 3: 50},
        5: {1: 40},  # one sheet of two: not ranked, so it does not break the block
    }
    # Juror 4 skipped entry 4: the block is jurors 1–3 on entries 1–4, as in the test above.
    agreement = plain(table, min_sheets=2).nominations[1].agreement
    assert agreement.w == pytest.approx(19 / 21)
    assert (agreement.jurors, agreement.entries) == (3, 4)


def test_kendalls_w_keeps_every_juror_when_conflicts_took_an_entry_off_each():
    table = {
        1: {1: 90, 2: 85, 3: 80, 4: 95},
        2: {1: 80, 2: 75, 3: 70, 4: 60},
        3: {1: 70, 2: 65, 3: 60, 4: 70},
        4: {1: 60, 3: 50, 4: 50},  # juror 2 had a conflict with entry 4
        5: {2: 40, 3: 30, 4: 40},  # juror 1 had a conflict with entry 5
    }
    # Jurors who scored every entry: 3 and 4, a block of 2 × 5 = 10. Jurors 1–4 all scored
    # entries 1–3: a block of 4 × 3 = 12, the larger. Ranks on entries 1, 2, 3: jurors 1–3
    # give 1, 2, 3; juror 4 gives 1, 3, 2. Rank sums 4, 9, 11, mean 4 × 4 / 2 = 8:
    # S = 16 + 1 + 9 = 26; W = 12 × 26 / (4² × (3³ − 3)) = 312 / 384 = 0.8125.
    agreement = plain(table).nominations[1].agreement
    assert (agreement.jurors, agreement.entries) == (4, 3)
    assert agreement.w == pytest.approx(0.8125)


def test_kendalls_w_needs_two_jurors_and_two_entries():
    one_juror = plain({1: {1: 80}, 2: {1: 60}}).nominations[1].agreement
    assert (one_juror.w, one_juror.jurors, one_juror.entries) == (None, 1, 2)
    one_entry = plain({1: {1: 80, 2: 60}}).nominations[1].agreement
    assert (one_entry.w, one_entry.jurors, one_entry.entries) == (None, 2, 1)
    nothing = plain({1: {}}).nominations[1].agreement
    assert (nothing.w, nothing.jurors, nothing.entries) == (None, 0, 0)


# --- Jurors ------------------------------------------------------------------------------------


def test_leniency_is_above_zero_for_a_lenient_juror_and_below_for_a_strict_one():
    table = {
        1: {1: 80, 2: 70, 3: 60},  # juror 1: 80 − (70 + 60)/2 = +15; 2: 0; 3: 60 − 75 = −15
        2: {1: 90, 2: 70},  # juror 1: 90 − 70 = +20; juror 2: 70 − 90 = −20
        3: {1: 50},  # nobody else scored it: left out of juror 1's leniency
        4: {4: 65},  # juror 4 shares no entry
    }
    jurors = plain(table).jurors
    assert jurors[1].leniency == pytest.approx((15 + 20) / 2) and jurors[1].shared_entries == 2
    assert jurors[2].leniency == pytest.approx((0 - 20) / 2)
    assert jurors[3].leniency == pytest.approx(-15)
    assert jurors[4].leniency is None and jurors[4].shared_entries == 0
    # Their distribution, lowest first: 50, 80, 90 → mean 73.33.
    assert jurors[1].totals == [50, 80, 90] and jurors[1].count == 3
    assert jurors[1].mean == pytest.approx(220 / 3)


def test_all_equal_scores_everywhere():
    results = plain({entry: dict.fromkeys((1, 2, 3), 70) for entry in (1, 2, 3)})
    for row in results.entries.values():
        assert (row.mean, row.median, row.normalised, row.spread) == (70, 70, 70, 0)
        assert row.place == 1 and row.tied
    assert results.nominations[1].ties == [Tie(1, [1, 2, 3], shared_by_chair=False)]
    # Every juror ties every entry: T = 3³ − 3 = 24 each, so 3² × 24 − 3 × 72 = 0: no W.
    agreement = results.nominations[1].agreement
    assert (agreement.w, agreement.jurors, agreement.entries) == (None, 3, 3)
    assert {juror.leniency for juror in results.jurors.values()} == {0}
    assert results.pool_sd == 0


# --- Bad input and size ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, message",
    [
        ({"method": "best_of"}, "Unknown ranking method"),
        ({"min_sheets": 0}, "min_sheets"),
        ({"criteria": [CriterionSpec(1, 0, 10)]}, "weight"),
        ({"criteria": [CriterionSpec(1, 1, 0)]}, "weight"),
        ({"entries": [EntrySpec(1, 1), EntrySpec(1, 1)]}, "given twice"),
        ({"sheets": [SheetScores(1, 7, {}), SheetScores(1, 7, {1: 5})]}, "two sheets"),
    ],
)
def test_bad_input_is_refused(change, message):
    arguments = {
        "criteria": [ONLY],
        "entries": [EntrySpec(1, 1)],
        "sheets": [SheetScores(1, 7, {1: 50})],
    } | change
    with pytest.raises(ValueError, match=message):
        compute(**arguments)


def test_an_empty_contest():
    results = compute([], [], [])
    assert results.entries == {} and results.nominations == {} and results.jurors == {}
    assert results.pool_mean is None


def test_a_large_contest():
    """500 entries in 5 nominations, 9 jurors each scoring every entry on 6 criteria, some left
    unscored: one pass and a sort per nomination (a few tens of milliseconds)."""
    generator = random.Random(10)
    criteria = [CriterionSpec(number, weight=number, max_score=10) for number in range(1, 5)] + [
        CriterionSpec(5, weight=2, max_score=5, nomination_id=1),
        CriterionSpec(6, weight=3, max_score=20, nomination_id=2),
    ]
    entries = [EntrySpec(number, nomination_id=number % 5) for number in range(500)]
    sheets = [
        SheetScores(
            entry.id,
            juror,
            {
                criterion.id: None
                if generator.random() < 0.05
                else generator.randint(0, criterion.max_score)
                for criterion in criteria
            },
        )
        for entry in entries
        for juror in range(1, 10)
    ]
    results = compute(criteria, entries, sheets, scoring.TRIMMED_MEAN, min_sheets=3)
    assert len(results.entries) == 500 and len(results.nominations) == 5
    for nomination in results.nominations.values():
        assert len(nomination.ranked) == 100 and nomination.ranked[0].place == 1
        scores = [round(row.score, scoring.DECIMALS) for row in nomination.ranked]
        assert scores == sorted(scores, reverse=True)
        assert nomination.agreement.jurors == 9 and nomination.agreement.entries == 100
        assert 0 <= nomination.agreement.w <= 1
    assert [juror.count for juror in results.jurors.values()] == [500] * 9
    assert all(row.trimmed for row in results.entries.values())
