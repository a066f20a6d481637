"""The Z39.71-style statement of holdings (periodicals.summary) and where an issue can be read in
print (periodicals.holdings_query)."""

import datetime

import pytest
from django.utils import translation

from periodicals import holdings_query, summary
from tests.factories.periodicals import HeldIssueFactory, HoldingFactory, IssuePageFactory


@pytest.fixture(autouse=True)
def english():
    # The mark is translated by the lead («неполн.» in Russian); the rule is tested in English.
    with translation.override("en"):
        yield


def whole(*years):
    return [(year, "") for year in years]


def test_an_empty_holding_has_an_empty_statement():
    assert summary.statement([]) == ""
    assert summary.ranges({}) == []


def test_one_year_is_written_alone():
    assert summary.statement(whole(1957)) == "1957"


def test_consecutive_years_make_a_range_and_gaps_split_it():
    held = whole(1956, 1957, 1958, 1959, 1960, 1962, 1963, 1991)
    assert summary.statement(held) == "1956–1960; 1962–1963; 1991"


def test_years_held_by_numbers_are_incomplete_unless_every_known_issue_is_there():
    known = {1957: {"1", "2", "3"}, 1958: {"1", "2"}}
    held = [(1957, "1"), (1957, "2"), (1957, "3"), (1958, "1")]
    states = summary.year_states(held, known)
    assert states == {1957: True, 1958: False}
    assert summary.statement(held, known) == "1957; 1958 (incomplete)"


def test_completeness_changes_split_a_run_of_years():
    known = {1958: {"1", "2"}}
    held = [*whole(1956, 1957), (1958, "1"), *whole(1959)]
    assert summary.statement(held, known) == "1956–1957; 1958 (incomplete); 1959"


def test_all_incomplete_years_make_one_incomplete_range():
    held = [(1960, "5"), (1961, "7"), (1962, "1")]
    # No issue of those years is known: completeness is never guessed.
    assert summary.statement(held) == "1960–1962 (incomplete)"


def test_numbers_compare_by_their_first_digits():
    assert summary.number_key("45 (1234)") == "45"
    assert summary.number_key("№ 007") == "7"
    assert summary.number_key(" Спецвыпуск ") == "спецвыпуск"
    known = {1957: {"45"}}
    assert summary.statement([(1957, "45")], known) == "1957"


def test_a_whole_year_row_beats_its_numbered_rows():
    held = [(1957, "1"), (1957, "")]
    assert summary.statement(held, {1957: {"1", "2"}}) == "1957"


def test_a_typed_statement_is_read_back():
    parsed = summary.parse("1956–1960; 1962-1991 (неполн.); 1995; без года; 2001–1999")
    assert [(r.first, r.last, r.complete) for r in parsed] == [
        (1956, 1960, True),
        (1962, 1991, False),
        (1995, 1995, True),
        (1999, 2001, True),
    ]
    assert summary.parse("") == []


def test_the_holding_statement_prefers_what_was_typed(catalogue):
    holding = HoldingFactory(title=catalogue["title"], library=catalogue["central"])
    HeldIssueFactory(holding=holding, year=1957, number="1")
    HeldIssueFactory(holding=holding, year=1957, number="2")
    HeldIssueFactory(holding=holding, year=1957, number="3")
    HeldIssueFactory(holding=holding, year=1958, number="")
    assert summary.holding_statement(holding) == "1957–1958"
    holding.summary = "1957–1958 (incomplete)"
    assert summary.holding_statement(holding) == "1957–1958 (incomplete)"


def test_libraries_holding_an_issue(catalogue, django_assert_max_num_queries):
    title, first, second, _third = catalogue["title"], *catalogue["issues"]
    by_numbers = HoldingFactory(title=title, library=catalogue["central"])
    HeldIssueFactory(holding=by_numbers, year=1957, number="1")
    typed = HoldingFactory(
        title=title, library=catalogue["regional"], summary="1950–1960 (неполн.)"
    )
    with django_assert_max_num_queries(5):
        held = holdings_query.libraries_holding(first)
    assert [(h.library, h.certain) for h in held] == [
        (catalogue["central"], True),
        (catalogue["regional"], False),
    ]
    assert held[1].holding == typed
    assert [h.library for h in holdings_query.libraries_holding(second)] == [catalogue["regional"]]
    elsewhere = IssuePageFactory(parent=title, date=datetime.date(1970, 5, 9), number="50")
    assert holdings_query.libraries_holding(elsewhere) == []


def test_holdings_by_year_keys_numbers_and_whole_years(catalogue, django_assert_max_num_queries):
    title = catalogue["title"]
    by_numbers = HoldingFactory(title=title, library=catalogue["central"])
    for number in ("1", "2 (5012)"):
        HeldIssueFactory(holding=by_numbers, year=1957, number=number)
    whole_year = HoldingFactory(title=title, library=catalogue["regional"])
    HeldIssueFactory(holding=whole_year, year=1957, number="")
    HeldIssueFactory(holding=whole_year, year=1958, number="")
    with django_assert_max_num_queries(4):
        result = holdings_query.holdings_by_year(title, 1957)
    assert set(result) == {None, "1", "2"}
    assert [h.library for h in result[None]] == [catalogue["regional"]]
    assert [h.library for h in result["2"]] == [catalogue["central"]]
    assert result["1"][0].statement == "1957 (incomplete)"  # № 3 is missing
    assert holdings_query.holdings_by_year(title, 1959) == {}
    assert set(holdings_query.holdings_by_year(title, 1958)) == {None}
